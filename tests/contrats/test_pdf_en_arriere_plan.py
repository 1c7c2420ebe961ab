"""Les PDF d'un contrat rendus par les workers (file `pdf`) : ce qui demande un rendu, une seule tâche par
document, jamais deux workers sur le même, une nouvelle tentative quand le stockage est en panne, un worker tué
en plein rendu qui ne laisse aucun PDF tronqué et dont la tâche est reprise. Les tâches tournent dans un vrai
worker Procrastinate (tests/taches.py), ou un vrai processus worker (tests/processus.py)."""

import datetime
import io
from html import unescape

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django import app
from pypdf import PdfReader

from config import taches as taches_plateforme
from config.pdf import chemin_pdf
from contrats import documents
from contrats.models import Engagement, InstanceGouvernance, Orientation, StatutContribution, TypeInstance
from contrats.services import concertation as services_concertation
from contrats.services import sections as services_sections
from contrats.taches import differer_rendu, verrou_pdf
from tests.contrats.factories import ConcertationFactory, ContributionFactory
from tests.processus import attendre, environnement, lancer_worker
from tests.taches import attendre as attendre_async
from tests.taches import ecouler_delais, executer_taches, rendre_les_pdf, taches


@pytest.fixture(autouse=True)
def _stockage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _vider_la_file() -> None:
    with connection.cursor() as curseur:
        curseur.execute("DELETE FROM procrastinate_jobs")


def _rendus_demandes() -> set[tuple[int, str]]:
    return {(t.args["contrat"], t.args["document"]) for t in taches("rendre_pdf_contrat", statut="todo")}


