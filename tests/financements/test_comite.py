"""Le comité de programmation d'un appel : les dossiers côte à côte (demandé, avis et montant proposé de chaque
financeur, décisions prises), filtrable, exportable en CSV, en lecture seule, pour les seuls instructeurs de
l'appel ; nombre de requêtes fixe."""

import csv
import html
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptes.models import Role
from financements.services import dossiers as services
from financements.services import instruction
from tests.factories import AdhesionFactory, OrganisationFactory
from tests.financements.conftest import remplir

pytestmark = pytest.mark.django_db


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def deposer(appel, structure, membre, titre, demandes):
    dossier = services.creer_dossier(appel, structure, membre, titre)
    remplir(dossier, membre, demandes)
    services.deposer(dossier, membre)
    dossier.refresh_from_db()
    return dossier


def adresse(appel) -> str:
    return reverse("financements:comite_programmation", args=[appel.pk])


def test_the_board_sets_dossiers_side_by_side_with_opinions_and_decisions(
    client, decide, appel, agent, agent_etat, structure, membre_structure, epci, prefecture
):
    second = deposer(appel, structure, membre_structure, "Jardins partagés", {epci: Decimal("4000")})
    instruction.donner_avis(second, agent, "favorable", Decimal("3500"), organisation=epci)
    client.force_login(agent)
    page = texte(client.get(adresse(appel)))
    assert "Comité de programmation — Appel à projets 2027" in page
    assert "Vélos solidaires" in page and "Jardins partagés" in page
    assert "Avis : favorable, propose 3 500" in page
    assert "Décidé : 30 000" in page  # la décision de l'État sur le premier dossier
    assert "Proposé : 3 500" in page
    # Lecture seule : aucun formulaire qui agit.
    assert page.count('method="post"') == 1  # la seule déconnexion de l'en-tête


def test_the_board_filters_by_state_qpv_and_priority(
    client, decide, appel, agent, structure, membre_structure, epci, priorite
):
    second = deposer(appel, structure, membre_structure, "Jardins partagés", {epci: Decimal("4000")})
    second.priorites.set([priorite])
    second.qpv.set([q for q in appel.qpv.all() if q not in decide.qpv.all()][:1])
    client.force_login(agent)
    par_etat = texte(client.get(adresse(appel), {"statut": "decide"}))
    assert "Vélos solidaires" in par_etat and "Jardins partagés" not in par_etat
    par_priorite = texte(client.get(adresse(appel), {"priorite": priorite.pk}))
    assert "Jardins partagés" in par_priorite and "Vélos solidaires" not in par_priorite
    par_qpv = texte(client.get(adresse(appel), {"qpv": decide.qpv.get().pk}))
    assert "Vélos solidaires" in par_qpv and "Jardins partagés" not in par_qpv


def test_a_funder_only_sees_the_dossiers_that_ask_it_something(
    client, decide, appel, structure, membre_structure, epci, commune, agent_commune
):
    deposer(appel, structure, membre_structure, "Jardins partagés", {commune: Decimal("4000")})
    client.force_login(agent_commune)
    page = texte(client.get(adresse(appel)))
    assert "Jardins partagés" in page and "Vélos solidaires" not in page


def test_the_board_is_refused_to_carriers_and_to_funders_outside_the_call(
    client, decide, appel, membre_structure, membre_co_porteur
):
    for personne in (membre_structure, membre_co_porteur):
        client.force_login(personne)
        assert client.get(adresse(appel)).status_code == 403
    caf = OrganisationFactory(nom="CAF")
    client.force_login(AdhesionFactory(organisation=caf, role=Role.PARTENAIRE).utilisateur)
    assert client.get(adresse(appel)).status_code == 403
    assert client.get(reverse("financements:comite_csv", args=[appel.pk])).status_code == 403
    client.logout()
    assert client.get(adresse(appel)).status_code == 302


def test_the_call_page_links_to_the_board_for_its_instructors_only(client, appel, agent, membre_structure):
    client.force_login(agent)
    assert adresse(appel) in texte(client.get(appel.get_absolute_url()))
    client.force_login(membre_structure)
    assert adresse(appel) not in texte(client.get(appel.get_absolute_url()))


def test_csv_export_neutralises_formulas(client, appel, agent, structure, membre_structure, epci):
    deposer(appel, structure, membre_structure, '=HYPERLINK("http://mal.example")', {epci: Decimal("4000")})
    client.force_login(agent)
    reponse = client.get(reverse("financements:comite_csv", args=[appel.pk]))
    assert reponse.status_code == 200
    lignes = list(csv.reader(io.StringIO(b"".join(reponse.streaming_content).decode())))
    assert lignes[0][:3] == ["Référence", "Intitulé", "Structure porteuse"]
    assert "Rennes Métropole : demandé (€)" in lignes[0]
    assert lignes[1][1].startswith("'=HYPERLINK")
    assert lignes[1][lignes[0].index("Rennes Métropole : demandé (€)")] == "4000.00"


def test_the_board_takes_a_fixed_number_of_queries(client, appel, agent, structure, membre_structure, epci, prefecture):
    client.force_login(agent)

    def compter() -> int:
        with CaptureQueriesContext(connection) as capture:
            assert client.get(adresse(appel)).status_code == 200
        return len(capture)

    for i in range(2):
        d = deposer(
            appel, structure, membre_structure, f"Projet {i}", {epci: Decimal("1000"), prefecture: Decimal("500")}
        )
        instruction.donner_avis(d, agent, "reserve", Decimal("800"), organisation=epci)
    petit = compter()
    for i in range(2, 6):
        d = deposer(
            appel, structure, membre_structure, f"Projet {i}", {epci: Decimal("1000"), prefecture: Decimal("500")}
        )
        instruction.donner_avis(d, agent, "reserve", Decimal("800"), organisation=epci)
    assert compter() == petit
