"""Graphiques accessibles, en SVG rendu côté serveur : barres, lignes, petits multiples.

Le même SVG sert dans les pages et dans les PDF (WeasyPrint) : aucun JavaScript, rien de chargé de l'extérieur,
un titre (`<title>`, que WeasyPrint porte en texte de remplacement /Alt de la figure) et un résumé (`<desc>`),
`role="img"` et `aria-labelledby` pour les lecteurs d'écran. Un graphique ne se montre jamais sans le tableau de
ses données : le gabarit `graphiques/graphique.html` pose le graphique, son résumé et ce tableau ; le résumé dit
en une phrase ce que le graphique montre.

Dessin par pygal : du SVG seul, écrit en Python sans navigateur, avec barres groupées, lignes, légende, axes et
styles (leather, plus simple, n'a pas de barres groupées ; matplotlib dessine le texte en chemins, sans
structure). pygal ajoute toujours à ses SVG un script de configuration et, par défaut, des liens vers ses scripts
d'infobulles sur un site extérieur : les liens sont coupés (`js=[]`), le script retiré, avec les données
d'infobulles qu'il lisait ; les commentaires (qui citent des adresses) tombent à la relecture du SVG.

Le style : pygal écrit dans chaque SVG quelque 6 Ko de CSS (les mêmes règles, préfixées par l'identifiant du
graphique) ; une page de petits multiples en répétait 60. Les SVG gardés n'ont plus de style : la même feuille,
`feuille_de_style()` (les règles de pygal pour nos couleurs, visant la classe `pygal-chart`), est servie une fois,
en fichier statique (static/coville/graphiques.css, lié par layout/base.html ; `python -m config.lib.graphiques`
le réécrit, un test vérifie qu'il est à jour). WeasyPrint ne lit, pour un SVG, que les `<style>` qu'il contient :
`styler_pour_pdf(html)` (appelé par config/pdf.py) y remet cette feuille, et le graphique d'un PDF garde son
apparence.

Les dessins sont gardés dans la mémoire du processus (les plus récents), puis dans le cache `graphiques`
(partagé par les processus d'une machine, sur disque ; réglages) : un graphique déjà dessiné par un autre
processus, ou avant un redémarrage, n'est pas redessiné.

    barres("Montants décidés", "En 2026, l'État…", [Serie("État", [Decimal("1000"), …])], ["2025", "2026"])
    Graphique("barres", "Montants décidés", …)  # avec les données du tableau, pour graphiques/graphique.html
"""

import hashlib
import html as html_module
import logging
import re
import threading
import xml.etree.ElementTree as ET  # nosec B405 # le SVG relu vient de pygal, dans ce processus, jamais d'ailleurs
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Literal

import pygal  # type: ignore[import-untyped]
from django.core.cache import caches
from django.utils.html import format_html
from django.utils.safestring import SafeString
from pygal.etree import etree as etree_pygal  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)

Valeur = Decimal | int | float | None
Format = Callable[[Valeur], str]
Genre = Literal["barres", "lignes", "petits_multiples"]

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

# Couleurs illustratives du DSFR, contrastées sur fond blanc (bleu France d'abord).
COULEURS = ("#000091", "#c9191e", "#18753c", "#b34000", "#6e445a", "#695240", "#3a3a3a", "#a558a0")

STYLE = Style(
    font_family="Marianne, Arial, sans-serif",
    background="transparent",
    plot_background="transparent",
    foreground="#161616",
    foreground_strong="#161616",
    foreground_subtle="#666666",
    opacity="1",
    opacity_hover="1",
    transition="none",
    colors=COULEURS,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    value_font_size=11,
)


def nombre(valeur: Valeur) -> str:
    """2000 → « 2 000 », 1234567.5 → « 1 234 567,50 » (espace fine insécable entre les milliers) ; une valeur
    absente → « — »."""
    if valeur is None:
        return "—"
    nombre_decimal = Decimal(str(valeur))
    decimales = 0 if nombre_decimal == nombre_decimal.to_integral_value() else 2
    return f"{nombre_decimal:,.{decimales}f}".replace(",", "\u202f").replace(".", ",")


def euros_arrondis(valeur: Valeur) -> str:
    """Un montant à l'euro près, pour les axes : « 12 000 € »."""
    return "—" if valeur is None else f"{nombre(Decimal(str(valeur)).quantize(Decimal('1')))} €"


@dataclass(frozen=True)
class Serie:
    """Une série de valeurs, une par étiquette (année, territoire…) ; None : pas de valeur."""

    nom: str
    valeurs: Sequence[Valeur]


