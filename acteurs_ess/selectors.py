"""Lectures de l'annuaire : recherche plein texte avec filtres, structures d'un territoire."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower

from acteurs_ess.models import MembreCollectif, Structure
from territoires.models import Qpv, SansAccent, nom_normalise

StructureQpv = Structure.qpv.through
StructureCommune = Structure.communes_action.through


@dataclass
class Criteres:
    """Ce que cherche un visiteur de l'annuaire (tous les champs sont facultatifs)."""

    texte: str = ""
    forme_juridique: str = ""
    agrement: str = ""
    domaine: str = ""
    qpv: str = ""
    commune: str = ""
    epci: str = ""
    collectif: int | None = None


def _agit_dans_qpv(code_qpv: str) -> Exists:
    return Exists(StructureQpv.objects.filter(structure_id=OuterRef("pk"), qpv_id=code_qpv))


def _agit_dans_commune(code_commune: str) -> Q:
    """Siège dans la commune, action déclarée dans la commune, ou dans un QPV de la commune."""
    return (
        Q(commune_id=code_commune)
        | Exists(StructureCommune.objects.filter(structure_id=OuterRef("pk"), commune_id=code_commune))
        | Exists(
            StructureQpv.objects.filter(
                structure_id=OuterRef("pk"),
                qpv_id__in=Qpv.communes.through.objects.filter(commune_id=code_commune).values("qpv_id"),
            )
        )
    )


def _agit_dans_epci(siren: str) -> Q:
    return (
        Q(commune__epci_id=siren)
        | Q(commune__ept_id=siren)
        | Exists(StructureCommune.objects.filter(structure_id=OuterRef("pk"), commune__epci_id=siren))
        | Exists(StructureQpv.objects.filter(structure_id=OuterRef("pk"), qpv__epci_id=siren))
    )


def filtrer(structures: QuerySet, criteres: Criteres) -> QuerySet:
    if criteres.forme_juridique:
        structures = structures.filter(forme_juridique=criteres.forme_juridique)
    if criteres.agrement:
        structures = structures.filter(agrements__contains=[criteres.agrement])
    if criteres.domaine:
        structures = structures.filter(domaines__contains=[criteres.domaine])
    if criteres.qpv:
        structures = structures.filter(_agit_dans_qpv(criteres.qpv))
    if criteres.commune:
        structures = structures.filter(_agit_dans_commune(criteres.commune))
    if criteres.epci:
        structures = structures.filter(_agit_dans_epci(criteres.epci))
    if criteres.collectif:
        structures = structures.filter(
            Exists(
                MembreCollectif.objects.filter(
                    collectif_id=criteres.collectif, organisation_id=OuterRef("organisation_id")
                )
            )
        )
    return structures


def rechercher_structures(criteres: Criteres) -> QuerySet:
    """Les structures qui répondent aux critères, les plus pertinentes d'abord.

    Le texte est cherché en plein texte français sans accents (noms, libellés des domaines, agréments et
    forme juridique, description ; index GIN sur la colonne générée `recherche`), et dans le nom par
    trigrammes pour tolérer une faute de frappe (index GIN trigramme sur le nom sans accents).
    """
    structures = filtrer(Structure.objects.select_related("commune"), criteres)
    texte = " ".join(criteres.texte.split())[:200]
    if not texte:
        return structures.order_by("raison_sociale", "pk")
    requete = SearchQuery(SansAccent(Value(texte)), config="french", search_type="websearch")
    texte_normalise = SansAccent(Lower(Value(texte)))
    return (
        structures.annotate(nom_normalise=nom_normalise("raison_sociale"))
        .filter(Q(recherche=requete) | Q(nom_normalise__trigram_word_similar=texte_normalise))
        .annotate(
            rang=SearchRank(F("recherche"), requete) + TrigramWordSimilarity(texte_normalise, F("nom_normalise")) / 2
        )
        .order_by("-rang", "raison_sociale", "pk")
    )


def structures_du_territoire(qpv=None, commune=None, epci=None) -> QuerySet:
    """Les structures qui agissent dans un QPV, une commune ou un EPCI (objets ou codes), par nom.

    Pour les pages du référentiel territorial : `{% include "acteurs_ess/_structures_territoire.html" %}`
    avec `structures` = ce queryset (découpé : `[:20]`).
    """
    structures = Structure.objects.select_related("commune").order_by("raison_sociale", "pk")
    if qpv is not None:
        structures = structures.filter(_agit_dans_qpv(getattr(qpv, "pk", qpv)))
    if commune is not None:
        structures = structures.filter(_agit_dans_commune(getattr(commune, "pk", commune)))
    if epci is not None:
        structures = structures.filter(_agit_dans_epci(getattr(epci, "pk", epci)))
    return structures
