"""Les valeurs des indicateurs en données ouvertes (CSV) : une ligne par indicateur, territoire, année et
nature de valeur.

Un export part d'une *source de valeurs* : un queryset de `Valeur` et un nom de fichier. Aujourd'hui, deux
sources : les lignes de base officielles (publiques) et les valeurs d'un contrat (pour ses associés). Un bilan
publié s'y branchera en donnant sa propre source (les valeurs qu'il a arrêtées) à `reponse_csv`, publique
comme lui.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from config.lib.tableurs import csv_en_flux
from evaluation.models import Unite, Valeur

COLONNES = [
    "indicateur_code",
    "indicateur_nom",
    "unite",
    "territoire_type",
    "territoire_code",
    "territoire_nom",
    "commune_insee",
    "annee",
    "nature",
    "valeur",
    "statut",
    "avertissement",
    "source",
    "origine",
    "version",
    "saisie_le",
]


@dataclass
class SourceDeValeurs:
    """Des valeurs à exporter, et le nom du fichier (sans extension)."""

    nom: str
    valeurs: QuerySet[Valeur]


def _nombre(valeur) -> str:
    """Point décimal, sans zéros inutiles : le format qu'un tableur ou un script relit sans ambiguïté."""
    if valeur is None:
        return ""
    texte = f"{valeur.normalize():f}"
    return texte


def lignes(valeurs: QuerySet[Valeur]) -> Iterator[list]:
    for v in valeurs.iterator(chunk_size=2000):
        yield [
            v.indicateur.code,
            v.indicateur.nom,
            Unite(v.indicateur.unite).label,
            v.get_niveau_display(),
            v.code_territoire,
            v.territoire,
            v.code_partie,
            v.annee or "non précisé",
            v.get_nature_display(),
            _nombre(v.valeur),
            "non diffusé" if v.non_diffusee else "diffusé",
            "hors de la plage plausible" if v.hors_plage else "",
            v.source,
            v.get_origine_display(),
            v.version,
            timezone.localtime(v.saisie_le).strftime("%Y-%m-%d"),
        ]


def reponse_csv(source: SourceDeValeurs) -> StreamingHttpResponse:
    reponse = StreamingHttpResponse(
        csv_en_flux(COLONNES, lignes(source.valeurs), bom=True), content_type="text/csv; charset=utf-8"
    )
    reponse["Content-Disposition"] = f'attachment; filename="{source.nom}.csv"'
    return reponse
