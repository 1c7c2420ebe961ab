"""Mesures de l'évaluation (issue 13) : import national des lignes de base officielles (budget 10 s), second
import sans changement, page d'un QPV avec ses lignes de base, page des indicateurs d'un contrat (tous les
indicateurs nationaux, 5 années, réalisé et cible sur chaque QPV du contrat de démonstration), tableau de bord
du plus grand contrat de la liste nationale (le plus de QPV : Marseille, 65 QPV ; sa première et sa dernière
page) avec les lignes de base réelles de ses QPV et, générées en masse, toutes ses valeurs réalisées et cibles
sur 5 ans (budget : médiane 100 ms, p95 200 ms ; premier affichage, où pygal dessine les graphiques, à part ;
temps CPU du processus et poids de la page à côté, pour comparer sur une machine partagée), et la synthèse
d'un QPV pour les élus rendue à froid (`evaluation.synthese_qpv_froid`, budget 1 s : ce que fait le worker à la
première demande, lecture, gabarit et WeasyPrint, le meilleur de quelques essais) sur le QPV du contrat qui a le
plus de projets financés, avec toutes ces valeurs ; `evaluation.synthese_qpv_pages` donne sa taille.

Tout se passe dans une transaction annulée à la fin : la base de mesure reste celle de la démonstration.
"""

import io
import statistics
import time
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptes.models import Utilisateur
from contrats.imports import importer_dossier as importer_contrats
from contrats.models import ContratDeVille, Signataire, StatutContrat
from evaluation.models import Indicateur, NatureValeur, NiveauTerritoire, Unite, Valeur
from evaluation.services.lignes_de_base import FICHIER, importer_lignes_de_base
from evaluation.services.valeurs import Saisie, Territoire, saisir_valeur
from territoires.models import Qpv

REPETITIONS = 30
CHAUFFE = 3
ANNEES = range(2024, 2029)


class _Annuler(Exception):
    pass


def _chrono(fonction):
    debut = time.perf_counter()
    resultat = fonction()
    return time.perf_counter() - debut, resultat


def _durees_ms(client: Client, url: str, cpu: list[float] | None = None) -> list[float]:
    """Les durées (horloge murale) de REPETITIONS affichages ; `cpu` reçoit le temps CPU de ce processus pour
    chacun (sans celui de PostgreSQL), moins sensible que l'horloge à une machine partagée."""
    for _ in range(CHAUFFE):
        assert client.get(url).status_code == 200, url
    durees = []
    for _ in range(REPETITIONS):
        debut, debut_cpu = time.perf_counter(), time.process_time()
        reponse = client.get(url)
        durees.append((time.perf_counter() - debut) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - debut_cpu) * 1000)
        assert reponse.status_code == 200, url
    return sorted(durees)


def _p95(durees: list[float]) -> float:
    return durees[int(0.95 * len(durees)) - 1]


def _valeurs_du_contrat(contrat: ContratDeVille, agent: Utilisateur) -> int:
    nombre = 0
    for indicateur in Indicateur.objects.filter(contrat=None):
        valeur = Decimal(10) if indicateur.unite != Unite.NOMBRE else Decimal(1000)
        for qpv in contrat.qpv.all():
            for annee in ANNEES:
                for nature in (NatureValeur.REALISE, NatureValeur.CIBLE):
                    if Valeur.objects.filter(
                        indicateur=indicateur, cle_territoire=f"qpv:{qpv.code}", annee=annee, nature=nature
                    ).exists():
                        continue
                    saisir_valeur(
                        contrat,
                        agent,
                        Saisie(
                            indicateur,
                            Territoire("qpv", qpv_id=qpv.code),
                            annee,
                            nature,
                            valeur,
                            unite=indicateur.unite,
                        ),
                    )
                    nombre += 1
    return nombre


def _valeurs_en_masse(contrat: ContratDeVille, agent: Utilisateur) -> int:
    """Le réalisé de chaque année et la cible de 2028 de chaque indicateur national sur chaque QPV du contrat,
    écrits d'un coup (la saisie une à une, contrôlée, est mesurée plus haut)."""
    valeurs = []
    for rang, indicateur in enumerate(Indicateur.objects.filter(contrat=None).order_by("pk")):
        for numero, code in enumerate(contrat.qpv.order_by("code").values_list("code", flat=True)):
            depart = Decimal(20 + (rang * 7 + numero) % 50) if indicateur.unite != Unite.NOMBRE else Decimal(1000)
            natures = [(annee, NatureValeur.REALISE, depart + annee - 2024 - numero % 3) for annee in ANNEES]
            for annee, nature, valeur in [*natures, (2028, NatureValeur.CIBLE, depart + 5)]:
                valeurs.append(
                    Valeur(
                        indicateur=indicateur,
                        niveau=NiveauTerritoire.QPV,
                        qpv_id=code,
                        contrat=contrat,
                        cle_territoire=f"qpv:{code}",
                        annee=annee,
                        nature=nature,
                        valeur=valeur,
                        saisie_par=agent,
                    )
                )
    Valeur.objects.bulk_create(valeurs, batch_size=2000)
    # Les statistiques du planificateur, que l'autovacuum tiendrait à jour hors de la transaction de mesure.
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE evaluation_valeur")
    return len(valeurs)


