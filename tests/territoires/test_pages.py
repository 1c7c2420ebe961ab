"""Pages publiques du référentiel : contenu, accès anonyme, nombre fixe de requêtes SQL."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from territoires.models import Commune, Departement, Qpv

pytestmark = pytest.mark.django_db


def _page(client, url) -> str:
    reponse = client.get(url)
    assert reponse.status_code == 200
    return reponse.content.decode()


def test_it_shows_a_region_with_its_departements(client, referentiel, django_assert_num_queries):
    # 1 : la région ; 2 : ses départements avec leurs nombres de communes et de QPV.
    with django_assert_num_queries(2):
        contenu = _page(client, reverse("territoires:region", args=["53"]))

    assert "<h1>Bretagne</h1>" in contenu
    assert "Ille-et-Vilaine" in contenu


def test_it_lists_regions_and_departements(client, referentiel, django_assert_num_queries):
    # 1 : les régions ; 2 : leurs départements.
    with django_assert_num_queries(2):
        contenu = _page(client, reverse("territoires:regions"))

    assert "Occitanie" in contenu and "Haute-Garonne (31)" in contenu


def test_it_shows_a_departement(client, referentiel, django_assert_num_queries):
    # 1 : le département et sa région ; 2 : ses EPCI ; 3 : ses QPV ; 4 : le nombre de communes.
    with django_assert_num_queries(4):
        contenu = _page(client, reverse("territoires:departement", args=["35"]))

    assert "<h1>Ille-et-Vilaine (35)</h1>" in contenu
    assert "Rennes Métropole" in contenu
    assert "Maurepas" in contenu
    assert "5 communes" in contenu


def test_it_shows_an_epci_with_its_communes_qpv_and_map(client, referentiel, django_assert_num_queries):
    # 1 : l'EPCI ; 2 : ses communes et leur département ; 3 : ses QPV avec leurs périmètres ; blocs des
    # applications supérieures (territoires.blocs) : 4 les contrats de ville, 5 les structures de l'ESS.
    with django_assert_num_queries(7):  # 6 : les projets financés (financements/blocs.py) ; 7 : concertations ouvertes
        contenu = _page(client, reverse("territoires:epci", args=["243500139"]))

    assert "<h1>Rennes Métropole</h1>" in contenu
    assert "Saint-Jacques-de-la-Lande" in contenu
    assert '<svg role="img"' in contenu
    assert '<title id="carte-titre">Quartiers prioritaires de Rennes Métropole</title>' in contenu
    assert contenu.count("<path ") == 5
    assert "Contrats de ville, structures et projets" in contenu


def test_the_epci_page_runs_the_same_queries_for_a_bigger_territory(client, referentiel, django_assert_num_queries):
    assert Qpv.objects.filter(epci_id="243100518").count() > 3 * Qpv.objects.filter(epci_id="243500139").count()

    with django_assert_num_queries(7):  # 6 : les projets financés (financements/blocs.py) ; 7 : concertations ouvertes
        contenu = _page(client, reverse("territoires:epci", args=["243100518"]))

    assert contenu.count("<path ") == 16


def test_it_shows_a_commune_with_its_qpv_and_map(client, referentiel, django_assert_num_queries):
    # 1 : la commune, son département, sa région, son EPCI, son EPT, son successeur ; 2 : ses QPV ;
    # 3 : les anciennes communes qu'elle a remplacées ; 4 : ses contrats de ville ; 5 : ses structures de l'ESS.
    with django_assert_num_queries(7):  # 6 : les projets financés (financements/blocs.py) ; 7 : concertations ouvertes
        contenu = _page(client, reverse("territoires:commune", args=["35238"]))

    assert "<h1>Rennes</h1>" in contenu
    assert "Bretagne" in contenu and "Rennes Métropole" in contenu
    assert "35000, 35200, 35700" in contenu
    assert contenu.count("<path ") == 5


def test_the_commune_page_runs_the_same_queries_for_a_bigger_territory(client, referentiel, django_assert_num_queries):
    with django_assert_num_queries(7):  # 6 : les projets financés (financements/blocs.py) ; 7 : concertations ouvertes
        contenu = _page(client, reverse("territoires:commune", args=["31555"]))

    assert contenu.count("<path ") > 10


def test_it_shows_an_obsolete_commune_and_its_successor(client, referentiel):
    Commune.objects.create(
        code="35999", nom="Ancienne-Commune", departement_id="35", obsolete=True, remplacee_par_id="35238"
    )

    contenu = _page(client, reverse("territoires:commune", args=["35999"]))

    assert "Commune disparue" in contenu
    assert 'Elle a été remplacée par <a href="/territoires/communes/35238/">Rennes (35238)</a>' in contenu
    assert "Ancienne-Commune (35999)" in _page(client, reverse("territoires:commune", args=["35238"]))


def test_it_shows_a_qpv_with_its_perimeter(client, referentiel, django_assert_num_queries):
    # 1 : le QPV, son département, sa région, son EPCI ; 2 : ses communes ; 3 : les porteurs du contrat ;
    # 4 : ses contrats de ville ; 5 : les structures de l'ESS qui y agissent.
    # 6 : les projets financés (financements/blocs.py) ; 7 : les lignes de base officielles (evaluation/blocs.py).
    with django_assert_num_queries(8):  # 7 : lignes de base (evaluation) ; 8 : concertations ouvertes (contrats)
        contenu = _page(client, reverse("territoires:qpv", args=["QN03504M"]))

    assert "<h1>Maurepas</h1>" in contenu
    assert "QN03504M" in contenu and "6778" in contenu
    assert '<title id="carte-titre">Périmètre du quartier Maurepas</title>' in contenu
    assert contenu.count("<path ") == 1


def test_it_answers_404_for_an_unknown_territory(client, referentiel):
    assert client.get(reverse("territoires:qpv", args=["QN99999M"])).status_code == 404
    assert client.get(reverse("territoires:commune", args=["99999"])).status_code == 404


@pytest.mark.parametrize(
    ("nom_url", "attendu"),
    [("communes", "Saint-Jacques-de-la-Lande"), ("epcis", "Toulouse Métropole"), ("qpvs", "Le Blosne")],
)
def test_it_lists_territories(client, referentiel, django_assert_num_queries, nom_url, attendu):
    # 1 : les départements du filtre ; 2 : le nombre de lignes ; 3 : la page.
    with django_assert_num_queries(3):
        contenu = _page(client, reverse(f"territoires:{nom_url}"))

    assert attendu in contenu


def test_it_filters_communes_by_departement_and_name_without_accents(client, referentiel):
    contenu = _page(client, reverse("territoires:communes") + "?departement=35&q=gregoire")

    assert "Saint-Grégoire" in contenu
    assert "<caption>1 commune</caption>" in contenu


def test_it_filters_qpv_by_epci(client, referentiel):
    contenu = _page(client, reverse("territoires:qpvs") + "?epci=243500139")

    assert "5 quartiers prioritaires" in contenu


def test_the_list_runs_the_same_queries_with_many_rows_and_pages(client, referentiel, django_assert_num_queries):
    Commune.objects.bulk_create(
        Commune(code=f"35{numero:03d}", nom=f"Commune {numero}", departement_id="35") for numero in range(300, 420)
    )

    # 1 : les départements du filtre ; 2 : la validation du département choisi ; 3 : le nombre ; 4 : la page.
    with django_assert_num_queries(4):
        contenu = _page(client, reverse("territoires:communes") + "?departement=35&page=2")

    assert 'aria-current="page"' in contenu
    assert Departement.objects.count() == 2


def test_the_qpv_page_shows_the_demo_contract_and_structures(client, django_assert_num_queries):
    call_command("charger_demo", stdout=io.StringIO())
    url = reverse("territoires:qpv", args=["QN03504M"])
    client.get(url)  # chauffe : résolution des gabarits
    # 1 : le QPV ; 2 : ses communes ; 3 : les porteurs du contrat ; 4 : ses contrats de ville (bloc des contrats) ;
    # 5 : les structures de l'ESS qui y agissent (bloc de l'annuaire).
    # 6 : les projets financés (financements/blocs.py) ; 7 : les lignes de base officielles (evaluation/blocs.py).
    with django_assert_num_queries(8):  # + lignes de base (evaluation) et concertations ouvertes (contrats)
        contenu = _page(client, url)

    assert "Contrat de ville" in contenu and "/contrats/CN03501I/" in contenu
    assert "Structures de l'ESS qui agissent ici" in contenu
    assert "Régie de quartier de Maurepas" in contenu
    assert "Les Ateliers du Blosne" not in contenu  # elle agit au Blosne
