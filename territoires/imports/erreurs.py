"""Les erreurs d'import : un message en français qui nomme le fichier, la ligne (ou l'entité) et le problème."""

MAX_ERREURS_AFFICHEES = 20


class ErreurImport(Exception):
    """Un fichier refusé ; rien n'est écrit (l'import entier est annulé)."""

    def __init__(self, fichier: str, problemes: list[str]):
        self.fichier = fichier
        self.problemes = problemes
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lignes = self.problemes[:MAX_ERREURS_AFFICHEES]
        texte = (
            f"{self.fichier} : " + lignes[0] if len(lignes) == 1 else f"{self.fichier} :\n  - " + "\n  - ".join(lignes)
        )
        reste = len(self.problemes) - len(lignes)
        if reste > 0:
            texte += f"\n  … et {reste} autre{'s' if reste > 1 else ''} erreur{'s' if reste > 1 else ''}."
        return texte


class Erreurs:
    """Accumule les problèmes d'un fichier pour les montrer tous ensemble (dans la limite du raisonnable)."""

    def __init__(self, fichier: str, unite: str = "ligne"):
        self.fichier = fichier
        self.unite = unite
        self.problemes: list[str] = []

    def ajouter(self, position: int | None, message: str) -> None:
        prefixe = f"{self.unite} {position} : " if position is not None else ""
        self.problemes.append(prefixe + message)

    def lever_s_il_y_en_a(self) -> None:
        if self.problemes:
            raise ErreurImport(self.fichier, self.problemes)

    def __bool__(self) -> bool:
        return bool(self.problemes)
