"""Dessin des périmètres en SVG."""

import pytest

from territoires.carto import Perimetre, carte_des_qpv, dessiner

CARRE = {"type": "MultiPolygon", "coordinates": [[[[0, 45], [1, 45], [1, 46], [0, 46], [0, 45]]]]}


def test_it_projects_a_perimeter_into_a_path():
    carte = dessiner([Perimetre("QN00000M", "Carré", CARRE, [0, 45, 1, 46], "/qpv/")])

    largeur, hauteur = (float(valeur) for valeur in carte.viewbox.split()[2:])
    # Un degré de longitude vaut cos(45,5°) degré de latitude : la carte est plus haute que large.
    assert largeur / hauteur == pytest.approx(0.70, abs=0.01)
    (forme,) = carte.formes
    assert forme.chemin.startswith("M") and forme.chemin.endswith("Z")
    assert forme.chemin.count("L") == 4


def test_it_draws_nothing_without_perimeter():
    assert dessiner([]) is None
    assert dessiner([Perimetre("QN00000M", "Sans périmètre", {}, [], "")]) is None


@pytest.mark.django_db
def test_it_draws_real_perimeters_of_a_territory(referentiel):
    from territoires.models import Qpv

    carte = carte_des_qpv(Qpv.objects.filter(epci_id="243500139"))

    assert len(carte.formes) == 5
    assert "Maurepas" in carte.noms
    assert all(forme.chemin.count("L") > 10 for forme in carte.formes)