def _identifiant(*parties: object) -> str:
    """Un identifiant stable tiré des données et des options (une fonction de format par son nom) : le même
    graphique donne le même SVG, d'un processus à l'autre (et le même PDF)."""
    lisibles = [getattr(partie, "__qualname__", partie) if callable(partie) else partie for partie in parties]
    return "graphique-" + hashlib.sha256(repr(lisibles).encode()).hexdigest()[:12]


# Les derniers graphiques dessinés, par identifiant : pygal met une dizaine de millisecondes à dessiner un petit
# graphique, qu'une page redemande à chaque affichage tant que ses données ne changent pas. Sans style, un petit
# graphique pèse 4 Ko : 2 048 dessins (une trentaine de pages de 60 petits multiples), une dizaine de Mo.
_DESSINS: OrderedDict[str, SafeString] = OrderedDict()
_DESSINS_MAXIMUM = 2048
_VERROU = threading.Lock()
CACHE = "graphiques"
# Une version de la forme des dessins : la changer écarte ceux qu'un autre code a gardés dans le cache partagé.
VERSION_DESSINS = 3


def _memorise(identifiant: str, dessiner: Callable[[], SafeString]) -> SafeString:
    with _VERROU:
        if identifiant in _DESSINS:
            _DESSINS.move_to_end(identifiant)
            return _DESSINS[identifiant]
    cache = caches[CACHE]
    garde = cache.get(identifiant, version=VERSION_DESSINS)
    if garde is not None:
        dessin = SafeString(garde)  # nosec B703 # écrit par _accessible, dans ce cache réservé aux dessins
    else:
        dessin = dessiner()
        try:
            cache.set(identifiant, str(dessin), timeout=None, version=VERSION_DESSINS)
        except OSError:  # un dossier de cache plein ou en lecture seule : la page s'affiche, le dessin sera refait
            logger.warning("Cache des graphiques : dessin non gardé", exc_info=True)
    with _VERROU:
        _DESSINS[identifiant] = dessin
        while len(_DESSINS) > _DESSINS_MAXIMUM:
            _DESSINS.popitem(last=False)
    return dessin


def _flottants(valeurs: Sequence[Valeur]) -> list[float | None]:
    return [None if v is None else float(v) for v in valeurs]


def _configuration(format_axe: Format, largeur: int, hauteur: int, legende: bool) -> dict:
    return {
        "style": STYLE,
        "js": [],  # aucun lien vers les scripts d'infobulles de pygal
        "css": [],  # le style est commun (feuille_de_style) : pygal ne prépare que sa base, retirée du SVG
        "no_prefix": True,
        "disable_xml_declaration": True,
        "width": largeur,
        "height": hauteur,
        "show_legend": legende,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "truncate_legend": 40,
        "value_formatter": format_axe,
        "margin_bottom": 24 if legende else 8,
        "print_values": False,
    }


# Les attributs de position : pygal y écrit jusqu'à seize décimales ; deux suffisent à l'écran comme au PDF.
COORDONNEES = frozenset({"x", "y", "cx", "cy", "d", "transform", "width", "height", "points"})
_DECIMALES = re.compile(r"(\d+\.\d{2})\d+")


def _arrondi(nombre: re.Match) -> str:
    return nombre.group(1).rstrip("0").rstrip(".")


def _accessible(racine: Any, identifiant: str, titre: str, resume: str) -> SafeString:
    """Le SVG de pygal (son arbre, lxml ou ElementTree selon pygal : jamais relu d'un texte) sans commentaire,
    script, style ni données d'infobulles, avec son titre, son résumé et son rôle d'image."""
    for parent in list(racine.iter()):
        for enfant in list(parent):
            if not isinstance(enfant.tag, str):  # les commentaires, qui citent des adresses
                parent.remove(enfant)
                continue
            balise = enfant.tag.rsplit("}", 1)[-1]
            classes = enfant.get("class", "").split()
            if (
                balise in ("script", "style", "title")  # les titres : « Pygal », et les infobulles des axes
                or (balise == "desc" and classes)
                or "tooltip-overlay" in classes
                or (parent is racine and balise == "defs")
            ):
                parent.remove(enfant)
                continue
            if enfant.get("id", "").startswith("activate-serie"):
                del enfant.attrib["id"]  # les mêmes dans chaque graphique : doublons dans une page
            for nom in COORDONNEES.intersection(enfant.keys()):
                enfant.set(nom, _DECIMALES.sub(_arrondi, enfant.get(nom)))
    racine.set("id", identifiant)
    racine.set("role", "img")
    racine.set("aria-labelledby", f"{identifiant}-titre {identifiant}-resume")
    # Le titre d'abord : WeasyPrint prend le premier <title> enfant du SVG comme texte de remplacement. Sans espace
    # de noms, comme les éléments de pygal : ils sont dans celui du SVG, déclaré par défaut sur la racine.
    element_titre = racine.makeelement("title", {"id": f"{identifiant}-titre"})
    element_titre.text = titre
    element_resume = racine.makeelement("desc", {"id": f"{identifiant}-resume"})
    element_resume.text = resume
    racine.insert(0, element_resume)
    racine.insert(0, element_titre)
    html = etree_pygal.tostring(racine, encoding="unicode")
    return SafeString(html)  # nosec B703 # sérialisé par lxml ou ElementTree, qui échappent les textes


