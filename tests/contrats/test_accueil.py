"""L'accueil après connexion, côté contrats : les contributions sans réponse pour la collectivité porteuse,
les concertations ouvertes à la personne."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from contrats.services import concertation as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def concertation(contrat, section, agent):
    return services.ouvrir(
        contrat,
        agent,
        "Concertation sur l'emploi",
        timezone.localdate(),
        timezone.localdate() + timezone.timedelta(days=30),
        ["signataires", "structures", "habitants"],
        sections=[section],
    )


def accueil(client, personne) -> str:
    client.force_login(personne)
    return html.unescape(client.get(reverse("accueil")).content.decode())


def test_the_carriers_agent_sees_contributions_waiting_for_an_answer(
    client, agent, concertation, section, membre_structure
):
    services.contribuer(concertation, membre_structure, "Une idée.", section=section)
    page = accueil(client, agent)
    assert "À répondre" in page
    assert "1 contribution sans réponse" in page
    assert reverse("contrats:contributions", args=[concertation.contrat.code]) in page


def test_an_association_sees_the_concertation_open_to_it(client, membre_structure, concertation):
    page = accueil(client, membre_structure)
    assert "Concertations ouvertes" in page
    assert "Concertation sur l'emploi" in page
    assert concertation.get_absolute_url() in page
