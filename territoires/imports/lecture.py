"""Lecture et validation des fichiers officiels, avant toute écriture.

Chaque lecteur rend des tuples prêts pour COPY (la dernière valeur est la position dans le fichier, pour
les messages d'erreur) et lève `ErreurImport` en nommant le fichier, la ligne ou l'entité et le problème.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from config.lib import tableurs
from territoires.codes import (
    est_code_commune,
    est_code_departement,
    est_code_qpv,
    est_code_region,
    est_siren,
)
from territoires.imports.erreurs import ErreurImport, Erreurs
from territoires.models import NatureEpci, Zone


def _nom_fichier(chemin: Path) -> str:
    return f"{chemin.parent.name}/{chemin.name}" if chemin.parent.name == "decoupage-administratif" else chemin.name


def _octets(chemin: Path) -> bytes:
    try:
        return chemin.read_bytes()
    except FileNotFoundError:
        raise ErreurImport(_nom_fichier(chemin), ["fichier introuvable"]) from None
    except OSError as erreur:
        raise ErreurImport(_nom_fichier(chemin), [f"lecture impossible ({erreur.strerror})"]) from None


def _texte(chemin: Path) -> str:
    donnees = _octets(chemin)
    try:
        return tableurs.decoder(donnees, ["utf-8-sig"])
    except UnicodeDecodeError as erreur:
        raise ErreurImport(
            _nom_fichier(chemin),
            [
                f"ligne {tableurs.ligne_de(donnees, erreur.start)} : le fichier n'est pas encodé en UTF-8 "
                "(Latin-1 ou Windows-1252 ?) ; enregistrez-le en UTF-8"
            ],
        ) from None


def _json(chemin: Path):
    try:
        return json.loads(_texte(chemin))
    except json.JSONDecodeError as erreur:
        raise ErreurImport(
            _nom_fichier(chemin),
            [f"ligne {erreur.lineno} : ce n'est pas un fichier JSON valide ({erreur.msg}, colonne {erreur.colno})"],
        ) from None


def _liste_d_objets(chemin: Path, attendu: str) -> list[dict]:
    donnees = _json(chemin)
    if not isinstance(donnees, list) or not all(isinstance(element, dict) for element in donnees):
        raise ErreurImport(
            _nom_fichier(chemin), [f"format inattendu : une liste d'objets JSON était attendue ({attendu})"]
        )
    return donnees


def _manquantes(element: dict, cles: tuple[str, ...]) -> list[str]:
    return [cle for cle in cles if element.get(cle) in (None, "")]


def _signaler_manquantes(erreurs: Erreurs, position: int, manquantes: list[str]) -> None:
    pluriel = "s" if len(manquantes) > 1 else ""
    erreurs.ajouter(position, f"propriété{pluriel} manquante{pluriel} : {', '.join(manquantes)}")


def _entier(valeur, erreurs: Erreurs, position: int, quoi: str) -> int | None:
    if valeur in (None, ""):
        return None
    try:
        nombre = int(valeur)
    except (TypeError, ValueError):
        erreurs.ajouter(position, f"{quoi} « {valeur} » n'est pas un nombre entier")
        return None
    if nombre < 0:
        erreurs.ajouter(position, f"{quoi} « {valeur} » est négative")
        return None
    return nombre


def _doublon(vus: dict, code: str, position: int, erreurs: Erreurs, quoi: str) -> bool:
    if code in vus:
        erreurs.ajouter(position, f"{quoi} « {code} » en double (déjà en {erreurs.unite} {vus[code]})")
        return True
    vus[code] = position
    return False


# --- decoupage-administratif (Etalab) ---------------------------------------------------------------


def lire_regions(chemin: Path) -> list[tuple]:
    erreurs = Erreurs(_nom_fichier(chemin), "élément")
    lignes, vus = [], {}
    for position, element in enumerate(_liste_d_objets(chemin, "regions.json de decoupage-administratif"), 1):
        if manquantes := _manquantes(element, ("code", "nom")):
            _signaler_manquantes(erreurs, position, manquantes)
            continue
        code, zone = str(element["code"]), element.get("zone") or Zone.METRO
        if not est_code_region(code):
            erreurs.ajouter(position, f"code de région « {code} » invalide")
        elif zone not in Zone.values:
            erreurs.ajouter(position, f"zone « {zone} » inconnue (attendu : {', '.join(Zone.values)})")
        elif not _doublon(vus, code, position, erreurs, "code de région"):
            lignes.append((code, element["nom"], zone, position))
    erreurs.lever_s_il_y_en_a()
    return lignes


def lire_departements(chemin: Path) -> list[tuple]:
    erreurs = Erreurs(_nom_fichier(chemin), "élément")
    lignes, vus = [], {}
    for position, element in enumerate(_liste_d_objets(chemin, "departements.json de decoupage-administratif"), 1):
        if manquantes := _manquantes(element, ("code", "nom", "region")):
            _signaler_manquantes(erreurs, position, manquantes)
            continue
        code, region, zone = str(element["code"]), str(element["region"]), element.get("zone") or Zone.METRO
        if not est_code_departement(code):
            erreurs.ajouter(position, f"code de département « {code} » invalide")
        elif not est_code_region(region):
            erreurs.ajouter(position, f"code de région « {region} » invalide")
        elif zone not in Zone.values:
            erreurs.ajouter(position, f"zone « {zone} » inconnue (attendu : {', '.join(Zone.values)})")
        elif not _doublon(vus, code, position, erreurs, "code de département"):
            lignes.append((code, element["nom"], region, zone, position))
    erreurs.lever_s_il_y_en_a()
    return lignes


@dataclass
class Groupements:
    """Les EPCI (ou EPT) lus, et l'appartenance de chaque commune (code INSEE → SIREN)."""

    lignes: list[tuple] = field(default_factory=list)
    membres: dict[str, str] = field(default_factory=dict)


