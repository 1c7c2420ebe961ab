"""La purge nocturne du journal d'audit, exécutée par un vrai worker (tâche périodique différée par le test)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comptes.audit import journaliser
from comptes.models import ActionAudit, EntreeAudit
from comptes.taches import purger_journal_audit
from tests.taches import executer_taches, taches


@pytest.mark.django_db(transaction=True)
def test_a_worker_purges_the_audit_entries_older_than_their_retention(settings, agent, epci):
    settings.COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS = 365
    ancienne = journaliser(ActionAudit.STRUCTURE_VERIFIEE, auteur=agent, objet=epci, organisation=epci)
    EntreeAudit.objects.filter(pk=ancienne.pk).update(cree_le=timezone.now() - timedelta(days=366))
    recente = journaliser(ActionAudit.STRUCTURE_VERIFIEE, auteur=agent, objet=epci, organisation=epci)

    purger_journal_audit.defer(timestamp=int(timezone.now().timestamp()))
    executer_taches()

    assert [t.status for t in taches("purger_journal_audit")] == ["succeeded"]
    assert set(EntreeAudit.objects.values_list("pk", flat=True)) == {
        recente.pk,
        EntreeAudit.objects.get(action=ActionAudit.JOURNAL_PURGE).pk,
    }
