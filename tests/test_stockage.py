"""Le stockage des fichiers privés : réglages lus dans l'environnement, stockage objet S3 réel (SeaweedFS,
tests/seaweedfs.py), pannes nommées."""

import os
import urllib.error
import urllib.request

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from config.lib.stockage import StockageIndisponible
from config.pdf import edition, ranger_edition
from config.settings import stockage_des_fichiers

VARIABLES = {
    "STOCKAGE_S3_BUCKET": "coville-prod",
    "STOCKAGE_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
    "STOCKAGE_S3_REGION": "fr-par",
    "STOCKAGE_S3_ACCESS_KEY": "SCWCLE",
    "STOCKAGE_S3_SECRET_KEY": "secret",
}


@pytest.fixture
def environnement(monkeypatch):
    """Aucune variable STOCKAGE_S3_* héritée de la machine ; `definir` en pose."""
    for nom in list(os.environ):
        if nom.startswith("STOCKAGE_S3_"):
            monkeypatch.delenv(nom)

    def definir(**variables: str) -> None:
        for nom, valeur in variables.items():
            monkeypatch.setenv(nom, valeur)

    return definir


def test_files_stay_on_the_local_disk_without_s3_settings(environnement):
    assert stockage_des_fichiers() == {"BACKEND": "config.lib.stockage.StockageLocal"}


def test_the_s3_storage_is_private_and_answers_quickly(environnement):
    environnement(**VARIABLES)

    reglages = stockage_des_fichiers()

    assert reglages["BACKEND"] == "config.lib.stockage.StockageS3"
    options = reglages["OPTIONS"]
    assert options["bucket_name"] == "coville-prod"
    assert options["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    assert (options["access_key"], options["secret_key"], options["region_name"]) == ("SCWCLE", "secret", "fr-par")
    # Privé : pas d'ACL publique, adresses signées seulement, aucun domaine personnalisé (adresses non signées).
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["custom_domain"] is None
    client = options["client_config"]
    assert (client.connect_timeout, client.read_timeout) == (3, 10)
    assert client.retries == {"mode": "standard", "max_attempts": 2}
    # Le client que le stockage construit (sans se connecter) reçoit bien ces délais.
    config = storages.create_storage(reglages).connection.meta.client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 10)


def test_the_timeouts_come_from_the_environment(environnement):
    environnement(**VARIABLES, STOCKAGE_S3_DELAI_CONNEXION="1", STOCKAGE_S3_DELAI_LECTURE="4")
    client = stockage_des_fichiers()["OPTIONS"]["client_config"]
    assert (client.connect_timeout, client.read_timeout) == (1, 4)


@pytest.mark.parametrize(
    "variables, message",
    [
        ({**VARIABLES, "STOCKAGE_S3_SECRET_KEY": None}, "STOCKAGE_S3_SECRET_KEY est obligatoire"),
        ({**VARIABLES, "STOCKAGE_S3_ENDPOINT_URL": "s3.fr-par.scw.cloud"}, "adresse http:// ou https:// attendue"),
        ({**VARIABLES, "STOCKAGE_S3_DELAI_LECTURE": "0"}, "nombre entier d'au moins 1 attendu"),
        ({**VARIABLES, "STOCKAGE_S3_ADRESSAGE": "dns"}, "valeur attendue parmi path, virtual"),
        ({"STOCKAGE_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud"}, "sans STOCKAGE_S3_BUCKET"),
    ],
)
def test_it_fails_loudly_on_incomplete_or_bad_s3_settings(environnement, variables, message):
    environnement(**{nom: valeur for nom, valeur in variables.items() if valeur is not None})
    with pytest.raises(ImproperlyConfigured, match=message):
        stockage_des_fichiers()


def test_a_private_file_is_refused_to_an_unsigned_request(stockage_s3):
    chemin = default_storage.save("prive/dossiers/1/releve.pdf", ContentFile(b"%PDF-prive"))
    signee = default_storage.url(chemin)
    assert "X-Amz-Signature=" in signee
    with urllib.request.urlopen(signee, timeout=5) as reponse:
        assert reponse.read() == b"%PDF-prive"

    non_signee = signee.split("?")[0]
    with pytest.raises(urllib.error.HTTPError) as refus:
        urllib.request.urlopen(non_signee, timeout=5)
    refus.value.close()
    assert refus.value.code == 403


def test_the_pdf_editions_live_in_object_storage(stockage_s3):
    ranger_edition("contrat-CN03501I", "v1", b"%PDF-contrat-1")
    assert default_storage.exists("pdf/contrat-CN03501I/v1.pdf")
    with edition("contrat-CN03501I", "v1") as fichier:
        assert fichier.read() == b"%PDF-contrat-1"

    ranger_edition("contrat-CN03501I", "v2", b"%PDF-contrat-2")

    assert default_storage.listdir("pdf/contrat-CN03501I") == ([], ["v2.pdf"])
    assert edition("contrat-CN03501I", "v1") is None


def test_a_missing_file_is_not_an_outage(stockage_s3):
    with pytest.raises(FileNotFoundError):
        default_storage.open("prive/dossiers/1/absent.pdf")
    assert not default_storage.exists("prive/dossiers/1/absent.pdf")


def test_a_stopped_store_is_named_an_outage(stockage_arrete):
    with pytest.raises(StockageIndisponible, match="Le stockage des fichiers ne répond pas"):
        default_storage.save("prive/dossiers/1/releve.pdf", ContentFile(b"%PDF"))
    with pytest.raises(StockageIndisponible):
        default_storage.open("prive/dossiers/1/releve.pdf")
    with pytest.raises(StockageIndisponible):
        default_storage.listdir("pdf")


class _CoupeeEnRoute(ContentFile):
    """Un contenu dont l'écriture s'interrompt après le premier morceau (disque plein, processus arrêté)."""

    def chunks(self, chunk_size=None):
        yield b"%PDF-1.7 premier morceau"
        raise OSError(28, "No space left on device")


def test_a_local_write_interrupted_midway_leaves_nothing_under_the_name(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    with pytest.raises(StockageIndisponible):
        default_storage.save("pdf/contrat-CN03501I/v1.pdf", _CoupeeEnRoute(b""))

    assert not default_storage.exists("pdf/contrat-CN03501I/v1.pdf")
    assert list((tmp_path / ".partiels").iterdir()) == []  # le fichier temporaire est effacé


def test_a_local_file_appears_whole_and_never_replaces_another(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    premier = default_storage.save("prive/dossiers/1/releve.pdf", ContentFile(b"%PDF-premier"))

    second = default_storage._save("prive/dossiers/1/releve.pdf", ContentFile(b"%PDF-second"))

    assert premier == "prive/dossiers/1/releve.pdf"
    assert second != premier and second.startswith("prive/dossiers/1/releve_")
    assert (tmp_path / premier).read_bytes() == b"%PDF-premier"
    assert (tmp_path / second).read_bytes() == b"%PDF-second"
    assert list((tmp_path / ".partiels").iterdir()) == []
