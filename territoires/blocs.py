"""Blocs que les applications de niveau supérieur ajoutent aux pages des territoires.

Les importations vont dans un seul sens (territoires ← comptes ← acteurs_ess ← contrats) : le référentiel ne
connaît ni les contrats ni les structures. Chaque application enregistre donc, dans son `AppConfig.ready()`,
une fonction qui rend son bloc pour un QPV, une commune ou un EPCI ; la page du territoire les affiche dans
l'ordre d'enregistrement. Chaque bloc lance un nombre fixe de requêtes SQL.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

# fournisseur(request, qpv=…, commune=…, epci=…) -> HTML du bloc, ou "" s'il n'a rien à montrer.
Fournisseur = Callable[..., str]

_fournisseurs: list[tuple[int, str, Fournisseur]] = []


def enregistrer(nom: str, fournisseur: Fournisseur, ordre: int = 100) -> None:
    """Enregistre (une seule fois par nom) le bloc `nom`."""
    global _fournisseurs
    _fournisseurs = sorted(
        [entree for entree in _fournisseurs if entree[1] != nom] + [(ordre, nom, fournisseur)],
        key=lambda entree: (entree[0], entree[1]),
    )


def blocs(request: HttpRequest, **territoire) -> list[SafeString]:
    """Les blocs rendus pour ce territoire (`qpv=`, `commune=` ou `epci=`)."""
    rendus = (fournisseur(request, **territoire) for _, _, fournisseur in _fournisseurs)
    return [SafeString(html) for html in rendus if html]
