"""Le journal d'audit des financements : décisions des financeurs, exports du tableau d'instruction."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from comptes.models import ActionAudit, EntreeAudit
from financements.models import DecisionFinanceur
from financements.services import instruction

pytestmark = pytest.mark.django_db


def test_it_journals_each_funder_decision(depose, agent, agent_etat, epci, prefecture):
    instruction.prendre_en_instruction(depose, agent)
    decision = instruction.decider(depose, agent, epci, "8000", motif="Enveloppe contrainte")

    entree = EntreeAudit.objects.get(action=ActionAudit.DECISION_FINANCEUR)
    assert (entree.auteur, entree.organisation, entree.object_id) == (agent, epci, str(decision.pk))
    assert entree.details == {"dossier": depose.pk, "montant_accorde": "8000.00", "montant_demande": "10000.00"}
    instruction.decider(depose, agent_etat, prefecture, "30000")
    assert EntreeAudit.objects.filter(action=ActionAudit.DECISION_FINANCEUR).count() == 2


def test_a_refused_decision_leaves_no_entry(depose, agent, prefecture):
    instruction.prendre_en_instruction(depose, agent)
    with pytest.raises(PermissionDenied):
        instruction.decider(depose, agent, prefecture, "30000")
    assert not DecisionFinanceur.objects.exists()
    assert not EntreeAudit.objects.filter(action=ActionAudit.DECISION_FINANCEUR).exists()


@pytest.mark.parametrize("vue", ["financements:export_csv", "financements:export_xlsx"])
def test_it_journals_each_board_export_with_its_filter(client, appel, agent, vue):
    client.force_login(agent)
    reponse = client.get(reverse(vue), {"porteur": "régie"})
    if hasattr(reponse, "streaming_content"):
        b"".join(reponse.streaming_content)
    assert reponse.status_code == 200
    entree = EntreeAudit.objects.get()
    assert (entree.action, entree.auteur) == (ActionAudit.EXPORT_INSTRUCTION, agent)
    assert entree.details["filtre"] == {"porteur": "régie"}
    assert entree.details["export"].endswith("(CSV)" if vue.endswith("csv") else "(XLSX)")


def test_a_refused_export_is_not_journaled(client, membre_structure):
    client.force_login(membre_structure)
    assert client.get(reverse("financements:export_csv")).status_code == 403
    assert not EntreeAudit.objects.exists()


def test_amounts_are_kept_as_text_never_floats(depose, agent, epci):
    instruction.prendre_en_instruction(depose, agent)
    instruction.decider(depose, agent, epci, Decimal("10000"))
    assert EntreeAudit.objects.get().details["montant_accorde"] == "10000.00"
