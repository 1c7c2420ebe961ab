"""Le stockage des fichiers privés (pièces jointes, aperçus d'import, PDF) : le système de fichiers local sous
`var/` par défaut, un stockage objet compatible S3 quand les variables `STOCKAGE_S3_*` sont définies
(`config.settings.stockage_des_fichiers`, README « Stockage des fichiers »).

Une panne du stockage (service injoignable ou trop lent, identifiants refusés, disque plein) devient
`StockageIndisponible` quelle que soit l'opération : un formulaire d'envoi l'affiche sans rien enregistrer,
un téléchargement répond 503 (`config.middleware.PanneDuStockage`). Un fichier absent reste
`FileNotFoundError` (404 pour qui le demande)."""

import errno
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import IO, Any

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.http import FileResponse, Http404
from s3transfer.exceptions import RetriesExceededError
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)

MESSAGE_INDISPONIBLE = "Le stockage des fichiers ne répond pas pour le moment : réessayez dans quelques minutes."
# Ce que voit la personne dont l'envoi a échoué (le reste du formulaire lui est rendu).
MESSAGE_ENVOI_IMPOSSIBLE = (
    "Le fichier n'a pas été enregistré : le stockage des fichiers ne répond pas pour le moment. "
    "Réessayez dans quelques minutes."
)

# Ce que lèvent le disque local (OSError) et le client S3 : erreurs du réseau et délais dépassés
# (BotoCoreError), refus du service (ClientError), échecs d'un transfert (Boto3Error, RetriesExceededError).
ERREURS_DU_STOCKAGE: tuple[type[BaseException], ...] = (
    OSError,
    BotoCoreError,
    ClientError,
    Boto3Error,
    RetriesExceededError,
)


# Plus de place (ENOSPC), fichier au-delà de la limite du processus (EFBIG, RLIMIT_FSIZE), quota atteint (EDQUOT).
ERRNO_DISQUE_PLEIN = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


class StockageIndisponible(Exception):
    """Le stockage des fichiers n'a pas pu faire ce qui lui était demandé ; le message s'adresse à l'usager."""

    def __init__(self, message: str = MESSAGE_INDISPONIBLE) -> None:
        super().__init__(message)


def _introuvable(erreur: BaseException) -> bool:
    if isinstance(erreur, FileNotFoundError):
        return True
    if isinstance(erreur, ClientError):
        statut = erreur.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return statut == 404 or erreur.response.get("Error", {}).get("Code") in ("NoSuchKey", "404")
    return False


@contextmanager
def _pannes_traduites(operation: str, nom: str) -> Iterator[None]:
    try:
        yield
    except ERREURS_DU_STOCKAGE as erreur:
        if _introuvable(erreur):
            raise FileNotFoundError(f"Fichier absent du stockage : {nom}") from erreur
        if isinstance(erreur, OSError) and erreur.errno in ERRNO_DISQUE_PLEIN:
            # Pour l'exploitation, la cause exacte : la personne, elle, lit le message d'indisponibilité.
            logger.error(
                "Disque plein : %s de %s impossible (%r) ; libérez de la place sous MEDIA_ROOT.", operation, nom, erreur
            )
        else:
            logger.error("Stockage des fichiers indisponible (%s de %s) : %r", operation, nom, erreur)
        raise StockageIndisponible() from erreur


class _PannesNommees(Storage):
    """Chaque opération du stockage lève `StockageIndisponible` ou `FileNotFoundError`, jamais une erreur
    propre au disque ou au client S3."""

    def _open(self, name: str, mode: str = "rb") -> File:
        with _pannes_traduites("lecture", name):
            # Storage ne déclare _open et _save que dans ses sous-classes (disque, S3), qui suivent dans le MRO.
            fichier = super()._open(name, mode)  # type: ignore[misc]
            if "r" in mode:
                # Le client S3 ne télécharge le contenu qu'à la première lecture, qui aurait lieu pendant
                # l'envoi de la réponse, trop tard pour répondre 503 : il est lu ici.
                fichier.file  # noqa: B018
            return fichier

    def _save(self, name: str, content: Any) -> str:
        with _pannes_traduites("écriture", name):
            return super()._save(name, content)  # type: ignore[misc]

    def delete(self, name: str) -> None:
        with _pannes_traduites("suppression", name):
            super().delete(name)

    def exists(self, name: str) -> bool:
        with _pannes_traduites("recherche", name):
            return super().exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        with _pannes_traduites("liste", path):
            return super().listdir(path)

    def size(self, name: str) -> int:
        with _pannes_traduites("taille", name):
            return super().size(name)

    def get_modified_time(self, name: str) -> datetime:
        with _pannes_traduites("date", name):
            return super().get_modified_time(name)


