"""Les graphiques dans Chromium : sans style à eux, ils sont habillés par la feuille commune
(static/coville/graphiques.css), comme pygal les habillait (couleur de série, police, lignes sans remplissage)."""

from playwright.sync_api import expect

from tests.e2e.pages_evaluation import AGENT, CODE


def test_the_dashboard_charts_are_styled_by_the_common_stylesheet(page, journal, demo, connecter):
    connecter(AGENT)
    page.goto(f"/evaluation/contrats/{CODE}/tableau-de-bord/")
    graphique = page.locator("svg.pygal-chart").first
    expect(graphique).to_be_visible()

    assert page.locator("svg.pygal-chart style").count() == 0
    courbe = graphique.locator(".serie-0 path.line").first
    assert courbe.evaluate("e => getComputedStyle(e).stroke") == "rgb(0, 0, 145)"  # bleu France, COULEURS[0]
    assert courbe.evaluate("e => getComputedStyle(e).fill") == "none"
    texte = graphique.locator(".axis text").first
    assert "Marianne" in texte.evaluate("e => getComputedStyle(e).fontFamily")
    assert journal.erreurs_csp() == []
