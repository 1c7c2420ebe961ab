from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from financements.models import LigneBudget, StatutDossier
from financements.services import dossiers as services
from tests.financements.conftest import remplir


def test_it_accepts_a_balanced_budget_and_deposits(brouillon, membre_structure, epci, prefecture):
    remplir(brouillon, membre_structure, {epci: Decimal("10000"), prefecture: Decimal("5000.50")})
    assert services.refus_depot(brouillon) == []
    services.deposer(brouillon, membre_structure)
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutDossier.DEPOSE
    assert brouillon.montant_demande == Decimal("15000.50")
    assert brouillon.depose_le is not None


def test_it_names_the_gap_when_charges_and_products_differ(brouillon, membre_structure, epci):
    remplir(brouillon, membre_structure, {epci: Decimal("10000")})
    services.enregistrer_budget(
        brouillon,
        membre_structure,
        [
            {"compte": "64", "montant": "12000"},
            {"compte": "74", "montant": "10000", "financeur": epci},
            {"compte": "75", "montant": "1500"},
        ],
    )
    erreurs = services.refus_depot(brouillon)
    assert any("diffèrent de 500,00 €" in e for e in erreurs), erreurs
    with pytest.raises(ValidationError):
        services.deposer(brouillon, membre_structure)
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutDossier.BROUILLON
    assert brouillon.lignes_budget.count() == 3  # le brouillon est gardé


def test_it_requires_the_74_lines_to_match_the_amounts_asked(brouillon, membre_structure, epci, prefecture):
    remplir(brouillon, membre_structure, {epci: Decimal("10000")})
    services.enregistrer_plan(
        brouillon, membre_structure, {epci: Decimal("8000"), prefecture: Decimal("2000")}, fonds_propres=2000
    )
    erreurs = " ".join(services.erreurs_budget(brouillon))
    assert "Vous demandez 8\u202f000,00 € à Rennes Métropole" in erreurs
    assert "écart de 2\u202f000,00 €" in erreurs
    assert "Préfecture d'Ille-et-Vilaine" in erreurs


def test_it_requires_the_financing_plan_to_cover_the_budget(brouillon, membre_structure, epci):
    remplir(brouillon, membre_structure, {epci: Decimal("10000")})
    services.enregistrer_plan(brouillon, membre_structure, {epci: Decimal("10000")}, fonds_propres=0)
    erreurs = " ".join(services.erreurs_budget(brouillon))
    assert "ne couvre pas exactement le budget" in erreurs
    assert "écart de 2\u202f000,00 €" in erreurs


@pytest.mark.parametrize(
    "montant, message",
    [("-5", "négatif"), ("20000000", "pas plausible"), ("abc", "n'est pas un nombre"), ("1.234", "centime")],
)
def test_it_refuses_negative_or_absurd_amounts_and_keeps_the_previous_budget(
    brouillon, membre_structure, montant, message
):
    services.enregistrer_budget(brouillon, membre_structure, [{"compte": "60", "montant": "100"}])
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_budget(
            brouillon, membre_structure, [{"compte": "60", "montant": "50"}, {"compte": "61", "montant": montant}]
        )
    assert message in " ".join(erreur.value.messages)
    assert list(LigneBudget.objects.filter(dossier=brouillon).values_list("montant", flat=True)) == [Decimal("100")]


def test_it_refuses_a_plan_asking_a_funder_outside_the_call(brouillon, membre_structure):
    from tests.factories import OrganisationFactory

    intrus = OrganisationFactory(commune=True, nom="Ville d'ailleurs")
    with pytest.raises(ValidationError, match="ne participe pas"):
        services.enregistrer_plan(brouillon, membre_structure, {intrus: 1000})
    assert not brouillon.financements.exists()


def test_it_lets_only_the_carrying_structure_edit_the_budget(brouillon, membre_co_porteur, agent):
    for personne in (membre_co_porteur, agent):
        with pytest.raises(PermissionDenied):
            services.enregistrer_budget(brouillon, personne, [{"compte": "60", "montant": "100"}])
