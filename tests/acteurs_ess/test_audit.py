"""Le journal d'audit de l'annuaire : vérification d'une structure, demande de rattachement acceptée."""

import pytest
from django.core.exceptions import PermissionDenied

from acteurs_ess import services
from acteurs_ess.models import DemandeRattachement
from comptes.models import ActionAudit, Adhesion, EntreeAudit

pytestmark = pytest.mark.django_db


def test_it_journals_the_verification_of_a_structure(agent_rennes, structure):
    services.verifier_structure(agent_rennes, structure)
    entree = EntreeAudit.objects.get()
    assert (entree.action, entree.auteur, entree.organisation) == (
        ActionAudit.STRUCTURE_VERIFIEE,
        agent_rennes,
        structure.organisation,
    )
    assert (entree.object_id, entree.objet_repr) == (str(structure.pk), str(structure))


def test_a_refused_verification_leaves_no_entry(agent_brest, structure):
    with pytest.raises(PermissionDenied):
        services.verifier_structure(agent_brest, structure)
    assert not EntreeAudit.objects.exists()


def test_it_journals_an_accepted_join_request(exterieur, membre_structure, structure):
    demande = services.demander_rattachement(exterieur, structure, "Je suis la nouvelle coordinatrice.")
    services.accepter_rattachement(membre_structure, demande)
    adhesion = Adhesion.objects.get(utilisateur=exterieur, organisation=structure.organisation)
    entree = EntreeAudit.objects.get()
    assert (entree.action, entree.auteur, entree.organisation, entree.object_id) == (
        ActionAudit.RATTACHEMENT_ACCEPTE,
        membre_structure,
        structure.organisation,
        str(adhesion.pk),
    )
    assert entree.details["demandeur"] == exterieur.email


def test_a_refused_join_request_is_not_journaled(exterieur, membre_structure, structure):
    demande = services.demander_rattachement(exterieur, structure)
    services.refuser_rattachement(membre_structure, demande, "Inconnu de l'équipe.")
    assert DemandeRattachement.objects.get().etat == "refusee"
    assert not EntreeAudit.objects.exists()
