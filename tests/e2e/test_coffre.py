"""Bout en bout : le trésorier des Ateliers du Blosne dépose le RIB de l'association dans son coffre, voit le
rapport d'activité qui expire bientôt, puis joint le RIB du coffre au brouillon de son dossier sans le
téléverser de nouveau. Les pages du coffre passent à axe-core dans test_accessibilite.py."""

import pytest
from playwright.sync_api import expect

from acteurs_ess.models import DocumentStructure, Structure
from financements.models import Dossier

pytestmark = pytest.mark.navigateur

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_treasurer_files_the_rib_in_the_vault_and_joins_it_to_a_draft(page, journal, demo, connecter):
    ateliers = Structure.objects.get(raison_sociale="Les Ateliers du Blosne")
    brouillon = Dossier.objects.get(titre="Repair café itinérant")

    connecter("structure@demo.coville.fr")
    page.goto(ateliers.get_absolute_url())
    page.get_by_role("link", name="Documents", exact=True).click()
    expect(page.get_by_role("heading", name="Documents à renouveler")).to_be_visible()
    expect(page.get_by_text("1 document expire dans moins de 30 jours")).to_be_visible()

    page.get_by_role("link", name="Ajouter un document").click()
    page.get_by_label("Type de document").select_option("rib")
    page.get_by_label("Fichier").set_input_files({"name": "rib-2027.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_label("Valable jusqu'au (facultatif)").fill("2030-12-31")
    page.get_by_role("button", name="Déposer le document").click()
    expect(page.get_by_text("Document « rib-2027.pdf » ajouté au coffre.")).to_be_visible()
    expect(page.get_by_role("cell", name="Jusqu'au 31/12/2030")).to_be_visible()

    page.goto(brouillon.get_absolute_url() + "pieces/")
    page.get_by_label("Relevé d'identité bancaire (RIB) : document du coffre").select_option(
        label="rib-2027.pdf (valable jusqu'au 31/12/2030)"
    )
    page.get_by_role("button", name="Joindre ce document : Relevé d'identité bancaire (RIB)").click()
    expect(page.get_by_text("« rib-2027.pdf » joint au dossier depuis le coffre de la structure.")).to_be_visible()
    expect(page.get_by_role("link", name="rib-2027.pdf")).to_be_visible()
    assert brouillon.pieces.get(type="rib").document == DocumentStructure.objects.get(nom="rib-2027.pdf")
    assert journal.erreurs_csp() == []
