"""Les tâches de fond de toute la plateforme : l'envoi des e-mails et l'entretien de la file elle-même.

La file est celle de Procrastinate, dans PostgreSQL : une tâche différée dans une transaction n'existe que si
la transaction est validée, et les workers de toutes les machines se la partagent. Les tâches propres à une
application vivent dans son `taches.py` ; celles-ci n'appartiennent à aucune (config n'est pas une
application : le module est déclaré dans PROCRASTINATE_IMPORT_PATHS).
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from procrastinate import JobContext, RetryStrategy, builtin_tasks
from procrastinate.contrib.django import app
from procrastinate.jobs import Status

# Files d'attente : un worker les écoute toutes par défaut ; l'exploitation peut en dédier (README).
FILE_COURRIELS = "courriels"
FILE_MAINTENANCE = "maintenance"

# Un serveur d'e-mails en panne (ou injoignable : OSError, délai EMAIL_TIMEOUT dépassé) : nouvelle tentative
# après 10 s + 2^n s, soit 12 s, 14 s, 18 s… 4 h 33 min ; 15 tentatives en tout sur environ 9 heures. Une panne
# de dix minutes est couverte par les neuf premières. Toute autre erreur (un défaut du message lui-même) ne se
# répare pas en attendant : la tâche passe en échec tout de suite, visible dans l'administration.
NOUVELLES_TENTATIVES_COURRIEL = RetryStrategy(
    max_attempts=14, wait=10, exponential_wait=2, retry_exceptions=[smtplib.SMTPException, OSError]
)


@app.task(queue=FILE_COURRIELS, retry=NOUVELLES_TENTATIVES_COURRIEL)
def envoyer_courriel(
    *,
    destinataire: str,
    sujet: str,
    corps: str,
    expediteur: str | None = None,
    html: str | None = None,
    entetes: dict[str, str] | None = None,
    repondre_a: list[str] | None = None,
) -> None:
    """Envoie un e-mail à une seule personne (config/lib/courriels.py le diffère, une tâche par destinataire).
    Une panne SMTP lève une exception : Procrastinate reprogramme la tâche (NOUVELLES_TENTATIVES_COURRIEL)."""
    message = EmailMultiAlternatives(
        subject=sujet,
        body=corps,
        from_email=expediteur,
        to=[destinataire],
        headers=entetes,
        reply_to=repondre_a,
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


# Une tâche dont le worker est mort en la traitant (machine arrêtée, processus tué, mémoire épuisée) est relancée ;
# au-delà de ce nombre de relances, c'est probablement elle qui tue les workers : elle passe en échec, visible
# dans l'administration, plutôt que d'en abattre un toutes les cinq minutes.
RELANCES_MAX_TACHE_BLOQUEE = 3


@app.periodic(cron="*/5 * * * *")
@app.task(queue=FILE_MAINTENANCE, queueing_lock="relancer_taches_bloquees", pass_context=True)
async def relancer_taches_bloquees(context: JobContext, timestamp: int) -> int:
    """Remet dans la file les tâches « en cours » d'un worker qui ne donne plus signe de vie (ses battements de
    cœur, toutes les 10 secondes, ont cessé depuis plus de 30 secondes). Rend le nombre de tâches relancées."""
    gestionnaire = context.app.job_manager
    relancees = 0
    for tache in await gestionnaire.get_stalled_jobs():
        if tache.attempts >= RELANCES_MAX_TACHE_BLOQUEE:
            await gestionnaire.finish_job(tache, status=Status.FAILED, delete_job=False)
        else:
            await gestionnaire.retry_job(tache)
            relancees += 1
    return relancees


@app.periodic(cron="17 4 * * *")
@app.task(queue=FILE_MAINTENANCE, queueing_lock="purger_taches_terminees", pass_context=True)
async def purger_taches_terminees(context: JobContext, timestamp: int) -> None:
    """Efface chaque nuit les tâches terminées depuis longtemps (et leurs événements) : les réussies après
    TACHES_CONSERVATION_JOURS, les échouées ou annulées après TACHES_ECHECS_JOURS, le temps que l'exploitation
    les voie dans l'administration."""
    await builtin_tasks.remove_old_jobs(context, max_hours=settings.TACHES_CONSERVATION_JOURS * 24)
    await builtin_tasks.remove_old_jobs(
        context,
        max_hours=settings.TACHES_ECHECS_JOURS * 24,
        remove_failed=True,
        remove_cancelled=True,
        remove_aborted=True,
    )
