from django.test import RequestFactory
from django.urls import reverse

from financements.blocs import mes_dossiers, projets_d_un_territoire, projets_de_la_structure
from tests.financements.fabrique import dossiers_decides


def _requete(user=None):
    from django.contrib.auth.models import AnonymousUser

    requete = RequestFactory().get("/")
    requete.user = user or AnonymousUser()
    return requete


def test_it_lists_funded_projects_on_the_qpv_page(client, appel, prefecture):
    dossier = dossiers_decides(appel, [prefecture], 1)[0]
    qpv = appel.qpv.first()
    page = client.get(reverse("territoires:qpv", args=[qpv.code]))
    assert page.status_code == 200
    assert dossier.titre in page.content.decode()


def test_it_lists_funded_projects_of_a_commune_an_epci_and_a_structure(
    appel, prefecture, territoire, django_assert_num_queries
):
    dossier = dossiers_decides(appel, [prefecture], 1)[0]
    dossier.qpv.first().communes.add(territoire["commune"])
    with django_assert_num_queries(1):
        assert dossier.titre in projets_d_un_territoire(_requete(), commune=territoire["commune"])
    assert dossier.titre in projets_d_un_territoire(_requete(), epci=territoire["epci"])
    assert dossier.titre in projets_de_la_structure(_requete(), dossier.structure)


def test_it_lists_funded_projects_on_the_structure_profile(client, appel, prefecture):
    dossier = dossiers_decides(appel, [prefecture], 1)[0]
    page = client.get(dossier.structure.get_absolute_url())
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "Projets financés" in contenu
    assert dossier.titre in contenu


def test_it_shows_nothing_for_a_territory_without_funded_projects(brouillon, appel):
    assert projets_d_un_territoire(_requete(), qpv=appel.qpv.first()) == ""


def test_it_lists_my_dossiers_with_what_is_expected(brouillon, membre_structure):
    html = mes_dossiers(_requete(membre_structure))
    assert brouillon.titre in html
    assert "Compléter et déposer le dossier" in html


def test_it_points_instructors_to_the_board(depose, agent_etat):
    html = mes_dossiers(_requete(agent_etat))
    assert "1 dossier déposé ou en instruction vous concerne" in html
    assert reverse("financements:tableau_instruction") in html


def test_it_lists_the_funded_projects_on_the_contract_calls_page(client, appel, prefecture):
    dossier = dossiers_decides(appel, [prefecture], 1)[0]
    page = client.get(reverse("financements:appels", args=[appel.contrat.code]))
    assert dossier.titre in page.content.decode()


def test_it_links_the_contract_page_to_its_calls(client, appel, agent):
    client.force_login(agent)
    page = client.get(appel.contrat.get_absolute_url()).content.decode()
    assert reverse("financements:appels", args=[appel.contrat.code]) in page


def test_it_asks_a_co_porteur_to_confirm_from_my_space(brouillon, membre_structure, membre_co_porteur, autre_structure):
    from financements.services import dossiers as services

    services.inviter_co_porteur(brouillon, membre_structure, autre_structure)
    html = mes_dossiers(_requete(membre_co_porteur))
    assert "Confirmer la participation de votre structure (invitée par Les Ateliers du Blosne)" in html