def _texte(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _telecharger(client, contrat):
    return client.get(reverse("contrats:contrat_pdf", args=[contrat.code]))


def _vieillir_les_workers() -> None:
    # Le temps passe : les workers qui ne battent plus depuis une minute sont morts.
    with connection.cursor() as curseur:
        curseur.execute("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute'")


def _prendre(tache_id: int) -> None:
    """Un worker prend la tâche `tache_id` (et la garde « en cours »)."""
    with app.replace_connector(app.connector.get_worker_connector()):

        async def prendre() -> None:
            async with app.open_async():
                worker_id = await app.job_manager.register_worker()
                prise = await app.job_manager.fetch_job(queues=[taches_plateforme.FILE_PDF], worker_id=worker_id)
                assert prise is not None and prise.id == tache_id

        attendre_async(prendre)


def _prendre_puis_mourir(tache_id: int) -> None:
    _prendre(tache_id)
    _vieillir_les_workers()


# --- Ce qui demande un rendu -------------------------------------------------------------------------------


def _nouvelle_version(contrat, section, agent):
    services_sections.enregistrer(section, agent, "<p>Texte révisé.</p>", version_base=section.numero)


def _reponse(contrat, section, agent):
    contribution = ContributionFactory(concertation=ConcertationFactory(contrat=contrat), section=section)
    _vider_la_file()
    services_concertation.repondre(contribution, agent, StatutContribution.RETENUE, "Retenue.")


def _masquage(contrat, section, agent):
    contribution = ContributionFactory(concertation=ConcertationFactory(contrat=contrat), section=section)
    _vider_la_file()
    services_concertation.masquer(contribution, agent, "Propos injurieux")


def _engagement(contrat, section, agent):
    Engagement.objects.create(signataire=contrat.signataires.first(), texte="Crédits du programme 147")


def _reunion(contrat, section, agent):
    instance = InstanceGouvernance.objects.create(contrat=contrat, type=TypeInstance.COPIL, nom="Comité")
    _vider_la_file()
    instance.reunions.create(date=datetime.date(2025, 3, 14), decisions="Diagnostic validé")


def _qpv_d_une_orientation(contrat, section, agent):
    orientation = Orientation.objects.create(contrat=contrat, niveau="orientation", titre="Emploi")
    _vider_la_file()
    orientation.qpv.add(contrat.qpv.first())


def _signature(contrat, section, agent):
    signataire = contrat.signataires.first()
    signataire.date_signature = datetime.date(2024, 6, 28)
    signataire.save()


def _etat(contrat, section, agent):
    contrat.changer_statut(agent, "concertation", "Ouverture de la concertation")


def _qpv_retire(contrat, section, agent):
    contrat.qpv.remove(contrat.qpv.first())


def _signataire_renomme(contrat, section, agent):
    organisation = contrat.signataires.first().organisation
    organisation.nom = "Préfecture de la région Bretagne"
    organisation.save()


@pytest.mark.parametrize(
    "changer",
    [
        _nouvelle_version,
        _reponse,
        _masquage,
        _engagement,
        _reunion,
        _qpv_d_une_orientation,
        _signature,
        _etat,
        _qpv_retire,
        _signataire_renomme,
    ],
)
@pytest.mark.django_db
def test_a_change_of_what_the_pdfs_show_asks_for_both_renderings(contrat, section, agent, changer):
    _vider_la_file()

    changer(contrat, section, agent)

    assert _rendus_demandes() == {(contrat.pk, "contrat"), (contrat.pk, "synthese")}


@pytest.mark.django_db
def test_later_changes_merge_into_the_job_waiting_for_each_document(contrat, section, agent):
    _vider_la_file()

    _nouvelle_version(contrat, section, agent)
    _signature(contrat, section, agent)
    _engagement(contrat, section, agent)

    assert len(taches("rendre_pdf_contrat")) == 2


@pytest.mark.django_db
def test_what_the_pdfs_do_not_show_asks_for_nothing(contrat, agent):
    _vider_la_file()
    organisation = contrat.signataires.first().organisation

    organisation.code_territoire = "29"
    organisation.save(update_fields=["code_territoire"])
    agent.prenom = "Camille"
    agent.save()

    assert taches("rendre_pdf_contrat") == []


@pytest.mark.django_db
def test_the_job_of_a_document_holds_its_queueing_and_running_lock(contrat):
    _vider_la_file()

    differer_rendu(contrat.pk, "synthese")

    (tache,) = taches("rendre_pdf_contrat")
    assert tache.queue_name == taches_plateforme.FILE_PDF
    assert tache.lock == tache.queueing_lock == verrou_pdf(contrat.pk, "synthese")
    assert differer_rendu(contrat.pk, "synthese") is None  # déjà en file : rien de plus


# --- Avec un vrai worker -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_download_waits_for_the_worker_and_never_gets_an_outdated_edition(client, contrat, section, elu, agent):
    client.force_login(elu)
    assert _telecharger(client, contrat).status_code == 202

    rendre_les_pdf()

    reponse = _telecharger(client, contrat)
    assert reponse.status_code == 200
    assert "Premier texte." in _texte(b"".join(reponse.streaming_content))
    assert [t.status for t in taches("rendre_pdf_contrat")] == ["succeeded", "succeeded"]

    _nouvelle_version(contrat, section, agent)

    en_preparation = _telecharger(client, contrat)
    assert en_preparation.status_code == 202
    assert "PDF en préparation" in unescape(en_preparation.content.decode())

    rendre_les_pdf()

    texte = _texte(b"".join(_telecharger(client, contrat).streaming_content))
    assert "Texte révisé." in texte and "Premier texte." not in texte
    # L'édition précédente est retirée du stockage.
    assert default_storage.listdir(f"pdf/contrat-{contrat.code}")[1] == [f"{documents.empreinte(contrat)}.pdf"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_render_the_same_document_at_once(contrat):
    _vider_la_file()
    premiere = differer_rendu(contrat.pk, "contrat")

    _prendre(premiere)  # un worker l'a prise et la rend encore
    # Le contrat change pendant ce temps : un nouveau rendu attend.
    seconde = differer_rendu(contrat.pk, "contrat")
    assert seconde is not None

    rendre_les_pdf()  # un second worker

    assert {t.id: t.status for t in taches("rendre_pdf_contrat")} == {premiere: "doing", seconde: "todo"}


@pytest.mark.django_db(transaction=True)
def test_a_rendering_hit_by_a_storage_outage_is_tried_again_later(contrat, section, settings, stockage_arrete):
    _vider_la_file()
    differer_rendu(contrat.pk, "contrat")

    rendre_les_pdf()

    premiere, reprise = taches("rendre_pdf_contrat")
    assert premiere.status == "succeeded"
    assert (reprise.status, reprise.args["tentative"]) == ("todo", 2)
    assert reprise.scheduled_at is not None

    # Le stockage répond de nouveau, et le délai avant la nouvelle tentative s'écoule.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "config.lib.stockage.StockageLocal"}}
    assert ecouler_delais() > datetime.timedelta(0)
    rendre_les_pdf()

    assert taches("rendre_pdf_contrat")[1].status == "succeeded"
    assert default_storage.exists(chemin_pdf(f"contrat-{contrat.code}", documents.empreinte(contrat)))


@pytest.mark.django_db(transaction=True)
def test_a_rendering_ends_failed_after_its_last_attempt(contrat, stockage_arrete):
    _vider_la_file()
    differer_rendu(contrat.pk, "contrat", tentative=taches_plateforme.TENTATIVES_PDF)

    rendre_les_pdf()

    assert [t.status for t in taches("rendre_pdf_contrat")] == ["failed"]


# --- Un worker tué en plein rendu ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_writing_a_pdf_leaves_no_partial_file_and_the_job_is_run_again(
    client, contrat, section, elu, settings, tmp_path
):
    _vider_la_file()
    differer_rendu(contrat.pk, "contrat")
    commencee = tmp_path / "ecriture-commencee"
    worker = lancer_worker(
        "worker",
        environnement(
            DJANGO_SETTINGS_MODULE="tests.reglages_worker_interrompu",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            COVILLE_ECRITURE_COMMENCEE=str(commencee),
        ),
        tmp_path,
    )
    try:
        attendre(commencee.exists, "le worker écrit le PDF", worker)
        worker.tuer()
    finally:
        worker.arreter()

    # Rien sous le nom du PDF : un téléchargement n'a rien à servir, surtout pas un PDF tronqué.
    nom = f"contrat-{contrat.code}"
    assert not default_storage.exists(chemin_pdf(nom, documents.empreinte(contrat)))
    (tache,) = taches("rendre_pdf_contrat")
    assert tache.status == "doing"

    # Les battements de cœur du worker tué ont cessé : la relance des tâches bloquées remet la sienne en file (les
    # tâches périodiques qu'il a différées en démarrant sont écartées : le test lance lui-même la relance).
    with connection.cursor() as curseur:
        curseur.execute("DELETE FROM procrastinate_jobs WHERE queue_name <> %s", [taches_plateforme.FILE_PDF])
    _vieillir_les_workers()
    taches_plateforme.relancer_taches_bloquees.defer(timestamp=0)
    executer_taches(queues=[taches_plateforme.FILE_MAINTENANCE])
    (tache,) = taches("rendre_pdf_contrat")
    assert (tache.status, tache.attempts) == ("todo", 1)
    client.force_login(elu)
    assert _telecharger(client, contrat).status_code == 202  # en préparation, sans seconde tâche
    assert len(taches("rendre_pdf_contrat")) == 1

    rendre_les_pdf()

    assert taches("rendre_pdf_contrat")[0].status == "succeeded"
    reponse = _telecharger(client, contrat)
    assert reponse.status_code == 200
    assert "Premier texte." in _texte(b"".join(reponse.streaming_content))
    assert default_storage.listdir(f"pdf/{nom}") == ([], [f"{documents.empreinte(contrat)}.pdf"])
    # Le worker tué n'a laissé que son fichier temporaire, à part.
    assert len(default_storage.listdir(".partiels")[1]) == 1


@pytest.mark.django_db(transaction=True)
def test_a_stalled_rendering_gives_way_to_the_same_rendering_already_queued(client, contrat, section, elu):
    _vider_la_file()
    bloquee = differer_rendu(contrat.pk, "contrat")
    _prendre_puis_mourir(bloquee)
    # Demandé de nouveau pendant que le worker était mort : la tâche attend derrière le verrou de la première.
    client.force_login(elu)
    assert _telecharger(client, contrat).status_code == 202
    attente = taches("rendre_pdf_contrat", statut="todo")[0].id

    taches_plateforme.relancer_taches_bloquees.defer(timestamp=0)
    executer_taches(queues=[taches_plateforme.FILE_MAINTENANCE])
    rendre_les_pdf()

    # La première ne peut pas revenir en file (une tâche du même verrou y attend) : elle est close, l'autre rend.
    assert {t.id: t.status for t in taches("rendre_pdf_contrat")} == {bloquee: "aborted", attente: "succeeded"}
    assert taches("relancer_taches_bloquees")[0].status == "succeeded"
    assert b"".join(_telecharger(client, contrat).streaming_content).startswith(b"%PDF-")


# --- Un rendu qui échoue à chaque fois ---------------------------------------------------------------------


def _rendu_casse(contrat_id: int, cle: str) -> bool:
    raise RuntimeError("Gabarit cassé")


@pytest.mark.django_db(transaction=True)
def test_a_failed_rendering_is_not_asked_again_by_each_download(client, contrat, elu, monkeypatch):
    monkeypatch.setattr(documents, "mettre_a_jour", _rendu_casse)
    _vider_la_file()
    client.force_login(elu)
    assert _telecharger(client, contrat).status_code == 202
    rendre_les_pdf()
    assert [t.status for t in taches("rendre_pdf_contrat")] == ["failed"]

    for _ in range(3):
        reponse = _telecharger(client, contrat)
        assert reponse.status_code == 503
        page = unescape(reponse.content.decode())
        assert "n'a pas pu être préparé" in page and "administrateurs de la plateforme en sont avertis" in page

    assert [t.status for t in taches("rendre_pdf_contrat")] == ["failed"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_rendering_is_asked_again_after_the_pause(client, contrat, elu, monkeypatch, settings):
    monkeypatch.setattr(documents, "mettre_a_jour", _rendu_casse)
    _vider_la_file()
    differer_rendu(contrat.pk, "contrat")
    rendre_les_pdf()
    with connection.cursor() as curseur:
        curseur.execute(
            "UPDATE procrastinate_events SET at = now() - make_interval(mins => %s)",
            [settings.PDF_PAUSE_APRES_ECHEC_MINUTES + 1],
        )

    client.force_login(elu)
    assert _telecharger(client, contrat).status_code == 202

    assert [t.status for t in taches("rendre_pdf_contrat")] == ["failed", "todo"]
