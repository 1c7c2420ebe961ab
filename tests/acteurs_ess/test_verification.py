import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def verifier(client, utilisateur, structure):
    client.force_login(utilisateur)
    return client.post(reverse("acteurs_ess:verifier", args=[structure.pk]))


def test_an_agent_of_the_territory_marks_a_structure_verified(client, agent_rennes, structure):
    reponse = verifier(client, agent_rennes, structure)
    assert reponse.url == structure.get_absolute_url()
    structure.refresh_from_db()
    assert structure.est_verifiee
    assert structure.verifiee_par == agent_rennes
    assert "Vérifiée" in client.get(structure.get_absolute_url()).content.decode()


def test_the_profile_shows_the_verify_button_to_agents_of_the_territory_only(
    client, agent_rennes, agent_brest, structure
):
    client.force_login(agent_rennes)
    assert "Marquer vérifiée" in client.get(structure.get_absolute_url()).content.decode()
    client.force_login(agent_brest)
    assert "Marquer vérifiée" not in client.get(structure.get_absolute_url()).content.decode()


@pytest.mark.parametrize("personne", ["membre_structure", "agent_brest", "elu", "exterieur"])
def test_others_cannot_verify(client, structure, personne, request):
    assert verifier(client, request.getfixturevalue(personne), structure).status_code == 403
    structure.refresh_from_db()
    assert not structure.est_verifiee


def test_anonymous_visitors_are_sent_to_login(client, structure):
    reponse = client.post(reverse("acteurs_ess:verifier", args=[structure.pk]))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))
