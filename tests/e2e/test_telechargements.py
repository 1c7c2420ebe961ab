"""Bout en bout : une élue d'une collectivité signataire télécharge, depuis Mon espace, le contrat de ville
complet et sa synthèse en PDF, rendus par un worker (la démonstration a demandé leur rendu en se chargeant)."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.pages_contrats import CODE
from tests.taches import rendre_les_pdf

pytestmark = pytest.mark.navigateur


@pytest.fixture(autouse=True)
def _stockage(settings, tmp_path):
    # Les PDF rendus par le serveur de test vont dans un dossier jetable.
    settings.MEDIA_ROOT = tmp_path


def _telecharger(page, nom_du_lien: str) -> tuple[str, PdfReader]:
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile(nom_du_lien)).click()
    fichier = telechargement.value
    with open(fichier.path(), "rb") as contenu:
        return fichier.suggested_filename, PdfReader(io.BytesIO(contenu.read()))


def test_an_elected_official_downloads_both_pdfs_from_her_space(page, journal, demo, connecter):
    connecter("elu@demo.coville.fr")
    page.goto("/mon-espace/")
    bloc = page.get_by_role("region", name="Mes contrats de ville")
    expect(bloc).to_contain_text("Rennes Métropole")

    # Pas encore rendu : la page le dit, sans se recharger d'elle-même.
    page.get_by_role("link", name=re.compile("Contrat de ville complet")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PDF en préparation")
    rendre_les_pdf()
    nom, contrat = _telecharger(page, "Vérifier à nouveau")
    assert nom == f"contrat-de-ville-{CODE}.pdf"
    texte = "\n".join(page_pdf.extract_text() for page_pdf in contrat.pages)
    assert "Contrat de ville Rennes Métropole" in texte
    assert "Signataires et engagements" in texte and "Ville de Rennes" in texte
    assert "Retenue : la Fabrique à initiatives sera co-construite" in texte

    page.goto("/mon-espace/")
    nom, synthese = _telecharger(page, "Synthèse pour les élus")
    assert nom == f"synthese-contrat-de-ville-{CODE}.pdf"
    assert len(synthese.pages) <= 2
    assert "Chiffres clés" in synthese.pages[0].extract_text()
    assert journal.erreurs == []
