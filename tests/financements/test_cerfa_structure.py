"""Ce qu'une convention demande du dossier (CERFA 12156) : le représentant légal et sa délégation, le type de
subvention, les salariés et bénévoles, le budget annuel de la structure ; un budget par année pour une action
pluriannuelle."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from financements.forms import DossierForm
from financements.models import Dossier, LigneBudget, StatutDossier, TypePiece
from financements.models.dossier import TypeSubvention
from financements.services import dossiers as services
from tests.financements.conftest import remplir

pytestmark = pytest.mark.django_db


def contenu(dossier, **champs):
    donnees = {
        "titre": dossier.titre,
        "qpv": list(dossier.appel.qpv.values_list("pk", flat=True)[:1]),
        "nombre_annees": "1",
    }
    return donnees | champs


def test_the_porteur_records_the_legal_representative_the_delegation_and_the_means(client, brouillon, membre_structure):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("financements:modifier_dossier", args=[brouillon.pk]),
        contenu(
            brouillon,
            type_subvention="fonctionnement",
            representant_nom="Jeanne Le Goff",
            representant_qualite="Présidente",
            delegataire_nom="Nadia Benali",
            delegataire_qualite="Directrice",
            salaries_etp="14,5",
            benevoles="22",
            budget_annuel_structure="612000,50",
        ),
    )
    assert reponse.status_code == 302, reponse.context["form"].errors
    brouillon.refresh_from_db()
    assert brouillon.type_subvention == TypeSubvention.FONCTIONNEMENT
    assert (brouillon.salaries_etp, brouillon.benevoles) == (Decimal("14.5"), 22)
    assert brouillon.budget_annuel_structure == Decimal("612000.50")
    assert brouillon.signataire == "Nadia Benali (Directrice), par délégation de Jeanne Le Goff"
    page = client.get(brouillon.get_absolute_url()).content.decode()
    assert "Jeanne Le Goff, Présidente" in page
    assert "Nadia Benali, Directrice" in page
    assert "14,50 salarié(s) en ETP ; 22 bénévole(s)" in page
    assert "612\u202f000,50 €" in page
    assert "Subvention de fonctionnement" in page


def test_a_delegation_needs_a_legal_representative_and_the_delegates_quality(brouillon):
    form = DossierForm(contenu(brouillon, delegataire_nom="Nadia Benali"), instance=brouillon)
    assert not form.is_valid()
    assert "c'est lui qui délègue" in " ".join(form.errors["representant_nom"])
    assert "qualité du délégataire" in " ".join(form.errors["delegataire_qualite"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.filter(pk=brouillon.pk).update(delegataire_nom="Nadia Benali")


def test_a_dossier_is_a_project_grant_unless_the_porteur_says_otherwise(brouillon):
    form = DossierForm(contenu(brouillon), instance=brouillon)
    assert form.is_valid(), form.errors
    assert form.save().type_subvention == TypeSubvention.PROJET


def test_negative_staff_or_budget_are_refused(brouillon):
    form = DossierForm(contenu(brouillon, salaries_etp="-1", budget_annuel_structure="-5"), instance=brouillon)
    assert not form.is_valid()
    assert {"salaries_etp", "budget_annuel_structure"} <= set(form.errors)


def test_the_delegation_is_a_kind_of_attachment():
    assert TypePiece.DELEGATION.label == "Délégation de signature du représentant légal"


# --- Budget par année -----------------------------------------------------------------------------------------


@pytest.fixture
def pluriannuel(brouillon, membre_structure, epci):
    remplir(brouillon, membre_structure, {epci: Decimal("10000")})
    Dossier.objects.filter(pk=brouillon.pk).update(nombre_annees=2)
    brouillon.refresh_from_db()
    return brouillon


def budget_sur_deux_ans(dossier, auteur, epci, charges_annee_2="6000"):
    services.enregistrer_budget(
        dossier,
        auteur,
        [
            {"annee": 1, "compte": "64", "montant": "6000"},
            {"annee": 1, "compte": "74", "montant": "5000", "financeur": epci},
            {"annee": 1, "compte": "75", "montant": "1000"},
            {"annee": 2, "compte": "64", "montant": charges_annee_2},
            {"annee": 2, "compte": "74", "montant": "5000", "financeur": epci},
            {"annee": 2, "compte": "75", "montant": "1000"},
        ],
    )


def test_a_multi_year_dossier_has_one_balanced_budget_per_year_and_can_be_deposited(
    pluriannuel, membre_structure, epci
):
    budget_sur_deux_ans(pluriannuel, membre_structure, epci)
    totaux = services.totaux_budget(pluriannuel)
    assert totaux["annees"] == {
        1: {"charges": Decimal("6000"), "produits": Decimal("6000")},
        2: {"charges": Decimal("6000"), "produits": Decimal("6000")},
    }
    assert (totaux["charges"], totaux["produits"]) == (Decimal("12000"), Decimal("12000"))
    services.enregistrer_plan(pluriannuel, membre_structure, {epci: Decimal("10000")}, fonds_propres=2000)
    assert services.refus_depot(pluriannuel) == []
    services.deposer(pluriannuel, membre_structure)
    assert Dossier.objects.get(pk=pluriannuel.pk).statut == StatutDossier.DEPOSE


def test_an_unbalanced_year_blocks_the_deposit_and_names_the_year(pluriannuel, membre_structure, epci):
    budget_sur_deux_ans(pluriannuel, membre_structure, epci, charges_annee_2="7000")
    erreurs = services.erreurs_budget(pluriannuel)
    assert any(e.startswith("Le budget de l'année 2 n'est pas équilibré") for e in erreurs), erreurs


def test_a_line_for_a_year_outside_the_action_is_refused_and_nothing_is_saved(pluriannuel, membre_structure):
    avant = list(LigneBudget.objects.filter(dossier=pluriannuel).values_list("pk", "montant"))
    with pytest.raises(ValidationError, match="l'année 3 n'est pas dans l'action, qui dure 2 an"):
        services.enregistrer_budget(
            pluriannuel,
            membre_structure,
            [{"annee": 1, "compte": "64", "montant": "1"}, {"annee": 3, "compte": "64", "montant": "1"}],
        )
    assert list(LigneBudget.objects.filter(dossier=pluriannuel).values_list("pk", "montant")) == avant


def test_shortening_the_action_leaves_lines_that_block_the_deposit(pluriannuel, membre_structure, epci):
    budget_sur_deux_ans(pluriannuel, membre_structure, epci)
    Dossier.objects.filter(pk=pluriannuel.pk).update(nombre_annees=1)
    pluriannuel.refresh_from_db()
    erreurs = services.erreurs_budget(pluriannuel)
    assert any("action est annuelle" in e for e in erreurs), erreurs


def test_an_annual_dossier_keeps_a_single_budget_for_year_one(brouillon, membre_structure, epci):
    remplir(brouillon, membre_structure, {epci: Decimal("10000")})
    assert set(LigneBudget.objects.filter(dossier=brouillon).values_list("annee", flat=True)) == {1}
    assert list(services.totaux_budget(brouillon)["annees"]) == [1]


def test_the_budget_page_of_a_multi_year_dossier_asks_the_year_of_each_line(
    client, pluriannuel, membre_structure, epci
):
    client.force_login(membre_structure)
    url = reverse("financements:budget_dossier", args=[pluriannuel.pk])
    page = client.get(url).content.decode()
    assert "Année 2" in page and "Un budget par année de l'action (2 ans)" in page
    lignes = [
        ("1", "64", "6000"),
        ("1", "74", "5000"),
        ("1", "75", "1000"),
        ("2", "64", "6000"),
        ("2", "74", "5000"),
        ("2", "75", "1000"),
    ]
    donnees = {"lignes-TOTAL_FORMS": str(len(lignes)), "lignes-INITIAL_FORMS": "0", "plan-fonds_propres": "2000"}
    donnees[f"plan-financeur_{epci.pk}"] = "10000"
    for i, (annee, compte, montant) in enumerate(lignes):
        donnees |= {f"lignes-{i}-annee": annee, f"lignes-{i}-compte": compte, f"lignes-{i}-montant": montant}
        if compte == "74":
            donnees[f"lignes-{i}-financeur"] = str(epci.pk)
    assert client.post(url, donnees).status_code == 302
    assert sorted(LigneBudget.objects.filter(dossier=pluriannuel).values_list("annee", "compte")) == sorted(
        (int(a), c) for a, c, _ in lignes
    )
    page = client.get(pluriannuel.get_absolute_url()).content.decode()
    assert "Année 2 : charges / produits" in page
    assert "sur 2 ans" in page


def test_a_decided_funders_line_cannot_move_to_another_year(client, depose, membre_structure, agent, epci):
    from financements.services import instruction

    Dossier.objects.filter(pk=depose.pk).update(nombre_annees=2)
    instruction.prendre_en_instruction(depose, agent)
    instruction.decider(depose, agent, epci, "10000", reference="DEL-2027-12")
    instruction.demander_correction(depose, agent, "Précisez le public.")
    depose.refresh_from_db()
    lignes = [
        {
            "annee": ligne.annee if ligne.compte != "74" or ligne.financeur_id != epci.pk else 2,
            "compte": ligne.compte,
            "libelle": ligne.libelle,
            "montant": ligne.montant,
            "financeur": ligne.financeur,
        }
        for ligne in depose.lignes_budget.all()
    ]
    with pytest.raises(ValidationError, match="a déjà décidé de sa part"):
        services.enregistrer_budget(depose, membre_structure, lignes)
    assert LigneBudget.objects.get(dossier=depose, compte="74", financeur=epci).annee == 1


def test_the_action_cannot_be_shortened_below_the_years_of_its_budget(pluriannuel, membre_structure, epci):
    budget_sur_deux_ans(pluriannuel, membre_structure, epci)
    form = DossierForm(contenu(pluriannuel, nombre_annees="1"), instance=pluriannuel)
    assert not form.is_valid()
    assert "lignes pour l'année 2" in " ".join(form.errors["nombre_annees"])
    assert Dossier.objects.get(pk=pluriannuel.pk).nombre_annees == 2
