"""Bout en bout : l'agent de démonstration, sans double authentification, veut écrire une note d'instruction ;
Coville l'envoie l'activer (mot de passe redemandé, code QR, code de l'application), lui montre ses codes de
récupération et le ramène au dossier ; à la connexion suivante, le code est demandé et un mauvais code refusé.
Chaque page passe à axe-core, sans violation de la CSP."""

import re

import pytest
from playwright.sync_api import expect

from comptes.demo import MOT_DE_PASSE
from financements.models import Dossier
from tests.double_authentification import code
from tests.e2e.accessibilite import rapport_axe

pytestmark = pytest.mark.navigateur

AGENT = "agent@demo.coville.fr"


def _sans_violation(page, violations_bloquantes) -> None:
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)


def test_an_agent_activates_it_before_instructing_then_logs_in_with_a_code(
    page, journal, demo, connecter, violations_bloquantes
):
    dossier = Dossier.objects.get(titre="Permanences d'accès aux droits")
    connecter(AGENT)
    page.goto(dossier.get_absolute_url())
    page.get_by_label("Note interne (lue par les seuls instructeurs)").fill("À revoir avec le délégué du préfet.")
    page.get_by_role("button", name="Ajouter la note").click()

    # Le mot de passe est redemandé avant d'activer, avec le message qui explique pourquoi.
    expect(page).to_have_url(re.compile(r"/comptes/reauthenticate/"))
    expect(page.get_by_role("alert").filter(has_text="double authentification")).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.locator("main").get_by_role("button", name="Confirmer").click()

    # Le code QR (image data:, permise par la CSP) et le secret, puis le code de l'application.
    expect(page).to_have_url(re.compile(r"/comptes/2fa/totp/activate/"))
    expect(page.locator("main img[src^='data:image/svg+xml']")).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    secret = page.get_by_label("Secret d'authentification").input_value()
    page.get_by_label("Code de l'authentificateur").fill(code(secret))
    page.locator("main").get_by_role("button", name="Activer").click()

    # Les codes de récupération, puis le retour au dossier : la note n'avait pas été écrite.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Codes de récupération"))
    _sans_violation(page, violations_bloquantes)
    page.get_by_role("link", name="Reprendre là où j'en étais").click()
    expect(page).to_have_url(re.compile(re.escape(dossier.get_absolute_url()) + "$"))
    assert not dossier.notes.filter(texte__startswith="À revoir").exists()
    page.get_by_label("Note interne (lue par les seuls instructeurs)").fill("À revoir avec le délégué du préfet.")
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.get_by_text("Note enregistrée")).to_be_visible()

    # À la connexion suivante, le code est demandé ; un mauvais code est refusé en français.
    page.context.clear_cookies()
    page.goto("/comptes/login/")
    page.get_by_label("Courriel").fill(AGENT)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.locator("main").get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(re.compile(r"/comptes/2fa/authenticate/"))
    _sans_violation(page, violations_bloquantes)
    bon = code(secret)
    page.get_by_label("Code").fill("000000" if bon != "000000" else "111111")
    page.locator("main").get_by_role("button", name="Connexion").click()
    expect(page.get_by_text("Code incorrect.")).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    page.get_by_label("Code").fill(bon)
    page.locator("main").get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert journal.erreurs_csp() == [], journal.erreurs_csp()
