"""Une barre de progression en texte pour les commandes d'import, étape par étape (aucune dépendance)."""

from collections.abc import Callable

Ecrire = Callable[[str], None]

LARGEUR = 30


class Barre:
    def __init__(self, ecrire: Ecrire | None, total: int):
        self.ecrire = ecrire
        self.total = max(total, 1)
        self.fait = 0

    def etape(self, libelle: str) -> None:
        """Annonce l'étape qui commence ; la barre montre celles déjà faites."""
        if self.ecrire:
            plein = LARGEUR * self.fait // self.total
            self.ecrire(f"\r[{'#' * plein}{'.' * (LARGEUR - plein)}] {self.fait}/{self.total} {libelle:<50.50}")
        self.fait += 1

    def terminer(self) -> None:
        if self.ecrire:
            self.ecrire(f"\r[{'#' * LARGEUR}] {self.total}/{self.total} {'terminé':<50}\n")
