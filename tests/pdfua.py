"""Les règles de PDF/UA-1 (ISO 14289-1) qu'une machine peut vérifier sur l'arbre de structure d'un PDF, lues avec
pikepdf : document balisé, langue, titre affiché, marqueur PDF/UA dans les métadonnées XMP, chaque figure avec un
texte de remplacement (/Alt, 7.3), chaque cellule d'en-tête de tableau avec sa portée (/Scope, 7.5).

`defauts_pdfua(pdf)` rend la liste des défauts, en français ; une liste vide veut dire que le document passe."""

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

PORTEES = {"/Row", "/Column", "/Both"}


@dataclass(frozen=True)
class Element:
    """Un élément de l'arbre de structure : son type (`/Figure`, `/TH`…) et son dictionnaire."""

    type: str
    objet: pikepdf.Dictionary


def elements(pdf: pikepdf.Pdf) -> Iterator[Element]:
    """Les éléments de l'arbre de structure, dans l'ordre de lecture (en profondeur, par les /K)."""
    racine = pdf.Root.get("/StructTreeRoot")
    if racine is None:
        return
    pile = [racine.get("/K")]
    while pile:
        noeud = pile.pop()
        if isinstance(noeud, pikepdf.Array):
            pile.extend(reversed(list(noeud)))
        elif isinstance(noeud, pikepdf.Dictionary):
            if "/S" in noeud:  # les /MCR et /OBJR (contenu marqué, annotations) n'ont pas de type
                yield Element(str(noeud.S), noeud)
            if "/K" in noeud:
                pile.append(noeud.K)


def attributs(objet: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """Les dictionnaires d'attributs (/A) d'un élément : un seul, ou un tableau (ISO 32000-1, 14.7.5)."""
    valeur = objet.get("/A")
    if valeur is None:
        return []
    if isinstance(valeur, pikepdf.Array):
        return [a for a in valeur if isinstance(a, pikepdf.Dictionary)]
    return [valeur] if isinstance(valeur, pikepdf.Dictionary) else []


def portee(objet: pikepdf.Dictionary) -> str | None:
    """La portée d'une cellule d'en-tête (/Row, /Column, /Both), lue dans ses attributs de tableau."""
    for attribut in attributs(objet):
        if str(attribut.get("/O", "")) == "/Table" and "/Scope" in attribut:
            return str(attribut.Scope)
    return None


def defauts_pdfua(contenu: bytes) -> list[str]:
    defauts = []
    with pikepdf.open(io.BytesIO(contenu)) as pdf:
        catalogue = pdf.Root
        if "/StructTreeRoot" not in catalogue:
            return ["le document n'est pas balisé (aucun arbre de structure)"]
        if not bool(catalogue.get("/MarkInfo", {}).get("/Marked", False)):
            defauts.append("le document ne se déclare pas balisé (/MarkInfo /Marked)")
        if not str(catalogue.get("/Lang", "")).strip():
            defauts.append("la langue du document n'est pas donnée (/Lang)")
        if not bool(catalogue.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            defauts.append("le titre du document n'est pas affiché à la place du nom du fichier (/DisplayDocTitle)")
        meta = pdf.open_metadata()
        if not str(meta.get("dc:title", "")).strip():
            defauts.append("le document n'a pas de titre (dc:title)")
        if meta.get("pdfuaid:part") != "1":
            defauts.append("le document ne se déclare pas PDF/UA-1 (pdfuaid:part)")
        figures = en_tetes = 0
        for element in elements(pdf):
            if element.type == "/Figure":
                figures += 1
                if not str(element.objet.get("/Alt", "")).strip():
                    defauts.append(f"figure n° {figures} sans texte de remplacement (/Alt)")
            elif element.type == "/TH":
                en_tetes += 1
                if portee(element.objet) not in PORTEES:
                    defauts.append(f"cellule d'en-tête n° {en_tetes} sans portée (/Scope)")
    return defauts


def compte(contenu: bytes, type_: str) -> int:
    """Le nombre d'éléments de ce type dans l'arbre de structure (pour qu'un test prouve qu'il a lu quelque
    chose)."""
    with pikepdf.open(io.BytesIO(contenu)) as pdf:
        return sum(1 for element in elements(pdf) if element.type == type_)
