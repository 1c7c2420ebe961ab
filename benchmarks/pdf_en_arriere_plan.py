"""Mesures des PDF rendus en arrière-plan et de la file des tâches (issue #11), sur le contrat réaliste de
contrats/generateur.py (le même que `contrats.pdf_contrat_froid`, ici sous le code CN99902Z) :

- `pdf.rendu_seul` : le contrat complet rendu dans ce processus (contexte, gabarit, WeasyPrint), le meilleur de
  deux essais ;
- `pdf.changement_au_pdf_complet` : d'un changement du contrat (une nouvelle version d'une section, validée) au
  PDF complet de ses nouvelles données rangé dans le stockage par un vrai worker (`procrastinate worker -q
  pdf`, un processus à part, déjà démarré et au repos), le meilleur de deux essais ;
- `pdf.changement_ratio` : le second divisé par le premier (budget : 1,2) ;
- `pdf.telechargement_s3` : le téléchargement (vue, client de test) du PDF complet inchangé, lu dans un vrai
  stockage objet (SeaweedFS, tests/seaweedfs.py), médiane de 30 (budget : 50 ms) ;
- `taches.differer` et `taches.differer_deja_en_file` : ce que différer une tâche ajoute à la requête qui le
  fait (point de sauvegarde et insertion dans la file ; ou refus, une tâche du même verrou attendant déjà),
  médiane de 200 (budget : 2 ms).

Le contrat mesuré est validé dans la base (le worker est un autre processus) puis supprimé, avec les tâches
différées pendant la mesure ; les PDF vont dans des dossiers temporaires.
"""

import statistics
import tempfile
import time
import uuid
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from comptes.models import Organisation, Utilisateur
from config.pdf import chemin_pdf, ranger_edition
from config.taches import FILE_PDF, differer_une_fois
from contrats import documents
from contrats.generateur import generer
from contrats.models import ContratDeVille, Contribution, Section
from contrats.services import sections as services_sections
from contrats.taches import rendre_pdf_contrat
from tests.processus import attendre, environnement, lancer_worker

CODE = "CN99902Z"
ESSAIS = 2
TELECHARGEMENTS = 30
DIFFERES = 200


class _Annuler(Exception):
    pass


def _file_pdf_vide() -> bool:
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = %s AND status IN ('todo', 'doing')",
            [FILE_PDF],
        )
        return curseur.fetchone()[0] == 0


def _changement_au_pdf(contrat: ContratDeVille, section: Section, agent, rang: int) -> float:
    """Une nouvelle version de la section (une phrase de plus : le contrat garde sa taille), puis l'attente du PDF
    complet de la nouvelle empreinte."""
    texte = f"{section.texte}<p>Révision n° {rang}.</p>"
    debut = time.perf_counter()
    services_sections.enregistrer(section, agent, texte, version_base=section.numero)
    chemin = chemin_pdf(documents.nom_document(contrat, "contrat"), documents.empreinte(contrat))
    while not default_storage.exists(chemin):
        time.sleep(0.005)
    return time.perf_counter() - debut


def _arriere_plan(rapport, contrat: ContratDeVille, agent, media: str) -> None:
    rendu_seul = min(_duree(lambda: documents.pdf_contrat(contrat)) for _ in range(ESSAIS))
    rapport("pdf.rendu_seul", rendu_seul, "s")
    with tempfile.TemporaryDirectory() as journaux:
        worker = lancer_worker("worker", environnement(MEDIA_ROOT=media), Path(journaux))
        try:
            # Le worker rend d'abord ce que la création du contrat a demandé, puis attend.
            attendre(_file_pdf_vide, "le worker rend les PDF du contrat créé", worker, delai=300)
            section = Section.objects.filter(contrat=contrat).order_by("pk").first()
            durees = []
            for rang in range(ESSAIS):
                durees.append(_changement_au_pdf(contrat, section, agent, rang))
                section.refresh_from_db()
                attendre(_file_pdf_vide, "le worker finit la synthèse", worker, delai=300)
        finally:
            worker.arreter()
    rapport("pdf.changement_au_pdf_complet", min(durees), "s")
    rapport("pdf.changement_ratio", min(durees) / rendu_seul, "x", 1.2)


def _duree(fonction) -> float:
    debut = time.perf_counter()
    fonction()
    return time.perf_counter() - debut


