"""Les aperçus d'import de structures : le fichier déposé est gardé dans le stockage privé entre l'aperçu et
la confirmation (par n'importe quel processus web ou worker), puis supprimé ; ceux qu'on n'a jamais
confirmés sont purgés après `APERCUS_IMPORT_DUREE_HEURES`."""

import logging
import secrets
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from acteurs_ess.choix import EtatImport
from acteurs_ess.models import ImportStructures
from config.lib.stockage import StockageIndisponible

logger = logging.getLogger(__name__)

REPERTOIRE = "imports"


def enregistrer_apercu(nom: str, contenu: bytes) -> tuple[str, str]:
    """Garde le fichier d'un aperçu ; rend (jeton, chemin). Lève `StockageIndisponible`."""
    jeton = secrets.token_urlsafe(16)
    chemin = default_storage.save(f"{REPERTOIRE}/{jeton}-{PurePath(nom).name[-60:]}", ContentFile(contenu))
    return jeton, chemin


def lire_apercu(chemin: str) -> bytes:
    """Le fichier d'un aperçu ; `FileNotFoundError` s'il a été purgé entre-temps."""
    with default_storage.open(chemin, "rb") as fichier:
        return fichier.read()


def oublier_apercu(chemin: str) -> None:
    """Supprime le fichier d'un aperçu ; s'il ne peut pas l'être maintenant, la purge s'en chargera."""
    try:
        default_storage.delete(chemin)
    except StockageIndisponible:
        logger.warning("Aperçu d'import laissé à la purge (stockage indisponible) : %s", chemin)


def purger_apercus_abandonnes() -> int:
    """Supprime les aperçus déposés il y a plus de `APERCUS_IMPORT_DUREE_HEURES` heures et jamais confirmés ;
    rend leur nombre. Tâche périodique (`acteurs_ess.taches`) : un aperçu abandonné ne reste pas dans le
    stockage. Le fichier d'un import confirmé qui attend encore un worker, ou qu'un worker écrit, est gardé."""
    limite = timezone.now() - timedelta(hours=settings.APERCUS_IMPORT_DUREE_HEURES)
    try:
        _, fichiers = default_storage.listdir(REPERTOIRE)
    except FileNotFoundError:
        return 0
    a_garder = set(
        ImportStructures.objects.filter(etat__in=[EtatImport.EN_ATTENTE, EtatImport.EN_COURS]).values_list(
            "chemin", flat=True
        )
    )
    purges = 0
    for fichier in fichiers:
        chemin = f"{REPERTOIRE}/{fichier}"
        if chemin in a_garder:
            continue
        try:
            if default_storage.get_modified_time(chemin) >= limite:
                continue
        except FileNotFoundError:
            continue
        default_storage.delete(chemin)
        purges += 1
    return purges
