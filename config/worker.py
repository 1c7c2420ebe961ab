"""Le worker des tâches de fond, qui survit aux redémarrages de PostgreSQL (`python manage.py worker`).

Le worker de Procrastinate (`manage.py procrastinate worker`) s'arrête dès que la base ne répond plus : son
écoute LISTEN/NOTIFY, ses battements de cœur et sa recherche de tâches lèvent une erreur, et il sort, avec le
code 0 (un superviseur réglé sur « redémarrer en cas d'échec » ne le relance même pas). Une mise à jour ou une
bascule de PostgreSQL arrêterait donc tous les workers. Ici, le même processus relance le worker, toutes les
PAUSE_SECONDES, jusqu'à ce que la base réponde de nouveau ; seul SIGTERM ou SIGINT l'arrête (la tâche en cours
finit d'abord, dans la limite de TACHES_ARRET_GRACIEUX).

Une tâche qui tournait au moment de la panne reste « en cours » dans la base : le worker qui la tenait ne bat
plus, la relance des tâches bloquées (config/taches.py) la remet en file."""

import asyncio
import contextlib
import logging
import signal
from typing import Any

from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)

# Entre deux essais quand la base ne répond pas : un redémarrage ordinaire de PostgreSQL dure quelques secondes.
PAUSE_SECONDES = 2.0


async def travailler(options: dict[str, Any], pause: float = PAUSE_SECONDES) -> None:
    """Fait tourner un worker Procrastinate (`options` : queues, concurrency, name…) jusqu'à SIGTERM ou SIGINT,
    en le relançant après chaque panne de la base."""
    arret = asyncio.Event()
    boucle = asyncio.get_running_loop()
    en_cours: asyncio.Task | None = None

    def demander_arret() -> None:
        arret.set()
        if en_cours is not None:
            # Procrastinate traite l'annulation de son worker comme une demande d'arrêt gracieux.
            en_cours.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        boucle.add_signal_handler(signum, demander_arret)
    try:
        async with app.open_async():
            while not arret.is_set():
                en_cours = asyncio.create_task(app.run_worker_async(install_signal_handlers=False, **options))
                try:
                    await en_cours
                except asyncio.CancelledError:
                    if not arret.is_set():
                        raise
                except Exception as erreur:
                    logger.error("Worker arrêté par une erreur (base de données injoignable ?) : %r", erreur)
                if arret.is_set():
                    break
                logger.warning("Le worker reprendra dans %s s, quand la base répondra.", pause)
                # La pause, ou moins si l'arrêt est demandé entre-temps.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(arret.wait(), timeout=pause)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            boucle.remove_signal_handler(signum)
    logger.info("Worker arrêté à la demande.")
