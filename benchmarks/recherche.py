"""Mesures des autocomplétions (issue #14, point 7) à l'échelle nationale : 100 000 structures (et leurs
100 000 organisations), 10 000 organisations partenaires, 5 000 collectifs. Budget : médiane sous 15 ms par
suggestion, requête HTTP comprise (le point d'accès JSON, tel que le script du navigateur l'appelle).

Tout se passe dans une transaction annulée à la fin : la base de mesure reste celle de la démonstration.
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

from acteurs_ess import generateur
from acteurs_ess.models import Collectif, TypeCollectif
from comptes.models import Organisation, TypeOrganisation, Utilisateur
from territoires.models import Commune

NOMBRE_STRUCTURES = 100_000
NOMBRE_PARTENAIRES = 10_000
NOMBRE_COLLECTIFS = 5_000
NOMBRE_SAISIES = 300
GRAINE = 2014
BUDGET_MEDIANE_MS = 15


class _Annuler(Exception):
    pass


def _saisies(aleatoire: random.Random, noms: list[str]) -> list[str]:
    """Ce que l'on tape dans un champ : le début d'un nom (2 à 12 lettres), un mot du milieu, une faute."""
    saisies = []
    for _ in range(NOMBRE_SAISIES):
        nom = aleatoire.choice(noms)
        tirage = aleatoire.random()
        if tirage < 0.5:
            saisies.append(nom[: aleatoire.randint(2, 12)])
        elif tirage < 0.8:
            mots = [mot for mot in nom.split() if len(mot) > 3] or [nom]
            saisies.append(aleatoire.choice(mots))
        else:
            position = aleatoire.randint(1, max(1, len(nom) - 2))
            saisies.append(nom[:position] + nom[position + 1 :])  # une lettre oubliée
    return saisies


def _mesurer_point(client: Client, url: str, saisies: list[str]) -> tuple[float, float, int]:
    for saisie in saisies[:30]:  # échauffement
        client.get(url, {"q": saisie})
    durees = []
    requetes = set()
    for saisie in saisies:
        with CaptureQueriesContext(connection) as capture:
            debut = time.perf_counter()
            reponse = client.get(url, {"q": saisie})
            durees.append((time.perf_counter() - debut) * 1000)
        if reponse.status_code != 200:
            raise RuntimeError(f"GET {url}?q={saisie} : statut {reponse.status_code}")
        requetes.add(len(capture))
    # Bornées : une requête (structures, collectifs : publics, ni session ni compte lus) ; trois pour les
    # organisations (session, compte, recherche).
    return statistics.median(durees), statistics.quantiles(durees, n=20, method="inclusive")[18], max(requetes)


def _mesurer(rapport) -> None:
    if Commune.objects.count() < 30_000:
        call_command(
            "importer_territoires", str(settings.DONNEES_PARTAGEES), stdout=io.StringIO(), stderr=io.StringIO()
        )
    territoire = generateur.Territoire.depuis_la_base(GRAINE)
    generateur.generer(NOMBRE_STRUCTURES, GRAINE, territoire)
    aleatoire = random.Random(GRAINE)  # nosec B311 # saisies de mesure, aucun secret
    noms_structures = list(generateur.structures(NOMBRE_PARTENAIRES, GRAINE + 1, territoire, debut=NOMBRE_STRUCTURES))
    types = [TypeOrganisation.COMMUNE, TypeOrganisation.EPCI, TypeOrganisation.BAILLEUR, TypeOrganisation.PARTENAIRE]
    communes = list(Commune.objects.order_by("?").values_list("nom", flat=True)[:NOMBRE_PARTENAIRES])
    Organisation.objects.bulk_create(
        Organisation(nom=f"{prefixe} {nom}", type=type_)
        for prefixe, nom, type_ in (
            (
                aleatoire.choice(["Ville de", "Communauté de", "Habitat de", "Mission locale de"]),
                nom,
                aleatoire.choice(types),
            )
            for nom in communes
        )
    )
    Collectif.objects.bulk_create(
        Collectif(nom=f"Collectif {ligne.raison_sociale}", type=aleatoire.choice(TypeCollectif.values))
        for ligne in noms_structures[:NOMBRE_COLLECTIFS]
    )
    with connection.cursor() as curseur:
        for table in ("acteurs_ess_structure", "comptes_organisation", "acteurs_ess_collectif"):
            curseur.execute(f"ANALYZE {table}")  # nosec B608 # noms de tables du code

    structures = [ligne.raison_sociale for ligne in generateur.structures(2000, GRAINE, territoire)]
    client = Client()
    utilisateur = Utilisateur.objects.create_user(email="mesure-autocompletion@exemple.fr")
    client.force_login(utilisateur)
    points = {
        "structures": (reverse("acteurs_ess:autocompletion_structures"), structures),
        "organisations": (reverse("comptes:autocompletion_organisations"), [f"Ville de {n}" for n in communes]),
        "collectifs": (reverse("acteurs_ess:autocompletion_collectifs"), [f"Collectif {n}" for n in structures]),
    }
    for nom, (url, noms) in points.items():
        mediane, p95, requetes = _mesurer_point(client, url, _saisies(aleatoire, noms))
        rapport(f"recherche.autocompletion_{nom}_mediane", mediane, "ms", BUDGET_MEDIANE_MS)
        rapport(f"recherche.autocompletion_{nom}_p95", p95, "ms")
        rapport(f"recherche.autocompletion_{nom}_requetes_sql_max", requetes, "requêtes")


def mesurer(rapport) -> None:
    try:
        with transaction.atomic():
            _mesurer(rapport)
            raise _Annuler
    except _Annuler:
        pass
