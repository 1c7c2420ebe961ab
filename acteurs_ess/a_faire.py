"""Ce que l'annuaire attend de la personne, pour l'accueil : répondre aux invitations des collectifs pour ses
organisations, décider des demandes de rattachement à ses structures ou à celles de son territoire."""

from django.http import HttpRequest
from django.urls import reverse

from acteurs_ess.services import demandes_a_decider, invitations_collectifs_de
from comptes.contexte import contexte_de_requete
from comptes.registres import Tache

LIMITE = 10


def taches(request: HttpRequest) -> list[Tache]:
    acces = contexte_de_requete(request)
    if not acces.est_connecte or not acces.adhesions:
        return []
    taches = [
        Tache(
            "À répondre",
            f"Invitation de {i.collectif} pour {i.organisation}",
            reverse("comptes:mon_espace") + "#invitations-collectifs",
        )
        for i in invitations_collectifs_de(acces)[:LIMITE]
    ]
    nombre = demandes_a_decider(acces).count()
    if nombre:
        taches.append(
            Tache(
                "À répondre",
                f"{nombre} demande{'s' if nombre > 1 else ''} de rattachement à une structure",
                reverse("acteurs_ess:rattachements"),
            )
        )
    return taches
