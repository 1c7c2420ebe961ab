"""Qui voit, qui rédige, qui contribue (ARCHITECTURE.md, « Who may do what »)."""

import pytest
from django.urls import reverse

from contrats.models import StatutContrat
from contrats.permissions import (
    peut_animer_concertation,
    peut_contribuer,
    peut_modifier_contrat,
    peut_telecharger_contrat,
    peut_voir_contrat,
    profil,
)
from contrats.selectors import contrats_de, organisations_porteuses
from tests.contrats.factories import ConcertationFactory, ContratFactory, EpciFactory
from tests.factories import AdhesionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ASSOCIES = ["agent", "elu", "agent_etat", "partenaire"]
EXTERIEURS = ["membre_structure", "habitant", "exterieur"]


@pytest.mark.parametrize("personne", ASSOCIES + ["admin_plateforme"])
def test_it_shows_an_unsigned_contract_to_its_partners(request, contrat, personne):
    assert peut_voir_contrat(request.getfixturevalue(personne), contrat)


@pytest.mark.parametrize("personne", EXTERIEURS)
def test_it_hides_an_unsigned_contract_from_others(request, client, contrat, section, personne):
    user = request.getfixturevalue(personne)
    assert not peut_voir_contrat(user, contrat)
    client.force_login(user)
    # La fiche (identité publique) reste visible, sans le texte ; les sections répondent 404.
    page = client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    assert "son texte sera public après sa signature" in page
    assert "Premier texte" not in page
    assert client.get(reverse("contrats:section", args=[contrat.code, section.pk])).status_code == 404
    assert client.get(reverse("contrats:historique", args=[contrat.code, section.pk])).status_code == 404


def test_it_shows_a_signed_contract_to_everyone(client, contrat, section):
    contrat.statut = StatutContrat.SIGNE
    contrat.save()
    page = client.get(reverse("contrats:contrat", args=[contrat.code]))
    assert page.status_code == 200
    assert "Premier texte" in page.content.decode()
    assert client.get(reverse("contrats:section", args=[contrat.code, section.pk])).status_code == 200
    assert client.get(reverse("contrats:historique", args=[contrat.code, section.pk])).status_code == 200


def test_it_answers_404_for_an_unknown_contract(client):
    assert client.get(reverse("contrats:contrat", args=["CN99999X"])).status_code == 404


def test_it_lets_only_the_carrier_agents_edit(request, contrat, agent):
    assert peut_modifier_contrat(agent, contrat)
    assert peut_animer_concertation(agent, contrat)
    for personne in ["elu", "agent_etat", "partenaire", "membre_structure", "habitant", "admin_plateforme"]:
        user = request.getfixturevalue(personne)
        assert not peut_modifier_contrat(user, contrat), personne
        assert not peut_animer_concertation(user, contrat), personne


def test_it_recognises_the_carrier_by_its_official_code_when_not_linked(contrat):
    organisation = OrganisationFactory(epci=True, code_territoire=contrat.code_porteur)
    agent = AdhesionFactory(organisation=organisation, role="agent").utilisateur
    assert peut_modifier_contrat(agent, contrat)


def test_it_does_not_let_the_agents_of_another_collectivity_edit(contrat):
    autre = ContratFactory(code="CN03101I", code_porteur="243100518", epci=None)
    organisation = OrganisationFactory(epci=True, code_territoire="243100518")
    agent_toulouse = AdhesionFactory(organisation=organisation, role="agent").utilisateur
    assert peut_modifier_contrat(agent_toulouse, autre)
    assert not peut_modifier_contrat(agent_toulouse, contrat)
    assert not peut_voir_contrat(agent_toulouse, contrat)


def test_it_freezes_a_signed_contract(contrat, agent):
    contrat.statut = StatutContrat.SIGNE
    assert not peut_modifier_contrat(agent, contrat)


@pytest.mark.parametrize("personne", ["elu", "agent_etat", "partenaire", "membre_structure", "habitant"])
def test_it_forbids_editing_pages_to_non_carriers(request, client, contrat, section, personne):
    user = request.getfixturevalue(personne)
    ConcertationFactory(contrat=contrat, sections=[section])
    client.force_login(user)
    attendu = 403 if peut_voir_contrat(user, contrat) else 404
    for url in [
        reverse("contrats:modifier_section", args=[contrat.code, section.pk]),
        reverse("contrats:nouvelle_section", args=[contrat.code]),
        reverse("contrats:nouvelle_orientation", args=[contrat.code]),
        reverse("contrats:nouvelle_concertation", args=[contrat.code]),
        reverse("contrats:nouveau_signataire", args=[contrat.code]),
    ]:
        assert client.get(url).status_code == attendu, url
    assert client.post(reverse("contrats:restaurer", args=[contrat.code, section.pk, 1])).status_code == attendu


