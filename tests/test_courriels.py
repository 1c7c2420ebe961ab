"""Les e-mails de la plateforme : objet sur une ligne, un message par destinataire, différés dans la transaction de
l'action et envoyés par un vrai worker, réessayés tant que le serveur d'e-mails est en panne."""

import datetime
import io
import logging
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from procrastinate import testing
from procrastinate.contrib.django import procrastinate_app

from config.lib.courriels import envoyer, envoyer_apres_validation, expedier, sujet_sur_une_ligne
from config.lib.journal import MasquerTextesCourriels
from config.taches import NOUVELLES_TENTATIVES_COURRIEL
from tests.taches import ecouler_delais, executer_taches, puis_executer_taches, taches


@pytest.fixture
def file_en_memoire():
    # Pour les tests qui regardent seulement ce qui est mis dans la file (connecteur en mémoire de Procrastinate).
    with procrastinate_app.current_app.replace_connector(testing.InMemoryConnector()) as app:
        yield app.connector


def test_it_puts_a_subject_on_one_line_without_control_characters():
    assert sujet_sur_une_ligne("Jardins\r\npartagés\tdu\x00  Blosne\u2028") == "Jardins partagés du Blosne"


def test_it_cuts_a_long_subject():
    sujet = sujet_sur_une_ligne("mot " * 100, longueur=30)
    assert len(sujet) <= 30
    assert sujet.endswith("…")


def test_it_defers_one_job_per_recipient_and_sends_nothing_in_the_request(file_en_memoire):
    assert envoyer("Nouveau message", "Bonjour", ["a@exemple.fr", "b@exemple.fr", "a@exemple.fr", ""]) == 2

    assert mail.outbox == []
    arguments = [job["args"] for job in file_en_memoire.jobs.values()]
    assert sorted(a["destinataire"] for a in arguments) == ["a@exemple.fr", "b@exemple.fr"]
    assert {a["sujet"] for a in arguments} == {"[Coville] Nouveau message"}
    assert {job["queue_name"] for job in file_en_memoire.jobs.values()} == {"courriels"}


