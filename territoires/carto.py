"""Dessin des périmètres en SVG, côté serveur : aucune bibliothèque ni tuile, réutilisable dans les PDF.

Projection équirectangulaire corrigée par le cosinus de la latitude moyenne : à l'échelle d'un quartier ou
d'une intercommunalité, les formes restent fidèles.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

LARGEUR = 1000.0
MARGE = 0.04


@dataclass(frozen=True)
class Forme:
    code: str
    nom: str
    chemin: str
    url: str


@dataclass(frozen=True)
class Carte:
    viewbox: str
    formes: list[Forme]

    @property
    def noms(self) -> str:
        return ", ".join(forme.nom for forme in self.formes)


@dataclass(frozen=True)
class Perimetre:
    code: str
    nom: str
    geometrie: dict
    emprise: list[float]
    url: str = ""


def _anneaux(geometrie: dict) -> Iterable[list]:
    coordonnees = geometrie.get("coordinates") or []
    polygones = [coordonnees] if geometrie.get("type") == "Polygon" else coordonnees
    for polygone in polygones:
        yield from polygone


def dessiner(perimetres: Iterable[Perimetre]) -> Carte | None:
    """La carte des périmètres donnés, ou None s'il n'y en a aucun."""
    perimetres = [p for p in perimetres if p.geometrie and p.emprise]
    if not perimetres:
        return None
    lon_min = min(p.emprise[0] for p in perimetres)
    lat_min = min(p.emprise[1] for p in perimetres)
    lon_max = max(p.emprise[2] for p in perimetres)
    lat_max = max(p.emprise[3] for p in perimetres)
    cosinus = math.cos(math.radians((lat_min + lat_max) / 2))
    etendue_x = max((lon_max - lon_min) * cosinus, 1e-6)
    etendue_y = max(lat_max - lat_min, 1e-6)
    echelle = LARGEUR * (1 - 2 * MARGE) / max(etendue_x, etendue_y)
    largeur = etendue_x * echelle / (1 - 2 * MARGE)
    hauteur = etendue_y * echelle / (1 - 2 * MARGE)
    decalage_x = (largeur - etendue_x * echelle) / 2
    decalage_y = (hauteur - etendue_y * echelle) / 2

    def point(lon: float, lat: float) -> str:
        x = decalage_x + (lon - lon_min) * cosinus * echelle
        y = decalage_y + (lat_max - lat) * echelle
        return f"{x:.1f} {y:.1f}"

    formes = []
    for perimetre in perimetres:
        morceaux = []
        for anneau in _anneaux(perimetre.geometrie):
            points = [point(lon, lat) for lon, lat, *_ in anneau]
            if len(points) >= 3:
                morceaux.append("M" + " L".join(points) + " Z")
        formes.append(Forme(perimetre.code, perimetre.nom, " ".join(morceaux), perimetre.url))
    return Carte(viewbox=f"0 0 {largeur:.0f} {hauteur:.0f}", formes=formes)


def carte_des_qpv(qpvs: Iterable) -> Carte | None:
    """La carte des périmètres d'une suite de QPV (modèles chargés avec `perimetre` et `emprise`)."""
    return dessiner(Perimetre(q.code, q.nom, q.perimetre, q.emprise, q.get_absolute_url()) for q in qpvs if q.perimetre)
