import pytest
from django.urls import reverse

from acteurs_ess.blocs import mon_annuaire
from acteurs_ess.models import DemandeRattachement
from comptes.contexte import ContexteAcces
from tests.acteurs_ess.factories import StructureFactory
from tests.factories import AdhesionFactory

pytestmark = pytest.mark.django_db


def rendre(rf, utilisateur, acces=None):
    requete = rf.get("/mon-espace/")
    requete.user = utilisateur
    requete.acces = acces or ContexteAcces(utilisateur)
    return mon_annuaire(requete)


def test_it_links_a_member_to_its_structure_and_pending_requests(rf, membre_structure, structure, exterieur):
    DemandeRattachement.objects.create(structure=structure, demandeur=exterieur)
    html = rendre(rf, membre_structure)
    assert reverse("acteurs_ess:modifier", args=[structure.pk]) in html
    assert "1 demande de rattachement à décider" in html
    assert reverse("acteurs_ess:importer") not in html


def test_it_shows_my_own_pending_requests_and_the_registration_link(rf, exterieur, structure):
    DemandeRattachement.objects.create(structure=structure, demandeur=exterieur)
    html = rendre(rf, exterieur)
    assert "Mes demandes en attente" in html
    assert "Les Ateliers du Blosne" in html
    assert reverse("acteurs_ess:inscrire") in html


def test_it_offers_the_import_to_agents(rf, agent):
    assert reverse("acteurs_ess:importer") in rendre(rf, agent)


def test_it_runs_a_fixed_number_of_queries(rf, membre_structure, structure, django_assert_num_queries):
    def ajouter(nombre):
        for _ in range(nombre):
            autre = StructureFactory()
            AdhesionFactory(organisation=autre.organisation, utilisateur=membre_structure)
            DemandeRattachement.objects.create(structure=autre, demandeur=AdhesionFactory().utilisateur)

    def contexte_lu():
        acces = ContexteAcces(membre_structure)
        list(acces.adhesions)  # lues par la page Mon espace avant ses blocs
        return acces

    ajouter(1)
    acces = contexte_lu()
    # Structures ; nombre de demandes à décider ; invitations des collectifs ; mes demandes (les collectivités
    # viennent du contexte).
    with django_assert_num_queries(4):
        rendre(rf, membre_structure, acces)
    ajouter(5)
    acces = contexte_lu()
    with django_assert_num_queries(4):
        html = rendre(rf, membre_structure, acces)
    assert "6 demandes de rattachement à décider" in html
