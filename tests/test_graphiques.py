"""Les graphiques SVG (config/lib/graphiques.py) : sans script ni ressource extérieure, nommés et résumés pour les
lecteurs d'écran, stables, posés avec le tableau de leurs données, et lus comme figures dans un PDF."""

import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pikepdf
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from config.lib import graphiques
from config.lib.euros import euros
from config.lib.graphiques import (
    COULEURS,
    Graphique,
    Serie,
    barres,
    euros_arrondis,
    feuille_de_style,
    lignes,
    nombre,
    petits_multiples,
    styler_pour_pdf,
)
from config.pdf import html_en_pdf
from tests.pdfua import defauts_pdfua, elements

SVG = "{http://www.w3.org/2000/svg}"
ETIQUETTES = ["2024", "2025", "2026"]
SERIES = [
    Serie("État", [Decimal("12000"), Decimal("15000.50"), None]),
    Serie("Métropole", [5000, 7000, 9000]),
]
ESPACES_DE_NOMS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def _dessins() -> dict[str, str]:
    return {
        "barres": barres("Montants décidés", "L'État apporte le plus.", SERIES, ETIQUETTES, format_axe=euros_arrondis),
        "barres horizontales": barres("Montants", "Résumé.", SERIES, ETIQUETTES, horizontales=True),
        "lignes": lignes("Taux d'emploi", "Il monte.", SERIES, ETIQUETTES),
        "petits multiples": petits_multiples("Taux d'emploi par quartier", "Il monte partout.", SERIES, ETIQUETTES),
    }


@pytest.mark.parametrize("genre", list(_dessins()))
def test_a_chart_has_no_script_and_loads_nothing_from_outside(genre):
    svg = _dessins()[genre]

    assert "<script" not in svg
    assert "javascript" not in svg.lower()
    assert "href" not in svg
    assert "@import" not in svg and "url(" not in svg
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= ESPACES_DE_NOMS
    assert "<!--" not in svg


@pytest.mark.parametrize("genre", ["barres", "barres horizontales", "lignes"])
def test_a_chart_is_an_image_named_by_its_title_and_described_by_its_summary(genre):
    racine = ET.fromstring(_dessins()[genre])

    titre, resume = racine[0], racine[1]
    assert racine.get("role") == "img"
    assert (titre.tag, resume.tag) == (f"{SVG}title", f"{SVG}desc")
    assert racine.get("aria-labelledby") == f"{titre.get('id')} {resume.get('id')}"


def test_the_same_data_give_the_same_svg_and_other_data_another_identifier():
    assert barres("Titre", "Résumé.", SERIES, ETIQUETTES) == barres("Titre", "Résumé.", SERIES, ETIQUETTES)
    autre = barres("Titre", "Résumé.", SERIES[:1], ETIQUETTES)
    identifiant = ET.fromstring(autre).get("id")
    assert identifiant not in barres("Titre", "Résumé.", SERIES, ETIQUETTES)
    assert "chart-" not in autre  # ni l'identifiant que pygal tire au hasard


@pytest.mark.parametrize("genre", list(_dessins()))
def test_a_chart_carries_no_style_of_its_own_but_the_class_of_the_common_stylesheet(genre):
    dessin = _dessins()[genre]
    racines = [ET.fromstring(dessin)] if genre != "petits multiples" else ET.fromstring(dessin).findall(f"{SVG}svg")

    assert "<style" not in dessin and "<defs" not in dessin
    assert all(racine.get("class") == "pygal-chart" for racine in racines)
    # Un seul titre par graphique, le nôtre (pygal en ajoutait un second, « Pygal »).
    assert [racine.findall(f"{SVG}title")[0].text for racine in racines][0].startswith(("Montants", "Taux"))
    assert all(len(racine.findall(f"{SVG}title")) == 1 for racine in racines)


def test_the_common_stylesheet_is_pygal_style_for_the_class_and_the_static_file_is_up_to_date():
    feuille = feuille_de_style()

    assert ".pygal-chart .axis text{" in feuille and "#chart-" not in feuille
    for couleur in COULEURS:  # chaque couleur de série, pour les barres groupées comme pour les lignes
        assert couleur in feuille
    assert "url(" not in feuille and "@import" not in feuille
    # Régénérer : python -m config.lib.graphiques > static/coville/graphiques.css
    assert (settings.BASE_DIR / "static" / "coville" / "graphiques.css").read_text() == feuille


@pytest.mark.django_db
def test_a_page_links_the_common_stylesheet_once(client):
    reponse = client.get(reverse("accueil"))

    assert reponse.status_code == 200
    assert reponse.content.decode().count('href="/static/coville/graphiques.css"') == 1


def test_a_chart_in_a_pdf_gets_the_common_stylesheet_inside_its_svg():
    html = "<p>Texte</p>" + barres("Montants", "Résumé.", SERIES, ETIQUETTES) + lignes("Taux", "R.", SERIES, ETIQUETTES)

    style = styler_pour_pdf(html)

    assert style.count("<style") == 2
    racine = ET.fromstring(style[style.index("<svg") : style.index("</svg>") + 6])
    assert racine[0].tag == f"{SVG}style" and racine[0].text == feuille_de_style()
    assert racine[1].tag == f"{SVG}title"  # le titre reste le premier titre, texte de remplacement du PDF


