"""Rendu des PDF par WeasyPrint, sans aucun accès au réseau, balisés pour l'accessibilité (PDF/UA-1), et
gardés dans le stockage tant que leurs données n'ont pas changé."""

import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)

# Adresse fictive servant de base aux URL des gabarits PDF : `{% static %}` y donne des chemins que le
# récupérateur résout dans les fichiers statiques locaux.
BASE_URL = "https://coville.invalid/"


def fichier_statique(nom: str) -> str | None:
    """Le fichier local d'un nom de fichier statique, tel quel ou versionné.

    En production, le stockage des fichiers statiques (WhiteNoise, à manifeste) fait donner à `{% static %}`
    des noms versionnés par leur contenu (`Marianne-Regular.1a2b3c4d5e6f.woff2`) que les chercheurs de
    fichiers statiques ne connaissent pas : le manifeste ramène un tel nom à son original."""
    chemin = finders.find(nom)
    if chemin:
        return chemin
    versionnes = getattr(staticfiles_storage, "hashed_files", None) or {}
    originaux = {versionne: original for original, versionne in versionnes.items()}
    if nom in originaux:
        return finders.find(originaux[nom])
    return None


class RecuperateurLocal(URLFetcher):
    """Ne sert que les fichiers statiques du projet et les URI `data:` ; refuse tout le reste."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefixe = BASE_URL + settings.STATIC_URL.lstrip("/")
        if url.startswith(prefixe):
            chemin = fichier_statique(unquote(url.removeprefix(prefixe).split("?")[0].split("#")[0]))
            if chemin:
                return super().fetch(Path(chemin).as_uri(), headers)
        logger.warning("PDF : ressource refusée (hors des fichiers statiques locaux) : %s", url)
        raise ValueError(f"Ressource refusée, WeasyPrint ne lit que les fichiers statiques locaux : {url}")


def html_en_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=RecuperateurLocal()).write_pdf(pdf_variant="pdf/ua-1")


def rendre_pdf(gabarit: str, contexte: dict) -> bytes:
    return html_en_pdf(render_to_string(gabarit, contexte))


def chemin_pdf(nom: str, empreinte: str) -> str:
    """Chaque document a son répertoire (`pdf/<nom>/`) : retrouver ou retirer ses éditions ne liste que
    lui, pas les milliers de PDF d'un stockage objet."""
    return f"pdf/{nom}/{empreinte}.pdf"


def pdf_en_cache(nom: str, empreinte: str, fabriquer: Callable[[], bytes]) -> bytes:
    """Rend le PDF `nom` une seule fois par `empreinte` (calculée par l'appelant à partir des données) et
    le garde dans le stockage : un PDF dont les données n'ont pas changé n'est pas rendu à nouveau."""
    chemin = chemin_pdf(nom, empreinte)
    try:
        with default_storage.open(chemin, "rb") as fichier:
            return fichier.read()
    except FileNotFoundError:
        pass
    contenu = fabriquer()
    default_storage.save(chemin, ContentFile(contenu))
    return contenu


def retirer_pdf(nom: str, garder: str | None = None) -> None:
    """Retire du stockage les éditions du document `nom`, sauf celle de l'empreinte `garder`."""
    repertoire = f"pdf/{nom}"
    try:
        _, fichiers = default_storage.listdir(repertoire)
    except FileNotFoundError:
        return
    for fichier in fichiers:
        if garder is None or fichier != f"{garder}.pdf":
            default_storage.delete(f"{repertoire}/{fichier}")
