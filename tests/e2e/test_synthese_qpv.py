"""Bout en bout : une élue de la Ville de Rennes se connecte par le formulaire, va dans Mon espace et télécharge la
synthèse d'un de ses quartiers, rendue par un worker à sa première demande ; axe-core passe sur chaque page
traversée (accueil, Mon espace, « PDF en préparation », page du quartier qui offre la même synthèse à tous)."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from comptes.demo import MOT_DE_PASSE
from tests.e2e.accessibilite import rapport_axe
from tests.taches import rendre_les_pdf

pytestmark = pytest.mark.navigateur

QUARTIER = "Le Blosne"


@pytest.fixture(autouse=True)
def _stockage(settings, tmp_path):
    # Les PDF rendus par le worker de test vont dans un dossier jetable.
    settings.MEDIA_ROOT = tmp_path


def _sans_violation(page, violations_bloquantes) -> None:
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)


def test_an_elected_official_downloads_a_quartier_synthesis_from_her_space(page, journal, demo, violations_bloquantes):
    from territoires.models import Qpv

    code = Qpv.objects.get(nom=QUARTIER, contrats__code="CN03501I").code

    page.goto("/comptes/login/")
    page.get_by_label("Courriel").fill("elu@demo.coville.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.locator("main").get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour"))
    _sans_violation(page, violations_bloquantes)

    page.get_by_role("link", name="Aller à mon espace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    bloc = page.get_by_role("region", name="Synthèses de mes quartiers")
    expect(bloc).to_contain_text(QUARTIER)
    _sans_violation(page, violations_bloquantes)

    # Première demande : le worker n'a encore rien rendu, la page le dit sans se recharger d'elle-même.
    bloc.get_by_role("link", name=re.compile(f"Synthèse du quartier {QUARTIER}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PDF en préparation")
    _sans_violation(page, violations_bloquantes)

    rendre_les_pdf()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Vérifier à nouveau")).click()
    assert telechargement.value.suggested_filename == f"synthese-quartier-{code}.pdf"
    with open(telechargement.value.path(), "rb") as fichier:
        synthese = PdfReader(io.BytesIO(fichier.read()))
    assert len(synthese.pages) == 1
    texte = " ".join(synthese.pages[0].extract_text().split())
    assert f"Quartier prioritaire {QUARTIER}" in texte
    assert "Taux d'emploi" in texte and "Médiane" in texte  # face à la distribution nationale
    assert "Rennes Métropole (CN03501I)" in texte

    # La page du quartier offre la même synthèse à tout le monde.
    page.goto(f"/territoires/qpv/{code}/")
    expect(page.get_by_role("region", name="Synthèse pour les élus")).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    assert journal.erreurs == [], journal.erreurs
