"""La semaine d'une association, dans Chromium : depuis l'accueil, elle trouve un appel à projets ouvert dans son
quartier (filtre QPV de la liste nationale) et ouvre sa page ; la liste filtrée passe axe-core."""

import pytest
from playwright.sync_api import expect

from financements.demo import TITRE
from financements.models import AppelAProjets
from tests.e2e.accessibilite import rapport_axe

pytestmark = pytest.mark.navigateur


def test_an_association_finds_an_open_call_in_its_qpv(page, journal, demo, violations_bloquantes):
    qpv = AppelAProjets.objects.get(titre=TITRE).qpv.order_by("code").first()
    page.goto("/")
    page.get_by_role("link", name="Les appels à projets ouverts, dans toute la France").click()
    expect(page.locator("main h1")).to_have_text("Appels à projets ouverts")
    page.get_by_label("Quartier prioritaire (nom ou code)").fill(qpv.nom)
    page.get_by_role("button", name="Filtrer").click()
    lien = page.locator("main table").get_by_role("link", name=TITRE, exact=True)
    expect(lien).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)
    assert journal.erreurs_csp() == [], journal.erreurs_csp()
    lien.click()
    expect(page.locator("main h1")).to_have_text(TITRE)
