"""L'accueil après connexion dit à chacun ce qu'il a à faire maintenant, chaque chose à un clic de sa page :
signer, instruire, rendre, répondre, contribuer."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from financements.models import StatutConvention
from financements.services import conventions as services_conventions

pytestmark = pytest.mark.django_db


def accueil(client, personne) -> str:
    client.force_login(personne)
    return html.unescape(client.get(reverse("accueil")).content.decode())


def test_an_instructor_sees_the_dossiers_to_instruct(client, depose, agent):
    page = accueil(client, agent)
    assert "À instruire" in page
    assert "1 dossier déposé ou en instruction" in page
    assert reverse("financements:tableau_instruction") in page


def test_a_structure_sees_the_convention_to_sign_then_the_funder_sees_theirs(
    client, decide, agent, agent_etat, membre_structure, prefecture
):
    convention = decide.conventions.get(parties__financeur=prefecture)
    services_conventions.faire_avancer(convention, agent_etat, StatutConvention.ENVOYEE)
    page = accueil(client, membre_structure)
    assert "À signer" in page
    assert f"Signer la convention {convention.periode}" in page
    assert convention.get_absolute_url() in page
    assert f"Signer pour {prefecture}" not in accueil(client, agent_etat)


def test_a_carrier_sees_the_dossier_to_correct(client, depose, agent, membre_structure):
    from financements.services import instruction

    instruction.prendre_en_instruction(depose, agent)
    instruction.demander_correction(depose, agent, "Précisez le public.")
    page = accueil(client, membre_structure)
    assert f"Corriger et redéposer le dossier « {depose.titre} »" in page
    assert depose.get_absolute_url() in page


def test_someone_with_nothing_to_do_is_told_so(client, habitant):
    assert "Rien ne vous attend pour l'instant" in accueil(client, habitant)


def test_the_visitor_home_is_unchanged(client):
    page = html.unescape(client.get(reverse("accueil")).content.decode())
    assert "Co-construire les contrats de ville, ensemble" in page


def test_the_home_runs_a_fixed_number_of_queries(client, depose, agent, appel, structure, membre_structure):
    from decimal import Decimal

    from financements.services import dossiers as services
    from tests.financements.conftest import remplir

    client.force_login(agent)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as capture:
            assert client.get(reverse("accueil")).status_code == 200
        return len(capture)

    une = requetes()
    for titre in ("Deux", "Trois"):
        dossier = services.creer_dossier(appel, structure, membre_structure, titre)
        remplir(dossier, membre_structure, {dossier.appel.financeurs.first().organisation: Decimal("1000")})
        services.deposer(dossier, membre_structure)
    assert requetes() == une
