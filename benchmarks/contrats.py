"""Mesures des contrats de ville (issue #5) : temps serveur médian de la page d'un contrat réaliste et de la
page de ses contributions (10 QPV, 40 sections de 1 à 3 pages, 200 contributions ; contrats/generateur.py).

Tout se passe dans une transaction annulée à la fin : la base de mesure reste celle de la démonstration.
"""

import statistics
import time

from django.db import transaction
from django.test import Client
from django.urls import reverse

from contrats.generateur import generer

REPETITIONS = 30
CHAUFFE = 3
BUDGET_MS = 50


class _Annuler(Exception):
    pass


def _mediane_ms(client: Client, url: str) -> float:
    for _ in range(CHAUFFE):
        assert client.get(url).status_code == 200, url
    durees = []
    for _ in range(REPETITIONS):
        debut = time.perf_counter()
        reponse = client.get(url)
        durees.append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200, url
    return statistics.median(durees)


def mesurer(rapport) -> None:
    try:
        with transaction.atomic():
            genere = generer()
            client = Client()
            client.force_login(genere.agent)
            code = genere.contrat.code
            rapport(
                "contrats.page_contrat_mediane",
                _mediane_ms(client, reverse("contrats:contrat", args=[code])),
                "ms",
                BUDGET_MS,
            )
            rapport(
                "contrats.page_contributions_mediane",
                _mediane_ms(client, reverse("contrats:contributions", args=[code])),
                "ms",
                BUDGET_MS,
            )
            rapport(
                "contrats.page_reponses_publiques_mediane",
                _mediane_ms(Client(), reverse("contrats:contributions_publiques", args=[code])),
                "ms",
                BUDGET_MS,
            )
            raise _Annuler
    except _Annuler:
        pass
