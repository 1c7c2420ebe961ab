"""Mesures du référentiel territorial (issue #3) : import national, plancher COPY, autocomplétion.

Tout se passe dans une transaction annulée à la fin : la base de mesure reste celle de la démonstration, et
« import initial » mesure bien un premier import à chaque `make bench`.
"""

import random
import statistics
import time

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from config.lib.texte import sans_accents
from territoires.imports import lecture, service
from territoires.imports.service import FICHIERS, importer_dossier
from territoires.models import Commune, Epci, Qpv

NOMBRE_REQUETES = 200
GRAINE = 2024


class _Annuler(Exception):
    pass


def _chrono(fonction):
    debut = time.perf_counter()
    resultat = fonction()
    return time.perf_counter() - debut, resultat


def _plancher_copy() -> float:
    """Le temps d'un simple COPY des mêmes lignes dans des tables temporaires sans index (lecture exclue)."""
    dossier = settings.DONNEES_PARTAGEES
    epci = lecture.lire_epci(dossier / FICHIERS["epci"])
    ept = lecture.lire_epci(dossier / FICHIERS["ept"], ept=True)
    tables = [
        ("territoires_region", service.COLONNES_REGION, lecture.lire_regions(dossier / FICHIERS["regions"])),
        (
            "territoires_departement",
            service.COLONNES_DEPARTEMENT,
            lecture.lire_departements(dossier / FICHIERS["departements"]),
        ),
        ("territoires_epci", service.COLONNES_EPCI, epci.lignes + ept.lignes),
        (
            "territoires_commune",
            service.COLONNES_COMMUNE,
            lecture.lire_communes(dossier / FICHIERS["communes"], epci.membres, ept.membres).lignes,
        ),
        (
            "territoires_qpv",
            service.COLONNES_QPV_CONTOURS,
            lecture.lire_contours_qpv(dossier / FICHIERS["qpv_contours"]).lignes,
        ),
    ]
    liste = lecture.lire_liste_qpv(dossier / FICHIERS["qpv_liste"])
    tables.append(("territoires_qpv_communes", service.COLONNES_QPV_COMMUNES, liste.communes))
    duree = 0.0
    with connection.cursor() as cursor:
        for table, colonnes, lignes in tables:
            cursor.execute(
                f"CREATE TEMP TABLE plancher_{table} AS SELECT {', '.join(colonnes)} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"ALTER TABLE plancher_{table} ADD COLUMN ligne integer")
            debut = time.perf_counter()
            with cursor.cursor.copy(f"COPY plancher_{table} ({', '.join(colonnes)}, ligne) FROM STDIN") as copie:
                for ligne in lignes:
                    copie.write_row(ligne)
            duree += time.perf_counter() - debut
    return duree


def _faute(texte: str, hasard: random.Random) -> str:
    if len(texte) < 5:
        return texte
    i = hasard.randrange(1, len(texte) - 2)
    if hasard.random() < 0.5:
        return texte[:i] + texte[i + 1] + texte[i] + texte[i + 2 :]  # deux lettres inversées
    return texte[:i] + texte[i + 1 :]  # une lettre oubliée


def requetes_variees() -> list[str]:
    """200 saisies réalistes : noms avec et sans accents, débuts de noms, fautes, codes de toutes sortes."""
    hasard = random.Random(GRAINE)
    communes = list(Commune.objects.actuelles().exclude(population=None).order_by("-population")[:3000])
    qpvs = list(Qpv.objects.order_by("code"))
    epcis = list(Epci.objects.order_by("siren"))
    requetes = []
    for _ in range(40):
        requetes.append(hasard.choice(communes).nom)
    for _ in range(25):
        requetes.append(sans_accents(hasard.choice(communes).nom).lower())
    for _ in range(25):
        nom = hasard.choice(communes).nom
        requetes.append(nom[: hasard.randint(3, 7)])
    for _ in range(30):
        requetes.append(_faute(sans_accents(hasard.choice(communes).nom), hasard))
    for _ in range(20):
        requetes.append(hasard.choice(qpvs).nom)
    for _ in range(15):
        requetes.append(hasard.choice(epcis).nom)
    for _ in range(15):
        requetes.append(hasard.choice(communes).code)
    for _ in range(10):
        commune = hasard.choice([c for c in communes[:500] if c.codes_postaux])
        requetes.append(commune.codes_postaux[0])
    for _ in range(10):
        requetes.append(hasard.choice(qpvs).code)
    for _ in range(10):
        requetes.append(hasard.choice(epcis).siren)
    assert len(requetes) == NOMBRE_REQUETES
    hasard.shuffle(requetes)
    return requetes


def _autocompletion(rapport) -> None:
    client = Client()
    adresse = reverse("territoires:autocompletion")
    requetes = requetes_variees()
    for texte in requetes[:20]:  # mise en route : connexion, caches de PostgreSQL
        client.get(adresse, {"q": texte})
    durees, sans_resultat = [], 0
    for texte in requetes:
        debut = time.perf_counter()
        reponse = client.get(adresse, {"q": texte})
        durees.append((time.perf_counter() - debut) * 1000)
        sans_resultat += not reponse.json()["resultats"]
    durees.sort()
    rapport("territoires.autocompletion_mediane", statistics.median(durees), "ms", 15)
    rapport("territoires.autocompletion_p95", durees[int(0.95 * len(durees)) - 1], "ms", 30)
    rapport("territoires.autocompletion_sans_resultat", sans_resultat, "requêtes", None)


def mesurer(rapport) -> None:
    dossier = settings.DONNEES_PARTAGEES
    if not (dossier / FICHIERS["communes"]).is_file():
        raise FileNotFoundError(f"Fichiers nationaux introuvables dans {dossier} (COVILLE_DONNEES).")
    try:
        with transaction.atomic():
            initial, bilan = _chrono(lambda: importer_dossier(dossier))
            rapport("territoires.import_initial", initial, "s", 20)
            duree, bilan = _chrono(lambda: importer_dossier(dossier))
            assert not bilan.a_change, bilan.lignes()
            rapport("territoires.import_sans_changement", duree, "s", 10)
            plancher = _plancher_copy()
            rapport("territoires.copy_plancher", plancher, "s", None)
            rapport("territoires.import_initial_sur_plancher", initial / plancher, "×", None)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE territoires_commune, territoires_epci, territoires_qpv")
            _autocompletion(rapport)
            raise _Annuler
    except _Annuler:
        pass
