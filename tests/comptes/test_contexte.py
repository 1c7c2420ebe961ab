"""Le contexte d'accès : les adhésions d'une personne lues une fois par requête, partagées par tous les
prédicats des applications, oubliées quand elles changent."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from acteurs_ess.permissions import est_agent, peut_creer_collectif, peut_importer
from comptes.contexte import ContexteAcces, _courant, contexte
from comptes.models import Role
from comptes.permissions import est_admin_plateforme, peut_inviter, role_dans
from tests.factories import AdhesionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_reads_the_memberships_in_one_query_for_every_predicate(agent, epci, django_assert_num_queries):
    acces = ContexteAcces(agent)
    with django_assert_num_queries(1):  # les adhésions avec leur organisation, une fois
        assert role_dans(acces, epci) == Role.AGENT
        assert peut_inviter(acces, epci)
        assert est_agent(acces)
        assert peut_importer(acces)
        assert peut_creer_collectif(acces)
        assert not est_admin_plateforme(acces)
    assert acces.ids_organisations(Role.AGENT) == {epci.pk}
    assert acces.collectivites(Role.AGENT) == [epci]
    assert acces.organisations(Role.ELU) == []


def test_an_anonymous_visitor_has_no_membership_and_costs_no_query(django_assert_num_queries):
    acces = contexte(AnonymousUser())
    with django_assert_num_queries(0):
        assert acces.adhesions == ()
        assert not acces.est_connecte
        assert not acces.est_admin


def test_a_user_finds_the_context_of_the_current_request_and_another_user_gets_his_own(agent, elu):
    acces = ContexteAcces(agent)
    jeton = _courant.set(acces)
    try:
        assert contexte(agent) is acces
        assert contexte(acces) is acces
        autre = contexte(elu)
        assert autre is not acces and autre.utilisateur == elu
        assert contexte(AnonymousUser()) is not acces
    finally:
        _courant.reset(jeton)
    assert contexte(agent) is not acces


def test_a_membership_changed_during_the_request_is_read_again(agent):
    acces = ContexteAcces(agent)
    jeton = _courant.set(acces)
    try:
        assert not acces.a_role(Role.ELU)
        AdhesionFactory(utilisateur=agent, organisation=OrganisationFactory(commune=True), role=Role.ELU)
        assert acces.a_role(Role.ELU)
    finally:
        _courant.reset(jeton)


def test_each_request_opens_its_context_and_closes_it(client, agent):
    client.force_login(agent)
    reponse = client.get(reverse("comptes:mon_espace"))
    assert isinstance(reponse.wsgi_request.acces, ContexteAcces)
    assert reponse.wsgi_request.acces.utilisateur == agent
    assert _courant.get() is None
