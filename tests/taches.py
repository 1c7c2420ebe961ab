"""Les tâches de fond dans les tests : un vrai worker Procrastinate traite la file de la base de test jusqu'à ce
qu'elle soit vide (`wait=False`, sans signaux ni LISTEN/NOTIFY, comme le recommande la documentation de
Procrastinate pour les tests Django). Rien n'est simulé : les tâches différées par le code sont lues dans la
table procrastinate_jobs, exécutées, relancées ou mises en échec par le moteur lui-même.

- Dans un test `transaction=True`, le worker a sa propre connexion (le connecteur psycopg des workers de
  production) et ne voit que ce qui a été validé, comme en production.
- Dans un test ordinaire (tout le test est une transaction jamais validée), les tâches différées n'existent que
  dans cette transaction : le worker lit la file par la connexion du test (le connecteur Django, ses requêtes
  ramenées dans le fil du test par `async_to_sync`). Les tâches synchrones tournent, comme en production, dans
  un autre fil, avec une autre connexion : elles ne voient pas les données du test. Celles qui lisent la base
  (rappels…) se testent donc avec `transaction=True` ; l'envoi d'un e-mail ne lit que ses arguments. Ce chemin
  sert aux tests qui lisent `mail.outbox` après une action ; le comportement du moteur lui-même (nouvelles
  tentatives, tâches bloquées, purge) se teste avec `transaction=True`.

Les tâches périodiques ne sont pas différées par ces workers : un test les diffère lui-même quand il les teste.

La file `pdf` n'est traitée que par les tests qui la demandent (`executer_taches(queues=[FILE_PDF])`,
`rendre_les_pdf()`) : chaque contrat créé ou modifié par un test y diffère le rendu de ses deux PDF, quelques
secondes de travail qui n'intéressent que les tests des PDF.
"""

import asyncio
import concurrent.futures
import contextlib
import datetime
import json
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

from asgiref.sync import async_to_sync
from django.db import connection
from procrastinate.contrib.django import app, db_cleanup, procrastinate_app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.periodic import PeriodicRegistry

from config.taches import FILE_PDF

T = TypeVar("T")

OPTIONS_WORKER = {"wait": False, "install_signal_handlers": False, "listen_notify": False}


class ConnecteurDuTest(DjangoConnector):
    """Le connecteur Django, qui passe par la connexion (et la transaction) du test. Le pilote configuré par Django
    rend les colonnes JSON en texte (Django décode lui-même ses JSONField) : les arguments d'une tâche sont
    décodés ici, comme les rend le connecteur psycopg des workers."""

    def _dictfetch(self, cursor):
        for ligne in super()._dictfetch(cursor):
            if isinstance(ligne.get("args"), str):
                ligne["args"] = json.loads(ligne["args"])
            yield ligne


@contextlib.contextmanager
def sans_taches_periodiques() -> Iterator[None]:
    # Au démarrage, un worker diffère les tâches périodiques dont l'heure est passée de moins de dix minutes : dans
    # un test, elles s'exécuteraient selon l'heure qu'il est.
    vraie_app = procrastinate_app.current_app
    registre = vraie_app.periodic_registry
    vraie_app.periodic_registry = PeriodicRegistry()
    try:
        yield
    finally:
        vraie_app.periodic_registry = registre


def files_sans_pdf() -> list[str]:
    """Toutes les files des tâches de la plateforme, sauf celle des PDF."""
    return sorted({tache.queue for tache in app.tasks.values()} - {FILE_PDF})


def executer_taches(**options) -> None:
    """Fait tourner un worker jusqu'à ce qu'il n'y ait plus de tâche à faire maintenant (les nouvelles tentatives
    programmées plus tard attendent : voir `ecouler_delais`), dans toutes les files sauf celle des PDF, ou dans
    celles de `queues`."""
    options = {**OPTIONS_WORKER, **options}
    if options.get("queues") is None:
        options["queues"] = files_sans_pdf()
    with sans_taches_periodiques():
        if connection.in_atomic_block:
            # Le worker de l'intégration Django ferme les connexions du fil d'une tâche avant et après elle : une
            # tâche asynchrone partage ici le fil (et la connexion) du test, qu'il ne faut pas fermer ; les tâches
            # synchrones gardent ce nettoyage dans leur propre fil.
            options.setdefault("task_middleware", [db_cleanup.close_db_connections])
            with app.replace_connector(ConnecteurDuTest()):
                async_to_sync(app.run_worker_async)(**options)
        else:
            # Dans un fil à lui : `run_worker` démarre sa boucle asyncio, ce qui échoue dans un fil qui en fait déjà
            # tourner une (celui des tests du navigateur, où Playwright garde la sienne jusqu'à la fin de la suite).
            with (
                app.replace_connector(app.connector.get_worker_connector()),
                concurrent.futures.ThreadPoolExecutor(max_workers=1) as fil,
            ):
                fil.submit(app.run_worker, **options).result()


def attendre(fonction: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Exécute une fonction asynchrone (hors transaction du test) dans un fil à lui, avec sa boucle asyncio : le fil
    des tests en a déjà une après les tests du navigateur (Playwright), où `async_to_sync` refuse de tourner."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as fil:
        return fil.submit(asyncio.run, fonction()).result()


def rendre_les_pdf() -> None:
    """Un worker de la file `pdf` rend les PDF demandés (test `transaction=True` : la tâche lit la base)."""
    executer_taches(queues=[FILE_PDF])


@contextlib.contextmanager
def puis_executer_taches() -> Iterator[None]:
    """Exécute le bloc (une requête, un service), puis les tâches qu'il a différées."""
    yield
    executer_taches()


def taches(nom: str | None = None, statut: str | None = None) -> list[ProcrastinateJob]:
    """Les tâches de la file, les plus anciennes d'abord, filtrées par nom (fin du chemin) et statut."""
    requete = ProcrastinateJob.objects.order_by("id")
    if nom:
        requete = requete.filter(task_name__endswith=nom)
    if statut:
        requete = requete.filter(status=statut)
    return list(requete)


def ecouler_delais() -> datetime.timedelta:
    """Le temps de la file avance jusqu'à la prochaine tâche programmée (une nouvelle tentative après un échec),
    plus une seconde pour celles programmées dans la même seconde (les tentatives de plusieurs messages partis
    ensemble) : les tâches à faire plus tard sont avancées d'autant. Rend le délai ainsi écoulé (zéro s'il n'y a
    rien de programmé).

    L'heure est celle de PostgreSQL (`now()`, l'heure de début de la transaction du test), celle à laquelle le
    worker compare l'heure prévue d'une tâche."""
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT min(scheduled_at) - now() + interval '1 second' FROM procrastinate_jobs "
            "WHERE status = 'todo' AND scheduled_at > now()"
        )
        (delai,) = curseur.fetchone()
        if delai is None:
            return datetime.timedelta(0)
        curseur.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = scheduled_at - %s "
            "WHERE status = 'todo' AND scheduled_at > now()",
            [delai],
        )
    return delai


def serveur_de_courriels_retabli(settings) -> None:
    """Le serveur d'e-mails répond de nouveau (fin de la panne de `smtp_en_panne`) et le délai avant la nouvelle
    tentative s'écoule : le worker envoie les messages qui attendaient."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ecouler_delais()
    executer_taches()