def lire_epci(chemin: Path, ept: bool = False) -> Groupements:
    erreurs = Erreurs(_nom_fichier(chemin), "élément")
    resultat, vus, membres_vus = Groupements(), {}, {}
    natures = [NatureEpci.EPT] if ept else [n for n in NatureEpci.values if n != NatureEpci.EPT]
    attendu = "ept.json" if ept else "epci.json"
    for position, element in enumerate(_liste_d_objets(chemin, f"{attendu} de decoupage-administratif"), 1):
        if manquantes := _manquantes(element, ("code", "nom", "type")):
            _signaler_manquantes(erreurs, position, manquantes)
            continue
        siren, nature = str(element["code"]), element["type"]
        if not est_siren(siren):
            erreurs.ajouter(position, f"SIREN « {siren} » invalide")
            continue
        if nature not in natures:
            erreurs.ajouter(position, f"nature « {nature} » inconnue (attendu : {', '.join(natures)})")
            continue
        if _doublon(vus, siren, position, erreurs, "SIREN"):
            continue
        membres = element.get("membres") or []
        if not isinstance(membres, list):
            erreurs.ajouter(position, "« membres » doit être une liste")
            continue
        for membre in membres:
            code = str(membre.get("code", "")) if isinstance(membre, dict) else ""
            if not est_code_commune(code):
                erreurs.ajouter(position, f"membre : code commune « {code} » invalide")
            elif code in membres_vus:
                erreurs.ajouter(position, f"la commune {code} appartient déjà à l'EPCI {membres_vus[code]}")
            else:
                membres_vus[code] = siren
        population = _entier(element.get("populationMunicipale"), erreurs, position, "population")
        resultat.lignes.append(
            (siren, element["nom"], nature, element.get("modeFinancement") or "", population, False, position)
        )
    erreurs.lever_s_il_y_en_a()
    resultat.membres = membres_vus
    return resultat


