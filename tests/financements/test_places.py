import re
from datetime import date
from decimal import Decimal
from html import unescape

from django.test import RequestFactory
from django.urls import reverse

from financements.blocs import (
    conventions_de_la_structure,
    mes_dossiers,
    projets_d_un_territoire,
    projets_de_la_structure,
)
from financements.models import Convention, ConventionMontant, PartieFinanceur, StatutConvention
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


def _convention(structure, auteur, statut, montants, annee_debut=2025, nombre_annees=1, **champs):
    """Une convention de la structure dans l'état donné ; `montants` : {(financeur, année): montant}."""
    convention = Convention.objects.create(
        structure=structure,
        objet="Ateliers de réparation",
        annee_debut=annee_debut,
        nombre_annees=nombre_annees,
        statut=statut,
        cree_par=auteur,
        **champs,
    )
    for (financeur, annee), montant in montants.items():
        PartieFinanceur.objects.get_or_create(convention=convention, financeur=financeur)
        ConventionMontant.objects.create(convention=convention, financeur=financeur, annee=annee, montant=montant)
    return convention


def _lignes(contenu: str) -> list[str]:
    section = contenu.split('id="conventions-titre"', 1)[1].split("</section>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", tr).split()) for tr in section.split("<tr>")[2:]]


def test_a_visitor_sees_the_conventions_in_force_or_ended_with_funders_years_and_totals(
    client, structure, agent, prefecture, epci
):
    _convention(
        structure,
        agent,
        StatutConvention.EN_VIGUEUR,
        {
            (prefecture, 2025): Decimal("10000"),
            (prefecture, 2026): Decimal("12000"),
            (prefecture, 2027): Decimal("8000.50"),
            (epci, 2025): Decimal("5000"),
        },
        nombre_annees=3,
        en_vigueur_le=date(2025, 3, 1),
    )
    _convention(structure, agent, StatutConvention.TERMINEE, {(epci, 2023): Decimal("4000")}, annee_debut=2023)
    _convention(
        structure,
        agent,
        StatutConvention.RESILIEE,
        {(epci, 2024): Decimal("3000")},
        annee_debut=2024,
        en_vigueur_le=date(2024, 2, 1),
        motif_resiliation="Action arrêtée",
    )
    # Ni projet, ni convention attendant des signatures, ni convention résiliée avant d'être en vigueur.
    _convention(structure, agent, StatutConvention.PROJET, {(prefecture, 2026): Decimal("777")}, annee_debut=2026)
    _convention(
        structure, agent, StatutConvention.SIGNEE_STRUCTURE, {(prefecture, 2026): Decimal("888")}, annee_debut=2026
    )
    _convention(
        structure,
        agent,
        StatutConvention.RESILIEE,
        {(prefecture, 2026): Decimal("999")},
        annee_debut=2026,
        motif_resiliation="Financement retiré",
    )

    reponse = client.get(structure.get_absolute_url())

    assert reponse.status_code == 200
    contenu = unescape(reponse.content.decode())
    assert _lignes(contenu) == [
        "2025–2027 Pluriannuelle d'objectifs (CPO) Préfecture d'Ille-et-Vilaine 30 000,50 € En vigueur",
        "2025–2027 Pluriannuelle d'objectifs (CPO) Rennes Métropole 5 000,00 € En vigueur",
        "2024 Annuelle Rennes Métropole 3 000,00 € Résiliée",
        "2023 Annuelle Rennes Métropole 4 000,00 € Terminée",
    ]
    assert "Action arrêtée" not in contenu


def test_a_structure_without_conventions_in_force_shows_no_conventions_section(client, structure, agent, prefecture):
    _convention(structure, agent, StatutConvention.ENVOYEE, {(prefecture, 2026): Decimal("777")})
    assert 'id="conventions-titre"' not in client.get(structure.get_absolute_url()).content.decode()


def test_the_conventions_block_runs_one_query_whatever_the_number_of_conventions(
    structure, agent, prefecture, epci, django_assert_num_queries
):
    def ajouter(nombre):
        for i in range(nombre):
            _convention(
                structure,
                agent,
                StatutConvention.TERMINEE,
                {(prefecture, 2020 + i): Decimal("1000"), (epci, 2020 + i): Decimal("500")},
                annee_debut=2020 + i,
            )

    ajouter(1)
    with django_assert_num_queries(1):
        assert len(_lignes(conventions_de_la_structure(_requete(), structure))) == 2
    ajouter(3)
    with django_assert_num_queries(1):
        assert len(_lignes(conventions_de_la_structure(_requete(), structure))) == 8
