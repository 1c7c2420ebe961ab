"""Mesures de performance lancées par `make bench` (voir run.py).

Chaque module `benchmarks/<nom>.py` expose `mesurer(rapport)` et appelle
`rapport(nom, valeur, unite, budget=None)` pour chaque chiffre ; les outils ci-dessous sont partagés.
"""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

REQUETES = 200
ECHAUFFEMENT = 20


def chronometrer(client: Client, url: str, requetes: int = REQUETES, echauffement: int = ECHAUFFEMENT) -> list[float]:
    """Durées (ms) de `requetes` GET sur `url` après `echauffement` requêtes non comptées.

    Le temps mesuré est celui du traitement par Django (middlewares, vue, gabarits, base), sans réseau.
    """
    for _ in range(echauffement):
        verifier(client.get(url), url)
    durees = []
    for _ in range(requetes):
        debut = time.perf_counter()
        reponse = client.get(url)
        durees.append((time.perf_counter() - debut) * 1000)
        verifier(reponse, url)
    return durees


def verifier(reponse, url: str) -> None:
    if reponse.status_code != 200:
        raise RuntimeError(f"GET {url} : statut {reponse.status_code} au lieu de 200, la mesure n'a pas de sens")


def mediane(durees: list[float]) -> float:
    return statistics.median(durees)


def centile_95(durees: list[float]) -> float:
    return statistics.quantiles(durees, n=20, method="inclusive")[18]


def requetes_sql(client: Client, url: str) -> int:
    """Nombre de requêtes SQL d'un GET sur `url`."""
    with CaptureQueriesContext(connection) as requetes:
        verifier(client.get(url), url)
    return len(requetes)
