import io
import re

import pikepdf
import pytest
from django.template import Context, Template
from pydyf import PDF, Dictionary, String
from pypdf import PdfReader
from weasyprint import HTML

from config.pdf import BASE_URL, RecuperateurLocal, edition, html_en_pdf, portees_des_en_tetes, ranger_edition
from tests.pdfua import defauts_pdfua, elements, portee

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


TABLEAU = Template(
    """{% extends "pdf/base.html" %}
{% block titre %}Tableau d'essai{% endblock %}
{% block contenu %}
  <table>
    <caption>Montants par financeur et par année</caption>
    <thead><tr><th scope="col">Financeur</th><th scope="col">2025</th><th scope="col">2026</th></tr></thead>
    <tbody>
      <tr><th scope="row">État</th><td>10 €</td><td>20 €</td></tr>
      <tr><th scope="row">Métropole</th><td>30 €</td><td>40 €</td></tr>
    </tbody>
  </table>
  <svg role="img" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg"><title>Un carré bleu.</title>
    <rect width="10" height="10" fill="#000091"/></svg>
{% endblock %}"""
)


def _lire(pdf: bytes, type_: str, lecture) -> list:
    """`lecture(objet)` pour chaque élément de ce type de l'arbre de structure (lu tant que le PDF est ouvert)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [lecture(element.objet) for element in elements(document) if element.type == type_]


def test_header_cells_get_the_scope_of_their_html_scope_attribute():
    pdf = html_en_pdf(TABLEAU.render(Context({})))

    # Les trois en-têtes de colonne, puis les deux en-têtes de ligne (WeasyPrint lit l'attribut `scope`).
    assert _lire(pdf, "/TH", portee) == ["/Column"] * 3 + ["/Row"] * 2
    assert defauts_pdfua(pdf) == []


def test_an_svg_title_becomes_the_alternative_text_of_its_figure():
    pdf = html_en_pdf(TABLEAU.render(Context({})))

    assert _lire(pdf, "/Figure", lambda figure: str(figure.Alt)) == ["Un carré bleu."]


def test_the_structure_check_fails_on_a_figure_without_alternative_text_and_a_header_without_scope():
    html = TABLEAU.render(Context({})).replace("<title>Un carré bleu.</title>", "")
    sans_portee = HTML(string=html, base_url=BASE_URL, url_fetcher=RecuperateurLocal()).write_pdf(
        pdf_variant="pdf/ua-1"
    )

    assert defauts_pdfua(sans_portee) == [
        *(f"cellule d'en-tête n° {n} sans portée (/Scope)" for n in range(1, 6)),
        "figure n° 1 sans texte de remplacement (/Alt)",
    ]


def test_a_scope_already_written_by_weasyprint_is_kept():
    en_tete = Dictionary(
        {"Type": "/StructElem", "S": "/TH", "ID": String("1-0-0"), "A": Dictionary({"O": "/Table", "Scope": "/Both"})}
    )
    pdf = PDF()
    pdf.add_object(en_tete)

    portees_des_en_tetes(None, pdf)

    assert en_tete["A"]["Scope"] == "/Both"
