"""Locust sans tête, en bibliothèque : `python benchmarks/charge/locust_sans_tete.py --hote http://127.0.0.1:PORT …`.

Lancé comme script (pas avec `-m`) : gevent doit remplacer les modules réseau et ssl avant tout autre import,
ce que l'import du paquet `benchmarks` (Django) empêcherait.

Démarre les utilisateurs de benchmarks/charge/parcours.py (tous en quelques secondes), laisse chauffer
`--chauffe` secondes (statistiques remises à zéro ensuite), mesure pendant `--duree` secondes puis s'arrête seul,
et écrit ses statistiques (entrées sérialisées, durée, charge de la machine) dans `--sortie`. N'accepte qu'une
adresse de bouclage.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hote", required=True)
    parser.add_argument("--catalogue", required=True)
    parser.add_argument("--utilisateurs", type=int, default=60)
    parser.add_argument("--duree", type=int, default=120)
    parser.add_argument("--chauffe", type=int, default=10)
    parser.add_argument("--graine", type=int, default=2027)
    parser.add_argument("--sortie", required=True)
    parser.add_argument("--gunicorn", type=int, help="pid du maître gunicorn (temps processeur des serveurs)")
    parser.add_argument("--base", default="coville_charge", help="base dont les processus PostgreSQL sont comptés")
    args = parser.parse_args()
    if urlsplit(args.hote).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("le test de charge ne vise que l'adresse de bouclage (127.0.0.1)")
    os.environ["CHARGE_CATALOGUE"] = args.catalogue
    os.environ["CHARGE_GRAINE"] = str(args.graine)
    random.seed(args.graine)  # tirage des tâches par Locust

    from benchmarks.charge import cpu
    from benchmarks.charge.parcours import UTILISATEURS

    environnement = Environment(user_classes=UTILISATEURS, host=args.hote)
    runner = environnement.create_local_runner()
    runner.start(args.utilisateurs, spawn_rate=max(1, args.utilisateurs / 5))
    gevent.sleep(args.chauffe)
    environnement.stats.reset_all()
    avant = os.getloadavg()[0]
    cpu_avant = cpu.releve(args.gunicorn, args.base) if args.gunicorn else {}
    debut = time.monotonic()
    gevent.sleep(args.duree)
    duree = time.monotonic() - debut
    cpu_apres = cpu.releve(args.gunicorn, args.base) if args.gunicorn else {}
    apres = os.getloadavg()[0]
    entrees = [entree.serialize() for entree in environnement.stats.entries.values()]
    erreurs = {str(cle): erreur.occurrences for cle, erreur in environnement.stats.errors.items()}
    runner.quit()
    with open(args.sortie, "w", encoding="utf-8") as fichier:
        json.dump(
            {
                "duree": duree,
                "utilisateurs": args.utilisateurs,
                "charge_machine_avant": avant,
                "charge_machine_apres": apres,
                "cpu": cpu.consomme(cpu_avant, cpu_apres),
                "entrees": entrees,
                "erreurs": erreurs,
            },
            fichier,
            ensure_ascii=False,
            default=str,
        )
    for cle, nombre in erreurs.items():
        print(f"échec ×{nombre} : {cle}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
