"""Les autocomplétions de l'annuaire (structures, collectifs) : publiques comme l'annuaire, une requête SQL."""

import pytest
from django.urls import reverse

from tests.acteurs_ess.factories import CollectifFactory, StructureFactory
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db

STRUCTURES = reverse("acteurs_ess:autocompletion_structures")
COLLECTIFS = reverse("acteurs_ess:autocompletion_collectifs")


def test_it_suggests_structures_by_name_without_accents(client, structure_importee):
    StructureFactory(raison_sociale="Mobilité douce")

    resultats = client.get(STRUCTURES, {"q": "maurepas mobilite"}).json()["resultats"]

    assert resultats[0] == {"id": structure_importee.pk, "libelle": "Maurepas Mobilité — SIRET 73282932000074"}


def test_it_tolerates_a_typing_error(client, structure_importee):
    resultats = client.get(STRUCTURES, {"q": "Maurepa Mobilte"}).json()["resultats"]

    assert [r["id"] for r in resultats] == [structure_importee.pk]


def test_it_finds_a_structure_by_its_siret(client, structure_importee):
    resultats = client.get(STRUCTURES, {"q": "732 829 320 00074"}).json()["resultats"]

    assert [r["id"] for r in resultats] == [structure_importee.pk]


def test_it_suggests_collectives(client):
    collectif = CollectifFactory(nom="Pôle territorial de coopération du Blosne")

    resultats = client.get(COLLECTIFS, {"q": "pole territorial"}).json()["resultats"]

    assert resultats == [
        {
            "id": collectif.pk,
            "libelle": "Pôle territorial de coopération du Blosne — PTCE (pôle territorial de coopération économique)",
        }
    ]


@pytest.mark.parametrize("nombre", [2, 40])
@pytest.mark.parametrize("adresse", [STRUCTURES, COLLECTIFS])
def test_it_runs_one_query_whatever_the_number_of_rows(client, django_assert_num_queries, nombre, adresse):
    StructureFactory.create_batch(nombre, raison_sociale=factory_nom("Association"))
    CollectifFactory.create_batch(nombre, nom=factory_nom("Association"))
    # L'annuaire est public : ni session ni compte. 1 les lignes trouvées (débuts de nom, puis plus proches par
    # les trigrammes si besoin, bornés à 10).
    with django_assert_num_queries(1):
        reponse = client.get(adresse, {"q": "Association"})
    assert len(reponse.json()["resultats"]) == min(nombre, 10)


@pytest.mark.parametrize("adresse", [STRUCTURES, COLLECTIFS])
def test_it_reads_neither_session_nor_account_of_a_connected_person(
    client, django_assert_num_queries, adresse, structure_importee
):
    client.force_login(UtilisateurFactory())
    CollectifFactory(nom="Maurepas solidaire")
    # Une vue publique : la connexion n'est pas vérifiée (config.middleware.ConnexionRequise). 1 les lignes.
    with django_assert_num_queries(1):
        reponse = client.get(adresse, {"q": "Maurepas"})
    assert reponse.status_code == 200
    assert reponse.json()["resultats"]


def factory_nom(prefixe: str):
    import factory

    return factory.Sequence(lambda n: f"{prefixe} {n}")
