import pytest
from django.urls import reverse

from acteurs_ess.models import Collectif, MembreCollectif
from tests.acteurs_ess.factories import CollectifFactory, MembreCollectifFactory, StructureFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NOUVEAU = reverse("acteurs_ess:nouveau_collectif")


def gerer(collectif):
    return reverse("acteurs_ess:gerer_collectif", args=[collectif.pk])


@pytest.fixture
def ptce(structure):
    """Un PTCE animé par « Les Ateliers du Blosne » (dont `membre_structure` est membre)."""
    collectif = CollectifFactory(nom="Pôle ESS Rennes Sud")
    MembreCollectifFactory(collectif=collectif, organisation=structure.organisation, role="animateur")
    return collectif


def test_a_structure_member_creates_a_collective_animated_by_its_structure(
    client, membre_structure, structure, territoire
):
    client.force_login(membre_structure)
    assert client.get(NOUVEAU).status_code == 200
    reponse = client.post(
        NOUVEAU,
        {
            "nom": "Pôle ESS Rennes Sud",
            "type": "ptce",
            "description": "Réemploi",
            "commune": "35238",
            "organisation": structure.organisation_id,
        },
    )
    collectif = Collectif.objects.get()
    assert reponse.url == gerer(collectif)
    assert collectif.commune == territoire["rennes"]
    membre = collectif.membres.get()
    assert (membre.organisation, membre.role) == (structure.organisation, "animateur")


def test_one_cannot_create_a_collective_for_someone_elses_organisation(client, membre_structure, epci):
    client.force_login(membre_structure)
    reponse = client.post(NOUVEAU, {"nom": "Faux", "type": "ptce", "organisation": epci.pk})
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Collectif.objects.exists()


@pytest.mark.parametrize("personne", ["habitant", "elu", "exterieur"])
def test_others_cannot_create_a_collective(client, personne, request):
    client.force_login(request.getfixturevalue(personne))
    assert client.get(NOUVEAU).status_code == 403


def test_the_animator_invites_a_collectivite_by_name_and_a_structure_by_siret(client, membre_structure, ptce):
    ville = OrganisationFactory(commune=True, nom="Ville de Rennes")
    scop = StructureFactory(raison_sociale="Coursiers Solidaires", siret="73282932000074")
    client.force_login(membre_structure)
    client.post(gerer(ptce), {"organisation": "ville de rennes", "role": "associe"})
    client.post(gerer(ptce), {"organisation": "732 829 320 00074", "role": "membre"})

    # Les organisations ajoutées sont invitées : elles ne sont membres qu'une fois l'invitation acceptée
    # (tests/acteurs_ess/test_invitations_collectifs.py).
    assert set(ptce.membres.values_list("organisation__nom", "role", "etat")) == {
        ("Les Ateliers du Blosne", "animateur", "acceptee"),
        (ville.nom, "associe", "invitee"),
        (scop.raison_sociale, "membre", "invitee"),
    }
    gestion = client.get(gerer(ptce)).content.decode()
    assert "Ville de Rennes" in gestion and "invitation en attente" in gestion
    contenu = client.get(reverse("acteurs_ess:collectif", args=[ptce.pk])).content.decode()
    assert "Coursiers Solidaires" not in contenu
    assert "Gérer les membres" in contenu


@pytest.mark.parametrize(
    "saisie, message",
    [
        ("Organisation inconnue", "Aucune organisation de Coville ne s&#x27;appelle « Organisation inconnue »"),
        ("Les Ateliers du Blosne", "Les Ateliers du Blosne est déjà membre de Pôle ESS Rennes Sud"),
    ],
)
def test_it_explains_why_a_member_cannot_be_added(client, membre_structure, ptce, saisie, message):
    client.force_login(membre_structure)
    reponse = client.post(gerer(ptce), {"organisation": saisie, "role": "membre"})
    assert message in reponse.content.decode()
    assert ptce.membres.count() == 1


def test_it_asks_for_the_siret_when_two_organisations_share_a_name(client, membre_structure, ptce):
    OrganisationFactory(nom="Espace jeunes")
    OrganisationFactory(nom="Espace Jeunes")
    client.force_login(membre_structure)
    reponse = client.post(gerer(ptce), {"organisation": "Espace jeunes", "role": "membre"})
    assert "indiquez le SIRET" in reponse.content.decode()


def test_the_animator_removes_a_member_but_not_the_last_animator(client, membre_structure, ptce, structure):
    autre = MembreCollectifFactory(collectif=ptce, role="membre")
    client.force_login(membre_structure)
    client.post(reverse("acteurs_ess:retirer_membre", args=[ptce.pk, autre.pk]))
    assert not MembreCollectif.objects.filter(pk=autre.pk).exists()

    animateur = ptce.membres.get(organisation=structure.organisation)
    reponse = client.post(reverse("acteurs_ess:retirer_membre", args=[ptce.pk, animateur.pk]))
    assert "seul animateur" in client.get(reponse.url).content.decode()
    assert ptce.membres.filter(pk=animateur.pk).exists()


@pytest.mark.parametrize("personne", ["agent", "exterieur", "membre_autre"])
def test_non_animators_cannot_manage_members(client, ptce, personne, request):
    if personne == "membre_autre":
        from tests.factories import AdhesionFactory

        membre = MembreCollectifFactory(collectif=ptce, role="membre")
        utilisateur = AdhesionFactory(organisation=membre.organisation).utilisateur
    else:
        utilisateur = request.getfixturevalue(personne)
    animateur = ptce.membres.get(role="animateur")
    client.force_login(utilisateur)
    assert client.get(gerer(ptce)).status_code == 403
    assert client.post(gerer(ptce), {"organisation": "x", "role": "membre"}).status_code == 403
    assert client.post(reverse("acteurs_ess:retirer_membre", args=[ptce.pk, animateur.pk])).status_code == 403
    assert ptce.membres.filter(pk=animateur.pk).exists()


def test_a_platform_admin_manages_any_collective(client, admin_plateforme, ptce):
    client.force_login(admin_plateforme)
    assert client.get(gerer(ptce)).status_code == 200


def test_managing_an_unknown_collective_is_a_404(client, membre_structure):
    client.force_login(membre_structure)
    assert client.get(reverse("acteurs_ess:gerer_collectif", args=[4242])).status_code == 404
