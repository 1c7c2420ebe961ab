"""Le menu déroulant écrit d'un trait (config/lib/menus.py) : le même HTML que celui de Django, en moins de temps."""

import pytest
from django import forms
from django.test.html import parse_html

from config.lib.menus import MenuRapide
from evaluation.filtres import TableauFiltre
from evaluation.selectors import indicateurs_du_contrat

CHOIX = [("", "Tous"), ("QN01", "Les Chênes & <Pins>"), ("QN02", "Le Blosne"), (3, "Trois")]


def _les_deux(valeur, attrs=None, choix=CHOIX):
    return (
        MenuRapide(attrs={"class": "fr-select"}, choices=choix).render("qpv", valeur, attrs),
        forms.Select(attrs={"class": "fr-select"}, choices=choix).render("qpv", valeur, attrs),
    )


@pytest.mark.parametrize("valeur", [None, "", "QN02", 3, "inconnue"])
def test_the_quick_menu_writes_the_same_html_as_django(valeur):
    rapide, django = _les_deux(valeur, {"id": "id_qpv", "required": True, "aria-describedby": "aide"})

    assert parse_html(rapide) == parse_html(django)


def test_the_quick_menu_escapes_labels_and_marks_only_the_chosen_option():
    rapide, _ = _les_deux("QN01")

    assert "Les Chênes &amp; &lt;Pins&gt;" in rapide
    assert rapide.count("selected") == 1 and '<option value="QN01" selected>' in rapide


def test_grouped_choices_are_left_to_django():
    groupes = [("Bretagne", [("QN01", "Les Chênes")]), ("", "Aucun")]
    rapide, django = _les_deux("QN01", choix=groupes)

    assert "<optgroup" in rapide and parse_html(rapide) == parse_html(django)


@pytest.mark.django_db
def test_the_dashboard_filters_write_their_menus_without_counting_their_options(contrat, django_assert_num_queries):
    indicateurs = indicateurs_du_contrat(contrat)
    qpv = contrat.qpv.order_by("nom").first()
    filtre = TableauFiltre({"qpv": qpv.code}, queryset=indicateurs, contrat=contrat, indicateurs=indicateurs)
    assert filtre.is_valid()  # la vue valide d'abord (le QPV choisi est lu en SQL)

    with django_assert_num_queries(3):  # une requête par menu, pas de COUNT
        html = str(filtre.form["indicateur"]) + str(filtre.form["orientation"]) + str(filtre.form["qpv"])

    assert f'<option value="{qpv.code}" selected>' in html