def _tableau_de_bord(rapport, dossier, agent: Utilisateur) -> None:
    importer_contrats(dossier)
    contrat = ContratDeVille.objects.annotate(nombre_qpv=Count("qpv")).order_by("-nombre_qpv", "code").first()
    rapport("evaluation.tableau_de_bord_qpv", contrat.nombre_qpv, "QPV", None)
    rapport("evaluation.tableau_de_bord_valeurs", _valeurs_en_masse(contrat, agent), "valeurs", None)
    # L'agent de démonstration devient signataire : associé, il lit toutes les valeurs du contrat.
    Signataire.objects.create(contrat=contrat, organisation=agent.adhesions.first().organisation, ordre=99)
    client = Client()
    client.force_login(agent)
    url = reverse("evaluation:tableau", args=[contrat.code])
    debut, debut_cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
        assert reponse.status_code == 200, url
    rapport("evaluation.tableau_de_bord_premier_affichage", (time.perf_counter() - debut) * 1000, "ms", None)
    rapport("evaluation.tableau_de_bord_premier_affichage_cpu", (time.process_time() - debut_cpu) * 1000, "ms")
    rapport("evaluation.tableau_de_bord_requetes", len(requetes), "requêtes", None)
    rapport("evaluation.tableau_de_bord_poids", len(reponse.content) / 1024, "Ko", None)
    cpu: list[float] = []
    durees = _durees_ms(client, url, cpu)
    rapport("evaluation.tableau_de_bord_mediane", statistics.median(durees), "ms", 100)
    rapport("evaluation.tableau_de_bord_p95", _p95(durees), "ms", 200)
    rapport("evaluation.tableau_de_bord_cpu_mediane", statistics.median(cpu), "ms", None)
    durees = _durees_ms(client, url + "?page=11")
    rapport("evaluation.tableau_de_bord_derniere_page_mediane", statistics.median(durees), "ms", 100)


ESSAIS_FROIDS = 3


def _synthese_qpv_froide(rapport, contrat: ContratDeVille) -> None:
    # Imports ici : le reste du module ne rend aucun PDF.
    from pypdf import PdfReader

    from evaluation import documents

    # Le contrat passe en exécution (dans la transaction annulée) : ses valeurs, publiques, entrent dans la
    # tendance, comme pour un contrat signé.
    ContratDeVille.objects.filter(pk=contrat.pk).update(statut=StatutContrat.EXECUTION)
    qpv = Qpv.objects.filter(contrats=contrat).annotate(projets=Count("dossiers")).order_by("-projets", "code").first()
    pdf = documents.pdf_synthese_qpv(qpv)
    durees = []
    for _ in range(ESSAIS_FROIDS):
        duree, _ = _chrono(lambda: documents.pdf_synthese_qpv(qpv))
        durees.append(duree)
    rapport("evaluation.synthese_qpv_froid", min(durees), "s", 1)
    rapport("evaluation.synthese_qpv_pages", len(PdfReader(io.BytesIO(pdf)).pages), "pages")


def mesurer(rapport) -> None:
    dossier = settings.DONNEES_PARTAGEES
    if not (dossier / FICHIER).is_file():
        raise FileNotFoundError(f"{FICHIER} introuvable dans {dossier} (COVILLE_DONNEES).")
    try:
        with transaction.atomic():
            if Qpv.objects.count() < 1500:
                call_command("importer_territoires", str(dossier), stdout=io.StringIO(), stderr=io.StringIO())
            # Les lignes de base de la démonstration sont retirées : l'import mesuré est un premier import.
            Valeur.objects.filter(contrat=None).delete()
            initial, bilan = _chrono(lambda: importer_lignes_de_base(dossier))
            rapport("evaluation.import_lignes_de_base", initial, "s", 10)
            rapport("evaluation.import_lignes_de_base_valeurs", bilan.creees, "valeurs", None)
            duree, bilan = _chrono(lambda: importer_lignes_de_base(dossier))
            assert not bilan.a_change, bilan.resume()
            rapport("evaluation.import_lignes_de_base_sans_changement", duree, "s", 10)

            durees = _durees_ms(Client(), reverse("territoires:qpv", args=["QN00201M"]))
            rapport("evaluation.page_qpv_mediane", statistics.median(durees), "ms", 100)

            contrat = ContratDeVille.objects.get(code="CN03501I")
            agent = Utilisateur.objects.get(email="agent@demo.coville.fr")
            rapport("evaluation.valeurs_du_contrat", _valeurs_du_contrat(contrat, agent), "valeurs", None)
            client = Client()
            client.force_login(agent)
            durees = _durees_ms(client, reverse("evaluation:contrat", args=[contrat.code]))
            rapport("evaluation.page_indicateurs_contrat_mediane", statistics.median(durees), "ms", 100)
            rapport("evaluation.page_indicateurs_contrat_p95", _p95(durees), "ms", 200)

            _tableau_de_bord(rapport, dossier, agent)
            _synthese_qpv_froide(rapport, contrat)
            raise _Annuler
    except _Annuler:
        pass