# Les fichiers en cours d'écriture sur le disque local, à la racine du stockage (même disque que leur destination).
REPERTOIRE_PARTIELS = ".partiels"


class _FichierComplet(File):
    """Un contenu déjà écrit en entier dans un fichier temporaire : FileSystemStorage le déplace sous son nom
    (`os.rename`, atomique sur un même disque) au lieu de l'y écrire morceau par morceau."""

    def __init__(self, chemin: str) -> None:
        super().__init__(None, name=chemin)

    def temporary_file_path(self) -> str:
        return str(self.name)


class StockageLocal(_PannesNommees, FileSystemStorage):
    """Le système de fichiers de la machine (MEDIA_ROOT, `var/media` par défaut) : rien à installer, mais
    un seul serveur web peut le lire.

    Un fichier n'apparaît sous son nom qu'entier : FileSystemStorage écrit un contenu ordinaire directement sous
    le nom final, et un processus tué pendant l'écriture (un worker qui rend un PDF) y laisserait un fichier
    tronqué, servi ensuite comme s'il était complet. Le contenu est donc d'abord écrit dans un fichier
    temporaire de `.partiels/`, à la racine du stockage, puis déplacé sous son nom par FileSystemStorage
    lui-même (répertoires, droits, nom déjà pris). Un processus tué ne laisse qu'un fichier dans `.partiels/`,
    que personne ne demande. (Un PUT S3 est atomique de lui-même.)"""

    def _save(self, name: str, content: Any) -> str:
        with _pannes_traduites("écriture", name):
            repertoire = os.path.join(self.location, REPERTOIRE_PARTIELS)
            os.makedirs(repertoire, exist_ok=True)
            descripteur, temporaire = tempfile.mkstemp(dir=repertoire, suffix=".partiel")
            try:
                with os.fdopen(descripteur, "wb") as fichier:
                    for morceau in content.chunks():
                        fichier.write(morceau if isinstance(morceau, bytes) else morceau.encode())
                    fichier.flush()
                    # Sur le disque avant d'avoir un nom : une coupure de courant ne laisse pas un fichier vide.
                    os.fsync(fichier.fileno())
                return super()._save(name, _FichierComplet(temporaire))
            finally:
                if os.path.exists(temporaire):
                    os.unlink(temporaire)


class StockageS3(_PannesNommees, S3Storage):
    """Un stockage objet compatible S3 (Scaleway, OVHcloud, Outscale, MinIO, SeaweedFS…), partagé par tous
    les processus web et workers ; réglé par `config.settings.stockage_des_fichiers`."""


def telechargement(chemin: str, nom: str, type_mime: str) -> FileResponse:
    """Sert un fichier privé du stockage, en pièce jointe, à qui la vue appelante a déjà autorisé.

    Le fichier passe par le processus web plutôt que par une adresse signée du stockage : le navigateur ne
    reçoit jamais d'adresse valable sans contrôle des droits (ni dans l'historique, ni dans un lien partagé),
    le stockage peut rester sur un réseau privé, et une panne se voit ici (503) plutôt que dans le
    navigateur. Les fichiers servis ainsi pèsent au plus 10 Mo (pièces jointes) ou quelques Mo (PDF)."""
    try:
        fichier: IO[bytes] = default_storage.open(chemin, "rb")
    except FileNotFoundError:
        raise Http404("Ce fichier est introuvable.") from None
    return reponse_fichier(fichier, nom, type_mime)


def reponse_fichier(fichier: IO[bytes], nom: str, type_mime: str) -> FileResponse:
    """Un fichier privé déjà ouvert, envoyé en pièce jointe, jamais gardé par un cache."""
    reponse = FileResponse(fichier, as_attachment=True, filename=nom, content_type=type_mime)
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    return reponse
