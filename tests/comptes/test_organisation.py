import pytest
from django.urls import reverse

from comptes import services
from comptes.models import Role
from tests.factories import AdhesionFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_members_to_a_member(client, agent, elu, epci):
    client.force_login(elu)
    contenu = client.get(reverse("comptes:organisation", args=[epci.pk])).content.decode()
    assert agent.email in contenu
    assert elu.email in contenu


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
