"""La semaine d'une association, dans Chromium : depuis l'accueil, elle trouve un appel à projets ouvert dans son
quartier (filtre QPV de la liste nationale) et ouvre sa page ; la semaine d'un agent : il prolonge un appel
(après une date refusée sur son champ) et le voit au journal de l'appel. Les pages passent axe-core."""

from datetime import timedelta

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


def test_an_agent_extends_a_call_and_sees_it_in_its_journal(page, journal, demo, connecter, violations_bloquantes):
    appel = AppelAProjets.objects.get(titre=TITRE)
    nouvelle = appel.cloture + timedelta(days=14)
    connecter("agent@demo.coville.fr")
    page.goto(appel.get_absolute_url())
    page.get_by_role("link", name="Prolonger").click()
    expect(page.locator("main h1")).to_have_text("Prolonger l'appel à projets")
    # Une date qui ne prolonge rien : le message est sur le champ, la page reste accessible.
    page.get_by_label("Nouvelle clôture des dépôts").fill(appel.cloture.isoformat())
    page.get_by_role("button", name="Prolonger l'appel").click()
    expect(page.locator("main .fr-input-group--error").first).to_contain_text("doit suivre la clôture actuelle")
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)
    page.get_by_label("Nouvelle clôture des dépôts").fill(nouvelle.isoformat())
    page.get_by_role("button", name="Prolonger l'appel").click()
    expect(page.get_by_text(f"Appel à projets prolongé jusqu'au {nouvelle:%d/%m/%Y}.")).to_be_visible()
    expect(page.get_by_role("heading", name="Journal de l'appel")).to_be_visible()
    expect(page.locator("main table").last).to_contain_text(f"Clôture des dépôts : {appel.cloture:%d/%m/%Y}")
    assert journal.erreurs_csp() == [], journal.erreurs_csp()
