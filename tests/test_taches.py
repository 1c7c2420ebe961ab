"""Le moteur de tâches (Procrastinate) : tâches périodiques différées à l'heure, tâches d'un worker mort relancées,
vieilles tâches terminées purgées. Chaque test fait tourner un vrai worker sur la base de test (tests/taches.py)."""

import datetime

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from procrastinate import builtin_tasks
from procrastinate.contrib.django import app
from procrastinate.periodic import PeriodicDeferrer

from config import taches as taches_plateforme
from tests.taches import attendre, executer_taches, taches


def vieillir_evenements(jours: int) -> None:
    # Le temps passe pour les tâches déjà terminées (la purge compare l'heure de leur dernier événement).
    with connection.cursor() as curseur:
        curseur.execute("UPDATE procrastinate_events SET at = at - %s", [datetime.timedelta(days=jours)])


@pytest.mark.django_db
def test_a_worker_defers_each_periodic_task_once_when_it_is_due():
    # 4 h 17 min 30 s UTC : la relance des tâches bloquées (toutes les 5 minutes, due à 4 h 15), la purge de la nuit
    # (4 h 17) et le rappel des décisions attendues (chaque heure à 12) ; les rappels de 4 h 02 et 4 h 07 ont plus
    # de dix minutes de retard : un worker qui démarre ne les diffère plus, celui de l'heure suivante le fera.
    heure = datetime.datetime(2026, 12, 1, 4, 17, 30, tzinfo=datetime.UTC).timestamp()
    differeur = PeriodicDeferrer(registry=app.periodic_registry)

    async_to_sync(differeur.defer_jobs)(differeur.get_previous_tasks(at=heure))
    # Un second worker qui démarre à la même heure ne les diffère pas une seconde fois.
    second = PeriodicDeferrer(registry=app.periodic_registry)
    async_to_sync(second.defer_jobs)(second.get_previous_tasks(at=heure))

    assert sorted((t.task_name.rsplit(".", 1)[1], t.args["timestamp"]) for t in taches()) == [
        ("purger_taches_terminees", heure - 30),
        ("rappeler_decisions_attendues", heure - 330),
        ("relancer_taches_bloquees", heure - 150),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_is_run_again():
    # Une tâche prise par un worker (sa file n'est pas celle de l'entretien), qui meurt ensuite : ses battements de
    # cœur cessent.
    victime = builtin_tasks.remove_old_jobs.defer(max_hours=1)
    with app.replace_connector(app.connector.get_worker_connector()):

        async def prendre() -> int:
            async with app.open_async():
                worker_id = await app.job_manager.register_worker()
                tache = await app.job_manager.fetch_job(queues=None, worker_id=worker_id)
                assert tache is not None and tache.id == victime
                return worker_id

        worker_mort = attendre(prendre)
    with connection.cursor() as curseur:
        curseur.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute' WHERE id = %s",
            [worker_mort],
        )
    assert [t.status for t in taches("remove_old_jobs")] == ["doing"]

    taches_plateforme.relancer_taches_bloquees.defer(timestamp=0)
    executer_taches(queues=[taches_plateforme.FILE_MAINTENANCE])
    (relancee,) = taches("remove_old_jobs")
    assert (relancee.status, relancee.attempts) == ("todo", 1)

    executer_taches()
    assert taches("remove_old_jobs")[0].status == "succeeded"


@pytest.mark.django_db(transaction=True)
def test_a_job_that_keeps_killing_its_workers_ends_failed():
    victime = builtin_tasks.remove_old_jobs.defer(max_hours=1)

    def mourir_en_la_traitant() -> None:
        async def prendre() -> int:
            async with app.open_async():
                worker_id = await app.job_manager.register_worker()
                assert (await app.job_manager.fetch_job(queues=None, worker_id=worker_id)).id == victime
                return worker_id

        with app.replace_connector(app.connector.get_worker_connector()):
            worker_id = attendre(prendre)
        with connection.cursor() as curseur:
            curseur.execute(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute' WHERE id = %s",
                [worker_id],
            )
        taches_plateforme.relancer_taches_bloquees.defer(timestamp=0)
        executer_taches(queues=[taches_plateforme.FILE_MAINTENANCE])

    for _ in range(taches_plateforme.RELANCES_MAX_TACHE_BLOQUEE):
        mourir_en_la_traitant()
        assert taches("remove_old_jobs")[0].status == "todo"
    mourir_en_la_traitant()

    assert taches("remove_old_jobs")[0].status == "failed"


@pytest.mark.django_db
def test_old_finished_jobs_are_purged_and_failures_kept_longer(settings):
    settings.TACHES_CONSERVATION_JOURS = 7
    settings.TACHES_ECHECS_JOURS = 30
    reussie = builtin_tasks.remove_old_jobs.defer(max_hours=10_000)
    executer_taches()
    echouee = builtin_tasks.remove_old_jobs.defer(max_hours=10_000)
    with connection.cursor() as curseur:
        # Une tâche partie en échec (un e-mail jamais remis après toutes ses tentatives).
        curseur.execute(
            "UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s; "
            "SELECT procrastinate_finish_job_v1(%s, 'failed', false)",
            [echouee, echouee],
        )
    vieillir_evenements(jours=8)
    recente = builtin_tasks.remove_old_jobs.defer(max_hours=10_000)
    executer_taches(queues=["builtin"])

    taches_plateforme.purger_taches_terminees.defer(timestamp=0)
    executer_taches(queues=[taches_plateforme.FILE_MAINTENANCE])
    restantes = {t.id for t in taches("remove_old_jobs")}
    assert reussie not in restantes
    assert {echouee, recente} <= restantes

    vieillir_evenements(jours=30)
    taches_plateforme.purger_taches_terminees.defer(timestamp=1)
    executer_taches(queues=[taches_plateforme.FILE_MAINTENANCE])
    assert taches("remove_old_jobs") == []
