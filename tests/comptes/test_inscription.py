"""Inscription libre (habitants), vérification de l'adresse, connexion et sa limite de débit."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from comptes.models import Utilisateur
from tests.factories import MOT_DE_PASSE
from tests.taches import ecouler_delais, executer_taches, taches

pytestmark = pytest.mark.django_db

FORMULAIRE = {
    "prenom": "Nadia",
    "nom": "Habitante",
    "email": "nadia@exemple.fr",
    "password1": "Quartier-Maurepas-2026",
    "password2": "Quartier-Maurepas-2026",
}


def test_it_signs_up_an_inhabitant_and_sends_a_verification_email(client):
    reponse = client.post(reverse("account_signup"), FORMULAIRE)

    assert reponse.status_code == 302
    utilisateur = Utilisateur.objects.get(email="nadia@exemple.fr")
    assert (utilisateur.prenom, utilisateur.nom) == ("Nadia", "Habitante")
    assert not utilisateur.adhesions.exists()
    assert not EmailAddress.objects.get(user=utilisateur).verified
    executer_taches()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nadia@exemple.fr"]


def test_it_refuses_an_email_already_registered(client, exterieur):
    reponse = client.post(reverse("account_signup"), {**FORMULAIRE, "email": exterieur.email.upper()})

    assert reponse.status_code == 200
    assert "Un autre utilisateur utilise déjà cette adresse e-mail" in reponse.content.decode()
    assert Utilisateur.objects.count() == 1
    assert mail.outbox == []


def test_it_refuses_a_weak_password(client):
    reponse = client.post(reverse("account_signup"), {**FORMULAIRE, "password1": "azerty", "password2": "azerty"})

    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Ce mot de passe est trop court" in contenu
    assert "Ce mot de passe est trop courant" in contenu
    assert not Utilisateur.objects.exists()


def test_it_keeps_typed_values_when_the_form_is_refused(client):
    reponse = client.post(reverse("account_signup"), {**FORMULAIRE, "password2": "autre-chose-2026"})

    contenu = reponse.content.decode()
    assert 'value="nadia@exemple.fr"' in contenu
    assert 'value="Nadia"' in contenu
    assert not Utilisateur.objects.exists()


def test_it_refuses_login_until_the_email_is_verified_then_accepts_it(client):
    client.post(reverse("account_signup"), FORMULAIRE)
    client.logout()
    identifiants = {"login": "nadia@exemple.fr", "password": FORMULAIRE["password1"]}

    reponse = client.post(reverse("account_login"), identifiants)
    assert reponse.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    executer_taches()
    lien = re.search(r"https?://[^/\s]+(/comptes/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    client.post(lien)
    assert EmailAddress.objects.get(email="nadia@exemple.fr").verified

    reponse = client.post(reverse("account_login"), identifiants)
    assert reponse.url == reverse("accueil")
    assert client.session["_auth_user_id"] == str(Utilisateur.objects.get(email="nadia@exemple.fr").pk)


def test_it_logs_in_with_the_email(client, membre_structure):
    # (sans double authentification activée ; avec, tests/comptes/test_double_authentification.py)
    reponse = client.post(reverse("account_login"), {"login": membre_structure.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert reponse.url == reverse("accueil")


def test_it_says_in_french_that_the_credentials_are_wrong(client, agent):
    reponse = client.post(reverse("account_login"), {"login": agent.email, "password": "mauvais"})
    assert reponse.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects" in reponse.content.decode()


def test_it_limits_failed_logins_on_one_account(client, agent):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": agent.email, "password": "mauvais"})

    # Même le bon mot de passe est refusé tant que la limite n'est pas levée.
    reponse = client.post(reverse("account_login"), {"login": agent.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 200
    assert "Trop de tentatives de connexion échouées" in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_changes_the_password(client, agent):
    client.force_login(agent)
    reponse = client.post(
        reverse("account_change_password"),
        {"oldpassword": MOT_DE_PASSE, "password1": "Nouveau-secret-2026", "password2": "Nouveau-secret-2026"},
    )
    assert reponse.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("Nouveau-secret-2026")


def test_it_sends_a_password_reset_link(client, agent):
    reponse = client.post(reverse("account_reset_password"), {"email": agent.email})
    assert reponse.status_code == 302
    executer_taches()
    assert len(mail.outbox) == 1
    assert "/comptes/password/reset/key/" in mail.outbox[0].body


def test_it_logs_out_with_a_post(client, agent):
    client.force_login(agent)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_a_signup_succeeds_when_the_mail_server_is_down_and_its_verification_arrives_later(
    client, settings, smtp_en_panne
):
    reponse = client.post(reverse("account_signup"), FORMULAIRE)

    assert reponse.status_code == 302
    assert Utilisateur.objects.filter(email="nadia@exemple.fr").exists()
    executer_taches()
    assert mail.outbox == []
    assert [(t.status, t.attempts) for t in taches("envoyer_courriel")] == [("todo", 1)]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ecouler_delais()
    executer_taches()
    assert [m.to for m in mail.outbox] == [["nadia@exemple.fr"]]
    assert "/comptes/confirm-email/" in mail.outbox[0].body


def test_behind_a_proxy_two_clients_are_limited_separately(client, membre_structure, settings):
    # Derrière un répartiteur de charge, toutes les requêtes arrivent de son adresse : sans proxy de
    # confiance, dix échecs d'une personne bloqueraient la connexion de tout le monde.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for numero in range(12):
        client.post(
            reverse("account_login"),
            {"login": f"inconnu{numero}@exemple.fr", "password": "mauvais"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
    bloque = client.post(
        reverse("account_login"),
        {"login": membre_structure.email, "password": MOT_DE_PASSE},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        **proxy,
    )
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in bloque.content.decode()

    reponse = client.post(
        reverse("account_login"),
        {"login": membre_structure.email, "password": MOT_DE_PASSE},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
        **proxy,
    )
    assert reponse.status_code == 302
    assert client.session["_auth_user_id"] == str(membre_structure.pk)
