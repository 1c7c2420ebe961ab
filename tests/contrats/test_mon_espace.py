"""Mon espace : les contrats de la personne et leurs PDF, par le point d'extension comptes.espace."""

import pytest
from django.urls import reverse

from contrats.models import Signataire, StatutContrat
from tests.contrats.factories import ContratFactory
from tests.factories import AdhesionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _mon_espace(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("comptes:mon_espace")).content.decode()


def test_it_lists_the_contracts_of_an_elected_official_with_both_downloads(client, contrat, elu):
    contenu = _mon_espace(client, elu)

    assert "Mes contrats de ville" in contenu
    assert reverse("contrats:contrat_pdf", args=[contrat.code]) in contenu
    assert reverse("contrats:synthese_pdf", args=[contrat.code]) in contenu


def test_it_lists_the_contracts_an_agent_carries(client, contrat, agent):
    contenu = _mon_espace(client, agent)

    assert contrat.get_absolute_url() in contenu
    assert reverse("contrats:contrat_pdf", args=[contrat.code]) in contenu


def test_it_lists_the_contracts_signed_by_a_partner(client, contrat, partenaire):
    assert reverse("contrats:synthese_pdf", args=[contrat.code]) in _mon_espace(client, partenaire)


def test_it_offers_no_download_of_an_unsigned_contract_to_a_member_of_a_signatory_association(
    client, contrat, membre_structure, association
):
    Signataire.objects.create(contrat=contrat, organisation=association, ordre=3)

    contenu = _mon_espace(client, membre_structure)

    assert contrat.get_absolute_url() in contenu
    assert reverse("contrats:contrat_pdf", args=[contrat.code]) not in contenu


def test_it_shows_no_contract_block_to_someone_without_contract(client, exterieur):
    assert "Mes contrats de ville" not in _mon_espace(client, exterieur)


def _ajouter_des_contrats(contrat, elu) -> None:
    for numero in range(5):
        autre = ContratFactory(code=f"CN0350{numero}X", epci=contrat.epci, statut=StatutContrat.SIGNE)
        Signataire.objects.create(contrat=autre, organisation=OrganisationFactory(etat=True), ordre=1)
    AdhesionFactory(utilisateur=elu, organisation=OrganisationFactory(commune=True), role="elu")


def test_the_block_runs_two_queries_whatever_the_number_of_contracts(rf, contrat, elu, django_assert_num_queries):
    from comptes.contexte import ContexteAcces
    from contrats.blocs import mes_contrats

    def rendre() -> str:
        request = rf.get("/mon-espace/")
        request.user = elu
        request.acces = ContexteAcces(elu)
        list(request.acces.adhesions)  # lues par la page Mon espace avant ses blocs
        # 1 les contrats de la personne, 2 leurs signataires (les adhésions du contexte d'accès servent à
        # trouver les contrats et à calculer le profil de chacun, sans requête).
        with django_assert_num_queries(2):
            return mes_contrats(request)

    assert rendre().count("/contrat.pdf") == 1
    _ajouter_des_contrats(contrat, elu)
    assert rendre().count("/contrat.pdf") == 6


def test_the_number_of_queries_of_my_space_does_not_grow_with_the_number_of_contracts(client, contrat, elu):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(elu)
    client.get(reverse("comptes:mon_espace"))  # chauffe
    with CaptureQueriesContext(connection) as avant:
        client.get(reverse("comptes:mon_espace"))
    _ajouter_des_contrats(contrat, elu)

    with CaptureQueriesContext(connection) as apres:
        contenu = client.get(reverse("comptes:mon_espace")).content.decode()

    assert len(apres) == len(avant)
    assert contenu.count("/contrat.pdf") == 6
