import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contrats.models import JournalContrat, StatutContrat

pytestmark = pytest.mark.django_db


def test_it_moves_the_contract_forward_and_records_who_when_why(contrat, agent):
    entree = contrat.changer_statut(agent, StatutContrat.CONCERTATION, "Concertation sur le diagnostic")

    contrat.refresh_from_db()
    assert contrat.statut == StatutContrat.CONCERTATION
    assert (entree.auteur, entree.de_statut, entree.a_statut) == (agent, "elaboration", "concertation")
    assert entree.motif == "Concertation sur le diagnostic"
    assert entree.date is not None


def test_it_follows_the_whole_lifecycle(contrat, agent):
    for statut in ["concertation", "validation", "signe", "execution", "clos"]:
        contrat.changer_statut(agent, statut, f"Passage à {statut}")
    assert contrat.statut == StatutContrat.CLOS
    assert JournalContrat.objects.filter(contrat=contrat).count() == 5


@pytest.mark.parametrize(
    "depart, arrivee",
    [("elaboration", "signe"), ("elaboration", "clos"), ("signe", "elaboration"), ("clos", "execution")],
)
def test_it_refuses_a_transition_that_is_not_allowed(contrat, agent, depart, arrivee):
    contrat.statut = depart
    contrat.save()
    with pytest.raises(ValidationError) as erreur:
        contrat.changer_statut(agent, arrivee, "Essai")
    assert "ne peut pas passer à" in erreur.value.messages[0]
    contrat.refresh_from_db()
    assert contrat.statut == depart
    assert not JournalContrat.objects.filter(contrat=contrat).exists()


def test_it_requires_a_reason(contrat, agent):
    with pytest.raises(ValidationError, match="motif"):
        contrat.changer_statut(agent, StatutContrat.CONCERTATION, "  ")
    contrat.refresh_from_db()
    assert contrat.statut == StatutContrat.ELABORATION


@pytest.mark.parametrize("personne", ["elu", "agent_etat", "partenaire", "membre_structure", "habitant", "exterieur"])
def test_it_lets_only_the_carrier_agents_change_the_state(request, contrat, personne):
    with pytest.raises(PermissionDenied):
        contrat.changer_statut(request.getfixturevalue(personne), StatutContrat.CONCERTATION, "Essai")
    contrat.refresh_from_db()
    assert contrat.statut == StatutContrat.ELABORATION


def test_it_changes_the_state_from_the_contract_page(client, contrat, agent):
    client.force_login(agent)
    reponse = client.post(
        reverse("contrats:transition", args=[contrat.code]), {"statut": "concertation", "motif": "On consulte"}
    )
    assert reponse.status_code == 302
    contrat.refresh_from_db()
    assert contrat.statut == StatutContrat.CONCERTATION
    page = client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    assert "On consulte" in page
    assert "désormais « En concertation »" in page


def test_it_shows_a_clear_message_for_a_refused_transition(client, contrat, agent):
    client.force_login(agent)
    reponse = client.post(
        reverse("contrats:transition", args=[contrat.code]), {"statut": "clos", "motif": "Trop tôt"}, follow=True
    )
    assert "ne peut pas passer à « Clos »" in reponse.content.decode()
    contrat.refresh_from_db()
    assert contrat.statut == StatutContrat.ELABORATION


def test_it_forbids_the_transition_to_other_roles(client, contrat, elu):
    client.force_login(elu)
    reponse = client.post(reverse("contrats:transition", args=[contrat.code]), {"statut": "concertation", "motif": "x"})
    assert reponse.status_code == 403
