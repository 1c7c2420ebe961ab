"""Les e-mails de la plateforme : objet sur une ligne, un message par destinataire, jamais d'erreur remontée."""

import logging

import pytest
from django.core import mail

from config.lib.courriels import envoyer, envoyer_apres_validation, sujet_sur_une_ligne


def test_it_puts_a_subject_on_one_line_without_control_characters():
    assert sujet_sur_une_ligne("Jardins\r\npartagés\tdu\x00  Blosne\u2028") == "Jardins partagés du Blosne"


def test_it_cuts_a_long_subject():
    sujet = sujet_sur_une_ligne("mot " * 100, longueur=30)
    assert len(sujet) <= 30
    assert sujet.endswith("…")


def test_it_sends_one_message_per_recipient():
    envoyer("Nouveau message", "Bonjour", ["a@exemple.fr", "b@exemple.fr", "a@exemple.fr", ""])
    assert sorted(m.to[0] for m in mail.outbox) == ["a@exemple.fr", "b@exemple.fr"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert mail.outbox[0].subject == "[Coville] Nouveau message"


def test_it_logs_an_smtp_failure_without_raising(smtp_en_panne, caplog):
    with caplog.at_level(logging.ERROR, logger="config.lib.courriels"):
        assert envoyer("Sujet", "Corps", ["a@exemple.fr"]) == 0
    assert "Sujet" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_it_sends_only_once_the_transaction_is_committed():
    from django.db import transaction

    with transaction.atomic():
        envoyer_apres_validation("Après", "Corps", ["a@exemple.fr"])
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["a@exemple.fr"]]

    with pytest.raises(RuntimeError), transaction.atomic():
        envoyer_apres_validation("Annulé", "Corps", ["b@exemple.fr"])
        raise RuntimeError
    assert len(mail.outbox) == 1


def test_the_smtp_timeout_comes_from_the_environment(settings):
    assert settings.EMAIL_TIMEOUT == 10