def test_it_lets_elected_officials_read_and_download(client, contrat, section, elu):
    client.force_login(elu)
    page = client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    assert "Premier texte" in page
    assert 'id="telecharger"' in page
    assert peut_telecharger_contrat(elu, contrat)
    assert "Modifier" not in page


def test_it_opens_the_contract_to_the_audience_of_an_open_concertation(contrat, section, membre_structure, habitant):
    concertation = ConcertationFactory(contrat=contrat, sections=[section], publics=["structures"])
    assert peut_voir_contrat(membre_structure, contrat)
    assert peut_contribuer(membre_structure, concertation)
    assert not peut_voir_contrat(habitant, contrat)
    assert not peut_contribuer(habitant, concertation)


def test_it_reserves_the_pending_contributions_to_partners(client, contrat, section, membre_structure):
    ConcertationFactory(contrat=contrat, sections=[section], publics=["structures"])
    client.force_login(membre_structure)
    # Elle lit le contrat (elle contribue), mais pas cette page : 404 pour ce qu'on ne peut pas voir.
    assert client.get(reverse("contrats:contributions", args=[contrat.code])).status_code == 404
    assert client.get(reverse("contrats:contributions_publiques", args=[contrat.code])).status_code == 200


def test_it_asks_anonymous_visitors_to_log_in_for_private_pages(client, contrat, section):
    assert client.get(reverse("contrats:modifier_section", args=[contrat.code, section.pk])).status_code == 302
    assert client.get(reverse("contrats:contributions", args=[contrat.code])).status_code == 302
    assert client.get(reverse("contrats:liste")).status_code == 200
    assert client.get(reverse("contrats:contributions_publiques", args=[contrat.code])).status_code == 200


def test_a_state_service_without_department_does_not_see_a_contract_without_department(db):
    """Deux départements vides ne sont pas le même département (issue 10, défaut 12)."""
    contrat = ContratFactory(departement=None)
    prefecture = OrganisationFactory(etat=True, departement=None)
    agent_etat = AdhesionFactory(organisation=prefecture, role="etat").utilisateur
    assert not profil(agent_etat, contrat).etat
    assert not peut_voir_contrat(agent_etat, contrat)


def test_the_state_service_of_the_department_sees_the_contract(contrat):
    prefecture = OrganisationFactory(etat=True, departement_id=contrat.departement_id)
    agent_etat = AdhesionFactory(organisation=prefecture, role="etat").utilisateur
    assert peut_voir_contrat(agent_etat, contrat)


def test_a_collectivity_linked_to_another_territory_does_not_carry_by_a_stale_code(contrat):
    """Les liens au référentiel décident ; le code officiel ne sert qu'à une collectivité sans lien."""
    autre_epci = EpciFactory(siren="243100518", nom="Toulouse Métropole")
    organisation = OrganisationFactory(epci=True, code_territoire=contrat.code_porteur, epci_id=autre_epci.pk)
    agent = AdhesionFactory(organisation=organisation, role="agent").utilisateur
    assert not peut_modifier_contrat(agent, contrat)
    assert contrat not in contrats_de(agent)
    assert organisation not in organisations_porteuses(contrat)


@pytest.mark.parametrize("type_", ["departement", "region"])
def test_a_department_or_region_code_never_designates_a_carrier(db, type_):
    """Un code de 2 ou 3 caractères (région ou département, qui se recouvrent) ne désigne jamais un porteur :
    seuls un SIREN d'EPCI (9 chiffres) ou un code commune (5 caractères) le peuvent."""
    contrat = ContratFactory(code_porteur="75", epci=None)
    organisation = OrganisationFactory(type=type_, code_territoire="75")
    agent = AdhesionFactory(organisation=organisation, role="agent").utilisateur
    assert not peut_modifier_contrat(agent, contrat)
    assert contrat not in contrats_de(agent)
    assert organisation not in organisations_porteuses(contrat)
