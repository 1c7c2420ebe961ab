"""Mesures de l'annuaire de l'ESS (issue #4) : recherche sur 100 000 structures, pages à nombre de requêtes
fixe, import de 10 000 lignes.

Tout se passe dans une transaction annulée à la fin : la base de mesure reste celle de la démonstration.
Le référentiel national (communes, EPCI, QPV de ../shared/data) est importé dans cette transaction s'il
n'est pas déjà en base, pour que les structures générées se répartissent sur de vrais territoires.
"""

import io
import random
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acteurs_ess import generateur, imports
from acteurs_ess.choix import Agrement, Domaine, FormeJuridique
from acteurs_ess.models import Structure
from acteurs_ess.selectors import Criteres, page_de_resultats
from territoires.models import Commune

NOMBRE_STRUCTURES = 100_000
NOMBRE_RECHERCHES = 200
LIGNES_IMPORT = 10_000
GRAINE = 2024


class _Annuler(Exception):
    pass


def _mots() -> list[str]:
    """Des mots que l'on tape dans un annuaire : activités, publics, noms de quartiers, une faute parfois."""
    mots = [theme for themes in generateur.THEMES.values() for theme in themes]
    mots += [
        "épicerie",
        "insertion",
        "jeunes",
        "vélo",
        "recyclerie",
        "jardin",
        "numérique",
        "femmes",
        "santé",
        "culture",
        "régie de quartier",
        "boxe",
        "théâtre",
        "soutien scolaire",
        "médiation",
        "tiers-lieu",
        "Blosne",
        "Maurepas",
        "Villejean",
        "Mirail",
        "café associatif",
        "compostage",
        "garage solidaire",
    ]
    mots += ["recyclrie", "epicrie solidaire", "medaition"]  # fautes de frappe
    return mots


def _criteres(aleatoire: random.Random, territoire: generateur.Territoire) -> list[Criteres]:
    mots = _mots()
    epcis = list(Commune.objects.filter(epci__isnull=False).values_list("epci_id", flat=True).distinct())
    communes_qpv = sorted({code for _, codes in territoire.qpv for code in codes})
    criteres = []
    for rang in range(NOMBRE_RECHERCHES):
        critere = Criteres(texte=aleatoire.choice(mots) if rang % 5 else "")
        filtre = aleatoire.random()
        if filtre < 0.25 and territoire.qpv:
            critere.qpv = aleatoire.choice(territoire.qpv)[0]
        elif filtre < 0.45 and communes_qpv:
            critere.commune = aleatoire.choice(communes_qpv)
        elif filtre < 0.6 and epcis:
            critere.epci = aleatoire.choice(epcis)
        if aleatoire.random() < 0.25:
            critere.forme_juridique = aleatoire.choice(FormeJuridique.values)
        if aleatoire.random() < 0.2:
            critere.domaine = aleatoire.choice(Domaine.values)
        if aleatoire.random() < 0.1:
            critere.agrement = aleatoire.choice(Agrement.values)
        criteres.append(critere)
    return criteres


def _rechercher(critere: Criteres) -> float:
    debut = time.perf_counter()
    resultats = page_de_resultats(critere)
    resultats.page.paginator.count  # noqa: B018 — le nombre affiché fait partie de la recherche
    list(resultats.page.object_list)
    return (time.perf_counter() - debut) * 1000


def _requetes(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
    if reponse.status_code != 200:
        raise RuntimeError(f"GET {url} : statut {reponse.status_code}")
    return len(requetes)


def _mesurer(rapport) -> None:
    if Commune.objects.count() < 30_000:
        call_command(
            "importer_territoires", str(settings.DONNEES_PARTAGEES), stdout=io.StringIO(), stderr=io.StringIO()
        )
    territoire = generateur.Territoire.depuis_la_base(GRAINE)

    debut = time.perf_counter()
    generateur.generer(NOMBRE_STRUCTURES, GRAINE, territoire)
    rapport("acteurs_ess.generation_100000_structures", time.perf_counter() - debut, "s")
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE acteurs_ess_structure")
        curseur.execute("ANALYZE acteurs_ess_structure_qpv")

    aleatoire = random.Random(GRAINE)
    criteres = _criteres(aleatoire, territoire)
    for critere in criteres[:20]:  # échauffement
        _rechercher(critere)
    durees = [_rechercher(critere) for critere in criteres]
    rapport("acteurs_ess.recherche_mediane", statistics.median(durees), "ms", 30)
    rapport("acteurs_ess.recherche_p95", statistics.quantiles(durees, n=20, method="inclusive")[18], "ms", 80)

    client = Client()
    annuaire = reverse("acteurs_ess:annuaire")
    structure = Structure.objects.filter(qpv__isnull=False).order_by("pk").first()
    rapport("acteurs_ess.annuaire_requetes_sql", _requetes(client, f"{annuaire}?q=jeunesse"), "requêtes")
    rapport("acteurs_ess.profil_requetes_sql", _requetes(client, structure.get_absolute_url()), "requêtes")
    pages = []
    for critere in criteres[:50]:
        parametres = {"q": critere.texte, "qpv": critere.qpv, "commune": critere.commune, "epci": critere.epci}
        debut = time.perf_counter()
        client.get(annuaire, {cle: valeur for cle, valeur in parametres.items() if valeur})
        pages.append((time.perf_counter() - debut) * 1000)
    rapport("acteurs_ess.page_annuaire_mediane", statistics.median(pages), "ms")

    fichier = generateur.lignes_csv(LIGNES_IMPORT, GRAINE + 1, territoire, debut=NOMBRE_STRUCTURES).encode()
    debut = time.perf_counter()
    analyse = imports.analyser("structures.csv", fichier)
    if not analyse.est_valide:
        raise RuntimeError(f"import généré invalide : {analyse.erreur or analyse.rejets[0].explication}")
    bilan = imports.ecrire(analyse)
    rapport("acteurs_ess.import_10000_lignes", time.perf_counter() - debut, "s", 30)
    if bilan.creees != LIGNES_IMPORT:
        raise RuntimeError(f"{bilan.creees} structures créées au lieu de {LIGNES_IMPORT}")


def mesurer(rapport) -> None:
    try:
        with transaction.atomic():
            _mesurer(rapport)
            raise _Annuler
    except _Annuler:
        pass