TYPES_ANCIENNES_COMMUNES = {"commune-deleguee", "commune-associee"}


@dataclass
class Communes:
    lignes: list[tuple] = field(default_factory=list)
    actuelles: set[str] = field(default_factory=set)
    # code disparu → code de la commune qui l'a remplacé (anciensCodes, chefLieu des communes déléguées)
    successeurs: dict[str, str] = field(default_factory=dict)


def lire_communes(chemin: Path, epci: dict[str, str], ept: dict[str, str]) -> Communes:
    """Les communes actuelles, et les communes déléguées ou associées dont le code a disparu (obsolètes)."""
    erreurs = Erreurs(_nom_fichier(chemin), "élément")
    resultat, vus = Communes(), {}
    elements = _liste_d_objets(chemin, "communes.json de decoupage-administratif")
    anciennes = []
    for position, element in enumerate(elements, 1):
        if manquantes := _manquantes(element, ("code", "nom", "type", "departement")):
            _signaler_manquantes(erreurs, position, manquantes)
            continue
        code, departement, type_ = str(element["code"]), str(element["departement"]), element["type"]
        if not est_code_commune(code):
            erreurs.ajouter(position, f"code INSEE « {code} » invalide (5 caractères : 01053, 2A004…)")
            continue
        if not est_code_departement(departement):
            erreurs.ajouter(position, f"code de département « {departement} » invalide")
            continue
        if type_ in TYPES_ANCIENNES_COMMUNES:
            chef_lieu = str(element.get("chefLieu") or "")
            if not est_code_commune(chef_lieu):
                erreurs.ajouter(position, f"commune déléguée ou associée {code} : chef-lieu « {chef_lieu} » invalide")
            else:
                anciennes.append((code, element["nom"], departement, chef_lieu, position))
            continue
        if type_ != "commune-actuelle":
            continue  # arrondissements municipaux : hors du référentiel des communes
        if _doublon(vus, code, position, erreurs, "code INSEE"):
            continue
        siren = str(element.get("siren") or "")
        if siren and not est_siren(siren):
            erreurs.ajouter(position, f"SIREN « {siren} » invalide")
            continue
        codes_postaux = element.get("codesPostaux") or []
        if not isinstance(codes_postaux, list) or not all(
            isinstance(cp, str) and len(cp) == 5 and cp.isdigit() for cp in codes_postaux
        ):
            erreurs.ajouter(position, f"codes postaux « {codes_postaux} » invalides")
            continue
        population = _entier(element.get("population"), erreurs, position, "population")
        for ancien in element.get("anciensCodes") or []:
            resultat.successeurs[str(ancien)] = code
        resultat.actuelles.add(code)
        resultat.lignes.append(
            (
                code,
                element["nom"],
                departement,
                epci.get(code),
                ept.get(code),
                population,
                codes_postaux,
                siren,
                False,
                None,
                position,
            )
        )
    deja = set(resultat.actuelles)
    for code, nom, departement, chef_lieu, position in anciennes:
        if code in deja:
            continue  # la commune déléguée qui porte le code de la commune nouvelle
        if chef_lieu not in resultat.actuelles:
            erreurs.ajouter(position, f"commune déléguée ou associée {code} : chef-lieu {chef_lieu} inconnu")
            continue
        deja.add(code)
        resultat.successeurs.setdefault(code, chef_lieu)
        resultat.lignes.append((code, nom, departement, None, None, None, [], "", True, chef_lieu, position))
    erreurs.lever_s_il_y_en_a()
    return resultat


# --- QPV 2024 (ANCT) ----------------------------------------------------------------------------------


def departement_du_qpv(code: str) -> str:
    """`QN07501M` → `75`, `QN02A01M` → `2A`, `QN97601C` → `976`."""
    departement = code[2:5]
    return departement[1:] if departement.startswith("0") else departement


