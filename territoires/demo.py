"""Données de démonstration du référentiel : de vrais territoires extraits des fichiers officiels (Rennes
Métropole et Toulouse Métropole, quelques-unes de leurs communes et leurs QPV avec leurs périmètres), chargés
par le même service d'import que le référentiel national. Idempotent."""

from pathlib import Path

from territoires.imports.service import importer_dossier

DOSSIER_DEMO = Path(__file__).resolve().parent / "fixtures" / "demo"


def charger(sortie=print) -> None:
    bilan = importer_dossier(DOSSIER_DEMO, partiel=True)
    resume = ", ".join(f"{sorte} {c.crees + c.modifies + c.inchanges}" for sorte, c in bilan.comptes.items())
    sortie(f"Territoires : {resume}.")
