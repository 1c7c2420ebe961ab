"""Deux serveurs web, une seule vérité : deux gunicorn sur deux ports, un worker à part, la même base (celle du
test) et le même stockage objet (SeaweedFS réel, tests/seaweedfs.py), comme deux machines derrière un
répartiteur de charge. Une pièce jointe envoyée par l'un se télécharge par l'autre ; le PDF rendu par le worker
est servi par les deux. Marqué `serveurs` (`make test PYTEST_ARGS="-m serveurs"` pour ne lancer que lui)."""

import http.client
import sys

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils.crypto import get_random_string

from config.settings import stockage_des_fichiers
from tests.financements.conftest import PDF
from tests.processus import attendre, environnement, lancer, lancer_worker
from tests.seaweedfs import port_libre

pytestmark = [pytest.mark.serveurs, pytest.mark.django_db(transaction=True)]


class Navigateur:
    """Une personne connectée (sa session est dans la base, validée par le test) qui parle HTTP à un serveur."""

    def __init__(self, session: str) -> None:
        # Un jeton CSRF de 32 caractères, le même dans le cookie et dans le formulaire, comme Django les émet.
        self.jeton = get_random_string(32)
        self.cookies = f"sessionid={session}; csrftoken={self.jeton}"

    def demander(self, port: int, methode: str, chemin: str, corps: bytes | None = None, type_corps: str = ""):
        connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        entetes = {"Cookie": self.cookies}
        if type_corps:
            entetes["Content-Type"] = type_corps
        try:
            connexion.request(methode, chemin, body=corps, headers=entetes)
            reponse = connexion.getresponse()
            return reponse.status, dict(reponse.getheaders()), reponse.read()
        finally:
            connexion.close()


def _repond(port: int) -> bool:
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connexion.request("GET", "/sante/")
        return connexion.getresponse().status == 200
    except OSError:
        return False
    finally:
        connexion.close()


def test_two_web_servers_and_a_worker_share_the_database_and_the_files(
    brouillon, membre_structure, seaweedfs, settings, monkeypatch, tmp_path
):
    # Le test lit et écrit le même bucket que les serveurs, à sa racine, comme eux.
    for nom, valeur in seaweedfs.variables().items():
        monkeypatch.setenv(nom, valeur)
    settings.STORAGES = {**settings.STORAGES, "default": stockage_des_fichiers()}
    env = environnement(**seaweedfs.variables(), ALLOWED_HOSTS="127.0.0.1")
    ports = {"A": port_libre(), "B": port_libre()}
    serveurs = [
        lancer(
            f"gunicorn-{nom}",
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env,
            tmp_path,
        )
        for nom, port in ports.items()
    ]
    worker = lancer_worker("worker", env, tmp_path)
    processus = [*serveurs, worker]
    try:
        attendre(lambda: all(_repond(port) for port in ports.values()), "les deux serveurs répondent", *processus)
        client = Client()
        client.force_login(membre_structure)
        navigateur = Navigateur(client.cookies["sessionid"].value)

        # Une pièce envoyée par le serveur A…
        corps = encode_multipart(
            BOUNDARY,
            {
                "csrfmiddlewaretoken": navigateur.jeton,
                "type": "statuts",
                "fichier": SimpleUploadedFile("statuts.pdf", PDF, content_type="application/pdf"),
            },
        )
        statut, entetes, _ = navigateur.demander(
            ports["A"], "POST", reverse("financements:pieces_dossier", args=[brouillon.pk]), corps, MULTIPART_CONTENT
        )
        assert statut == 302, entetes
        piece = brouillon.pieces.get()
        assert default_storage.exists(piece.chemin)  # dans le stockage objet, pas sur le disque de A

        # … se télécharge par le serveur B.
        statut, entetes, contenu = navigateur.demander(
            ports["B"], "GET", reverse("financements:piece", args=[brouillon.pk, piece.pk])
        )
        assert (statut, contenu) == (200, PDF)
        assert entetes["Content-Disposition"] == 'attachment; filename="statuts.pdf"'

        # Le PDF demandé à A est rendu par le worker, puis servi par B comme par A.
        url_pdf = reverse("financements:pdf_dossier", args=[brouillon.pk])
        statut, _, page = navigateur.demander(ports["A"], "GET", url_pdf)
        assert statut == 202 and "PDF en préparation" in page.decode()
        attendre(lambda: navigateur.demander(ports["B"], "GET", url_pdf)[0] == 200, "le PDF est rendu", *processus)
        par_b = navigateur.demander(ports["B"], "GET", url_pdf)[2]
        par_a = navigateur.demander(ports["A"], "GET", url_pdf)[2]
        assert par_b.startswith(b"%PDF-") and par_a == par_b
    finally:
        for un_processus in processus:
            un_processus.arreter()
