"""Une organisation n'entre dans un collectif que si l'un de ses membres accepte l'invitation de l'animateur
(issue 10, point 14)."""

import pytest
from django.core import mail
from django.urls import reverse

from acteurs_ess.models import MembreCollectif
from acteurs_ess.permissions import peut_gerer_collectif
from comptes.models import Role
from tests.acteurs_ess.factories import CollectifFactory, MembreCollectifFactory
from tests.factories import AdhesionFactory, OrganisationFactory
from tests.taches import puis_executer_taches

pytestmark = pytest.mark.django_db


@pytest.fixture
def ptce(structure):
    collectif = CollectifFactory(nom="Pôle ESS Rennes Sud")
    MembreCollectifFactory(collectif=collectif, organisation=structure.organisation, role="animateur")
    return collectif


@pytest.fixture
def ville(db):
    return OrganisationFactory(commune=True, nom="Ville de Saint-Jacques")


@pytest.fixture
def agent_ville(ville):
    return AdhesionFactory(organisation=ville, role=Role.AGENT, utilisateur__email="agent.sj@exemple.fr").utilisateur


# Les e-mails partent une fois la transaction validée : les tests exécutent ces rappels.
def inviter(client, membre_structure, ptce, nom="Ville de Saint-Jacques", role="membre"):
    client.force_login(membre_structure)
    with puis_executer_taches():
        return client.post(reverse("acteurs_ess:gerer_collectif", args=[ptce.pk]), {"organisation": nom, "role": role})


def repondre(client, personne, invitation, decision):
    client.force_login(personne)
    with puis_executer_taches():
        return client.post(reverse("acteurs_ess:repondre_invitation", args=[invitation.pk]), {"decision": decision})


def test_adding_an_organisation_invites_it_without_making_it_a_member(client, membre_structure, ptce, agent_ville):
    reponse = inviter(client, membre_structure, ptce)

    invitation = ptce.membres.get(organisation__nom="Ville de Saint-Jacques")
    assert invitation.etat == "invitee"
    assert "Invitation envoyée à Ville de Saint-Jacques" in client.get(reponse.url).content.decode()
    assert [m.to for m in mail.outbox] == [[agent_ville.email]]
    assert "vous invite à rejoindre" in mail.outbox[0].subject
    public = client.get(reverse("acteurs_ess:collectif", args=[ptce.pk])).content.decode()
    assert "Ville de Saint-Jacques" not in public
    assert "(1 membre)" in client.get(reverse("acteurs_ess:collectifs")).content.decode()


def test_a_member_of_the_invited_organisation_accepts_from_mon_espace(client, membre_structure, ptce, agent_ville):
    inviter(client, membre_structure, ptce)
    invitation = MembreCollectif.objects.get(etat="invitee")
    client.force_login(agent_ville)
    espace = client.get(reverse("comptes:mon_espace")).content.decode()
    assert "Pôle ESS Rennes Sud</a> vous invite à rejoindre le collectif au nom de Ville de Saint-Jacques" in espace
    mail.outbox.clear()

    reponse = repondre(client, agent_ville, invitation, "accepter")

    invitation.refresh_from_db()
    assert (invitation.etat, invitation.repondue_par) == ("acceptee", agent_ville)
    assert "Ville de Saint-Jacques a rejoint Pôle ESS Rennes Sud" in client.get(reponse.url).content.decode()
    assert [m.to for m in mail.outbox] == [[membre_structure.email]]
    assert "a accepté" in mail.outbox[0].subject
    assert "Ville de Saint-Jacques" in client.get(reverse("acteurs_ess:collectif", args=[ptce.pk])).content.decode()


def test_a_refusal_keeps_the_organisation_out_and_tells_the_animator(client, membre_structure, ptce, agent_ville):
    inviter(client, membre_structure, ptce, role="animateur")
    invitation = MembreCollectif.objects.get(etat="invitee")
    assert not peut_gerer_collectif(agent_ville, ptce)
    mail.outbox.clear()

    repondre(client, agent_ville, invitation, "refuser")

    invitation.refresh_from_db()
    assert invitation.etat == "refusee"
    assert not peut_gerer_collectif(agent_ville, ptce)
    assert "a décliné" in mail.outbox[0].subject
    gestion = inviter(client, membre_structure, ptce)
    assert gestion.status_code == 302
    invitation.refresh_from_db()
    assert invitation.etat == "invitee"


@pytest.mark.parametrize("personne", ["membre_structure", "agent", "exterieur"])
def test_only_members_of_the_invited_organisation_answer(
    client, membre_structure, ptce, agent_ville, personne, request
):
    inviter(client, membre_structure, ptce)
    invitation = MembreCollectif.objects.get(etat="invitee")
    assert repondre(client, request.getfixturevalue(personne), invitation, "accepter").status_code == 404
    invitation.refresh_from_db()
    assert invitation.etat == "invitee"