def test_a_chart_drawn_by_another_process_is_read_from_the_shared_cache(monkeypatch):
    premier = barres("Partagé", "Résumé.", SERIES, ETIQUETTES)
    graphiques._DESSINS.clear()  # un autre processus : sa mémoire est vide, le cache partagé ne l'est pas
    monkeypatch.setattr("config.lib.graphiques.pygal.Bar", None)  # redessiner échouerait

    assert barres("Partagé", "Résumé.", SERIES, ETIQUETTES) == premier


def test_a_chart_already_drawn_is_not_drawn_again(monkeypatch):
    premier = barres("Déjà dessiné", "Résumé.", SERIES, ETIQUETTES)
    monkeypatch.setattr("config.lib.graphiques.pygal.Bar", None)  # redessiner échouerait

    assert barres("Déjà dessiné", "Résumé.", SERIES, ETIQUETTES) is premier


def test_small_multiples_draw_one_titled_chart_per_series_on_one_scale():
    html = petits_multiples("Taux d'emploi par quartier", "Il monte partout.", SERIES, ETIQUETTES)
    groupe = ET.fromstring(html)
    dessins = groupe.findall(f"{SVG}svg")

    assert groupe.get("role") == "group"
    assert groupe.get("aria-label") == "Taux d'emploi par quartier. Il monte partout."
    assert [d.find(f"{SVG}title").text for d in dessins] == [
        "Taux d'emploi par quartier : État",
        "Taux d'emploi par quartier : Métropole",
    ]
    assert dessins[1].find(f"{SVG}desc").text == "2024 : 5\u202f000, 2025 : 7\u202f000, 2026 : 9\u202f000."
    # La même échelle : les graduations de l'axe des valeurs sont les mêmes dans chaque petit graphique.
    graduations = [
        [t.text for t in d.iter(f"{SVG}text") if t.text and t.text.replace("\u202f", "").isdigit()] for d in dessins
    ]
    assert graduations[0] == graduations[1]


def test_values_are_written_the_french_way():
    assert nombre(Decimal("1234567.5")) == "1\u202f234\u202f567,50"
    assert nombre(2000) == "2\u202f000"
    assert nombre(None) == "—"
    assert euros_arrondis(Decimal("15000.50")) == "15\u202f000 €"  # arrondi au plus proche, pair en cas d'égalité


def test_the_include_template_shows_the_chart_its_summary_and_its_data_table():
    graphique = Graphique(
        "barres", "Montants décidés", "L'État apporte le plus.", SERIES, ETIQUETTES, format_valeur=euros
    )

    html = render_to_string("graphiques/graphique.html", {"graphique": graphique})

    assert html.count("<svg") == 1
    assert "<figcaption>L&#x27;État apporte le plus.</figcaption>" in html
    assert "<caption>Montants décidés : les données du graphique</caption>" in html
    assert re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html) == ["Série", *ETIQUETTES]
    assert re.findall(r'<th scope="row">([^<]*)</th>', html) == ["État", "Métropole"]
    assert '<td class="nombre">15\u202f000,50 €</td>' in html
    assert '<td class="nombre">—</td>' in html  # pas de valeur : un tiret, jamais 0


def test_a_chart_in_a_pdf_is_a_figure_whose_alternative_text_is_its_title():
    graphique = Graphique("barres", "Montants décidés", "L'État apporte le plus.", SERIES, ETIQUETTES)
    html = render_to_string("pdf/base.html", {}).replace(
        "<body>", "<body>" + render_to_string("graphiques/graphique.html", {"graphique": graphique})
    )
    html = html.replace("<title></title>", "<title>Essai de graphique</title>")

    pdf = html_en_pdf(html)

    with pikepdf.open(io.BytesIO(pdf)) as lu:
        assert [str(e.objet.Alt) for e in elements(lu) if e.type == "/Figure"] == ["Montants décidés"]
        # La feuille commune s'applique dans le PDF : les barres de la première série sont bleu France (#000091).
        contenu = b"".join(page.Contents.read_bytes() for page in lu.pages)
    assert b"0 0 0.568627 rg" in contenu
    assert defauts_pdfua(pdf) == []


def test_a_shared_cache_that_cannot_be_written_does_not_break_the_page(monkeypatch, caplog):
    def refuser(*args, **kwargs):
        raise PermissionError("lecture seule")

    monkeypatch.setattr(graphiques.caches[graphiques.CACHE], "set", refuser)

    dessin = barres("Cache en lecture seule", "Résumé.", SERIES, ETIQUETTES)

    assert dessin.startswith("<svg") and "Cache en lecture seule" in dessin
    assert "dessin non gardé" in caplog.text


@pytest.mark.parametrize("genre", list(_dessins()))
def test_a_chart_is_written_compactly_with_two_decimals_at_most(genre):
    dessin = _dessins()[genre]

    assert not re.search(r"\d\.\d{3}", dessin)
    assert re.search(r'd="M[\d.]+ [\d.]+', dessin)  # des coordonnées restent écrites


def test_small_multiples_have_four_value_gridlines_at_most():
    groupe = ET.fromstring(petits_multiples("Taux", "Résumé.", SERIES, ETIQUETTES))

    for dessin in groupe.findall(f"{SVG}svg"):
        axe = next(g for g in dessin.iter(f"{SVG}g") if "y" in g.get("class", "").split())
        assert 2 <= len(axe.findall(f"{SVG}g")) <= 4
