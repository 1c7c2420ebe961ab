"""De vrais processus de la plateforme pour les tests qui en ont besoin : des workers (`manage.py worker`,
config/worker.py) et des serveurs web (gunicorn), sur la base de test et le stockage du test, comme en production.

Chaque processus a son journal dans un fichier (affiché si le test échoue) et son propre groupe de processus ;
il est arrêté à la fin par SIGTERM, puis SIGKILL s'il n'est pas arrêté à temps."""

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

RACINE = Path(__file__).resolve().parent.parent
DELAI_DEMARRAGE = 120  # secondes, sur une machine chargée (Django, WeasyPrint) ; quelques-unes d'habitude
DELAI_ARRET = 10


def url_de_la_base_de_test() -> str:
    """L'adresse de la base de test (pytest-django la crée sous le nom test_<base>) : les processus lancés par
    un test `transaction=True` voient ce que le test a validé."""
    reglages = connection.settings_dict
    identite = reglages["USER"] or ""
    if reglages["PASSWORD"]:
        identite += f":{reglages['PASSWORD']}"
    hote = reglages["HOST"] or "localhost"
    port = f":{reglages['PORT']}" if reglages["PORT"] else ""
    return f"postgres://{identite}@{hote}{port}/{reglages['NAME']}"


def environnement(**variables: str) -> dict[str, str]:
    """L'environnement d'un processus de la plateforme : réglages des tests, base de test, et `variables`."""
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": url_de_la_base_de_test(),
        "PYTHONUNBUFFERED": "1",
        **variables,
    }


@dataclass
class Processus:
    nom: str
    popen: subprocess.Popen
    journal: Path

    def vivant(self) -> bool:
        return self.popen.poll() is None

    def fin_du_journal(self) -> str:
        return self.journal.read_text(errors="replace")[-4000:] if self.journal.exists() else ""

    def tuer(self) -> None:
        """SIGKILL, comme une machine qui s'arrête net : rien ne se termine proprement."""
        self.popen.kill()
        self.popen.wait()

    def arreter(self) -> None:
        if not self.vivant():
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=DELAI_ARRET)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()


def lancer(
    nom: str, commande: list[str], env: dict[str, str], repertoire: Path, limite_fichiers: int | None = None
) -> Processus:
    """`limite_fichiers` : taille maximale (octets) d'un fichier que le processus écrit (RLIMIT_FSIZE), comme un
    disque plein ; au-delà, ses écritures échouent (EFBIG : Python ignore le signal SIGXFSZ)."""

    def limiter() -> None:
        if limite_fichiers is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limite_fichiers, limite_fichiers))

    journal = repertoire / f"{nom}.log"
    with journal.open("w") as sortie:
        popen = subprocess.Popen(
            commande,
            cwd=RACINE,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
            process_group=0,
            preexec_fn=limiter if limite_fichiers is not None else None,
        )
    return Processus(nom, popen, journal)


def lancer_worker(
    nom: str, env: dict[str, str], repertoire: Path, files: str = "pdf", limite_fichiers: int | None = None
) -> Processus:
    return lancer(
        nom,
        [sys.executable, "manage.py", "worker", "--queues", files, "--shutdown-graceful-timeout", "2"],
        env,
        repertoire,
        limite_fichiers,
    )


def attendre(condition: Callable[[], bool], quoi: str, *processus: Processus, delai: float = DELAI_DEMARRAGE):
    """Attend que `condition()` soit vraie ; échoue avec le journal des processus s'ils meurent ou si elle ne
    l'est pas après `delai` secondes."""
    limite = time.monotonic() + delai
    while not condition():
        morts = [p for p in processus if not p.vivant()]
        if morts or time.monotonic() > limite:
            journaux = "\n".join(f"--- {p.nom} ---\n{p.fin_du_journal()}" for p in processus)
            cause = f"{', '.join(p.nom for p in morts)} arrêté(s)" if morts else f"toujours pas après {delai} s"
            raise AssertionError(f"{quoi} : {cause}\n{journaux}")
        time.sleep(0.1)  # intervalle de sondage, borné par `limite`
