import pytest
from django.urls import reverse

from comptes.models import Role
from tests.contrats.factories import EpciFactory
from tests.factories import AdhesionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("personne", "organisation", "role"),
    [
        ("agent", "Rennes Métropole", "Agent"),
        ("elu", "Rennes Métropole", "Élu·e"),
        ("agent_etat", "Préfecture d'Ille-et-Vilaine", "État"),
        ("membre_structure", "Les Ateliers du Blosne", "Membre de la structure"),
        ("partenaire", "Archipel Habitat", "Partenaire"),
        ("habitant", "Conseil citoyen de Maurepas", "Habitant·e"),
        ("admin_plateforme", "Équipe Coville", "Administrateur de la plateforme"),
    ],
)
def test_it_lists_the_organisations_and_roles_of_each_role(client, request, personne, organisation, role):
    client.force_login(request.getfixturevalue(personne))
    contenu = client.get(reverse("comptes:mon_espace")).content.decode().replace("&#x27;", "'")
    assert organisation in contenu
    assert f'<p class="fr-tag">{role}</p>' in contenu


def test_it_offers_to_invite_only_to_managers(client, agent, elu, epci):
    lien = reverse("comptes:inviter", args=[epci.pk])
    client.force_login(agent)
    assert lien in client.get(reverse("comptes:mon_espace")).content.decode()
    client.force_login(elu)
    assert lien not in client.get(reverse("comptes:mon_espace")).content.decode()


def test_it_links_platform_admins_to_the_administration(client, admin_plateforme, agent):
    client.force_login(admin_plateforme)
    assert reverse("admin:index") in client.get(reverse("comptes:mon_espace")).content.decode()
    client.force_login(agent)
    assert reverse("admin:index") not in client.get(reverse("comptes:mon_espace")).content.decode()


def test_it_welcomes_an_inhabitant_without_organisation(client, exterieur):
    client.force_login(exterieur)
    contenu = client.get(reverse("comptes:mon_espace")).content.decode()
    assert "Vous contribuez aux concertations ouvertes" in contenu
    assert "Demandez à un·e collègue déjà inscrit·e de vous inviter" in contenu


def test_it_runs_a_fixed_number_of_queries_whatever_the_memberships(client, agent, epci, django_assert_num_queries):
    # Une collectivité reliée au référentiel a un territoire, donc des demandes de rattachement à lire.
    epci.epci = EpciFactory()
    epci.save(update_fields=["epci"])
    client.force_login(agent)
    client.get(reverse("comptes:mon_espace"))  # chauffe : résolution des gabarits, etc.
    # 1 session, 2 utilisateur, 3 adhésions avec leurs organisations (le contexte d'accès, que les blocs
    # reprennent) ; bloc des contrats (contrats/blocs.py) : 4 contrats de la personne (aucun : pas de
    # signataires à lire) ; bloc des dossiers (financements/blocs.py) : 5 les appels des contrats que sa
    # collectivité porte, 6 le nombre de dossiers à instruire ; bloc de l'annuaire (acteurs_ess/blocs.py) :
    # 7 demandes de rattachement à décider (celles du territoire de sa collectivité), 8 invitations des
    # collectifs adressées aux organisations qu'elle gère, 9 demandes de la personne en attente ; bloc des
    # contributions (contrats/blocs.py) : 10 le nombre de ses contributions
    with django_assert_num_queries(10):
        client.get(reverse("comptes:mon_espace"))
    for _ in range(5):
        AdhesionFactory(utilisateur=agent, organisation=OrganisationFactory(commune=True), role=Role.AGENT)
    with django_assert_num_queries(10):
        reponse = client.get(reverse("comptes:mon_espace"))
    assert reponse.content.decode().count('<p class="fr-tag">Agent</p>') == 6


def test_it_requires_login(client):
    reponse = client.get(reverse("comptes:mon_espace"))
    assert reponse.status_code == 302


def test_it_shows_the_blocks_registered_by_the_directory(client, membre_structure):
    client.force_login(membre_structure)
    contenu = client.get(reverse("comptes:mon_espace")).content.decode()
    assert 'id="mon-annuaire-titre"' in contenu
