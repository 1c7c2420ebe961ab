"""L'état détaillé de la plateforme, pour les administrateurs et les moniteurs (`/sante/detail/`,
`manage.py etat_taches`) : la base, la file des tâches de fond et le stockage des fichiers.

`/sante/` (config/views.py) reste une sonde de vie : le processus et la base seulement, pour qu'une file lente
ou un stockage en panne ne retire jamais tous les processus web du répartiteur de charge. Ici, chaque partie est
vérifiée et rapportée, sans jamais lever d'exception : une partie en panne est dite « erreur »."""

import contextlib
import shutil
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import DatabaseError, connection

from config.lib.stockage import StockageIndisponible, StockageLocal

# Un worker qui ne bat plus depuis ce délai est tenu pour mort (Procrastinate bat toutes les 10 s ; la relance des
# tâches bloquées, config/taches.py, attend 30 s).
WORKER_VIVANT_SECONDES = 30
# Au-delà, la plus vieille tâche prête qui attend un worker signale un retard de la file.
RETARD_FILE_SECONDES = 300
# Nom sans fichier demandé au stockage : la réponse (absent) prouve qu'il répond.
SONDE_STOCKAGE = ".sonde-supervision"


@dataclass
class EtatFile:
    """Une file de tâches : combien attendent (prêtes ou programmées plus tard), tournent, ont échoué, et l'âge
    (secondes) de la plus vieille tâche prête qui attend un worker."""

    nom: str
    pretes: int = 0
    programmees: int = 0
    en_cours: int = 0
    en_echec: int = 0
    attente_max_secondes: float | None = None


@dataclass
class EtatTaches:
    statut: str
    workers_vivants: int = 0
    files: list[EtatFile] = field(default_factory=list)
    attente_max_secondes: float | None = None
    erreur: str = ""


_SQL_FILES = """
    SELECT j.queue_name,
           count(*) FILTER (WHERE j.status = 'todo' AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())),
           count(*) FILTER (WHERE j.status = 'todo' AND j.scheduled_at > now()),
           count(*) FILTER (WHERE j.status = 'doing'),
           count(*) FILTER (WHERE j.status = 'failed'),
           extract(epoch FROM now() - min(coalesce(j.scheduled_at, d.at))
                   FILTER (WHERE j.status = 'todo' AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())))
      FROM procrastinate_jobs j
      LEFT JOIN LATERAL (
           SELECT min(e.at) AS at FROM procrastinate_events e WHERE e.job_id = j.id AND e.type = 'deferred'
      ) d ON j.status = 'todo'
     WHERE j.status IN ('todo', 'doing', 'failed')
     GROUP BY j.queue_name
     ORDER BY j.queue_name
"""


def etat_taches() -> EtatTaches:
    """L'état de la file des tâches de fond (Procrastinate), en deux requêtes SQL."""
    try:
        with connection.cursor() as curseur:
            curseur.execute(_SQL_FILES)
            files = [
                EtatFile(nom, pretes, programmees, en_cours, en_echec, None if age is None else round(float(age), 1))
                for nom, pretes, programmees, en_cours, en_echec, age in curseur.fetchall()
            ]
            curseur.execute(
                "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - make_interval(secs => %s)",
                [WORKER_VIVANT_SECONDES],
            )
            (workers,) = curseur.fetchone()
    except DatabaseError as erreur:
        return EtatTaches(statut="erreur", erreur=f"file illisible : {erreur.__class__.__name__}")
    ages = [f.attente_max_secondes for f in files if f.attente_max_secondes is not None]
    attente = max(ages) if ages else None
    en_retard = attente is not None and attente > RETARD_FILE_SECONDES
    attend_sans_worker = workers == 0 and any(f.pretes for f in files)
    return EtatTaches(
        statut="alerte" if en_retard or attend_sans_worker else "ok",
        workers_vivants=workers,
        files=files,
        attente_max_secondes=attente,
    )


def etat_base() -> dict[str, Any]:
    debut = time.perf_counter()
    try:
        with connection.cursor() as curseur:
            curseur.execute("SELECT 1")
            curseur.fetchone()
    except DatabaseError as erreur:
        return {"statut": "erreur", "erreur": erreur.__class__.__name__}
    return {"statut": "ok", "duree_ms": round((time.perf_counter() - debut) * 1000, 1)}


def etat_stockage() -> dict[str, Any]:
    """Le stockage répond (une recherche d'un nom absent) ; sur le disque local, la place libre."""
    debut = time.perf_counter()
    try:
        default_storage.exists(SONDE_STOCKAGE)
    except StockageIndisponible:
        return {"statut": "erreur", "erreur": "le stockage des fichiers ne répond pas"}
    etat: dict[str, Any] = {
        "statut": "ok",
        "type": "local" if isinstance(default_storage, StockageLocal) else "s3",
        "duree_ms": round((time.perf_counter() - debut) * 1000, 1),
    }
    if isinstance(default_storage, StockageLocal):
        # Le dossier peut ne pas exister encore (aucun fichier écrit) : pas de place à dire.
        with contextlib.suppress(OSError):
            etat["libre_octets"] = shutil.disk_usage(default_storage.location).free
    return etat


def etat_detaille() -> dict[str, Any]:
    """Chaque partie avec son statut (`ok`, `alerte`, `erreur`) et le statut d'ensemble : le pire des trois."""
    parties = {"base": etat_base(), "taches": asdict(etat_taches()), "stockage": etat_stockage()}
    statuts = {partie["statut"] for partie in parties.values()}
    ensemble = "erreur" if "erreur" in statuts else "alerte" if "alerte" in statuts else "ok"
    return {"statut": ensemble, **parties}