CLASSE = "pygal-chart"  # la classe que pygal donne à chaque SVG, qui porte la feuille de style commune
# Les couleurs des séries au-delà de COULEURS : pygal en dérive d'autres ; la feuille en prévoit ce nombre.
SERIES_STYLEES = 3 * len(COULEURS)


def _feuille_de_style() -> str:
    """Les règles CSS de pygal (base, style, graphiques) pour STYLE et SERIES_STYLEES séries, visant la classe
    commune plutôt que l'identifiant d'un graphique."""
    graphique = pygal.Line(style=STYLE, js=[], no_prefix=False)
    for rang in range(SERIES_STYLEES):
        graphique.add(str(rang), [1])
    racine = ET.fromstring(graphique.render(is_unicode=True))  # nosec B314 # voir l'import
    prefixe = "#" + racine.get("id", "")
    texte = "\n".join(element.text or "" for element in racine.iter(f"{{{SVG}}}style"))
    return texte.replace(prefixe, f".{CLASSE}").strip() + "\n"


_FEUILLE: list[str] = []


def feuille_de_style() -> str:
    """La feuille de style commune des graphiques (calculée une fois par processus)."""
    if not _FEUILLE:
        _FEUILLE.append(_feuille_de_style())
    return _FEUILLE[0]


_OUVERTURE_SVG = re.compile(rf'<svg\b[^>]*\bclass="{CLASSE}"[^>]*>')


def styler_pour_pdf(html: str) -> str:
    """`html` où chaque graphique porte la feuille commune dans un `<style>` à lui : WeasyPrint ne lit, pour un
    SVG, que les styles qu'il contient."""
    style = f'<style type="text/css">{html_module.escape(feuille_de_style(), quote=False)}</style>'
    return _OUVERTURE_SVG.sub(lambda ouverture: ouverture.group(0) + style, html)


def _dessiner(
    graphique: pygal.graph.graph.Graph,
    identifiant: str,
    titre: str,
    resume: str,
    series: Sequence[Serie],
    etiquettes: Sequence[str],
) -> SafeString:
    graphique.x_labels = list(etiquettes)
    for serie in series:
        graphique.add(serie.nom, _flottants(serie.valeurs))
    return _accessible(graphique.render_tree(), identifiant, titre, resume)


def barres(
    titre: str,
    resume: str,
    series: Sequence[Serie],
    etiquettes: Sequence[str],
    *,
    format_axe: Format = nombre,
    horizontales: bool = False,
    largeur: int = 640,
    hauteur: int = 300,
) -> SafeString:
    """Un graphique en barres (verticales, ou horizontales), groupées par étiquette quand il y a plusieurs
    séries."""
    identifiant = _identifiant("barres", titre, resume, series, etiquettes, format_axe, horizontales, largeur, hauteur)
    classe = pygal.HorizontalBar if horizontales else pygal.Bar
    configuration = _configuration(format_axe, largeur, hauteur, legende=len(series) > 1)
    return _memorise(
        identifiant,
        lambda: _dessiner(classe(**configuration), identifiant, titre, resume, series, etiquettes),
    )


def lignes(
    titre: str,
    resume: str,
    series: Sequence[Serie],
    etiquettes: Sequence[str],
    *,
    format_axe: Format = nombre,
    largeur: int = 640,
    hauteur: int = 300,
    etendue: tuple[float, float] | None = None,
) -> SafeString:
    """Un graphique en lignes, une par série ; `etendue` fixe l'axe des valeurs (min, max)."""
    identifiant = _identifiant("lignes", titre, resume, series, etiquettes, format_axe, largeur, hauteur, etendue)
    return _lignes(identifiant, titre, lambda: resume, series, etiquettes, format_axe, largeur, hauteur, etendue)


