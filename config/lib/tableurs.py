"""Lire et écrire des tableurs : CSV (UTF-8 ou Windows-1252, séparés par `,` ou `;`) et XLSX.

Lecture : `lire_tableur` rend l'en-tête et les lignes (des cellules texte) d'un fichier déposé, CSV ou XLSX,
et lève `TableurIllisible` avec un message pour la personne qui l'a déposé. Les imports de fichiers officiels,
aux règles plus strictes (UTF-8 seulement, virgules), prennent les briques une à une : `decoder`,
`ligne_de`, `separateur`, `lignes_csv`, `dictionnaires_csv`, et disent leurs erreurs à leur façon.

Écriture : `csv_en_flux` produit un CSV ligne à ligne (pour une réponse en flux), `classeur_xlsx` un
classeur d'une feuille. Tous deux écrivent le texte comme du texte : un nom saisi `=HYPERLINK(…)` ne devient
jamais une formule dans le tableur de qui ouvre l'export (injection de formule). En CSV, le texte qui commence
par un caractère de formule est précédé d'une apostrophe, que `sans_protection` retire à l'import ; les nombres,
même négatifs, restent des nombres. En XLSX, chaque texte est une cellule de type chaîne.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from config.lib.archives import ArchiveRefusee, verifier_archive

# Un tableur français enregistre en Windows-1252 quand on ne lui demande pas l'UTF-8.
ENCODAGES = ("utf-8-sig", "cp1252")


# Bornes d'un tableur déposé : au-delà, il est refusé (découpé, il passe). Les colonnes au-delà de la borne ne
# sont pas lues : une feuille XLSX peut s'annoncer large de 16 384 colonnes, que chaque ligne lue compterait.
LIGNES_MAXIMUM = 100_000
COLONNES_MAXIMUM = 200


class TableurIllisible(Exception):
    """Le fichier déposé n'est pas un tableur lisible ; le message est destiné à l'utilisateur."""


# --- Briques de lecture ------------------------------------------------------------------------------------


def decoder(contenu: bytes, encodages: Sequence[str] = ENCODAGES) -> str:
    """Le texte du fichier dans le premier encodage qui le lit. Si aucun ne convient, lève l'erreur
    (`UnicodeDecodeError`) du premier : c'est l'encodage attendu, sa position situe la faute."""
    premiere_erreur: UnicodeDecodeError | None = None
    for encodage in encodages:
        try:
            return contenu.decode(encodage)
        except UnicodeDecodeError as erreur:
            premiere_erreur = premiere_erreur or erreur
    if premiere_erreur is None:
        raise ValueError("Aucun encodage à essayer.")
    raise premiere_erreur


def ligne_de(contenu: bytes, position: int) -> int:
    """Le numéro (à partir de 1) de la ligne où se trouve l'octet `position`."""
    return contenu[:position].count(b"\n") + 1


def separateur(texte: str) -> str:
    """`;` si la première ligne en compte plus que de virgules (tableur réglé en français), `,` sinon."""
    premiere = texte.split("\n", 1)[0]
    return ";" if premiere.count(";") > premiere.count(",") else ","


def lignes_csv(texte: str, separateur: str = ",") -> Iterator[list[str]]:
    """Les lignes d'un texte CSV, chacune en liste de cellules (guillemets et retours à la ligne compris)."""
    return csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)


def dictionnaires_csv(texte: str, separateur: str = ",") -> csv.DictReader:
    """Les lignes d'un texte CSV en dictionnaires dont les clés sont les titres de la première ligne."""
    return csv.DictReader(io.StringIO(texte, newline=""), delimiter=separateur)


def cellule(valeur: Any) -> str:
    """Une cellule en texte sans blancs autour ; un nombre entier saisi dans un tableur (`35238.0`) sans
    sa partie décimale ; une cellule vide en « »."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    return str(valeur).strip()


# --- Fichier déposé, CSV ou XLSX ----------------------------------------------------------------------------


def lire_tableur(nom: str, contenu: bytes) -> tuple[list[str], Iterator[list[str]]]:
    """L'en-tête et les lignes d'un fichier CSV (UTF-8 ou Windows-1252, `,` ou `;`) ou XLSX (première feuille),
    selon l'extension de son nom. Lève `TableurIllisible`, y compris pendant le parcours des lignes, et au-delà
    de `LIGNES_MAXIMUM` lignes sous l'en-tête."""
    if nom.lower().endswith(".xlsx"):
        entete, lignes = _lire_xlsx(nom, contenu)
    else:
        entete, lignes = _lire_csv(contenu)
    return entete, _bornees(lignes)


