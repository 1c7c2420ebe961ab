import io
import re

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from config.pdf import BASE_URL, RecuperateurLocal, edition, html_en_pdf, ranger_edition

GABARIT = Template(
    """{% extends "pdf/base.html" %}
{% block titre %}Document d'essai{% endblock %}
{% block contenu %}
  <section class="couverture"><h1>Contrat de ville d'essai</h1></section>
  <nav class="sommaire"><h2>Sommaire</h2><ol><li><a href="#partie">Première partie</a></li></ol></nav>
  <h2 class="chapitre" id="partie">Première partie</h2>
  <p>Quartiers prioritaires et engagements des signataires.</p>
  <img src="http://exemple.invalid/image.png" alt="image distante">
{% endblock %}"""
)


def rendre() -> bytes:
    return html_en_pdf(GABARIT.render(Context({})))


def test_it_renders_an_a4_pdf_with_numbered_pages_and_the_text():
    lecteur = PdfReader(io.BytesIO(rendre()))
    assert len(lecteur.pages) == 3
    texte = "\n".join(page.extract_text() for page in lecteur.pages)
    assert "Contrat de ville d'essai" in texte
    assert "Page 2 sur 3" in texte
    largeur, hauteur = lecteur.pages[0].mediabox.width, lecteur.pages[0].mediabox.height
    assert (round(float(largeur) / 72 * 25.4), round(float(hauteur) / 72 * 25.4)) == (210, 297)


def test_it_fills_the_table_of_contents_with_page_numbers():
    texte = PdfReader(io.BytesIO(rendre())).pages[1].extract_text()
    assert "Première partie" in texte
    assert texte.rstrip().endswith("3")


def test_it_embeds_the_marianne_font_from_local_files():
    lecteur = PdfReader(io.BytesIO(rendre()))
    polices = {
        str(police["/BaseFont"])
        for page in lecteur.pages
        for police in (page["/Resources"].get("/Font") or {}).values()
        for police in [police.get_object()]
    }
    assert any("Marianne" in police for police in polices)


def polices_embarquees(lecteur: PdfReader) -> set[str]:
    """Les /FontName des descripteurs de police dont le fichier est embarqué dans le PDF."""
    noms = set()
    for page in lecteur.pages:
        for police in (page["/Resources"].get("/Font") or {}).values():
            police = police.get_object()
            for descendante in [police, *(d.get_object() for d in police.get("/DescendantFonts", []))]:
                descripteur = descendante.get("/FontDescriptor")
                if descripteur is None:
                    continue
                descripteur = descripteur.get_object()
                if any(cle in descripteur for cle in ("/FontFile", "/FontFile2", "/FontFile3")):
                    noms.add(str(descripteur["/FontName"]))
    return noms


def test_production_pdfs_embed_marianne_under_hashed_static_names(settings, statiques_de_production):
    # Le stockage des fichiers statiques de la production (config/settings.py hors DEBUG), qui lit son manifeste
    # dans les fichiers collectés : `{% static %}` y donne des noms versionnés.
    settings.STATIC_ROOT = statiques_de_production
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    html = GABARIT.render(Context({}))
    assert re.search(r"/static/dsfr/dist/fonts/Marianne-Bold\.[0-9a-f]{12}\.woff2", html)

    polices = polices_embarquees(PdfReader(io.BytesIO(html_en_pdf(html))))

    # Noms PostScript des polices Regular et Bold, précédés du préfixe de leur sous-ensemble (« ABCDEF+ »).
    assert {nom.split("+", 1)[1] for nom in polices} >= {"Marianne", "Marianne-Bold"}, polices


def test_it_tags_the_pdf_for_accessibility():
    lecteur = PdfReader(io.BytesIO(rendre()))
    catalogue = lecteur.trailer["/Root"]
    assert "/StructTreeRoot" in catalogue
    assert catalogue["/MarkInfo"]["/Marked"]
    assert catalogue["/Lang"] == "fr"


def test_it_never_fetches_from_the_network():
    with pytest.raises(ValueError, match="WeasyPrint ne lit que les fichiers statiques locaux"):
        RecuperateurLocal().fetch("http://exemple.invalid/image.png")
    police = RecuperateurLocal().fetch(BASE_URL + "static/dsfr/dist/fonts/Marianne-Regular.woff2")
    assert police.read(4) == b"wOF2"
    police.close()


def test_an_edition_is_kept_per_fingerprint_and_replaces_the_older_ones(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert edition("contrat-1", "v1") is None

    ranger_edition("contrat-1", "v1", b"%PDF-essai-1")
    with edition("contrat-1", "v1") as fichier:
        assert fichier.read() == b"%PDF-essai-1"
    ranger_edition("contrat-1", "v2", b"%PDF-essai-2")

    assert edition("contrat-1", "v1") is None
    with edition("contrat-1", "v2") as fichier:
        assert fichier.read() == b"%PDF-essai-2"
