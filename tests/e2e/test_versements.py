"""Bout en bout : l'agent de la métropole mandate puis paie le solde d'une convention en vigueur de la
démonstration ; la section « Versements » et le formulaire du mandat (vide, puis rempli) passent axe-core."""

import pytest
from playwright.sync_api import expect

from comptes.models import Utilisateur
from financements.demo import TITRE
from financements.models import Convention, StatutVersement, Versement
from tests.double_authentification import activer

pytestmark = pytest.mark.navigateur


def test_the_funder_mandates_then_pays_the_balance_and_the_pages_pass_axe(
    page, journal, demo, connecter, violations_bloquantes
):
    convention = Convention.objects.get(
        dossiers__appel__titre=TITRE, nombre_annees=1, parties__financeur__nom="Rennes Métropole"
    )
    # Mandater et payer demandent la double authentification (son activation : test_double_authentification.py).
    activer(Utilisateur.objects.get(email="agent@demo.coville.fr"))
    connecter("agent@demo.coville.fr")
    page.goto(convention.get_absolute_url())
    section = page.locator("#versements")
    expect(section.get_by_role("heading", name="Versements")).to_be_visible()
    expect(section.get_by_role("table", name="Échéancier de Rennes Métropole")).to_be_visible()
    assert violations_bloquantes(page) == []

    section.get_by_role("link", name="Mandater le versement solde").click()
    expect(page.get_by_role("heading", name="Mandater un versement", exact=False)).to_be_visible()
    page.get_by_role("button", name="Enregistrer le mandat").click()
    expect(page.get_by_text("Ce champ est obligatoire.").first).to_be_visible()
    assert violations_bloquantes(page) == []
    page.get_by_label("Date du mandat").fill("2026-01-05")
    page.get_by_label("Référence du mandat").fill("M-E2E-1")
    page.get_by_role("button", name="Enregistrer le mandat").click()
    expect(page.get_by_text("mandaté.", exact=False).first).to_be_visible()

    section.get_by_role("link", name="Enregistrer le paiement").click()
    page.get_by_label("Date du paiement").fill("2026-01-06")
    page.get_by_label("Référence du paiement").fill("P-E2E-1")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_text("la structure en est prévenue")).to_be_visible()
    solde = Versement.objects.get(convention=convention, nature="solde")
    assert (solde.statut, solde.reference_paiement) == (StatutVersement.PAYE, "P-E2E-1")
    assert journal.erreurs_csp() == []
