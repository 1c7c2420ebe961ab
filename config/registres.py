"""Registres de blocs : le moyen pour une application de niveau supérieur d'ajouter un morceau de page à une
application de niveau inférieur sans que celle-ci ne l'importe.

Les importations vont dans un seul sens (territoires ← comptes ← acteurs_ess ← contrats ← financements ←
evaluation). Chaque registre (`registres.py`) appartient à l'application de la page qui affiche les blocs :
`territoires.registres.pages_territoire`, `comptes.registres.mon_espace`,
`acteurs_ess.registres.profil_structure`, `contrats.registres.page_contrat`. Les applications supérieures y
enregistrent, dans leur `AppConfig.ready()`, les fonctions de leur module `blocs.py` qui rendent leurs blocs.
Chaque bloc lance un nombre fixe de requêtes SQL.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

# fournisseur(request, **contexte) -> HTML du bloc, ou "" s'il n'a rien à montrer.
Fournisseur = Callable[..., str]


class RegistreDeBlocs:
    def __init__(self) -> None:
        self._fournisseurs: list[tuple[int, str, Fournisseur]] = []

    def enregistrer(self, nom: str, fournisseur: Fournisseur, ordre: int = 100) -> None:
        """Enregistre (une seule fois par nom) le bloc `nom` ; les blocs s'affichent par `ordre` croissant."""
        self._fournisseurs = sorted(
            [entree for entree in self._fournisseurs if entree[1] != nom] + [(ordre, nom, fournisseur)],
            key=lambda entree: (entree[0], entree[1]),
        )

    def retirer(self, nom: str) -> None:
        self._fournisseurs = [entree for entree in self._fournisseurs if entree[1] != nom]

    def noms(self) -> list[str]:
        return [nom for _, nom, _ in self._fournisseurs]

    def rendre(self, request: HttpRequest, **contexte: object) -> list[SafeString]:
        rendus = (fournisseur(request, **contexte) for _, _, fournisseur in self._fournisseurs)
        return [SafeString(html) for html in rendus if html]  # nosec B703 # HTML rendu par les gabarits des blocs (échappé)
