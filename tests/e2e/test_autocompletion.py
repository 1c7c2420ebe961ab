"""L'autocomplétion des choix (ici : le signataire d'un contrat) dans Chromium, au clavier seulement : les
suggestions s'annoncent, les flèches les parcourent, Entrée choisit, Échap ferme ; la page passe à axe-core
liste ouverte. Sans JavaScript, le nom saisi suffit (tests/contrats/test_recherche.py)."""

import pytest
from playwright.sync_api import expect

from contrats.models import Signataire
from tests.e2e.accessibilite import rapport_axe
from tests.e2e.pages_contrats import AGENT, CODE

pytestmark = pytest.mark.navigateur

LIBELLE = "Ville de Saint-Jacques-de-la-Lande — Commune"


def test_an_agent_picks_a_signatory_with_the_keyboard(page, journal, demo, connecter, violations_bloquantes):
    connecter(AGENT)
    page.goto(f"/contrats/{CODE}/signataires/nouveau/")
    champ = page.get_by_role("combobox", name="Organisation")
    expect(champ).to_have_attribute("aria-expanded", "false")

    champ.press_sequentially("saint jacq")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option", name=LIBELLE)).to_be_visible()
    expect(champ).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[aria-live=polite]").filter(has_text="suggestion")).to_contain_text("Entrée pour choisir")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)

    champ.press("Escape")
    expect(suggestions).to_be_hidden()
    champ.press("ArrowDown")
    expect(suggestions).to_be_visible()
    champ.press("ArrowDown")
    expect(suggestions.get_by_role("option", name=LIBELLE)).to_have_attribute("aria-selected", "true")
    champ.press("Enter")

    expect(champ).to_have_value(LIBELLE)
    expect(suggestions).to_be_hidden()
    page.get_by_label("Signé par (nom et qualité)").fill("Le maire")
    page.get_by_role("button", name="Ajouter").click()

    expect(page.get_by_role("heading", name="Ville de Saint-Jacques-de-la-Lande")).to_be_visible()
    assert Signataire.objects.filter(
        contrat__code=CODE, organisation__nom="Ville de Saint-Jacques-de-la-Lande"
    ).exists()
    assert journal.erreurs == [], journal.erreurs


def test_a_visitor_opens_a_territory_from_the_search_suggestions(page, journal, demo, violations_bloquantes):
    """La recherche des territoires partage le même script : le choix d'une suggestion ouvre sa page."""
    page.goto("/territoires/")
    champ = page.get_by_role("combobox", name="Rechercher une commune")

    champ.press_sequentially("blosne")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    option = suggestions.get_by_role("option", name="Le Blosne")
    expect(option).to_be_visible()
    expect(option).to_contain_text("Quartier prioritaire")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)

    champ.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    champ.press("Enter")

    expect(page).to_have_url("/territoires/qpv/QN03505M/")
    assert journal.erreurs == [], journal.erreurs
