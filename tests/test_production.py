"""Le site servi comme en production : collectstatic, gunicorn, WhiteNoise, réglages de config.settings."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection
from dsfr.constants import DsfrStaticAssets

RACINE = Path(__file__).resolve().parent.parent
DELAI_DEMARRAGE = 30  # secondes
UN_AN = 365 * 24 * 3600


def port_libre() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def url_base_de_test() -> str:
    """L'adresse de la base de test de pytest-django, pour un autre processus : celle de DATABASE_URL (serveur
    local, ou socket du PostgreSQL embarqué dans ses paramètres) avec le nom de la base de test."""
    morceaux = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(morceaux._replace(path="/" + quote(connection.settings_dict["NAME"])))


def attendre_le_port(processus: subprocess.Popen, port: int) -> None:
    limite = time.monotonic() + DELAI_DEMARRAGE
    while time.monotonic() < limite:
        if processus.poll() is not None:
            raise AssertionError(f"gunicorn s'est arrêté au démarrage (code {processus.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)  # intervalle de sondage, borné par `limite`
    raise AssertionError(f"gunicorn n'écoute pas sur le port {port} après {DELAI_DEMARRAGE} s")


def lire(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as reponse:
        return reponse.status, dict(reponse.headers), reponse.read()


@pytest.fixture
def environnement_production(transactional_db, statiques_de_production):
    """Les variables d'un déploiement (README, « Mise en production ») ; la base est celle du test, ce qui
    garantit qu'elle existe et que ses tables sont créées ; les fichiers statiques, collectés une fois."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "production-simulee-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": url_base_de_test(),
        "STATIC_ROOT": str(statiques_de_production),
    }


def test_it_serves_the_site_with_gunicorn_and_whitenoise(environnement_production, tmp_path):
    manifeste = json.loads((Path(environnement_production["STATIC_ROOT"]) / "staticfiles.json").read_text())
    css_dsfr = "/static/" + manifeste["paths"][DsfrStaticAssets.DSFR_CSS]
    assert css_dsfr != "/static/" + DsfrStaticAssets.DSFR_CSS  # nom versionné par son contenu

    port = port_libre()
    adresse = f"http://127.0.0.1:{port}"
    journal = (tmp_path / "gunicorn.log").open("w")
    processus = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=RACINE,
        env=environnement_production,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    try:
        attendre_le_port(processus, port)

        statut, _, corps = lire(f"{adresse}/sante/")
        assert statut == 200
        assert json.loads(corps) == {"statut": "ok", "base_de_donnees": "ok"}

        statut, entetes, _ = lire(adresse + css_dsfr)
        assert statut == 200
        assert entetes["Content-Type"].startswith("text/css")
        max_age = int(entetes["Cache-Control"].split("max-age=")[1].split(",")[0])
        assert max_age >= UN_AN, entetes["Cache-Control"]

        statut, entetes, corps = lire(f"{adresse}/")
        assert statut == 200
        page = corps.decode()
        assert "Coville" in page
        assert css_dsfr in page  # les gabarits pointent vers les fichiers versionnés
        assert "Content-Security-Policy" in entetes
    except BaseException:
        journal.flush()
        print((tmp_path / "gunicorn.log").read_text())
        raise
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
        journal.close()