def _codes_multiples(valeur: str) -> list[str]:
    """Les cellules multi-valuées : `;` dans le CSV, `, ` dans le GeoJSON de l'ANCT."""
    # « NA » : valeur manquante dans les fichiers de l'ANCT (Saint-Martin, Polynésie).
    return [code.strip() for code in str(valeur).replace(",", ";").split(";") if code.strip() not in ("", "NA")]


def _multipolygone(geometrie) -> tuple[list, list[float]] | None:
    """Les coordonnées en MultiPolygon et l'emprise, ou None si la géométrie n'est pas un (Multi)Polygon."""
    if not isinstance(geometrie, dict):
        return None
    coordonnees = geometrie.get("coordinates")
    if geometrie.get("type") == "Polygon":
        coordonnees = [coordonnees]
    elif geometrie.get("type") != "MultiPolygon":
        return None
    lon_min = lat_min = float("inf")
    lon_max = lat_max = float("-inf")
    try:
        for polygone in coordonnees:
            for anneau in polygone:
                if len(anneau) < 3:
                    return None
                for lon, lat, *_ in anneau:
                    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                        return None
                    lon_min, lon_max = min(lon_min, lon), max(lon_max, lon)
                    lat_min, lat_max = min(lat_min, lat), max(lat_max, lat)
    except (TypeError, ValueError):
        return None
    if lon_min == float("inf"):
        return None
    return coordonnees, [lon_min, lat_min, lon_max, lat_max]


@dataclass
class QpvLus:
    lignes: list[tuple] = field(default_factory=list)
    # (code QPV, code commune, position)
    communes: list[tuple] = field(default_factory=list)


PROPRIETES_CONTOURS = ("code_qp", "lib_qp", "insee_com", "siren_epci")


def lire_contours_qpv(chemin: Path) -> QpvLus:
    """Les contours des QPV 2024 publiés par l'ANCT (GeoJSON, propriétés `code_qp, lib_qp, insee_com…`)."""
    erreurs = Erreurs(_nom_fichier(chemin), "entité")
    donnees = _json(chemin)
    if not isinstance(donnees, dict) or donnees.get("type") != "FeatureCollection":
        raise ErreurImport(erreurs.fichier, ["format inattendu : une FeatureCollection GeoJSON était attendue"])
    entites = donnees.get("features")
    if not isinstance(entites, list):
        raise ErreurImport(erreurs.fichier, ["format inattendu : la liste « features » manque"])
    resultat, vus = QpvLus(), {}
    for position, entite in enumerate(entites, 1):
        proprietes = entite.get("properties") if isinstance(entite, dict) else None
        if not isinstance(proprietes, dict):
            erreurs.ajouter(position, "entité sans « properties »")
            continue
        if manquantes := [cle for cle in PROPRIETES_CONTOURS if cle not in proprietes]:
            _signaler_manquantes(erreurs, position, manquantes)
            continue
        code = str(proprietes["code_qp"] or "")
        if not est_code_qpv(code):
            erreurs.ajouter(
                position, f"code QPV « {code} » invalide (attendu : QN suivi de 5 caractères et d'une lettre)"
            )
            continue
        if not proprietes["lib_qp"]:
            erreurs.ajouter(position, f"QPV {code} : nom (lib_qp) vide")
            continue
        if _doublon(vus, code, position, erreurs, "code QPV"):
            continue
        communes = _codes_multiples(proprietes["insee_com"] or "")
        if invalides := [c for c in communes if not est_code_commune(c)]:
            erreurs.ajouter(position, f"QPV {code} : code INSEE « {invalides[0]} » invalide")
            continue
        porteurs = _codes_multiples(proprietes["siren_epci"] or "")
        if invalides := [s for s in porteurs if not est_siren(s)]:
            erreurs.ajouter(position, f"QPV {code} : SIREN « {invalides[0]} » invalide")
            continue
        forme = _multipolygone(entite.get("geometry"))
        if forme is None:
            erreurs.ajouter(
                position, f"QPV {code} : géométrie absente ou invalide (Polygon ou MultiPolygon en lon/lat)"
            )
            continue
        coordonnees, emprise = forme
        perimetre = json.dumps({"type": "MultiPolygon", "coordinates": coordonnees}, separators=(",", ":"))
        resultat.lignes.append(
            (code, proprietes["lib_qp"], departement_du_qpv(code), porteurs, perimetre, emprise, position)
        )
        resultat.communes.extend((code, commune, position) for commune in communes)
    erreurs.lever_s_il_y_en_a()
    return resultat