def _bornees(lignes: Iterator[list[str]]) -> Iterator[list[str]]:
    for nombre, ligne in enumerate(lignes, start=1):
        if nombre > LIGNES_MAXIMUM:
            maximum = f"{LIGNES_MAXIMUM:,}".replace(",", "\u202f")
            raise TableurIllisible(f"Le fichier compte plus de {maximum} lignes : découpez-le en plusieurs fichiers.")
        yield ligne


def _lire_xlsx(nom: str, contenu: bytes) -> tuple[list[str], Iterator[list[str]]]:
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(contenu)):
        raise TableurIllisible("Ce fichier n'est pas un classeur XLSX valide. Enregistrez-le au format .xlsx ou .csv.")
    try:
        # openpyxl lit en entier les chaînes partagées et les styles : l'archive est bornée avant.
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            verifier_archive(archive, nom)
    except ArchiveRefusee as erreur:
        raise TableurIllisible(str(erreur)) from None
    except zipfile.BadZipFile:
        raise TableurIllisible(
            "Ce fichier n'est pas un classeur XLSX valide. Enregistrez-le au format .xlsx ou .csv."
        ) from None
    try:
        # Lecture seule : les lignes sont lues au fur et à mesure, sans charger le classeur entier.
        classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except Exception:  # openpyxl lève toutes sortes d'erreurs sur un fichier abîmé
        raise TableurIllisible(
            "Ce classeur XLSX est illisible. Enregistrez-le à nouveau depuis votre tableur."
        ) from None
    lignes = (
        [cellule(valeur) for valeur in ligne]
        for ligne in classeur.worksheets[0].iter_rows(max_col=COLONNES_MAXIMUM, values_only=True)
    )
    entete = next(lignes, None)
    if entete is None:
        raise TableurIllisible("La première feuille du classeur est vide.")
    return entete, lignes


def _lire_csv(contenu: bytes) -> tuple[list[str], Iterator[list[str]]]:
    if b"\x00" in contenu[:4096]:
        raise TableurIllisible("Ce fichier n'est pas un tableur au format texte (CSV). Déposez un fichier CSV ou XLSX.")
    try:
        texte = decoder(contenu)
    except UnicodeDecodeError:
        raise TableurIllisible(
            "Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8 ou Windows-1252."
        ) from None
    lecteur = _csv_lisible(lignes_csv(texte, separateur(texte)))
    entete = next(lecteur, None)
    if not entete:
        raise TableurIllisible("Le fichier est vide : il faut au moins une ligne d'en-tête.")
    return [cellule(c) for c in entete], ([cellule(c) for c in ligne] for ligne in lecteur)