def _telechargement_s3(rapport, contrat: ContratDeVille, agent) -> None:
    from config.settings import stockage_des_fichiers
    from tests.seaweedfs import serveur_seaweedfs

    pdf = documents.pdf_contrat(contrat)
    with tempfile.TemporaryDirectory() as repertoire, serveur_seaweedfs(Path(repertoire)) as serveur:
        reglages = _reglages_s3(stockage_des_fichiers, serveur.variables())
        with override_settings(STORAGES={"default": reglages, "staticfiles": _statiques()}):
            ranger_edition(documents.nom_document(contrat, "contrat"), documents.empreinte(contrat), pdf)
            client = Client()
            client.force_login(agent)
            url = reverse("contrats:contrat_pdf", args=[contrat.code])
            durees = []
            for _ in range(TELECHARGEMENTS):
                debut = time.perf_counter()
                reponse = client.get(url)
                contenu = b"".join(reponse.streaming_content)
                durees.append((time.perf_counter() - debut) * 1000)
                assert reponse.status_code == 200 and contenu == pdf
    rapport("pdf.telechargement_s3", statistics.median(durees), "ms", 50)
    rapport("pdf.taille_contrat_complet", round(len(pdf) / 1024), "Kio")


def _reglages_s3(stockage_des_fichiers, variables: dict[str, str]) -> dict:
    import os

    anciennes = {nom: os.environ.get(nom) for nom in variables}
    os.environ.update(variables)
    try:
        reglages = stockage_des_fichiers()
    finally:
        for nom, valeur in anciennes.items():
            if valeur is None:
                os.environ.pop(nom, None)
            else:
                os.environ[nom] = valeur
    reglages["OPTIONS"]["location"] = f"mesure-{uuid.uuid4().hex}"
    return reglages


def _statiques() -> dict:
    from django.conf import settings

    return settings.STORAGES["staticfiles"]


def _differer(rapport, contrat: ContratDeVille) -> None:
    """Dans une transaction annulée à la fin, comme une requête qui diffère une tâche puis échoue : rien ne
    reste dans la file."""
    try:
        with transaction.atomic():
            nouvelles, deja = [], []
            for rang in range(DIFFERES):
                verrou = f"mesure:{rang}"
                debut = time.perf_counter()
                assert differer_une_fois(rendre_pdf_contrat, verrou=verrou, contrat=contrat.pk, document="contrat")
                nouvelles.append((time.perf_counter() - debut) * 1000)
                debut = time.perf_counter()
                assert (
                    differer_une_fois(rendre_pdf_contrat, verrou=verrou, contrat=contrat.pk, document="contrat") is None
                )
                deja.append((time.perf_counter() - debut) * 1000)
            raise _Annuler
    except _Annuler:
        pass
    rapport("taches.differer", statistics.median(nouvelles), "ms", 2)
    rapport("taches.differer_deja_en_file", statistics.median(deja), "ms", 2)


def _derniers_numeros() -> dict[str, int]:
    with connection.cursor() as curseur:
        curseur.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
        (tache,) = curseur.fetchone()
    return {
        "tache": tache,
        "utilisateur": Utilisateur.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "organisation": Organisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    }


def _nettoyer(avant: dict[str, int]) -> None:
    """Supprime le contrat mesuré (ses contributions d'abord : elles protègent ses sections de la suppression
    en cascade), les comptes et organisations créés pour lui (`charger_demo` refuse une base qui en contient
    d'autres que les siens) et les tâches différées pendant la mesure."""
    with transaction.atomic():
        Contribution.objects.filter(concertation__contrat__code=CODE).delete()
        ContratDeVille.objects.filter(code=CODE).delete()
        Utilisateur.objects.filter(pk__gt=avant["utilisateur"]).delete()
        Organisation.objects.filter(pk__gt=avant["organisation"]).delete()
        with connection.cursor() as curseur:
            curseur.execute("DELETE FROM procrastinate_jobs WHERE id > %s", [avant["tache"]])


def mesurer(rapport) -> None:
    avant = _derniers_numeros()
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        try:
            with transaction.atomic():
                genere = generer(code=CODE)
            contrat, agent = genere.contrat, genere.agent
            _differer(rapport, contrat)
            _arriere_plan(rapport, contrat, agent, media)
            _telechargement_s3(rapport, contrat, agent)
        finally:
            _nettoyer(avant)
