import re

import pytest
from playwright.sync_api import expect

from comptes.demo import MOT_DE_PASSE
from tests.e2e.accessibilite import rapport_axe

pytestmark = pytest.mark.navigateur


def test_it_logs_a_demo_agent_in_through_the_login_form(page, journal, demo, violations_bloquantes):
    page.goto("/")
    # Le JavaScript du DSFR marque la page quand il a démarré : il est donc servi et autorisé par la CSP.
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    page.get_by_role("link", name="Se connecter").first.click()
    expect(page).to_have_url(re.compile(r"/comptes/login/"))

    page.get_by_label("Courriel").fill("agent@demo.coville.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.locator("main").get_by_role("button", name="Connexion").click()

    # L'accueil dit ce qui attend la personne ; « Aller à mon espace » mène à ses organisations.
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour"))
    expect(page.get_by_role("alert")).to_be_visible()
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)
    page.get_by_role("link", name="Aller à mon espace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    carte = page.locator(".fr-card").filter(has_text="Rennes Métropole")
    expect(carte.get_by_role("heading", name="Rennes Métropole")).to_be_visible()
    expect(carte.locator(".fr-tag", has_text=re.compile(r"^\s*Agent\s*$"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)
    assert journal.erreurs_csp() == [], journal.erreurs_csp()
    assert journal.erreurs == [], journal.erreurs


def test_it_hides_a_message_with_its_close_button(page, journal, demo):
    page.goto("/comptes/login/")
    page.get_by_label("Courriel").fill("agent@demo.coville.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.locator("main").get_by_role("button", name="Connexion").click()

    alerte = page.get_by_role("alert")
    expect(alerte).to_be_visible()
    alerte.get_by_role("button", name="Masquer le message").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert journal.erreurs_csp() == [], journal.erreurs_csp()
    assert journal.erreurs == [], journal.erreurs
