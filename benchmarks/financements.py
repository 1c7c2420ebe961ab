"""Mesures des appels à projets et de l'instruction (issue #6), à l'échelle nationale : 448 contrats,
100 000 structures, 50 000 dossiers sur trois ans (financements/generateur.py).

- le tableau d'instruction avec filtres, pour un agent de la plus grande collectivité (15 000 dossiers) :
  200 requêtes, médiane (budget 80 ms) et 95e centile (budget 200 ms) ; nombre de requêtes SQL de la page ;
- l'export SCDL de cette collectivité (environ 10 000 subventions accordées), lu en entier (budget 5 s) ;
- avec 20 000 conventions (un tiers de CPO), leurs versements, comptes-rendus et avis (issue 12), le tableau
  de bord des conventions de cette collectivité : 200 requêtes sur ses cinq listes avec filtres, médiane
  (budget 80 ms) et 95e centile (budget 200 ms) ; nombre de requêtes SQL de chaque liste, le même à deux
  tailles de données (avant et après 2 000 conventions de plus).

Tout se passe dans une transaction annulée à la fin : la base de mesure reste celle de la démonstration.
"""

import io
import random
import time

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from benchmarks import centile_95, mediane, requetes_sql
from comptes.models import Adhesion, Role, Utilisateur
from financements.generateur import generer, generer_conventions
from financements.models import DecisionFinanceur, StatutDossier
from financements.selectors import dossiers_a_instruire
from financements.tableaux import conventions_du_financeur
from financements.views.tableaux import VUES
from territoires.models import Commune

REQUETES = 200
CHAUFFE = 20


class _Annuler(Exception):
    pass


def _filtres(aleatoire: random.Random, genere, qpv: list[str]) -> list[dict]:
    financeurs = [genere.grande.pk]
    filtres = []
    for _ in range(REQUETES + CHAUFFE):
        filtre = {}
        tirage = aleatoire.random()
        if tirage < 0.4:
            filtre["statut"] = aleatoire.choice(StatutDossier.values[1:])
        if aleatoire.random() < 0.3 and qpv:
            filtre["qpv"] = aleatoire.choice(qpv)
        if aleatoire.random() < 0.2:
            filtre["montant_min"] = aleatoire.choice([5000, 20000, 40000])
        if aleatoire.random() < 0.15:
            filtre["porteur"] = aleatoire.choice(["vélo", "régie", "solidaire", "jeunes"])
        if aleatoire.random() < 0.2:
            filtre["financeur"] = aleatoire.choice(financeurs)
        if aleatoire.random() < 0.3:
            filtre["annee"] = aleatoire.choice([2025, 2026, 2027])
        if aleatoire.random() < 0.1:
            filtre["convention"] = "true"
        if aleatoire.random() < 0.1:
            filtre["page"] = aleatoire.choice([2, 3, 5])
        filtres.append(filtre)
    return filtres


def _mesurer(rapport) -> None:
    # Le référentiel national (communes, EPCI, QPV) rend les contrats, structures et dossiers réalistes ; il
    # est importé dans la transaction annulée s'il n'est pas déjà en base (comme benchmarks/acteurs_ess.py).
    if Commune.objects.count() < 30_000 and settings.DONNEES_PARTAGEES.exists():
        call_command(
            "importer_territoires", str(settings.DONNEES_PARTAGEES), stdout=io.StringIO(), stderr=io.StringIO()
        )
    debut = time.perf_counter()
    genere = generer()
    rapport("dossiers.generation_50000_dossiers", time.perf_counter() - debut, "s")
    rapport("dossiers.dossiers_generes", genere.dossiers, "dossiers")

    agent = Utilisateur.objects.create_user("agent.grande@mesure.coville.fr")
    Adhesion.objects.create(utilisateur=agent, organisation=genere.grande, role=Role.AGENT)
    client = Client()
    client.force_login(agent)
    url = reverse("financements:tableau_instruction")
    qpv = list(genere.contrat_grand.appels_a_projets.values_list("dossiers__qpv", flat=True).distinct()[:50])
    qpv = [q for q in qpv if q]
    filtres = _filtres(random.Random(2027), genere, qpv)
    for filtre in filtres[:CHAUFFE]:
        assert client.get(url, filtre).status_code == 200
    durees = []
    for filtre in filtres[CHAUFFE:]:
        t0 = time.perf_counter()
        reponse = client.get(url, filtre)
        durees.append((time.perf_counter() - t0) * 1000)
        if reponse.status_code != 200:
            raise RuntimeError(f"tableau : statut {reponse.status_code} pour {filtre}")
    rapport("dossiers.tableau_instruction_mediane", mediane(durees), "ms", 80)
    rapport("dossiers.tableau_instruction_p95", centile_95(durees), "ms", 200)
    rapport("dossiers.tableau_instruction_requetes_sql", requetes_sql(client, f"{url}?statut=decide"), "requêtes")
    rapport("dossiers.tableau_dossiers_visibles", dossiers_a_instruire(agent).count(), "dossiers")

    subventions = DecisionFinanceur.objects.filter(financement__financeur=genere.grande, montant__gt=0).count()
    rapport("dossiers.scdl_subventions_grande_collectivite", subventions, "subventions")
    anonyme = Client()
    t0 = time.perf_counter()
    reponse = anonyme.get(reverse("financements:scdl", args=[genere.grande.pk]))
    taille = sum(len(morceau) for morceau in reponse.streaming_content)
    rapport("dossiers.scdl_export_grande_collectivite", time.perf_counter() - t0, "s", 5)
    rapport("dossiers.scdl_export_taille", taille / 1024 / 1024, "Mo")

    _mesurer_conventions(rapport, client, agent, genere)


