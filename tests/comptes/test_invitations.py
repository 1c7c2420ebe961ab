"""Invitations : qui peut inviter qui, et ce que devient le lien (accepté, expiré, réutilisé, annulé)."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comptes import services
from comptes.models import Adhesion, Invitation, Role, Utilisateur
from tests.factories import MOT_DE_PASSE, UtilisateurFactory
from tests.taches import puis_executer_taches, serveur_de_courriels_retabli

pytestmark = pytest.mark.django_db


def jeton_du_mail(message) -> str:
    return re.search(r"/invitations/([\w-]+)/", message.body).group(1)


def url_invitation(jeton: str) -> str:
    return reverse("comptes:invitation", args=[jeton])


# --- Envoi ---------------------------------------------------------------------------------------


def test_it_lets_an_agent_invite_a_colleague_by_email(client, agent, epci):
    client.force_login(agent)
    with puis_executer_taches():
        reponse = client.post(
            reverse("comptes:inviter", args=[epci.pk]),
            {"email": "Nouvelle.Agente@exemple.fr", "role": Role.AGENT},
        )

    assert reponse.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invitee_par) == (
        "nouvelle.agente@exemple.fr",
        Role.AGENT,
        agent,
    )
    assert mail.outbox[0].to == ["nouvelle.agente@exemple.fr"]
    assert "Rennes Métropole" in mail.outbox[0].subject
    # Seule l'empreinte du jeton est en base.
    assert jeton_du_mail(mail.outbox[0]) not in invitation.empreinte_jeton


def test_it_lets_an_agent_invite_an_elected_official(client, agent, epci):
    client.force_login(agent)
    client.post(reverse("comptes:inviter", args=[epci.pk]), {"email": "maire@exemple.fr", "role": Role.ELU})
    assert Invitation.objects.get().role == Role.ELU


def test_it_offers_only_the_roles_of_the_organisation(client, agent, epci):
    client.force_login(agent)
    contenu = client.get(reverse("comptes:inviter", args=[epci.pk])).content.decode()
    assert 'value="agent"' in contenu
    assert 'value="elu"' in contenu
    assert 'value="structure"' not in contenu
    assert 'value="admin"' not in contenu


def test_it_refuses_a_role_the_inviter_may_not_give(client, agent, epci):
    client.force_login(agent)
    reponse = client.post(reverse("comptes:inviter", args=[epci.pk]), {"email": "x@exemple.fr", "role": Role.ADMIN})

    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_service_refuses_a_forbidden_role_too(membre_structure, association):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.inviter(membre_structure, association, "x@exemple.fr", Role.AGENT)
    assert not Invitation.objects.exists()


def test_it_refuses_to_invite_an_existing_member(client, agent, elu, epci):
    client.force_login(agent)
    reponse = client.post(reverse("comptes:inviter", args=[epci.pk]), {"email": elu.email, "role": Role.AGENT})

    assert "est déjà membre de Rennes Métropole" in reponse.content.decode()
    assert not Invitation.objects.exists()


def test_it_refuses_an_invalid_email(client, agent, epci):
    client.force_login(agent)
    reponse = client.post(reverse("comptes:inviter", args=[epci.pk]), {"email": "pas-une-adresse", "role": "agent"})
    assert "Saisissez une adresse de courriel valide" in reponse.content.decode()
    assert not Invitation.objects.exists()


def test_it_replaces_a_pending_invitation_for_the_same_address(agent, epci):
    ancienne, ancien_jeton = services.inviter(agent, epci, "x@exemple.fr", Role.AGENT)
    services.inviter(agent, epci, "x@exemple.fr", Role.ELU)

    ancienne.refresh_from_db()
    assert ancienne.annulee_le is not None
    with pytest.raises(services.InvitationInvalide, match="annulée ou remplacée"):
        services.invitation_valide(ancien_jeton)


def test_an_elected_official_may_not_invite(client, elu, epci):
    client.force_login(elu)
    assert client.get(reverse("comptes:inviter", args=[epci.pk])).status_code == 403
    reponse = client.post(reverse("comptes:inviter", args=[epci.pk]), {"email": "x@exemple.fr", "role": Role.ELU})
    assert reponse.status_code == 403
    assert not Invitation.objects.exists()


def test_an_outsider_does_not_see_the_invitation_page(client, membre_structure, epci):
    client.force_login(membre_structure)
    assert client.get(reverse("comptes:inviter", args=[epci.pk])).status_code == 404
    reponse = client.post(reverse("comptes:inviter", args=[epci.pk]), {"email": "x@exemple.fr", "role": Role.AGENT})
    assert reponse.status_code == 404
    assert not Invitation.objects.exists()


def test_a_platform_admin_may_name_an_agent_anywhere(client, admin_plateforme, epci):
    client.force_login(admin_plateforme)
    client.post(reverse("comptes:inviter", args=[epci.pk]), {"email": "x@exemple.fr", "role": Role.AGENT})
    assert Invitation.objects.get().invitee_par == admin_plateforme


def test_an_anonymous_visitor_is_sent_to_login(client, epci):
    reponse = client.get(reverse("comptes:inviter", args=[epci.pk]))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))


def test_each_manager_role_invites_into_its_own_organisation(
    agent_etat, prefecture, membre_structure, association, partenaire, bailleur, habitant, conseil_citoyen
):
    for inviteur, organisation, role in [
        (agent_etat, prefecture, Role.ETAT),
        (membre_structure, association, Role.STRUCTURE),
        (partenaire, bailleur, Role.PARTENAIRE),
        (habitant, conseil_citoyen, Role.HABITANT),
    ]:
        invitation, _ = services.inviter(inviteur, organisation, f"nouveau-{role}@exemple.fr", role)
        assert invitation.organisation == organisation


# --- Acceptation ---------------------------------------------------------------------------------


def test_it_creates_the_account_and_the_membership_from_the_link(client, agent, epci):
    _, jeton = services.inviter(agent, epci, "nouvelle@exemple.fr", Role.AGENT)

    page = client.get(url_invitation(jeton))
    assert "Créer votre compte" in page.content.decode()
    reponse = client.post(
        url_invitation(jeton),
        {
            "prenom": "Inès",
            "nom": "Nouvelle",
            "password1": "Contrat-de-ville-2030",
            "password2": "Contrat-de-ville-2030",
        },
    )

    assert reponse.url == reverse("comptes:mon_espace")
    utilisateur = Utilisateur.objects.get(email="nouvelle@exemple.fr")
    assert Adhesion.objects.get(utilisateur=utilisateur).role == Role.AGENT
    assert utilisateur.emailaddress_set.get().verified
    assert client.session["_auth_user_id"] == str(utilisateur.pk)
    assert Invitation.objects.get().acceptee_par == utilisateur


def test_it_keeps_the_invitation_when_the_new_account_form_is_refused(client, agent, epci):
    _, jeton = services.inviter(agent, epci, "nouvelle@exemple.fr", Role.AGENT)
    reponse = client.post(
        url_invitation(jeton), {"prenom": "Inès", "nom": "Nouvelle", "password1": "123", "password2": "123"}
    )

    contenu = reponse.content.decode()
    assert "Ce mot de passe est trop court" in contenu
    assert 'value="Inès"' in contenu
    assert not Utilisateur.objects.filter(email="nouvelle@exemple.fr").exists()
    assert Invitation.objects.get().acceptee_le is None


def test_an_existing_user_accepts_after_logging_in(client, agent, epci, exterieur):
    _, jeton = services.inviter(agent, epci, exterieur.email, Role.ELU)

    page = client.get(url_invitation(jeton))
    assert "Vous avez déjà un compte" in page.content.decode()
    assert not Adhesion.objects.filter(utilisateur=exterieur).exists()

    client.force_login(exterieur)
    reponse = client.post(url_invitation(jeton))
    assert reponse.url == reverse("comptes:mon_espace")
    assert Adhesion.objects.get(utilisateur=exterieur).role == Role.ELU


def test_it_refuses_an_invitation_meant_for_another_address(client, agent, epci, exterieur):
    _, jeton = services.inviter(agent, epci, "quelquun@exemple.fr", Role.AGENT)
    client.force_login(exterieur)

    assert "Cette invitation est adressée à quelquun@exemple.fr" in client.get(url_invitation(jeton)).content.decode()
    client.post(url_invitation(jeton))
    assert not Adhesion.objects.filter(utilisateur=exterieur).exists()
    assert Invitation.objects.get().acceptee_le is None


def test_it_refuses_an_expired_invitation(client, agent, epci):
    invitation, jeton = services.inviter(agent, epci, "tard@exemple.fr", Role.AGENT)
    Invitation.objects.filter(pk=invitation.pk).update(expire_le=timezone.now() - timedelta(minutes=1))

    reponse = client.post(
        url_invitation(jeton),
        {
            "prenom": "A",
            "nom": "B",
            "password1": "Contrat-de-ville-2030",
            "password2": "Contrat-de-ville-2030",
        },
    )
    assert reponse.status_code == 410
    assert "Cette invitation a expiré" in reponse.content.decode()
    assert not Utilisateur.objects.filter(email="tard@exemple.fr").exists()


def test_it_refuses_a_reused_invitation(client, agent, epci):
    _, jeton = services.inviter(agent, epci, "nouvelle@exemple.fr", Role.AGENT)
    donnees = {
        "prenom": "A",
        "nom": "B",
        "password1": "Contrat-de-ville-2030",
        "password2": "Contrat-de-ville-2030",
    }
    client.post(url_invitation(jeton), donnees)
    client.logout()

    reponse = client.post(url_invitation(jeton), donnees)
    assert reponse.status_code == 410
    assert "Cette invitation a déjà été utilisée" in reponse.content.decode()
    assert Adhesion.objects.filter(organisation=epci, utilisateur__email="nouvelle@exemple.fr").count() == 1


def test_it_refuses_an_unknown_link(client):
    reponse = client.get(url_invitation("inconnu"))
    assert reponse.status_code == 410
    assert "Ce lien d'invitation n'est pas valide" in html.unescape(reponse.content.decode())


def test_the_invited_person_can_log_in_afterwards(client, agent, epci):
    _, jeton = services.inviter(agent, epci, "nouvelle@exemple.fr", Role.AGENT)
    client.post(
        url_invitation(jeton),
        {
            "prenom": "A",
            "nom": "B",
            "password1": "Contrat-de-ville-2030",
            "password2": "Contrat-de-ville-2030",
        },
    )
    client.logout()
    reponse = client.post(
        reverse("account_login"), {"login": "nouvelle@exemple.fr", "password": "Contrat-de-ville-2030"}
    )
    assert reponse.url == reverse("accueil")


def test_the_demo_password_is_not_the_test_password():
    # Garde-fou : les mots de passe des factories ne doivent pas être ceux de la démonstration.
    from comptes.demo import MOT_DE_PASSE as MOT_DE_PASSE_DEMO

    assert MOT_DE_PASSE != MOT_DE_PASSE_DEMO
    assert UtilisateurFactory.build().email.endswith("@exemple.fr")


# --- Serveur d'e-mails en panne --------------------------------------------------------------------


def test_an_smtp_failure_keeps_the_invitation_and_answers_normally(client, agent, epci, smtp_en_panne, settings):
    client.force_login(agent)
    with puis_executer_taches():
        reponse = client.post(
            reverse("comptes:inviter", args=[epci.pk]), {"email": "collegue@exemple.fr", "role": Role.AGENT}
        )
    assert reponse.status_code == 302
    assert Invitation.objects.filter(email="collegue@exemple.fr").exists()
    assert mail.outbox == []

    serveur_de_courriels_retabli(settings)
    assert [m.to for m in mail.outbox] == [["collegue@exemple.fr"]]


def test_an_invitation_subject_stays_on_one_line(client, agent, epci):
    epci.nom = "Rennes\r\nMétropole"
    epci.save(update_fields=["nom"])
    client.force_login(agent)
    with puis_executer_taches():
        client.post(reverse("comptes:inviter", args=[epci.pk]), {"email": "collegue@exemple.fr", "role": Role.AGENT})
    assert "Rennes Métropole" in mail.outbox[0].subject
    assert "\n" not in mail.outbox[0].subject


# --- Nouvelle invitation après expiration, acceptations simultanées ----------------------------------------


def test_it_invites_again_after_an_invitation_expired(client, agent, epci):
    with puis_executer_taches():
        ancienne, ancien_jeton = services.inviter(agent, epci, "tard@exemple.fr", Role.AGENT)
    Invitation.objects.filter(pk=ancienne.pk).update(expire_le=timezone.now() - timedelta(minutes=1))
    client.force_login(agent)

    with puis_executer_taches():
        reponse = client.post(
            reverse("comptes:inviter", args=[epci.pk]), {"email": "tard@exemple.fr", "role": Role.AGENT}
        )

    assert reponse.status_code == 302
    assert len(mail.outbox) == 2
    nouvelle = Invitation.objects.exclude(pk=ancienne.pk).get()
    assert nouvelle.expire_le > timezone.now()
    client.logout()
    assert client.get(url_invitation(jeton_du_mail(mail.outbox[1]))).status_code == 200
    assert client.get(url_invitation(ancien_jeton)).status_code == 410


def test_a_second_acceptance_of_the_same_link_is_refused_not_a_crash(agent, epci):
    invitation, _ = services.inviter(agent, epci, "double@exemple.fr", Role.AGENT)
    # Deux envois simultanés du formulaire : chacun a lu l'invitation encore libre.
    services.creer_compte_et_accepter(invitation, "A", "B", "Contrat-de-ville-2030")
    with pytest.raises(services.InvitationInvalide, match="déjà été utilisée"):
        services.creer_compte_et_accepter(invitation, "A", "B", "Contrat-de-ville-2030")
    assert Utilisateur.objects.filter(email="double@exemple.fr").count() == 1


def test_the_page_answers_when_the_link_is_used_meanwhile(client, agent, epci, monkeypatch):
    invitation, jeton = services.inviter(agent, epci, "double@exemple.fr", Role.AGENT)
    services.creer_compte_et_accepter(invitation, "A", "B", "Contrat-de-ville-2030")
    # La page a validé le lien juste avant que l'autre envoi ne l'utilise.
    monkeypatch.setattr(services, "invitation_valide", lambda _jeton: invitation)
    client.force_login(Utilisateur.objects.get(email="double@exemple.fr"))

    reponse = client.post(url_invitation(jeton))

    assert reponse.status_code == 410
    assert "déjà été utilisée" in reponse.content.decode()


def test_two_simultaneous_invitations_to_the_same_address_do_not_collide(transactional_db, agent, epci, monkeypatch):
    import contextlib
    import threading

    from django.db import connection

    # Chaque envoi s'arrête juste avant de créer son invitation, le temps que l'autre arrive au même point
    # (ou, si l'autre attend un verrou, une seconde au plus).
    rendez_vous = threading.Barrier(2)
    nouveau_jeton = Invitation.nouveau_jeton

    def jeton_apres_rendez_vous():
        with contextlib.suppress(threading.BrokenBarrierError):
            rendez_vous.wait(timeout=1)
        return nouveau_jeton()

    monkeypatch.setattr(Invitation, "nouveau_jeton", jeton_apres_rendez_vous)
    erreurs = []

    def envoyer():
        try:
            services.inviter(agent, epci, "meme@exemple.fr", Role.AGENT)
        except Exception as erreur:
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=envoyer) for _ in range(2)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()

    assert erreurs == []
    assert Invitation.objects.filter(email="meme@exemple.fr").count() == 2
    assert Invitation.objects.en_attente().filter(email="meme@exemple.fr").count() == 1


def test_it_explains_an_address_already_verified_by_another_account(client, agent, epci, exterieur):
    from allauth.account.models import EmailAddress

    # L'adresse invitée est l'adresse secondaire, vérifiée, d'un autre compte.
    EmailAddress.objects.create(user=exterieur, email="seconde@exemple.fr", verified=True, primary=False)
    _, jeton = services.inviter(agent, epci, "seconde@exemple.fr", Role.AGENT)

    reponse = client.post(
        url_invitation(jeton),
        {"prenom": "A", "nom": "B", "password1": "Contrat-de-ville-2030", "password2": "Contrat-de-ville-2030"},
    )

    assert reponse.status_code == 410
    assert "déjà rattachée à un compte" in html.unescape(reponse.content.decode())
    assert not Utilisateur.objects.filter(email="seconde@exemple.fr").exists()
    assert Invitation.objects.get().acceptee_le is None
