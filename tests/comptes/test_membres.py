"""Gestion des membres sans l'administration : retirer un membre, changer son rôle, annuler ou renvoyer une
invitation, quitter une organisation ; l'organisation garde toujours un gestionnaire."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from comptes import services
from comptes.models import ActionAudit, Adhesion, EntreeAudit, Invitation, Role
from tests.factories import AdhesionFactory
from tests.taches import puis_executer_taches

pytestmark = pytest.mark.django_db


def adhesion_de(utilisateur, organisation) -> Adhesion:
    return Adhesion.objects.get(utilisateur=utilisateur, organisation=organisation)


@pytest.fixture
def collegue(epci):
    return AdhesionFactory(organisation=epci, role=Role.AGENT, utilisateur__email="collegue@exemple.fr").utilisateur


# --- Retirer un membre -------------------------------------------------------------------------------------


def test_it_lets_a_manager_remove_a_member_journalled_and_notified(client, agent, elu, epci):
    client.force_login(agent)
    adhesion = adhesion_de(elu, epci)
    assert client.get(reverse("comptes:retirer_membre", args=[epci.pk, adhesion.pk])).status_code == 200

    with puis_executer_taches():
        reponse = client.post(reverse("comptes:retirer_membre", args=[epci.pk, adhesion.pk]))

    assert reponse.status_code == 302
    assert not Adhesion.objects.filter(pk=adhesion.pk).exists()
    entree = EntreeAudit.objects.get(action=ActionAudit.ADHESION_RETIREE)
    assert (entree.auteur, entree.details["utilisateur"], entree.details["role"]) == (agent, elu.email, Role.ELU)
    assert [m.to for m in mail.outbox] == [[elu.email]]
    assert "ne faites plus partie de Rennes Métropole" in mail.outbox[0].subject


def test_it_refuses_to_remove_the_last_manager_and_changes_nothing(client, admin_plateforme, agent, elu, epci):
    client.force_login(admin_plateforme)
    adhesion = adhesion_de(agent, epci)

    reponse = client.post(reverse("comptes:retirer_membre", args=[epci.pk, adhesion.pk]))

    assert reponse.status_code == 409
    assert "dernière personne qui gère Rennes Métropole" in reponse.content.decode()
    assert Adhesion.objects.filter(pk=adhesion.pk).exists()
    assert not EntreeAudit.objects.filter(action=ActionAudit.ADHESION_RETIREE).exists()


def test_it_lets_a_manager_remove_another_manager_when_one_remains(client, agent, collegue, epci):
    client.force_login(agent)
    reponse = client.post(reverse("comptes:retirer_membre", args=[epci.pk, adhesion_de(collegue, epci).pk]))
    assert reponse.status_code == 302
    assert not Adhesion.objects.filter(utilisateur=collegue).exists()


def test_it_forbids_an_elected_official_to_remove_anyone(client, agent, elu, epci):
    client.force_login(elu)
    reponse = client.post(reverse("comptes:retirer_membre", args=[epci.pk, adhesion_de(agent, epci).pk]))
    assert reponse.status_code == 403
    assert Adhesion.objects.filter(utilisateur=agent).exists()


def test_it_hides_another_organisations_members(client, agent, membre_structure, association):
    client.force_login(agent)
    adhesion = adhesion_de(membre_structure, association)
    reponse = client.post(reverse("comptes:retirer_membre", args=[association.pk, adhesion.pk]))
    assert reponse.status_code == 404
    assert Adhesion.objects.filter(pk=adhesion.pk).exists()


def test_it_answers_404_for_a_membership_of_another_organisation_under_this_one(
    client, agent, epci, membre_structure, association
):
    client.force_login(agent)
    adhesion = adhesion_de(membre_structure, association)
    assert client.post(reverse("comptes:retirer_membre", args=[epci.pk, adhesion.pk])).status_code == 404


# --- Changer un rôle ---------------------------------------------------------------------------------------


def test_it_lets_a_manager_change_a_role_journalled_and_notified(client, agent, elu, epci):
    client.force_login(agent)
    adhesion = adhesion_de(elu, epci)
    page = client.get(reverse("comptes:changer_role", args=[epci.pk, adhesion.pk])).content.decode()
    assert 'value="agent"' in page and 'value="admin"' not in page

    with puis_executer_taches():
        reponse = client.post(reverse("comptes:changer_role", args=[epci.pk, adhesion.pk]), {"role": Role.AGENT})

    assert reponse.status_code == 302
    adhesion.refresh_from_db()
    assert adhesion.role == Role.AGENT
    entree = EntreeAudit.objects.get(action=ActionAudit.ROLE_CHANGE)
    assert (entree.details["avant"], entree.details["apres"]) == (Role.ELU, Role.AGENT)
    assert mail.outbox[0].to == [elu.email]
    assert "« Élu·e » devient « Agent »" in mail.outbox[0].body


def test_it_never_lets_a_manager_grant_more_than_their_own_role(client, agent, elu, epci):
    client.force_login(agent)
    adhesion = adhesion_de(elu, epci)
    reponse = client.post(reverse("comptes:changer_role", args=[epci.pk, adhesion.pk]), {"role": Role.ADMIN})
    assert reponse.status_code == 400
    adhesion.refresh_from_db()
    assert adhesion.role == Role.ELU
    assert not EntreeAudit.objects.filter(action=ActionAudit.ROLE_CHANGE).exists()


def test_it_refuses_a_role_change_by_a_non_manager_with_403(client, agent, elu, epci):
    client.force_login(elu)
    adhesion = adhesion_de(agent, epci)
    reponse = client.post(reverse("comptes:changer_role", args=[epci.pk, adhesion.pk]), {"role": Role.ELU})
    assert reponse.status_code == 403
    adhesion.refresh_from_db()
    assert adhesion.role == Role.AGENT


def test_it_refuses_to_demote_the_last_manager(client, admin_plateforme, agent, epci):
    client.force_login(admin_plateforme)
    adhesion = adhesion_de(agent, epci)
    reponse = client.post(reverse("comptes:changer_role", args=[epci.pk, adhesion.pk]), {"role": Role.ELU})
    assert reponse.status_code == 409
    assert "donnez d'abord ce rôle à un·e autre membre" in html.unescape(reponse.content.decode())
    adhesion.refresh_from_db()
    assert adhesion.role == Role.AGENT


# --- Invitations -------------------------------------------------------------------------------------------


def test_it_lets_a_manager_cancel_an_invitation(client, agent, epci):
    invitation, jeton = services.inviter(agent, epci, "nouvelle@exemple.fr", Role.AGENT)
    client.force_login(agent)

    reponse = client.post(reverse("comptes:annuler_invitation", args=[epci.pk, invitation.pk]))

    assert reponse.status_code == 302
    invitation.refresh_from_db()
    assert invitation.annulee_le is not None
    with pytest.raises(services.InvitationInvalide):
        services.invitation_valide(jeton)


def test_it_resends_an_invitation_with_a_new_link_and_voids_the_old_one(client, agent, epci):
    invitation, ancien = services.inviter(agent, epci, "nouvelle@exemple.fr", Role.ELU)
    client.force_login(agent)

    with puis_executer_taches():
        reponse = client.post(reverse("comptes:renvoyer_invitation", args=[epci.pk, invitation.pk]))

    assert reponse.status_code == 302
    nouvelle = Invitation.objects.en_attente().get()
    assert (nouvelle.email, nouvelle.role) == ("nouvelle@exemple.fr", Role.ELU)
    assert nouvelle.pk != invitation.pk
    with pytest.raises(services.InvitationInvalide):
        services.invitation_valide(ancien)
    assert mail.outbox[-1].to == ["nouvelle@exemple.fr"]


def test_it_forbids_an_elected_official_to_cancel_an_invitation(client, agent, elu, epci):
    invitation, _ = services.inviter(agent, epci, "nouvelle@exemple.fr", Role.AGENT)
    client.force_login(elu)
    assert client.post(reverse("comptes:annuler_invitation", args=[epci.pk, invitation.pk])).status_code == 403
    invitation.refresh_from_db()
    assert invitation.annulee_le is None


def test_it_lets_an_inhabitant_cancel_only_their_own_invitations(client, habitant, conseil_citoyen):
    voisine = AdhesionFactory(organisation=conseil_citoyen, role=Role.HABITANT).utilisateur
    la_sienne, _ = services.inviter(habitant, conseil_citoyen, "voisin@exemple.fr", Role.HABITANT)
    celle_d_une_autre, _ = services.inviter(voisine, conseil_citoyen, "autre@exemple.fr", Role.HABITANT)
    client.force_login(habitant)

    assert (
        client.post(reverse("comptes:annuler_invitation", args=[conseil_citoyen.pk, la_sienne.pk])).status_code == 302
    )
    reponse = client.post(reverse("comptes:annuler_invitation", args=[conseil_citoyen.pk, celle_d_une_autre.pk]))

    assert reponse.status_code == 403
    celle_d_une_autre.refresh_from_db()
    assert celle_d_une_autre.annulee_le is None


# --- Quitter une organisation ------------------------------------------------------------------------------


def test_it_lets_a_person_leave_an_organisation(client, agent, elu, epci):
    client.force_login(elu)
    assert "Quitter" in client.get(reverse("comptes:mon_espace")).content.decode()

    reponse = client.post(reverse("comptes:quitter", args=[epci.pk]))

    assert reponse.status_code == 302
    assert not Adhesion.objects.filter(utilisateur=elu).exists()
    entree = EntreeAudit.objects.get(action=ActionAudit.ADHESION_RETIREE)
    assert (entree.auteur, entree.details["par"]) == (elu, "depart")


def test_it_keeps_the_last_manager_who_wants_to_leave_and_says_what_to_do(client, agent, epci):
    client.force_login(agent)
    reponse = client.post(reverse("comptes:quitter", args=[epci.pk]))
    assert reponse.status_code == 409
    assert "invitez d'abord un·e collègue avec ce rôle" in html.unescape(reponse.content.decode())
    assert Adhesion.objects.filter(utilisateur=agent).exists()


def test_it_lets_a_manager_leave_when_a_colleague_remains(client, agent, collegue, epci):
    client.force_login(agent)
    assert client.post(reverse("comptes:quitter", args=[epci.pk])).status_code == 302
    assert not Adhesion.objects.filter(utilisateur=agent).exists()


def test_it_shows_manager_actions_only_to_managers(client, agent, elu, epci):
    client.force_login(elu)
    page_elu = client.get(reverse("comptes:organisation", args=[epci.pk])).content.decode()
    client.force_login(agent)
    page_agent = client.get(reverse("comptes:organisation", args=[epci.pk])).content.decode()

    retirer_agent = reverse("comptes:retirer_membre", args=[epci.pk, adhesion_de(agent, epci).pk])
    retirer_elu = reverse("comptes:retirer_membre", args=[epci.pk, adhesion_de(elu, epci).pk])
    assert retirer_agent not in page_elu and retirer_elu not in page_elu
    assert retirer_elu in page_agent
    # Soi-même : « Quitter », pas « Retirer ».
    assert retirer_agent not in page_agent