def _filtres_conventions(aleatoire: random.Random) -> list[dict]:
    filtres = []
    for _ in range(REQUETES + CHAUFFE):
        filtre = {"vue": aleatoire.choice(list(VUES))}
        if filtre["vue"] == "versements" and aleatoire.random() < 0.3:
            filtre["statut"] = aleatoire.choice(["prevu", "mandate"])
        if filtre["vue"] in ("conventions", "fin", "retards") and aleatoire.random() < 0.3:
            filtre["duree"] = aleatoire.choice(["annuelle", "cpo"])
        if aleatoire.random() < 0.3:
            filtre["annee"] = aleatoire.choice([2025, 2026, 2027])
        if aleatoire.random() < 0.15:
            filtre["structure"] = aleatoire.choice(["vélo", "régie", "solidaire", "jeunes"])
        if aleatoire.random() < 0.1:
            filtre["page"] = aleatoire.choice([2, 3, 5])
        filtres.append(filtre)
    return filtres


def _requetes_par_liste(client, url) -> dict[str, int]:
    return {vue: requetes_sql(client, f"{url}?vue={vue}") for vue in VUES}


def _mesurer_conventions(rapport, client, agent, genere) -> None:
    debut = time.perf_counter()
    generees = generer_conventions(nombre=18_000)
    rapport("conventions.generation_18000_conventions", time.perf_counter() - debut, "s")
    url = reverse("financements:tableau_conventions")
    avant = _requetes_par_liste(client, url)
    # Les 2 000 dernières : le nombre de requêtes de chaque liste ne change pas avec elles.
    suite = generer_conventions(graine=2028, nombre=2_000)
    apres = _requetes_par_liste(client, url)
    if avant != apres:
        raise RuntimeError(f"tableau de bord des conventions : requêtes {avant} puis {apres}")
    rapport("conventions.conventions_generees", generees.conventions + suite.conventions, "conventions")
    rapport("conventions.cpo_generees", generees.cpo + suite.cpo, "conventions")
    rapport("conventions.versements_generes", generees.versements + suite.versements, "versements")
    rapport("conventions.comptes_rendus_generes", generees.comptes_rendus + suite.comptes_rendus, "comptes-rendus")
    rapport(
        "conventions.tableau_financeur_conventions_visibles",
        conventions_du_financeur([genere.grande.pk]).count(),
        "conventions",
    )
    filtres = _filtres_conventions(random.Random(2028))
    for filtre in filtres[:CHAUFFE]:
        assert client.get(url, filtre).status_code == 200
    durees = []
    for filtre in filtres[CHAUFFE:]:
        t0 = time.perf_counter()
        reponse = client.get(url, filtre)
        durees.append((time.perf_counter() - t0) * 1000)
        if reponse.status_code != 200:
            raise RuntimeError(f"tableau de bord des conventions : statut {reponse.status_code} pour {filtre}")
    rapport("conventions.tableau_financeur_mediane", mediane(durees), "ms", 80)
    rapport("conventions.tableau_financeur_p95", centile_95(durees), "ms", 200)
    for vue, nombre in apres.items():
        rapport(f"conventions.tableau_financeur_requetes_sql_{vue}", nombre, "requêtes")


def mesurer(rapport) -> None:
    try:
        with transaction.atomic():
            _mesurer(rapport)
            raise _Annuler
    except _Annuler:
        pass