def _csv_lisible(lignes: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from lignes
    except csv.Error as erreur:
        raise TableurIllisible(f"Ce fichier CSV est mal formé : {erreur}.") from None


# --- Écriture ---------------------------------------------------------------------------------------------

# Un tableur lit comme une formule (ou une commande DDE) une cellule qui commence par l'un de ces caractères.
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
PROTECTION = "'"


def texte_protege(valeur: Any) -> Any:
    """La valeur à écrire dans une cellule CSV : un texte qui se lirait comme une formule est précédé d'une
    apostrophe (recommandation OWASP) ; les nombres, les dates et le reste du texte sont écrits tels quels."""
    if isinstance(valeur, str) and valeur.startswith(DEBUTS_DE_FORMULE):
        return PROTECTION + valeur
    return valeur


def sans_protection(valeur: str) -> str:
    """Une cellule lue à l'import sans l'apostrophe que `texte_protege` a ajoutée à l'export."""
    if valeur.startswith(PROTECTION) and valeur[1:].startswith(DEBUTS_DE_FORMULE):
        return valeur[1:]
    return valeur


# Caractères de contrôle qu'un classeur XLSX ne peut pas contenir (openpyxl refuserait tout le fichier) ; les
# sauts de ligne et de page d'un traitement de texte, collés dans une description, deviennent des retours à la ligne.
_CONTROLES_INTERDITS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _caracteres_permis(texte: str) -> str:
    return _CONTROLES_INTERDITS.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", texte)


class _Tampon:
    """Un pseudo-fichier qui rend ce qu'on y écrit : csv.writer produit une ligne à la fois (flux)."""

    def write(self, valeur: str) -> str:
        return valeur


def csv_en_flux(entete: Sequence[str], lignes: Iterable[Sequence[Any]], bom: bool = False) -> Iterator[str]:
    """Le CSV (virgules, fins de ligne CRLF) ligne par ligne. `bom` ajoute la marque d'ordre des octets qui
    fait reconnaître l'UTF-8 à Excel."""
    ecrivain = csv.writer(_Tampon(), lineterminator="\r\n")
    yield ("\ufeff" if bom else "") + ecrivain.writerow([texte_protege(titre) for titre in entete])
    for ligne in lignes:
        yield ecrivain.writerow([texte_protege(valeur) for valeur in ligne])


FORMAT_MONTANT = "#,##0.00"
FORMAT_DATE = "DD/MM/YYYY"
FORMAT_DATE_HEURE = "DD/MM/YYYY HH:MM"


def classeur_xlsx(
    feuille: str, entete: Sequence[str], lignes: Iterable[Sequence[Any]], proteger: bool = False
) -> bytes:
    """Un classeur XLSX d'une seule feuille, écrit ligne à ligne (mode écriture seule d'openpyxl). Les nombres et
    les dates gardent leur type (les montants `Decimal` au centime, les dates au format français) ; tout texte
    est une cellule de type chaîne, jamais une formule. `proteger` ajoute en plus l'apostrophe de `texte_protege`
    (un export qui n'est pas fait pour être réimporté : la cellule reste inerte même retouchée dans le tableur)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    classeur = Workbook(write_only=True)
    onglet = classeur.create_sheet(feuille)

    def rangee(valeurs: Iterable[Any]) -> list[Any]:
        cellules: list[Any] = []
        for valeur in valeurs:
            if isinstance(valeur, str):
                cellule = WriteOnlyCell(onglet, value=_caracteres_permis(texte_protege(valeur) if proteger else valeur))
                # openpyxl fait une formule de tout texte qui commence par « = » : on impose le type chaîne.
                cellule.data_type = "s"
                cellules.append(cellule)
            elif isinstance(valeur, Decimal):
                cellule = WriteOnlyCell(onglet, value=valeur)
                cellule.number_format = FORMAT_MONTANT
                cellules.append(cellule)
            elif isinstance(valeur, datetime.datetime):
                # Excel ne connaît pas les fuseaux : l'heure de Paris, sans fuseau.
                heure = timezone.localtime(valeur).replace(tzinfo=None) if timezone.is_aware(valeur) else valeur
                cellule = WriteOnlyCell(onglet, value=heure)
                cellule.number_format = FORMAT_DATE_HEURE
                cellules.append(cellule)
            elif isinstance(valeur, datetime.date):
                cellule = WriteOnlyCell(onglet, value=valeur)
                cellule.number_format = FORMAT_DATE
                cellules.append(cellule)
            else:
                cellules.append(valeur)
        return cellules

    onglet.append(rangee(entete))
    for ligne in lignes:
        onglet.append(rangee(ligne))
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def _cellule_csv(valeur: Any) -> Any:
    if isinstance(valeur, datetime.datetime):
        return timezone.localtime(valeur).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(valeur) else valeur
    if isinstance(valeur, Decimal):
        return valeur.quantize(Decimal("0.01"))
    if valeur is None:
        return ""
    return valeur


TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reponse_tableur(
    format: str, nom: str, feuille: str, entete: Sequence[str], lignes: Iterable[Sequence[Any]]
) -> HttpResponse | StreamingHttpResponse:
    """Le téléchargement d'un export : XLSX (`format == "xlsx"`, texte protégé des formules) ou CSV en flux
    (UTF-8 avec BOM pour Excel ; dates ISO, montants au point décimal). `nom` est le nom du fichier sans
    extension."""
    if format == "xlsx":
        reponse: HttpResponse | StreamingHttpResponse = HttpResponse(
            classeur_xlsx(feuille, entete, lignes, proteger=True), content_type=TYPE_XLSX
        )
    else:
        texte = ([_cellule_csv(valeur) for valeur in ligne] for ligne in lignes)
        reponse = StreamingHttpResponse(csv_en_flux(entete, texte, bom=True), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.{"xlsx" if format == "xlsx" else "csv"}"'
    return reponse
