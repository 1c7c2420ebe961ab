"""Pièces jointes des dossiers : rangement hors de toute adresse publique dans le stockage de Django ; le contrôle
du type et de la taille est commun à toute la plateforme (`config.lib.fichiers`)."""

import uuid
from pathlib import PurePath

from django.core.files.storage import default_storage

from config.lib.fichiers import TAILLE_MAXIMUM, TYPES, verifier_fichier

__all__ = ["PREFIXE_PRIVE", "TAILLE_MAXIMUM", "TYPES", "ranger", "verifier_fichier"]

# Préfixe des fichiers privés dans le stockage ; jamais servi sous MEDIA_URL (voir config/urls.py).
PREFIXE_PRIVE = "prive/dossiers"


def ranger(dossier_pk: int, fichier, nom: str) -> str:
    """Range le fichier dans le stockage sous un nom imprévisible ; rend son chemin."""
    extension = PurePath(nom).suffix.lower()
    return default_storage.save(f"{PREFIXE_PRIVE}/{dossier_pk}/{uuid.uuid4().hex}{extension}", fichier)
