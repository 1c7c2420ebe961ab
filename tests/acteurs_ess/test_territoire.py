import pytest
from django.template.loader import render_to_string

from acteurs_ess.selectors import structures_du_territoire
from tests.acteurs_ess.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_the_territory_fragment_lists_the_structures_acting_there(territoire, django_assert_num_queries):
    structure = StructureFactory(raison_sociale="Épicerie du Blosne", commune=territoire["rennes"])
    structure.qpv.add(territoire["blosne"])
    StructureFactory(raison_sociale="Ailleurs", commune=territoire["brest"])

    with django_assert_num_queries(1):
        html = render_to_string(
            "acteurs_ess/_structures_territoire.html",
            {"structures": structures_du_territoire(qpv=territoire["blosne"])[:20]},
        )
    assert "Épicerie du Blosne" in html
    assert structure.get_absolute_url() in html
    assert "Ailleurs" not in html


def test_the_territory_fragment_says_when_no_structure_acts_there(territoire):
    html = render_to_string(
        "acteurs_ess/_structures_territoire.html", {"structures": structures_du_territoire(qpv="QN03504M")}
    )
    assert "Aucune structure de l'annuaire n'indique agir sur ce territoire." in html
