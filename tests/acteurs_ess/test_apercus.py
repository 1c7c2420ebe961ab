"""Les aperçus d'import de structures dans le stockage : sur S3 (SeaweedFS réel), stockage arrêté, purge des
aperçus abandonnés."""

import datetime
import os
import time
from html import unescape

import pytest
from asgiref.sync import async_to_sync
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from procrastinate.contrib.django import app
from procrastinate.periodic import PeriodicDeferrer

from acteurs_ess import taches as taches_annuaire
from acteurs_ess.apercus import purger_apercus_abandonnes
from acteurs_ess.choix import EtatImport
from acteurs_ess.models import ImportStructures, Structure
from acteurs_ess.views import SESSION_IMPORT
from config.taches import FILE_MAINTENANCE
from tests.taches import executer_taches, taches

pytestmark = pytest.mark.django_db

CSV = (
    b"raison_sociale,sigle,siret,siren,rna,forme_juridique,agrements,commune,qpv,adresse,site_web,description\n"
    b"Les Ateliers du Blosne,,44306184100047,,,,,35238,,,,\n"
    b"Coursiers,,,,,,,35281,,,,\n"
)


def deposer(client):
    return client.post(
        reverse("acteurs_ess:importer"), {"fichier": SimpleUploadedFile("s.csv", CSV, content_type="text/csv")}
    )


@pytest.mark.django_db(transaction=True)
def test_an_import_preview_waits_in_object_storage_until_a_worker_writes_it(client, agent, territoire, stockage_s3):
    client.force_login(agent)
    reponse = deposer(client)
    assert "2 créations" in reponse.content.decode()
    assert len(default_storage.listdir("imports")[1]) == 1

    client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": reponse.context["jeton"]})
    assert len(default_storage.listdir("imports")[1]) == 1
    executer_taches()

    assert ImportStructures.objects.get().etat == EtatImport.TERMINE
    assert Structure.objects.count() == 2
    assert default_storage.listdir("imports") == ([], [])


def test_a_stopped_store_refuses_the_preview_with_a_message(client, agent, territoire, stockage_arrete):
    client.force_login(agent)

    reponse = deposer(client)

    assert reponse.status_code == 503
    contenu = unescape(reponse.content.decode())
    assert "Le fichier n'a pas été enregistré : le stockage des fichiers ne répond pas" in contenu
    assert "Confirmer l'import" not in contenu
    assert SESSION_IMPORT not in client.session


def _vieillir(chemin: str, heures: int, racine) -> None:
    date = time.time() - heures * 3600
    os.utime(racine / chemin, (date, date))


def test_abandoned_previews_are_purged_after_the_configured_delay(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.APERCUS_IMPORT_DUREE_HEURES = 24
    ancien = default_storage.save("imports/ancien-s.csv", ContentFile(CSV))
    recent = default_storage.save("imports/recent-s.csv", ContentFile(CSV))
    _vieillir(ancien, 25, tmp_path)
    _vieillir(recent, 23, tmp_path)

    assert purger_apercus_abandonnes() == 1

    assert default_storage.listdir("imports") == ([], ["recent-s.csv"])


def test_the_purge_reads_dates_from_object_storage(settings, stockage_s3):
    default_storage.save("imports/jeton-s.csv", ContentFile(CSV))
    settings.APERCUS_IMPORT_DUREE_HEURES = 1
    assert purger_apercus_abandonnes() == 0
    settings.APERCUS_IMPORT_DUREE_HEURES = 0
    assert purger_apercus_abandonnes() == 1
    assert default_storage.listdir("imports") == ([], [])


@pytest.mark.django_db(transaction=True)
def test_confirming_a_purged_preview_asks_for_the_file_again(client, agent, territoire, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.APERCUS_IMPORT_DUREE_HEURES = 0
    client.force_login(agent)
    jeton = deposer(client).context["jeton"]
    purger_apercus_abandonnes()

    reponse = client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": jeton})
    executer_taches()

    page = unescape(client.get(reponse.url).content.decode())
    assert "Import échoué : rien n'a été écrit" in page
    assert "Cet aperçu a expiré : déposez à nouveau le fichier." in page
    assert not Structure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_stopped_store_fails_the_import_with_a_message_and_writes_nothing(
    client, agent, territoire, settings, tmp_path, request
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(agent)
    reponse = client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": deposer(client).context["jeton"]})
    # Le stockage s'arrête entre la confirmation et le passage du worker.
    request.getfixturevalue("stockage_arrete")

    executer_taches()

    page = unescape(client.get(reponse.url).content.decode())
    assert "Le fichier déposé n'a pas pu être relu : le stockage des fichiers ne répond pas." in page
    assert ImportStructures.objects.get().etat == EtatImport.ECHOUE
    assert not Structure.objects.exists()


def _vieillir_tout(racine, heures: int) -> None:
    for fichier in (racine / "imports").iterdir():
        _vieillir(f"imports/{fichier.name}", heures, racine)


@pytest.mark.django_db(transaction=True)
def test_the_hourly_purge_keeps_the_preview_of_an_import_waiting_for_a_worker(
    client, agent, territoire, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.APERCUS_IMPORT_DUREE_HEURES = 24
    client.force_login(agent)
    client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": deposer(client).context["jeton"]})
    confirme = ImportStructures.objects.get()
    abandonne = default_storage.save("imports/abandonne-s.csv", ContentFile(CSV))
    _vieillir_tout(tmp_path, 25)

    taches_annuaire.purger_apercus_abandonnes.defer(timestamp=int(time.time()))
    executer_taches(queues=[FILE_MAINTENANCE])

    assert [t.status for t in taches("purger_apercus_abandonnes")] == ["succeeded"]
    assert default_storage.listdir("imports")[1] == [confirme.chemin.removeprefix("imports/")]
    assert not default_storage.exists(abandonne)
    # Le worker des imports passe ensuite : le fichier attendu est là, puis supprimé.
    executer_taches()
    assert Structure.objects.count() == 2
    assert default_storage.listdir("imports") == ([], [])


def test_workers_defer_the_purge_of_abandoned_previews_every_hour():
    # À 5 h 47 min 30 s, comme à chaque heure et 47 minutes, un worker diffère la purge dans la file d'entretien.
    heure = datetime.datetime(2026, 12, 1, 5, 47, 30, tzinfo=datetime.UTC).timestamp()
    differeur = PeriodicDeferrer(registry=app.periodic_registry)

    async_to_sync(differeur.defer_jobs)(differeur.get_previous_tasks(at=heure))

    assert [(t.queue_name, t.args["timestamp"]) for t in taches("purger_apercus_abandonnes")] == [
        (FILE_MAINTENANCE, heure - 30)
    ]
