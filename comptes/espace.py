"""Blocs que les applications de niveau supérieur ajoutent à « Mon espace ».

Les importations vont dans un seul sens (territoires ← comptes ← acteurs_ess ← contrats) : les comptes ne
connaissent ni les contrats ni les structures. Chaque application enregistre donc, dans son
`AppConfig.ready()`, une fonction qui rend son bloc pour la personne connectée ; Mon espace les affiche dans
l'ordre d'enregistrement (comme `territoires.blocs` pour les pages des territoires). Chaque bloc lance un
nombre fixe de requêtes SQL.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

# fournisseur(request, adhesions=[…]) -> HTML du bloc, ou "" s'il n'a rien à montrer. `adhesions` sont celles
# que Mon espace a déjà lues (avec leur organisation) : un bloc n'a pas à les relire.
Fournisseur = Callable[..., str]

_fournisseurs: list[tuple[int, str, Fournisseur]] = []


def enregistrer(nom: str, fournisseur: Fournisseur, ordre: int = 100) -> None:
    """Enregistre (une seule fois par nom) le bloc `nom`."""
    global _fournisseurs
    _fournisseurs = sorted(
        [entree for entree in _fournisseurs if entree[1] != nom] + [(ordre, nom, fournisseur)],
        key=lambda entree: (entree[0], entree[1]),
    )


def blocs(request: HttpRequest, **contexte) -> list[SafeString]:
    """Les blocs rendus pour la personne connectée (`contexte` : `adhesions=`)."""
    rendus = (fournisseur(request, **contexte) for _, _, fournisseur in _fournisseurs)
    return [SafeString(html) for html in rendus if html]
