"""Un agent d'un financeur sollicité par un dossier déposé de la structure valide son RIB (registre
`acteurs_ess.registres.valideurs_rib`), même hors du territoire de la structure."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from acteurs_ess import services
from acteurs_ess.models import EtatRib
from acteurs_ess.permissions import peut_lire_rib
from comptes.models import Role
from financements.models import CoPorteur
from tests.acteurs_ess.factories import StructureFactory
from tests.factories import AdhesionFactory
from tests.financements.conftest import remplir

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def proposer(membre, structure):
    return services.proposer_rib(
        membre,
        structure,
        iban="FR7630006000011234567890189",
        titulaire="Les Ateliers",
        document=SimpleUploadedFile("rib.pdf", PDF, content_type="application/pdf"),
    )


def test_an_agent_of_the_state_asked_by_a_deposited_dossier_validates_the_rib(depose, membre_structure, agent_etat):
    rib = proposer(membre_structure, depose.structure)
    services.valider_rib(agent_etat, rib)
    rib.refresh_from_db()
    assert (rib.etat, rib.valide_par) == (EtatRib.VALIDE, agent_etat)


def test_a_draft_dossier_does_not_make_its_funders_validators(brouillon, membre_structure, agent_etat, prefecture):
    remplir(brouillon, membre_structure, {prefecture: Decimal("1000")})
    rib = proposer(membre_structure, brouillon.structure)
    with pytest.raises(PermissionDenied):
        services.valider_rib(agent_etat, rib)


def test_a_partner_not_asked_by_any_dossier_cannot_validate(depose, membre_structure, partenaire):
    rib = proposer(membre_structure, depose.structure)
    with pytest.raises(PermissionDenied):
        services.valider_rib(partenaire, rib)


def test_only_a_confirmed_co_porteur_makes_the_funders_of_the_dossier_validators(depose, agent_etat):
    # Une structure invitée comme co-porteuse, qui n'a pas confirmé, ne devient pas lisible par les financeurs
    # du dossier d'une autre structure : l'invitation ne dépend que de celle-ci.
    invitee = StructureFactory(raison_sociale="Invitée sans le savoir")
    membre = AdhesionFactory(organisation=invitee.organisation, role=Role.STRUCTURE).utilisateur
    co_porteur = CoPorteur.objects.create(dossier=depose, structure=invitee)
    rib = proposer(membre, invitee)

    assert not peut_lire_rib(agent_etat, invitee)
    with pytest.raises(PermissionDenied):
        services.valider_rib(agent_etat, rib)

    co_porteur.confirme_le = timezone.now()
    co_porteur.confirme_par = membre
    co_porteur.save()
    assert peut_lire_rib(agent_etat, invitee)
    services.valider_rib(agent_etat, rib)
    rib.refresh_from_db()
    assert rib.etat == EtatRib.VALIDE