COLONNES_LISTE_QPV = ("code_qpv", "nom_qpv", "communes_insee", "epci_siren", "population")


def lire_liste_qpv(chemin: Path) -> QpvLus:
    """La liste des QPV 2024 avec leurs communes (COG le plus récent), leur EPCI et leur population."""
    erreurs = Erreurs(_nom_fichier(chemin), "ligne")
    texte = _texte(chemin)
    if tableurs.separateur(texte) == ";":
        raise ErreurImport(
            erreurs.fichier, ["ligne 1 : séparateur « ; » détecté ; le fichier doit être séparé par des virgules"]
        )
    lecteur = tableurs.dictionnaires_csv(texte)
    colonnes = lecteur.fieldnames or []
    if manquantes := [colonne for colonne in COLONNES_LISTE_QPV if colonne not in colonnes]:
        pluriel = "s" if len(manquantes) > 1 else ""
        raise ErreurImport(
            erreurs.fichier, [f"ligne 1 : colonne{pluriel} manquante{pluriel} : {', '.join(manquantes)}"]
        )
    colonne_communes = "communes_insee_cog2026" if "communes_insee_cog2026" in colonnes else "communes_insee"
    resultat, vus = QpvLus(), {}
    for position, ligne in enumerate(lecteur, 2):
        if None in ligne or None in ligne.values():
            erreurs.ajouter(position, f"nombre de colonnes incorrect (attendu : {len(colonnes)})")
            continue
        code = ligne["code_qpv"].strip()
        if not est_code_qpv(code):
            erreurs.ajouter(
                position, f"code QPV « {code} » invalide (attendu : QN suivi de 5 caractères et d'une lettre)"
            )
            continue
        if not ligne["nom_qpv"].strip():
            erreurs.ajouter(position, f"QPV {code} : nom vide")
            continue
        if _doublon(vus, code, position, erreurs, "code QPV"):
            continue
        communes = _codes_multiples(ligne[colonne_communes])
        if not communes:
            erreurs.ajouter(position, f"QPV {code} : aucune commune")
            continue
        if invalides := [c for c in communes if not est_code_commune(c)]:
            erreurs.ajouter(position, f"QPV {code} : code INSEE « {invalides[0]} » invalide")
            continue
        epcis = _codes_multiples(ligne["epci_siren"])
        if invalides := [s for s in epcis if not est_siren(s)]:
            erreurs.ajouter(position, f"QPV {code} : SIREN d'EPCI « {invalides[0]} » invalide")
            continue
        porteurs = _codes_multiples(ligne.get("siren_epci_contrat_ville") or "")
        if invalides := [s for s in porteurs if not est_siren(s)]:
            erreurs.ajouter(position, f"QPV {code} : SIREN du porteur du contrat « {invalides[0]} » invalide")
            continue
        population = _entier(ligne["population"].strip(), erreurs, position, "population")
        resultat.lignes.append(
            (
                code,
                ligne["nom_qpv"].strip(),
                departement_du_qpv(code),
                epcis[0] if epcis else None,
                porteurs,
                population,
                position,
            )
        )
        resultat.communes.extend((code, commune, position) for commune in communes)
    erreurs.lever_s_il_y_en_a()
    return resultat
