"""Les tâches de fond des comptes : la purge du journal d'audit, chaque nuit."""

from procrastinate.contrib.django import app

from comptes import audit
from config.taches import FILE_MAINTENANCE


@app.periodic(cron="41 3 * * *")
@app.task(queue=FILE_MAINTENANCE, queueing_lock="purger_journal_audit")
def purger_journal_audit(timestamp: int) -> int:
    """Efface les entrées du journal d'audit plus anciennes que leur durée de conservation
    (COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS) ; la purge elle-même y est inscrite."""
    return audit.purger_entrees_anciennes()
