from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from comptes.models import Role
from financements.permissions import peut_lire_notes, peut_voir_dossier
from financements.services import instruction
from tests.factories import AdhesionFactory
from tests.financements.conftest import remplir


def test_it_hides_a_draft_from_every_funder(client, brouillon, agent, agent_etat):
    for personne in (agent, agent_etat):
        client.force_login(personne)
        assert client.get(reverse("financements:dossier", args=[brouillon.pk])).status_code == 404


def test_it_shows_a_submitted_dossier_to_each_funder_asked_and_the_carrier(client, depose, agent, agent_etat):
    for personne in (agent, agent_etat):
        client.force_login(personne)
        assert client.get(reverse("financements:dossier", args=[depose.pk])).status_code == 200


def test_it_never_shows_a_dossier_to_a_funder_it_does_not_ask(client, depose, partenaire, agent_commune):
    # Le bailleur et la ville participent à l'appel, mais ce dossier ne leur demande rien.
    for personne in (partenaire, agent_commune):
        client.force_login(personne)
        assert client.get(reverse("financements:dossier", args=[depose.pk])).status_code == 404
        assert not peut_voir_dossier(personne, depose)


def test_it_never_shows_a_structure_the_dossier_of_another(client, depose, appel):
    from acteurs_ess.models import Structure
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(nom="Autre association")
    Structure.objects.create(organisation=organisation, raison_sociale="Autre association")
    voisine = AdhesionFactory(organisation=organisation, role=Role.STRUCTURE).utilisateur
    client.force_login(voisine)
    assert client.get(reverse("financements:dossier", args=[depose.pk])).status_code == 404
    piece = depose.pieces.first()
    assert client.get(reverse("financements:piece", args=[depose.pk, piece.pk])).status_code == 404


def test_it_keeps_notes_from_the_carrier(client, depose, agent_etat, membre_structure):
    instruction.ecrire_note(depose, agent_etat, "Structure fragile financièrement.")
    assert not peut_lire_notes(membre_structure, depose)
    client.force_login(membre_structure)
    page = client.get(reverse("financements:dossier", args=[depose.pk])).content.decode()
    assert "Structure fragile" not in page
    client.force_login(agent_etat)
    assert "Structure fragile" in client.get(reverse("financements:dossier", args=[depose.pk])).content.decode()
    with pytest.raises(PermissionDenied):
        instruction.ecrire_note(depose, membre_structure, "Je lis les notes ?")


def test_it_shows_the_dossier_to_a_co_porteur(
    client, brouillon, membre_structure, membre_co_porteur, autre_structure, epci
):
    from financements.services import dossiers as services

    remplir(brouillon, membre_structure, {epci: Decimal("1000")})
    services.inviter_co_porteur(brouillon, membre_structure, autre_structure)
    client.force_login(membre_co_porteur)
    assert client.get(reverse("financements:dossier", args=[brouillon.pk])).status_code == 200
    # Il confirme mais ne modifie pas.
    assert client.get(reverse("financements:modifier_dossier", args=[brouillon.pk])).status_code == 403


def test_it_forbids_editing_a_submitted_dossier(client, depose, membre_structure):
    client.force_login(membre_structure)
    assert client.get(reverse("financements:modifier_dossier", args=[depose.pk])).status_code == 403


def test_it_forbids_an_anonymous_visitor(client, depose):
    reponse = client.get(reverse("financements:dossier", args=[depose.pk]))
    assert reponse.status_code == 302
