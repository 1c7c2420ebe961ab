"""Temps processeur consommé par les serveurs pendant la mesure, lu dans /proc (Linux) : les processus gunicorn
(enfants du maître) et les processus PostgreSQL qui servent la base du test. Sur une machine partagée, les
temps de réponse dépendent des voisins ; le temps processeur par requête, beaucoup moins."""

import os
from pathlib import Path

TOPS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """Secondes de processeur (utilisateur + système) du processus `pid`, 0 s'il a disparu."""
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(champs[11]) + int(champs[12])) / TOPS


def _enfants(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _backends(base: str) -> list[int]:
    """Les processus PostgreSQL connectés à `base` (leur ligne de commande : `postgres: user base hôte état`)."""
    pids = []
    for dossier in Path("/proc").iterdir():
        if not dossier.name.isdigit():
            continue
        try:
            commande = (dossier / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if commande.startswith("postgres: ") and f" {base} " in commande:
            pids.append(int(dossier.name))
    return pids


def releve(gunicorn: int, base: str) -> dict[int, tuple[str, float]]:
    """Le temps processeur de chaque processus servant : {pid: (sorte, secondes)}."""
    processus = {pid: ("web", _cpu(pid)) for pid in _enfants(gunicorn)}
    processus |= {pid: ("base", _cpu(pid)) for pid in _backends(base)}
    return processus


def consomme(avant: dict[int, tuple[str, float]], apres: dict[int, tuple[str, float]]) -> dict[str, float]:
    """Secondes consommées entre deux relevés, par sorte (un processus apparu entre-temps compte en entier)."""
    total = {"web": 0.0, "base": 0.0}
    for pid, (sorte, secondes) in apres.items():
        total[sorte] += secondes - avant.get(pid, (sorte, 0.0))[1]
    return total
