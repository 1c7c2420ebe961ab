"""Recherche et autocomplétion : sans accents ni majuscules, tolérante aux fautes, par nom ou par code."""

import pytest
from django.urls import reverse

from territoires.recherche import rechercher

pytestmark = pytest.mark.django_db


def _premier(texte: str) -> tuple[str, str]:
    resultat = rechercher(texte)[0]
    return resultat.sorte, resultat.code


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Rennes", ("commune", "35238")),
        ("RENNES", ("commune", "35238")),
        ("saint gregoire", ("commune", "35278")),
        ("Cesson-Sevigne", ("commune", "35051")),
        ("Toulouze", ("commune", "31555")),
        ("colomiers", ("commune", "31149")),
        ("brequigny", ("qpv", "QN03503I")),
        ("Le Blosne", ("qpv", "QN03505M")),
        ("ille et vilaine", ("departement", "35")),
        ("toulouse metropole", ("epci", "243100518")),
    ],
)
def test_it_finds_territories_by_name(referentiel, texte, attendu):
    assert _premier(texte) == attendu


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("35238", ("commune", "35238")),
        ("35000", ("commune", "35238")),
        ("QN03504M", ("qpv", "QN03504M")),
        ("qn03504m", ("qpv", "QN03504M")),
        ("243500139", ("epci", "243500139")),
        ("31", ("departement", "31")),
    ],
)
def test_it_finds_territories_by_code(referentiel, texte, attendu):
    assert _premier(texte) == attendu


def test_it_ignores_too_short_or_special_input(referentiel):
    assert rechercher("r") == []
    assert rechercher("%%") == []
    assert rechercher("__") == []


def test_the_autocompletion_answers_json(client, referentiel, django_assert_num_queries):
    # Une seule requête SQL pour toutes les sortes de territoires.
    with django_assert_num_queries(1):
        reponse = client.get(reverse("territoires:autocompletion"), {"q": "maurepas"})

    assert reponse.status_code == 200
    premier = reponse.json()["resultats"][0]
    assert premier == {
        "sorte": "qpv",
        "libelle_sorte": "Quartier prioritaire",
        "code": "QN03504M",
        "nom": "Maurepas",
        "precision": "QN03504M",
        "url": "/territoires/qpv/QN03504M/",
    }


def test_the_search_page_answers_json_when_asked(client, referentiel):
    reponse = client.get(reverse("territoires:recherche"), {"q": "rennes"}, headers={"accept": "application/json"})

    assert reponse["Content-Type"] == "application/json"
    assert reponse.json()["resultats"][0]["nom"] == "Rennes"


def test_the_search_page_works_without_javascript(client, referentiel, django_assert_num_queries):
    with django_assert_num_queries(1):
        reponse = client.get(reverse("territoires:recherche"), {"q": "blosne"})

    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert '<a href="/territoires/qpv/QN03505M/">Le Blosne</a>' in contenu
    assert 'data-autocompletion="/territoires/autocompletion/"' in contenu
    assert "/static/coville/autocompletion.js" in contenu


def test_the_search_page_says_when_nothing_matches(client, referentiel):
    contenu = client.get(reverse("territoires:recherche"), {"q": "zzzzzz"}).content.decode()

    assert "Aucun territoire ne correspond à « zzzzzz »" in contenu


def test_the_search_page_is_public(client):
    assert client.get(reverse("territoires:recherche")).status_code == 200
