"""La double authentification (allauth.mfa) : offerte à tout le monde depuis « Mon compte », demandée à la
connexion de qui l'a activée, exigée pour l'administration ; ses pages en français."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from comptes.mfa import CLE_RETOUR, double_authentification_exigee
from tests.double_authentification import SECRET, activer, code, connecter, desactiver
from tests.factories import MOT_DE_PASSE

pytestmark = pytest.mark.django_db


def test_it_is_offered_from_my_account_and_my_space(client, habitant):
    client.force_login(habitant)
    for page in ("comptes:mon_compte", "comptes:mon_espace"):
        assert reverse("mfa_index") in client.get(reverse(page)).content.decode()


def test_it_is_required_of_admins_agents_and_state_only(
    agent, agent_etat, admin_plateforme, elu, membre_structure, partenaire, habitant, exterieur
):
    for personne in (agent, agent_etat, admin_plateforme):
        assert double_authentification_exigee(personne)
    for personne in (elu, membre_structure, partenaire, habitant, exterieur):
        assert not double_authentification_exigee(personne)


def test_it_shows_the_activation_page_in_french_with_an_inline_qr_code(client, agent):
    desactiver(agent)
    connecter(client, agent)
    reponse = client.get(reverse("mfa_activate_totp"))
    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Activer l'application d'authentification" in page
    assert 'src="data:image/svg+xml;base64,' in page
    assert "<script>" not in page  # rien d'écrit dans la page : la CSP refuse les scripts en ligne


def test_it_activates_totp_then_shows_recovery_codes_and_the_way_back(client, agent):
    desactiver(agent)
    connecter(client, agent)
    tableau = reverse("financements:tableau_instruction")
    session = client.session
    session[CLE_RETOUR] = tableau
    session.save()
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    reponse = client.post(reverse("mfa_activate_totp"), {"code": code(secret)}, follow=True)
    assert Authenticator.objects.filter(user=agent, type=Authenticator.Type.TOTP).exists()
    page = reponse.content.decode()
    assert reponse.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert "Codes inutilisés" in page
    assert f'href="{tableau}"' in page


def test_it_asks_the_code_at_login_and_refuses_a_wrong_one_in_french(client, agent):
    reponse = client.post(reverse("account_login"), {"login": agent.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Votre compte est protégé par l'authentification à deux facteurs." in page
    bon = code(SECRET)
    mauvais = "000000" if bon != "000000" else "111111"
    reponse = client.post(reverse("mfa_authenticate"), {"code": mauvais})
    assert reponse.status_code == 200
    assert "Code incorrect." in reponse.content.decode()
    assert "_auth_user_id" not in client.session
    reponse = client.post(reverse("mfa_authenticate"), {"code": bon})
    assert reponse.status_code == 302
    assert int(client.session["_auth_user_id"]) == agent.pk


def test_it_closes_the_admin_to_staff_without_it(client, admin_plateforme):
    desactiver(admin_plateforme)
    client.force_login(admin_plateforme)
    reponse = client.get(reverse("admin:comptes_utilisateur_changelist"))
    assert reponse.status_code == 302
    adresse = urlsplit(reponse["Location"])
    assert adresse.path == reverse("mfa_activate_totp")
    assert parse_qs(adresse.query)["next"] == [reverse("admin:comptes_utilisateur_changelist")]
    activer(admin_plateforme)
    assert client.get(reverse("admin:comptes_utilisateur_changelist")).status_code == 200


def test_it_sends_the_admin_login_through_the_login_that_asks_the_second_factor(client):
    reponse = client.get(reverse("admin:login"))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("account_login"))


def test_an_admin_resets_it_for_a_person_who_lost_phone_and_codes(client, admin_plateforme, agent):
    client.force_login(admin_plateforme)
    liste = client.get(reverse("admin:mfa_authenticator_changelist"), {"q": agent.email})
    assert liste.status_code == 200
    assert agent.email in liste.content.decode()
    authentificateur = Authenticator.objects.get(user=agent)
    client.post(reverse("admin:mfa_authenticator_delete", args=[authentificateur.pk]), {"post": "yes"})
    assert not Authenticator.objects.filter(user=agent).exists()
    client.logout()
    reponse = client.post(reverse("account_login"), {"login": agent.email, "password": MOT_DE_PASSE})
    assert reponse["Location"] == reverse("accueil")
