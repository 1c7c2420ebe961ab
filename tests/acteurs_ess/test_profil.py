import pytest
from django.urls import reverse

from comptes.models import TypeOrganisation
from tests.acteurs_ess.factories import CollectifFactory, MembreCollectifFactory, StructureFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_profile_is_public_and_shows_what_where_and_collectives(client, structure, territoire):
    structure.qpv.add(territoire["blosne"])
    collectif = CollectifFactory(nom="Pôle ESS Rennes Sud")
    MembreCollectifFactory(collectif=collectif, organisation=structure.organisation, role="animateur")

    contenu = client.get(structure.get_absolute_url()).content.decode()
    assert "Les Ateliers du Blosne" in contenu
    assert "Ateliers de réparation de vélos" in contenu
    assert "Emploi et insertion" in contenu
    assert "Le Blosne (QN03505M)" in contenu
    assert "Pôle ESS Rennes Sud" in contenu
    assert "Animateur, chef de file".lower() in contenu
    assert "44306184100047" in contenu
    assert "Modifier la fiche" not in contenu


def test_the_profile_shows_the_edit_button_to_members(client, membre_structure, structure):
    client.force_login(membre_structure)
    assert "Modifier la fiche" in client.get(structure.get_absolute_url()).content.decode()


def test_the_profile_runs_a_fixed_number_of_queries(client, structure, territoire, django_assert_num_queries):
    def lier(nombre):
        for _ in range(nombre):
            MembreCollectifFactory(organisation=structure.organisation)
        structure.qpv.add(territoire["blosne"], territoire["maurepas"])
        structure.communes_action.add(territoire["saint_jacques"], territoire["brest"])

    lier(1)
    # 1 : structure, organisation, commune et EPCI ; 2 : QPV ; 3 : communes d'action ; 4 : collectifs ;
    # 5 : la structure a-t-elle un membre ? (un visiteur anonyme ne coûte aucune requête de droits) ;
    # 6 : ses projets financés, 7 : ses conventions (blocs enregistrés par financements/blocs.py)
    with django_assert_num_queries(7):
        client.get(structure.get_absolute_url())
    lier(10)
    with django_assert_num_queries(7):
        client.get(structure.get_absolute_url())


def test_the_collective_page_lists_structures_and_collectivites(client, structure):
    collectif = CollectifFactory(nom="SCIC Énergies citoyennes", type="scic")
    MembreCollectifFactory(collectif=collectif, organisation=structure.organisation, role="associe")
    MembreCollectifFactory(
        collectif=collectif, organisation=OrganisationFactory(commune=True, nom="Ville de Rennes"), role="associe"
    )
    contenu = client.get(reverse("acteurs_ess:collectif", args=[collectif.pk])).content.decode()
    assert "SCIC Énergies citoyennes" in contenu
    assert f'href="{structure.get_absolute_url()}"' in contenu
    assert "Ville de Rennes" in contenu
    assert TypeOrganisation.COMMUNE.label in contenu
    assert "Associé au capital" in contenu


def test_the_collective_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    collectif = CollectifFactory()
    for _ in range(2):
        MembreCollectifFactory(collectif=collectif, organisation=StructureFactory().organisation)
    with django_assert_num_queries(2):
        client.get(reverse("acteurs_ess:collectif", args=[collectif.pk]))
    for _ in range(10):
        MembreCollectifFactory(collectif=collectif, organisation=StructureFactory().organisation)
        MembreCollectifFactory(collectif=collectif)
    with django_assert_num_queries(2):
        client.get(reverse("acteurs_ess:collectif", args=[collectif.pk]))


def test_the_list_of_collectives_is_public(client):
    CollectifFactory(nom="Pôle ESS Rennes Sud")
    assert "Pôle ESS Rennes Sud" in client.get(reverse("acteurs_ess:collectifs")).content.decode()


def test_an_unknown_profile_is_a_404(client, db):
    assert client.get(reverse("acteurs_ess:structure", args=[424242])).status_code == 404


def test_the_list_of_collectives_runs_a_fixed_number_of_queries(client, db, django_assert_num_queries):
    CollectifFactory()
    with django_assert_num_queries(1):
        client.get(reverse("acteurs_ess:collectifs"))
    for _ in range(10):
        MembreCollectifFactory(collectif=CollectifFactory())
    with django_assert_num_queries(1):
        client.get(reverse("acteurs_ess:collectifs"))
