"""La page « Service momentanément indisponible » d'une base injoignable (templates/indisponible.html), passée à
axe-core dans Chromium : rendue sans la base, elle reste une page DSFR accessible."""

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibilite import rapport_axe


@pytest.mark.navigateur
@pytest.mark.urls("tests.test_exploitation")
def test_the_database_outage_page_has_no_serious_accessibility_violation(page, violations_bloquantes):
    reponse = page.goto("/injoignable/")

    assert reponse.status == 503
    assert reponse.headers["retry-after"] == "30"
    expect(page).to_have_title("Service momentanément indisponible — Coville")
    expect(page.locator("main h1")).to_have_text("Service momentanément indisponible")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)
