"""`python manage.py worker [-q files]` : le worker des tâches de fond de Coville (config/worker.py), qui se
remet d'un redémarrage de PostgreSQL sans que son processus soit relancé."""

import asyncio

from django.core.management.base import BaseCommand
from procrastinate.contrib.django import app

from config.worker import travailler


class Command(BaseCommand):
    help = (
        "Worker des tâches de fond (Procrastinate) qui survit aux redémarrages de PostgreSQL ; "
        "SIGTERM ou Ctrl-C l'arrête après la tâche en cours."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-q", "--queues", default="", help="files écoutées, séparées par des virgules (défaut : toutes)"
        )
        parser.add_argument("-c", "--concurrency", type=int, default=None, help="tâches menées en même temps")
        parser.add_argument("-n", "--name", default=None, help="nom du worker dans les journaux")
        parser.add_argument(
            "--shutdown-graceful-timeout",
            type=float,
            default=None,
            help="secondes laissées à la tâche en cours à l'arrêt (défaut : TACHES_ARRET_GRACIEUX)",
        )

    def handle(self, *args, **options):
        reglages = {
            "queues": [file.strip() for file in options["queues"].split(",") if file.strip()] or None,
            "concurrency": options["concurrency"],
            "name": options["name"],
            "shutdown_graceful_timeout": options["shutdown_graceful_timeout"],
        }
        reglages = {cle: valeur for cle, valeur in reglages.items() if valeur is not None or cle == "queues"}
        # Comme `manage.py procrastinate worker` : le worker a ses propres connexions (LISTEN, pool asynchrone).
        with app.replace_connector(app.connector.get_worker_connector()):
            asyncio.run(travailler(reglages))
