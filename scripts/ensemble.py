"""Lance plusieurs commandes ensemble et les arrête ensemble (`make demo` : le serveur web et un worker).

    python scripts/ensemble.py -- commande arg… -- autre_commande arg…

Un SIGINT (Ctrl-C) ou un SIGTERM reçu par ce script est relayé une seule fois à chaque commande, puis le script
attend qu'elles aient fini (le worker termine la tâche en cours) ; une commande encore là après DELAI_ARRET
secondes est tuée. Si l'une s'arrête d'elle-même (port déjà pris, erreur), les autres sont arrêtées aussi et son
code de sortie est rendu.

Chaque commande a son propre groupe de processus : sinon Ctrl-C, que le terminal envoie à tout le groupe de
`make`, leur arriverait deux fois (du terminal et de ce script), et un worker qui reçoit deux signaux
interrompt sa tâche au lieu de la finir.
"""

import signal
import subprocess  # nosec B404 # outil de développement
import sys
import time

DELAI_ARRET = 45  # secondes : plus que l'arrêt gracieux du worker (TACHES_ARRET_GRACIEUX, 30 s par défaut)


def commandes(arguments: list[str]) -> list[list[str]]:
    groupes: list[list[str]] = []
    for argument in arguments:
        if argument == "--":
            groupes.append([])
        elif groupes:
            groupes[-1].append(argument)
        else:
            raise SystemExit("usage : ensemble.py -- commande arg… [-- commande arg…]")
    if not groupes or not all(groupes):
        raise SystemExit("usage : ensemble.py -- commande arg… [-- commande arg…]")
    return groupes


def main() -> int:
    recu: list[int] = []

    def noter(signum: int, frame: object) -> None:
        recu.append(signum)

    signal.signal(signal.SIGINT, noter)
    signal.signal(signal.SIGTERM, noter)
    processus = [
        subprocess.Popen(commande, process_group=0)  # nosec B603 # commandes du Makefile, sans shell
        for commande in commandes(sys.argv[1:])
    ]

    code: int | None = None
    while not recu and all(p.poll() is None for p in processus):
        time.sleep(0.2)
    if recu:
        # Un arrêt demandé n'est pas un échec (make n'affiche pas d'erreur après Ctrl-C).
        code = 0
        signal_arret = recu[0]
    else:
        code = next(p.returncode for p in processus if p.returncode is not None)
        signal_arret = signal.SIGTERM

    for p in processus:
        if p.poll() is None:
            p.send_signal(signal_arret)
    limite = time.monotonic() + DELAI_ARRET
    for p in processus:
        try:
            p.wait(timeout=max(0.0, limite - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return code


if __name__ == "__main__":
    sys.exit(main())
