from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from financements.models import StatutDossier
from tests.financements.fabrique import dossiers_decides


def test_it_lists_only_the_dossiers_of_the_funder(client, appel, agent_etat, agent_commune, prefecture, commune):
    dossiers_decides(appel, [prefecture], 2)
    dossiers_decides(appel, [commune], 1)
    client.force_login(agent_etat)
    page = client.get(reverse("financements:tableau_instruction"))
    assert page.context["page"].paginator.count == 2
    client.force_login(agent_commune)
    assert client.get(reverse("financements:tableau_instruction")).context["page"].paginator.count == 1


def test_it_shows_every_dossier_of_its_calls_to_the_carrier(client, appel, agent, prefecture, commune):
    dossiers_decides(appel, [prefecture], 2)
    dossiers_decides(appel, [commune], 1)
    client.force_login(agent)
    assert client.get(reverse("financements:tableau_instruction")).context["page"].paginator.count == 3


def test_it_never_lists_drafts(client, brouillon, agent):
    client.force_login(agent)
    assert client.get(reverse("financements:tableau_instruction")).context["page"].paginator.count == 0


def test_it_forbids_the_board_to_structures_and_visitors(client, membre_structure):
    client.force_login(membre_structure)
    assert client.get(reverse("financements:tableau_instruction")).status_code == 403


def test_it_totals_per_funder_against_its_envelope_and_flags_conventions(client, appel, agent, prefecture, epci):
    dossiers_decides(appel, [prefecture, epci], 3, montant=Decimal("25000"))
    dossiers_decides(appel, [prefecture], 2, montant=Decimal("5000"))
    client.force_login(agent)
    page = client.get(reverse("financements:tableau_instruction"))
    totaux = {t["financeur__nom"]: t for t in page.context["totaux"]}
    assert totaux["Préfecture d'Ille-et-Vilaine"]["accorde"] == Decimal("85000")
    assert totaux["Préfecture d'Ille-et-Vilaine"]["enveloppe"] == Decimal("300000")
    assert totaux["Rennes Métropole"]["reste"] == Decimal("125000")
    indicateurs = page.context["indicateurs"]
    assert indicateurs["conventions"] == 3
    assert indicateurs["accorde"] == Decimal("160000")
    assert indicateurs["part_ess"] == 100
    assert indicateurs["part_collectifs"] == 0
    assert "À conventionner" in unescape(page.content.decode())


@pytest.mark.parametrize(
    "filtre, attendu",
    [
        ({"statut": "decide"}, 3),
        ({"statut": "en_cours"}, 1),
        ({"montant_min": "20000"}, 1),
        ({"porteur": "régie"}, 1),
        ({"convention": "true"}, 1),
    ],
)
def test_it_filters_the_board(client, appel, agent, prefecture, filtre, attendu):
    dossiers_decides(appel, [prefecture], 3)
    dossiers_decides(appel, [prefecture], 1, montant=Decimal("24000"), statut=StatutDossier.EN_COURS, prefixe="Régie")
    client.force_login(agent)
    page = client.get(reverse("financements:tableau_instruction"), filtre)
    assert page.context["page"].paginator.count == attendu


def test_it_filters_by_funder_qpv_and_priority(client, appel, agent, prefecture, epci, priorite):
    dossiers = dossiers_decides(appel, [prefecture], 2) + dossiers_decides(appel, [epci], 1)
    dossiers[0].priorites.add(priorite)
    client.force_login(agent)
    url = reverse("financements:tableau_instruction")
    assert client.get(url, {"financeur": epci.nom}).context["page"].paginator.count == 1
    assert client.get(url, {"priorite": priorite.titre}).context["page"].paginator.count == 1
    assert client.get(url, {"qpv": appel.qpv.first().code}).context["page"].paginator.count == 3


def _requetes_tableau(client, django_assert_num_queries, nombre):
    # 1 session, 2 utilisateur, 3 adhésions, 4 appels des contrats portés, 5 indicateurs (dont le nombre de
    # dossiers, repris par la pagination), 6 page, 7 financements et décisions de la page, 8 sommes par
    # financeur et par appel, 9 enveloppes
    with django_assert_num_queries(nombre):
        assert client.get(reverse("financements:tableau_instruction"), {"statut": "decide"}).status_code == 200


def test_it_runs_a_fixed_number_of_queries(client, appel, agent, prefecture, epci, django_assert_num_queries):
    dossiers_decides(appel, [prefecture, epci], 2)
    client.force_login(agent)
    _requetes_tableau(client, django_assert_num_queries, 9)
    dossiers_decides(appel, [prefecture, epci], 8)
    _requetes_tableau(client, django_assert_num_queries, 9)
