"""Le socle : page d'accueil (visiteur anonyme) et « Mon espace » (agent de démonstration connecté)."""

from django.test import Client
from django.urls import reverse

from benchmarks import centile_95, chronometrer, mediane, requetes_sql
from comptes.demo import MOT_DE_PASSE


def mesurer(rapport) -> None:
    anonyme = Client()
    agent = Client()
    if not agent.login(email="agent@demo.coville.fr", password=MOT_DE_PASSE):
        raise RuntimeError("connexion impossible avec agent@demo.coville.fr : la démonstration est-elle chargée ?")

    for nom, client, url in [
        ("socle.accueil", anonyme, reverse("accueil")),
        ("socle.mon_espace", agent, reverse("comptes:mon_espace")),
    ]:
        durees = chronometrer(client, url)
        rapport(f"{nom}_mediane", mediane(durees), "ms")
        rapport(f"{nom}_p95", centile_95(durees), "ms")
        rapport(f"{nom}_requetes_sql", requetes_sql(client, url), "requêtes")
