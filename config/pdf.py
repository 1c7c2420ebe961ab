"""Rendu des PDF par WeasyPrint, sans aucun accès au réseau, balisés pour l'accessibilité (PDF/UA-1), et
gardés dans le stockage tant que leurs données n'ont pas changé.

Une requête ne rend jamais un PDF : chaque document est rangé sous l'empreinte des données qu'il montre
(`pdf/<document>/<empreinte>.pdf`) par une tâche de fond (file `pdf`) ; un téléchargement sert l'édition de
l'empreinte actuelle si elle existe, sinon diffère cette tâche et répond « PDF en préparation »
(`reponse_pdf`). Une édition d'une autre empreinte n'est jamais servie : les données ont changé depuis (une
contribution masquée, une personne supprimée…)."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from pydyf import PDF, Dictionary
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from config.lib.graphiques import styler_pour_pdf
from config.lib.stockage import reponse_fichier
from config.taches import echec_recent, pdf_en_attente

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


def portees_des_en_tetes(document: object, pdf: PDF) -> None:
    """Donne à chaque cellule d'en-tête (TH) de l'arbre de structure sa portée, /Scope /Row ou /Column
    (PDF/UA-1, 7.5 ; ISO 32000-1, 14.8.5.7), que WeasyPrint n'écrit pas encore (jusqu'à la 70.0 au moins :
    Kozea/WeasyPrint#2508, ouvert ; aucune option ne l'active).

    Rien n'est deviné : WeasyPrint lit déjà l'attribut HTML `scope` pour relier chaque cellule de données à ses
    en-têtes (/Headers vers l'/ID des TH), un en-tête `scope="row"` aux cellules de sa ligne, les autres à celles
    de leur colonne. Un TH cité par une cellule de sa propre ligne (même TR parent) est donc un en-tête de ligne,
    tout autre un en-tête de colonne. Une portée déjà écrite (par une version de WeasyPrint qui le fera) est
    gardée telle quelle.

    C'est le `finisher` de `HTML.write_pdf`, le crochet que WeasyPrint offre pour retoucher le PDF (objets
    pydyf) avant son écriture."""
    cellules = [
        objet
        for objet in pdf.objects
        if isinstance(objet, Dictionary) and objet.get("Type") == "/StructElem" and objet.get("S") in ("/TH", "/TD")
    ]
    en_tetes = {objet["ID"].string: objet for objet in cellules if objet["S"] == "/TH" and "ID" in objet}
    de_ligne = set()
    for cellule in cellules:
        for cle in cellule.get("A", {}).get("Headers", ()):
            en_tete = en_tetes.get(cle.string)
            if en_tete is not None and en_tete.get("P") == cellule.get("P"):
                de_ligne.add(id(en_tete))
    for cellule in cellules:
        if cellule["S"] == "/TH":
            attributs = cellule.setdefault("A", Dictionary({"O": "/Table"}))
            attributs.setdefault("Scope", "/Row" if id(cellule) in de_ligne else "/Column")


def html_en_pdf(html: str) -> bytes:
    """Le PDF/UA de `html` ; ses graphiques y reçoivent chacun la feuille de style commune (WeasyPrint ne lit, pour
    un SVG, que les styles qu'il contient)."""
    html = styler_pour_pdf(html)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=RecuperateurLocal()).write_pdf(
        pdf_variant="pdf/ua-1", finisher=portees_des_en_tetes
    )


def rendre_pdf(gabarit: str, contexte: dict) -> bytes:
    return html_en_pdf(render_to_string(gabarit, contexte))


def chemin_pdf(nom: str, empreinte: str) -> str:
    """Chaque document a son répertoire (`pdf/<nom>/`) : retrouver ou retirer ses éditions ne liste que
    lui, pas les milliers de PDF d'un stockage objet."""
    return f"pdf/{nom}/{empreinte}.pdf"


@contextmanager
def lecture_coherente() -> Iterator[None]:
    """Les lectures du bloc voient toutes la base au même instant (transaction REPEATABLE READ) : l'empreinte
    d'un document et les données rendues ne peuvent pas venir de deux états différents. Dans une transaction
    déjà ouverte (un test), ses lectures restent celles de cette transaction."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as curseur:
            curseur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def edition(nom: str, empreinte: str) -> IO[bytes] | None:
    """L'édition du document `nom` rendue pour `empreinte`, ouverte, ou None si elle ne l'est pas (encore)."""
    try:
        return default_storage.open(chemin_pdf(nom, empreinte), "rb")
    except FileNotFoundError:
        return None


def edition_existe(nom: str, empreinte: str) -> bool:
    return default_storage.exists(chemin_pdf(nom, empreinte))


def ranger_edition(nom: str, empreinte: str, contenu: bytes) -> None:
    """Range l'édition rendue pour `empreinte` (d'un seul coup : jamais un fichier à moitié écrit sous son
    nom, voir `config.lib.stockage.StockageLocal`), puis retire les anciennes, qui ne seront plus servies."""
    default_storage.save(chemin_pdf(nom, empreinte), ContentFile(contenu))
    retirer_pdf(nom, garder=empreinte)


def reponse_pdf(
    request: HttpRequest,
    *,
    nom: str,
    empreinte: str,
    nom_fichier: str,
    preparer: Callable[[], object],
    verrou: str,
    retour: dict[str, str] | None = None,
) -> HttpResponse:
    """Le téléchargement d'un PDF : l'édition des données actuelles si elle est rendue ; sinon `preparer()`
    diffère son rendu (une seule tâche par document, même si plusieurs personnes le demandent) et la page
    « PDF en préparation » (202) invite à revenir, par un bouton qui redemande la même adresse (aucun
    rechargement automatique). `retour` : la page d'où vient le lien (`url`, `titre`).

    Si la dernière tâche de `verrou` (celui de `preparer`) vient d'échouer, rien n'est redemandé pendant
    PDF_PAUSE_APRES_ECHEC_MINUTES (config.taches.echec_recent) et la même page dit que le document n'a pas pu
    être préparé (503).

    Un visiteur anonyme ne fait rien rendre quand la file `pdf` est déjà chargée
    (`PDF_EN_ATTENTE_MAX_ANONYMES`) : la page lui demande de revenir plus tard (503, `Retry-After`)."""
    fichier = edition(nom, empreinte)
    if fichier is not None:
        return reponse_fichier(fichier, nom_fichier, "application/pdf")
    echec = echec_recent(verrou)
    file_pleine = (
        not echec and not request.user.is_authenticated and pdf_en_attente() >= settings.PDF_EN_ATTENTE_MAX_ANONYMES
    )
    if not echec and not file_pleine:
        preparer()
    contexte = {"nom_fichier": nom_fichier, "retour": retour, "echec": echec, "file_pleine": file_pleine}
    reponse = render(request, "pdf_en_preparation.html", contexte, status=503 if echec or file_pleine else 202)
    reponse["Cache-Control"] = "no-store"
    if file_pleine:
        reponse["Retry-After"] = "300"
    return reponse


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
