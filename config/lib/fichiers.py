"""Fichiers envoyés par les utilisateurs (pièces jointes d'un dossier, RIB d'une structure) : contrôle du type
(extension et contenu réel) et de la taille, avant leur rangement hors de toute adresse publique."""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import File

from config.lib.archives import ArchiveRefusee, verifier_archive

TAILLE_MAXIMUM = 10 * 1024 * 1024  # 10 Mo

TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS_LISIBLES = "PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX"
# Un RIB est un document imprimé par la banque : PDF ou image, jamais un document bureautique modifiable.
EXTENSIONS_PDF_IMAGE = frozenset({".pdf", ".png", ".jpg", ".jpeg"})
EXTENSIONS_PDF_IMAGE_LISIBLES = "PDF, PNG ou JPEG"


def _contenu_conforme(extension: str, debut: bytes, fichier: File, nom: str) -> bool:
    """Le contenu réel correspond-il à l'extension ? Lève `ArchiveRefusee` pour une archive hors bornes."""
    if extension == ".pdf":
        return debut.startswith(b"%PDF-")
    if extension == ".png":
        return debut.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return debut.startswith(b"\xff\xd8\xff")
    # Les documents bureautiques sont des archives ZIP : on vérifie ce qu'elles annoncent contenir.
    if not debut.startswith(b"PK\x03\x04"):
        return False
    try:
        fichier.seek(0)
        with zipfile.ZipFile(fichier) as archive:
            # Bornes vérifiées sur le répertoire central, avant de lire la moindre entrée.
            verifier_archive(archive, nom)
            noms = set(archive.namelist())
            if extension in (".odt", ".ods"):
                attendu = TYPES[extension].encode()
                if "mimetype" not in noms:
                    return False
                with archive.open("mimetype") as entree:
                    return entree.read(len(attendu) + 2).strip() == attendu
            racine = "word/" if extension == ".docx" else "xl/"
            return "[Content_Types].xml" in noms and any(n.startswith(racine) for n in noms)
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    finally:
        fichier.seek(0)


def verifier_fichier(
    fichier: File, extensions: frozenset[str] | None = None, lisibles: str = EXTENSIONS_LISIBLES
) -> tuple[str, str]:
    """Vérifie le fichier envoyé ; rend (nom nettoyé, type MIME) ou lève une ValidationError en français.
    `extensions` restreint les types acceptés (parmi `TYPES`), `lisibles` les nomme dans le message."""
    nom = PurePath(fichier.name or "").name.strip()
    extension = PurePath(nom).suffix.lower()
    if extension not in TYPES or (extensions is not None and extension not in extensions):
        raise ValidationError(f"Le fichier « {nom} » n'est pas d'un type accepté : envoyez un document {lisibles}.")
    if fichier.size > TAILLE_MAXIMUM:
        taille = f"{fichier.size / 1024 / 1024:.1f}".replace(".", ",")
        raise ValidationError(f"Le fichier « {nom} » pèse {taille} Mo : la taille maximale est de 10 Mo.")
    if fichier.size == 0:
        raise ValidationError(f"Le fichier « {nom} » est vide.")
    fichier.seek(0)
    debut = fichier.read(16)
    fichier.seek(0)
    try:
        conforme = _contenu_conforme(extension, debut, fichier, nom)
    except ArchiveRefusee as erreur:
        raise ValidationError(str(erreur)) from None
    if not conforme:
        raise ValidationError(
            f"Le contenu du fichier « {nom} » ne correspond pas à son extension {extension} : il est refusé."
        )
    return nom[:255], TYPES[extension]


def taille_lisible(octets: int) -> str:
    """« 1,5 Mo », « 12 ko » : la taille d'un fichier telle qu'on la lit."""
    if octets >= 1024 * 1024:
        return f"{octets / 1024 / 1024:.1f} Mo".replace(".", ",")
    return f"{max(1, octets // 1024)} ko"