def _lignes(
    identifiant: str,
    titre: str,
    resume: Callable[[], str],
    series: Sequence[Serie],
    etiquettes: Sequence[str],
    format_axe: Format,
    largeur: int,
    hauteur: int,
    etendue: tuple[float, float] | None,
    **options: Any,
) -> SafeString:
    """`lignes` sous un identifiant déjà tiré des données ; le résumé n'est écrit que pour dessiner."""
    configuration = _configuration(format_axe, largeur, hauteur, legende=len(series) > 1) | options
    if etendue is not None:
        configuration["range"] = etendue
    return _memorise(
        identifiant,
        lambda: _dessiner(
            pygal.Line(dots_size=3, allow_interruptions=True, **configuration),
            identifiant,
            titre,
            resume(),
            series,
            etiquettes,
        ),
    )


# Un petit graphique (150 px de haut) se lit avec quatre graduations au plus, pas sept : moins à dessiner et à
# envoyer, la même échelle pour tous (pygal la tire de l'étendue commune).
GRADUATIONS_PETITS = 4


def _resume_serie(serie: Serie, etiquettes: Sequence[str], format_valeur: Format) -> str:
    return ", ".join(f"{e} : {format_valeur(v)}" for e, v in zip(etiquettes, serie.valeurs, strict=True)) + "."


def petits_multiples(
    titre: str,
    resume: str,
    series: Sequence[Serie],
    etiquettes: Sequence[str],
    *,
    format_axe: Format = nombre,
    format_valeur: Format = nombre,
    largeur: int = 240,
    hauteur: int = 150,
) -> SafeString:
    """Une petite courbe par série, toutes sur la même échelle (c'est ce qui permet de les comparer d'un coup
    d'œil), côte à côte dans un groupe nommé par `titre` ; chacune a son titre (la série) et son résumé (ses
    valeurs)."""
    valeurs = [float(v) for serie in series for v in serie.valeurs if v is not None]
    etendue = (min(0.0, *valeurs), max(valeurs)) if valeurs else None
    # Chaque petit graphique sous un identifiant tiré de ce qui fait son titre et son résumé (la série, ses
    # étiquettes, le format des valeurs) : déjà dessiné, il se retrouve sans écrire son résumé.
    dessins = [
        _lignes(
            _identifiant(
                "petit",
                titre,
                serie,
                etiquettes,
                format_axe,
                format_valeur,
                largeur,
                hauteur,
                etendue,
                GRADUATIONS_PETITS,
            ),
            f"{titre} : {serie.nom}",
            partial(_resume_serie, serie, etiquettes, format_valeur),
            [serie],
            etiquettes,
            format_axe,
            largeur,
            hauteur,
            etendue,
            max_scale=GRADUATIONS_PETITS,
        )
        for serie in series
    ]
    identifiant = _identifiant("petits_multiples", titre, resume, series, etiquettes, format_axe, format_valeur)
    svg = SafeString("".join(dessins))  # nosec B703 # des SVG déjà sûrs (`lignes`)
    return format_html(
        '<div class="petits-multiples" role="group" aria-label="{}" id="{}">{}</div>',
        f"{titre}. {resume}",
        identifiant,
        svg,
    )


@dataclass(frozen=True)
class Graphique:
    """Un graphique et ses données, pour `{% include "graphiques/graphique.html" with graphique=… %}` : le SVG,
    son titre, son résumé et le tableau des valeurs (une ligne par série, une colonne par étiquette)."""

    genre: Genre
    titre: str
    resume: str
    series: Sequence[Serie]
    etiquettes: Sequence[str]
    format_valeur: Format = nombre
    format_axe: Format = nombre
    entete_series: str = "Série"

    @property
    def svg(self) -> SafeString:
        if self.genre == "petits_multiples":
            return petits_multiples(
                self.titre,
                self.resume,
                self.series,
                self.etiquettes,
                format_axe=self.format_axe,
                format_valeur=self.format_valeur,
            )
        dessin = barres if self.genre == "barres" else lignes
        return dessin(self.titre, self.resume, self.series, self.etiquettes, format_axe=self.format_axe)

    @property
    def lignes_tableau(self) -> list[tuple[str, list[str]]]:
        return [(serie.nom, [self.format_valeur(v) for v in serie.valeurs]) for serie in self.series]


if __name__ == "__main__":  # python -m config.lib.graphiques > static/coville/graphiques.css
    print(feuille_de_style(), end="")