@pytest.mark.django_db
def test_a_worker_sends_one_message_per_recipient():
    with puis_executer_taches():
        envoyer("Nouveau\nmessage", "Bonjour", ["a@exemple.fr", "b@exemple.fr"])

    assert sorted(m.to[0] for m in mail.outbox) == ["a@exemple.fr", "b@exemple.fr"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert {m.subject for m in mail.outbox} == {"[Coville] Nouveau message"}
    assert {m.body for m in mail.outbox} == {"Bonjour"}


@pytest.mark.django_db
def test_a_prepared_message_keeps_its_html_headers_and_sender_but_not_its_copies():
    message = mail.EmailMultiAlternatives(
        "Vérifiez\r\nvotre adresse",
        "Texte",
        "Coville <bonjour@coville.localhost>",
        to=["a@exemple.fr"],
        bcc=["b@exemple.fr"],
        headers={"X-Coville": "verification"},
        reply_to=["support@coville.localhost"],
    )
    message.attach_alternative("<p>Texte</p>", "text/html")
    with puis_executer_taches():
        assert expedier(message) == 2

    assert sorted(m.to for m in mail.outbox) == [["a@exemple.fr"], ["b@exemple.fr"]]
    envoye = mail.outbox[0]
    assert (envoye.subject, envoye.from_email, envoye.reply_to) == (
        "Vérifiez votre adresse",
        "Coville <bonjour@coville.localhost>",
        ["support@coville.localhost"],
    )
    assert envoye.alternatives[0][0] == "<p>Texte</p>"
    assert envoye.extra_headers["X-Coville"] == "verification"
    assert not envoye.bcc


def test_a_message_with_an_attachment_is_refused_rather_than_sent_without_it(file_en_memoire):
    message = mail.EmailMessage("Sujet", "Corps", to=["a@exemple.fr"])
    message.attach("note.txt", "contenu", "text/plain")
    with pytest.raises(ValueError):
        expedier(message)
    assert file_en_memoire.jobs == {}


@pytest.mark.django_db(transaction=True)
def test_a_mail_is_deferred_in_the_transaction_of_its_action():
    with pytest.raises(RuntimeError), transaction.atomic():
        envoyer_apres_validation("Annulé", "Corps", ["b@exemple.fr"])
        raise RuntimeError
    assert taches("envoyer_courriel") == []

    with transaction.atomic():
        envoyer_apres_validation("Après", "Corps", ["a@exemple.fr"])
    executer_taches()

    assert [m.to for m in mail.outbox] == [["a@exemple.fr"]]
    assert [t.status for t in taches("envoyer_courriel")] == ["succeeded"]


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_down_for_ten_minutes_delays_the_mail_without_losing_it(settings, smtp_en_panne):
    envoyer("Décision", "Votre dossier est financé.", ["a@exemple.fr"])

    panne = datetime.timedelta(0)
    executer_taches()
    while panne < datetime.timedelta(minutes=10):
        (tache,) = taches("envoyer_courriel")
        assert tache.status == "todo"
        panne += ecouler_delais()
        executer_taches()
    assert mail.outbox == []
    tentatives = taches("envoyer_courriel")[0].attempts
    assert 1 < tentatives < NOUVELLES_TENTATIVES_COURRIEL.max_attempts

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ecouler_delais()
    executer_taches()

    assert [(m.to, m.body) for m in mail.outbox] == [(["a@exemple.fr"], "Votre dossier est financé.")]
    assert taches("envoyer_courriel")[0].status == "succeeded"


@pytest.mark.django_db(transaction=True)
def test_a_mail_is_given_up_after_hours_of_failures_and_left_failed_for_the_admins(smtp_en_panne):
    envoyer("Décision", "Corps", ["a@exemple.fr"])

    attente = datetime.timedelta(0)
    executer_taches()
    while taches("envoyer_courriel", statut="todo"):
        attente += ecouler_delais()
        executer_taches()

    (tache,) = taches("envoyer_courriel")
    # La première tentative, puis max_attempts nouvelles tentatives.
    assert (tache.status, tache.attempts) == ("failed", NOUVELLES_TENTATIVES_COURRIEL.max_attempts + 1)
    assert datetime.timedelta(hours=8) < attente < datetime.timedelta(hours=10)


def test_only_mail_server_failures_are_retried():
    class Tache:
        attempts = 0

    assert NOUVELLES_TENTATIVES_COURRIEL.get_retry_decision(exception=smtplib.SMTPServerDisconnected(), job=Tache())
    assert NOUVELLES_TENTATIVES_COURRIEL.get_retry_decision(exception=TimeoutError(), job=Tache())
    erreur_du_message = UnicodeEncodeError("ascii", "é", 0, 1, "")
    assert NOUVELLES_TENTATIVES_COURRIEL.get_retry_decision(exception=erreur_du_message, job=Tache()) is None


@pytest.mark.django_db(transaction=True)
def test_a_mail_to_an_address_the_server_refuses_fails_at_once_for_the_admins(settings):
    settings.EMAIL_BACKEND = "tests.courriels.BackendAdresseRefusee"
    envoyer("Décision", "Corps", ["inconnue@exemple.fr"])

    executer_taches()

    (tache,) = taches("envoyer_courriel")
    assert (tache.status, tache.attempts) == ("failed", 1)


@pytest.mark.django_db(transaction=True)
def test_an_admin_finds_a_failed_delivery_by_address_without_reading_the_message(
    client, admin_plateforme, smtp_en_panne
):
    envoyer("Mot de passe oublié", "Votre lien : https://coville.example.fr/secret-jeton", ["a@exemple.fr"])
    envoyer("Autre", "Corps", ["b@exemple.fr"])
    executer_taches()
    while taches("envoyer_courriel", statut="todo"):
        ecouler_delais()
        executer_taches()

    client.force_login(admin_plateforme)
    espace = client.get(reverse("comptes:mon_espace")).content.decode()
    filtre = "?queue_name__exact=courriels&amp;status__exact=failed"
    assert f'href="{reverse("admin:comptes_tachedefond_changelist")}{filtre}">E-mails en échec</a>' in espace
    page = client.get(
        reverse("admin:comptes_tachedefond_changelist"),
        {"queue_name__exact": "courriels", "status__exact": "failed", "q": "a@exemple.fr"},
    ).content.decode()
    assert "a@exemple.fr" in page
    assert "Mot de passe oublié" in page
    assert "b@exemple.fr" not in page
    assert "secret-jeton" not in page

    (tache,) = taches("envoyer_courriel", statut="failed")[:1]
    fiche = client.get(reverse("admin:comptes_tachedefond_change", args=[tache.pk])).content.decode()
    assert "secret-jeton" not in fiche
    assert "masqué" in fiche


@pytest.mark.django_db
def test_the_worker_logs_never_contain_the_text_of_a_mail(settings):
    journal = io.StringIO()
    gestionnaire = logging.StreamHandler(journal)
    # Le filtre du gestionnaire « console » des réglages (config/settings.py, LOGGING).
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["masquer_courriels"]
    gestionnaire.addFilter(MasquerTextesCourriels())
    logging.getLogger("procrastinate").addHandler(gestionnaire)
    try:
        with puis_executer_taches():
            envoyer("Mot de passe oublié", "Votre lien : https://coville.example.fr/secret-jeton", ["a@exemple.fr"])
    finally:
        logging.getLogger("procrastinate").removeHandler(gestionnaire)

    assert "envoyer_courriel" in journal.getvalue()
    assert "destinataire='a@exemple.fr'" in journal.getvalue()
    assert "secret-jeton" not in journal.getvalue()
    assert mail.outbox[0].body.endswith("secret-jeton")


class _Collecte(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.enregistrements: list[logging.LogRecord] = []

    def emit(self, record):
        self.enregistrements.append(record)


@pytest.mark.django_db
def test_the_deferral_records_never_carry_the_text_of_a_mail_in_their_list_of_jobs(file_en_memoire):
    # « About to defer N jobs » (DEBUG) et « Deferred N jobs » (INFO) portent la liste des tâches dans `jobs`.
    collecte = _Collecte()
    collecte.addFilter(MasquerTextesCourriels())
    journal = logging.getLogger("procrastinate")
    niveau = journal.level
    journal.setLevel(logging.DEBUG)
    journal.addHandler(collecte)
    try:
        envoyer("Mot de passe oublié", "Votre lien : https://coville.example.fr/secret-jeton", ["a@exemple.fr"])
    finally:
        journal.removeHandler(collecte)
        journal.setLevel(niveau)

    avec_liste = [r for r in collecte.enregistrements if getattr(r, "jobs", None)]
    assert {r.action for r in avec_liste} >= {"about_to_defer_jobs", "jobs_deferred"}
    for enregistrement in collecte.enregistrements:
        assert "secret-jeton" not in repr(vars(enregistrement))
    (tache,) = avec_liste[-1].jobs
    assert tache["task_kwargs"]["destinataire"] == "a@exemple.fr"
    assert "masqué" in tache["task_kwargs"]["corps"]
    assert "masqué" in tache["call_string"]
