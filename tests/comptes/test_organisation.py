import pytest
from django.urls import reverse

from comptes import services
from comptes.models import Role
from tests.factories import AdhesionFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_members_to_a_member(client, agent, elu, epci):
    client.force_login(elu)
    contenu = client.get(reverse("comptes:organisation", args=[epci.pk])).content.decode()
    assert agent.get_full_name() in contenu
    assert elu.get_full_name() in contenu


def test_it_shows_pending_invitations_to_managers_only(client, agent, elu, epci):
    services.inviter(agent, epci, "attente@exemple.fr", Role.AGENT)
    client.force_login(agent)
    assert "attente@exemple.fr" in client.get(reverse("comptes:organisation", args=[epci.pk])).content.decode()
    client.force_login(elu)
    assert "attente@exemple.fr" not in client.get(reverse("comptes:organisation", args=[epci.pk])).content.decode()


def test_it_hides_the_organisation_from_outsiders(client, membre_structure, epci):
    client.force_login(membre_structure)
    assert client.get(reverse("comptes:organisation", args=[epci.pk])).status_code == 404


def test_it_answers_404_for_an_unknown_organisation(client, agent):
    client.force_login(agent)
    assert client.get(reverse("comptes:organisation", args=[999999])).status_code == 404


def test_it_asks_anonymous_visitors_to_log_in(client, epci):
    assert client.get(reverse("comptes:organisation", args=[epci.pk])).status_code == 302


def test_it_opens_every_organisation_to_platform_admins(client, admin_plateforme, epci):
    client.force_login(admin_plateforme)
    assert client.get(reverse("comptes:organisation", args=[epci.pk])).status_code == 200


def test_it_runs_a_fixed_number_of_queries_whatever_the_members(client, agent, epci, django_assert_num_queries):
    client.force_login(agent)
    client.get(reverse("comptes:organisation", args=[epci.pk]))
    # session, utilisateur, organisation, rôle de la personne (lu une fois), membres, invitations en attente
    with django_assert_num_queries(6):
        client.get(reverse("comptes:organisation", args=[epci.pk]))
    for _ in range(5):
        AdhesionFactory(organisation=epci, role=Role.AGENT)
        services.inviter(agent, epci, f"x{_}@exemple.fr", Role.AGENT)
    with django_assert_num_queries(6):
        client.get(reverse("comptes:organisation", args=[epci.pk]))


def test_a_member_sees_the_names_but_not_the_emails_of_the_others(client, agent, elu, epci):
    anonyme = AdhesionFactory(organisation=epci, role=Role.ELU, utilisateur__prenom="", utilisateur__nom="")
    client.force_login(elu)
    contenu = client.get(reverse("comptes:organisation", args=[epci.pk])).content.decode()
    assert agent.email not in contenu
    assert anonyme.utilisateur.email not in contenu
    assert agent.get_full_name() in contenu
    assert f"Utilisateur·rice n° {anonyme.utilisateur.pk}" in contenu


def test_a_member_of_a_citizen_council_sees_no_email(client, habitant, conseil_citoyen):
    voisin = AdhesionFactory(organisation=conseil_citoyen, role=Role.HABITANT).utilisateur
    client.force_login(habitant)
    assert voisin.email not in client.get(reverse("comptes:organisation", args=[conseil_citoyen.pk])).content.decode()


def test_managers_and_platform_admins_see_the_emails(client, agent, elu, epci, admin_plateforme):
    for personne in (agent, admin_plateforme):
        client.force_login(personne)
        contenu = client.get(reverse("comptes:organisation", args=[epci.pk])).content.decode()
        assert elu.email in contenu
        assert agent.email in contenu
