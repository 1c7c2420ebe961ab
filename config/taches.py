"""Les tâches de fond de toute la plateforme : l'envoi des e-mails et l'entretien de la file elle-même.

La file est celle de Procrastinate, dans PostgreSQL : une tâche différée dans une transaction n'existe que si
la transaction est validée, et les workers de toutes les machines se la partagent. Les tâches propres à une
application vivent dans son `taches.py` ; celles-ci n'appartiennent à aucune (config n'est pas une
application : le module est déclaré dans PROCRASTINATE_IMPORT_PATHS).
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from procrastinate import JobContext, RetryStrategy, builtin_tasks, exceptions
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob
from procrastinate.jobs import Job, Status
from procrastinate.retry import RetryDecision
from procrastinate.tasks import Task

from config.lib.stockage import StockageIndisponible

logger = logging.getLogger(__name__)

# Files d'attente : un worker les écoute toutes par défaut ; l'exploitation peut en dédier (README).
FILE_COURRIELS = "courriels"
FILE_MAINTENANCE = "maintenance"
# Le rendu des PDF (quelques secondes par document, beaucoup de mémoire) : des workers peuvent lui être dédiés
# (`procrastinate worker -q pdf`), pour que les e-mails n'attendent jamais derrière un gros contrat.
FILE_PDF = "pdf"


def differer_une_fois(tache: Task, *, verrou: str, dans_secondes: int | None = None, **arguments: Any) -> int | None:
    """Diffère `tache` sous `verrou`, qui sert à la fois de verrou de file (une seule tâche de ce verrou attend
    son tour : les demandes suivantes se fondent en elle) et de verrou d'exécution (deux workers ne la font
    jamais en même temps). Rend le numéro de la tâche, ou None si une tâche de ce verrou attendait déjà.

    Le refus de Procrastinate (AlreadyEnqueued) vient d'une violation d'unicité dans PostgreSQL : le point de
    sauvegarde l'isole, la transaction de l'appelant (une requête, un service) continue."""
    options: dict[str, Any] = {"lock": verrou, "queueing_lock": verrou}
    if dans_secondes:
        options["schedule_in"] = {"seconds": dans_secondes}
    try:
        with transaction.atomic():
            return tache.configure(**options).defer(**arguments)
    except exceptions.AlreadyEnqueued:
        return None


def echec_recent(verrou: str) -> bool:
    """La dernière tâche de `verrou` a échoué il y a moins de PDF_PAUSE_APRES_ECHEC_MINUTES. Le verrou de file ne
    couvre que les tâches qui attendent : sans cette pause, un rendu qui échoue à chaque fois (gabarit cassé,
    mémoire épuisée) serait redemandé à chaque téléchargement, même anonyme, et occuperait la file `pdf`."""
    derniere = ProcrastinateJob.objects.filter(lock=verrou).order_by("-id").first()
    if derniere is None or derniere.status != Status.FAILED.value:
        return False
    depuis = timezone.now() - timedelta(minutes=settings.PDF_PAUSE_APRES_ECHEC_MINUTES)
    return ProcrastinateEvent.objects.filter(job_id=derniere.id, type=Status.FAILED.value, at__gte=depuis).exists()


def pdf_en_attente() -> int:
    """Le nombre de rendus de PDF qui attendent leur tour dans la file `pdf` (une requête)."""
    return ProcrastinateJob.objects.filter(queue_name=FILE_PDF, status=Status.TODO.value).count()


# Un stockage en panne pendant le rendu d'un PDF : le document est redemandé après 15 s, 30 s, 1 min… 8 min
# (sept essais sur un quart d'heure environ) ; au-delà, la tâche passe en échec (visible dans l'administration),
# et le prochain téléchargement ou changement des données la relance. Ces nouvelles tentatives sont de nouvelles
# tâches, pas celles de Procrastinate : remise en file, une tâche ne peut pas prendre la place d'une tâche du même
# verrou qui attend déjà (PostgreSQL le refuse, et elle resterait « en cours » pour toujours en gardant son
# verrou) ; différée, elle se fond simplement dans celle qui attend.
TENTATIVES_PDF = 7
ATTENTE_PDF_SECONDES = 15


def rendre_pdf_ou_reessayer(
    mettre_a_jour: Callable[[], bool], *, tentative: int, reessayer: Callable[[int, int], object]
) -> str:
    """Le corps d'une tâche de rendu de PDF : `mettre_a_jour()` rend le document s'il n'est pas à jour ; si le
    stockage ne répond pas, `reessayer(tentative suivante, attente en secondes)` diffère la tâche suivante."""
    try:
        rendu = mettre_a_jour()
    except StockageIndisponible:
        if tentative >= TENTATIVES_PDF:
            raise
        attente = ATTENTE_PDF_SECONDES * 2 ** (tentative - 1)
        reessayer(tentative + 1, attente)
        return f"stockage indisponible : nouvelle tentative dans {attente} s"
    return "rendu" if rendu else "déjà à jour"


# Un serveur d'e-mails en panne (ou injoignable : OSError, délai EMAIL_TIMEOUT dépassé) : nouvelle tentative
# après 10 s + 2^n s, soit 12 s, 14 s, 18 s… 4 h 33 min ; 15 tentatives en tout sur environ 9 heures. Une panne
# de dix minutes est couverte par les neuf premières. Toute autre erreur (un défaut du message lui-même) ne se
# répare pas en attendant : la tâche passe en échec tout de suite, visible dans l'administration. Un destinataire
# refusé par le serveur (SMTPRecipientsRefused : boîte inexistante, domaine inconnu) non plus : le serveur répond,
# et refusera la même adresse dans neuf heures.
class NouvellesTentativesCourriel(RetryStrategy):
    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, smtplib.SMTPRecipientsRefused):
            return None
        return super().get_retry_decision(exception=exception, job=job)


NOUVELLES_TENTATIVES_COURRIEL = NouvellesTentativesCourriel(
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
            continue
        try:
            await gestionnaire.retry_job(tache)
        except exceptions.UniqueViolation:
            # Une tâche de même verrou de file attend déjà (un PDF redemandé pendant que le worker mourait) : elle
            # fera le même travail. Celle-ci est close comme interrompue ; restée « en cours », elle garderait son
            # verrou d'exécution et bloquerait l'autre pour toujours.
            logger.warning("Tâche bloquée %s remplacée par une tâche identique déjà en file", tache.call_string)
            await gestionnaire.finish_job(tache, status=Status.ABORTED, delete_job=False)
        else:
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
