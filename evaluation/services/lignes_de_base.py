"""Import des lignes de base officielles : les statistiques INSEE/ANCT des QPV 2024 (`qpv_2024_indicateurs.csv`).

Le fichier est lu tel qu'il est : une ligne par (QPV, commune). Un QPV sur plusieurs communes y a plusieurs
lignes, gardées et montrées par commune ; le fichier y répète les chiffres du quartier entier (les 152 QPV
concernés ont des lignes identiques), c'est pourquoi la distribution nationale compte ce quartier une fois,
et ne somme les effectifs que de parties qui diffèrent — un taux ne se somme ni ne se moyenne jamais.
Une cellule vide est « non diffusée » (secret statistique), jamais 0 ; le fichier ne donne pas d'année
(millésime « non précisé »). Une valeur hors de la plage plausible de son indicateur est importée et signalée.

Atomique (tout ou rien), idempotent (une seconde exécution ne change rien et le dit), à blanc sur demande ;
une valeur saisie à la main pour le même indicateur, territoire et millésime n'est jamais remplacée.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from config.lib.tableurs import decoder, dictionnaires_csv
from evaluation.catalogue import COLONNES_INDICATEURS, NATIONAUX, SOURCE, champs_indicateur
from evaluation.models import DistributionNationale, Indicateur, NatureValeur, NiveauTerritoire, Origine, Valeur
from evaluation.models.valeur import cle_territoire
from territoires.codes import est_code_commune, est_code_qpv
from territoires.imports.erreurs import ErreurImport, Erreurs
from territoires.imports.progression import Barre, Ecrire
from territoires.models import Commune, Qpv

FICHIER = "qpv_2024_indicateurs.csv"
COLONNES = ["code_qpv", "commune_insee", *COLONNES_INDICATEURS]
# Paris, Lyon et Marseille : le fichier désigne l'arrondissement municipal, que le référentiel des communes
# ne contient pas ; la valeur est rattachée à la commune, et l'arrondissement reste dans sa clé et son libellé.
ARRONDISSEMENTS = [(75101, 75120, "75056"), (69381, 69389, "69123"), (13201, 13216, "13055")]
MAX_AVERTISSEMENTS = 20


def commune_de(code: str) -> str:
    """Le code de la commune : lui-même, ou celui de la commune d'un arrondissement municipal."""
    if code.isdigit():
        for debut, fin, commune in ARRONDISSEMENTS:
            if debut <= int(code) <= fin:
                return commune
    return code


@dataclass
class LigneLue:
    numero: int
    qpv: str
    commune: str
    valeurs: dict[str, Decimal | None]


@dataclass
class Bilan:
    """Le résumé d'un import : valeurs créées, corrigées (nouvelle version), inchangées, gardées (saisies à la
    main), non diffusées, hors plage (avec leurs lignes), et lignes ignorées (territoire absent du référentiel)."""

    fichier: str
    a_blanc: bool = False
    lignes: int = 0
    creees: int = 0
    modifiees: int = 0
    inchangees: int = 0
    gardees: int = 0
    non_diffusees: int = 0
    hors_plage: list[str] = field(default_factory=list)
    ignorees: list[str] = field(default_factory=list)

    @property
    def a_change(self) -> bool:
        return bool(self.creees or self.modifiees)

    def resume(self) -> list[str]:
        lignes = [
            f"{self.lignes} lignes lues dans {self.fichier}.",
            f"Valeurs créées : {self.creees}   modifiées (nouvelle version) : {self.modifiees}   "
            f"inchangées : {self.inchangees}   gardées (saisies à la main) : {self.gardees}",
            f"Valeurs non diffusées (secret statistique) : {self.non_diffusees}",
        ]
        for titre, liste in (
            ("Valeurs hors de la plage plausible, importées avec un avertissement", self.hors_plage),
            ("Lignes ignorées", self.ignorees),
        ):
            if liste:
                lignes.append(f"{titre} : {len(liste)}")
                lignes += [f"  - {texte}" for texte in liste[:MAX_AVERTISSEMENTS]]
                if len(liste) > MAX_AVERTISSEMENTS:
                    lignes.append(f"  … et {len(liste) - MAX_AVERTISSEMENTS} autres.")
        if self.a_blanc:
            lignes.append(
                "Import à blanc : rien n'a été écrit."
                if self.a_change
                else "Import à blanc : les lignes de base sont déjà à jour, rien ne changerait."
            )
        elif not self.a_change:
            lignes.append("Les lignes de base étaient déjà à jour : rien n'a changé.")
        return lignes


def chemin_du_fichier(dossier: Path) -> Path:
    dossier = Path(dossier)
    chemin = dossier if dossier.is_file() else dossier / FICHIER
    if not chemin.is_file():
        raise ErreurImport(str(dossier), [f"fichier {FICHIER} introuvable"])
    return chemin


def lire(chemin: Path) -> list[LigneLue]:
    """Lit et vérifie tout le fichier ; toutes les erreurs sont rapportées ensemble, avec leur ligne."""
    erreurs = Erreurs(chemin.name)
    lecteur = dictionnaires_csv(decoder(chemin.read_bytes()))
    manquantes = [c for c in COLONNES if c not in (lecteur.fieldnames or [])]
    if manquantes:
        raise ErreurImport(chemin.name, [f"colonnes manquantes : {', '.join(manquantes)}"])
    lues = []
    vues: set[tuple[str, str]] = set()
    for numero, ligne in enumerate(lecteur, start=2):
        qpv = (ligne["code_qpv"] or "").strip()
        commune = (ligne["commune_insee"] or "").strip()
        if not est_code_qpv(qpv):
            erreurs.ajouter(
                numero, f"code QPV « {qpv} » invalide (attendu : QN, le département, le numéro, une lettre)"
            )
            continue
        if not est_code_commune(commune):
            erreurs.ajouter(numero, f"code INSEE de commune « {commune} » invalide (5 caractères)")
            continue
        if (qpv, commune) in vues:
            erreurs.ajouter(numero, f"le couple QPV {qpv}, commune {commune} figure déjà plus haut")
            continue
        vues.add((qpv, commune))
        valeurs: dict[str, Decimal | None] = {}
        for colonne in COLONNES_INDICATEURS:
            texte = (ligne[colonne] or "").strip()
            if not texte:
                valeurs[colonne] = None
                continue
            try:
                valeur = Decimal(texte)
            except InvalidOperation:
                erreurs.ajouter(numero, f"{colonne} : « {texte} » n'est pas un nombre")
                continue
            if not valeur.is_finite():
                erreurs.ajouter(numero, f"{colonne} : « {texte} » n'est pas un nombre")
                continue
            valeurs[colonne] = valeur
        lues.append(LigneLue(numero, qpv, commune, valeurs))
    erreurs.lever_s_il_y_en_a()
    return lues


def importer_lignes_de_base(dossier: Path, a_blanc: bool = False, ecrire: Ecrire | None = None) -> Bilan:
    """Importe les lignes de base officielles depuis `dossier` (ou le fichier lui-même)."""
    chemin = chemin_du_fichier(dossier)
    barre = Barre(ecrire, total=5)
    barre.etape("lecture du fichier")
    lues = lire(chemin)
    bilan = Bilan(fichier=chemin.name, a_blanc=a_blanc, lignes=len(lues))
    with transaction.atomic():
        barre.etape("catalogue national")
        indicateurs = _catalogue()
        barre.etape("territoires")
        lignes = _lignes_connues(lues, bilan)
        barre.etape("valeurs")
        _ecrire_valeurs(lignes, indicateurs, bilan)
        barre.etape("distributions nationales")
        _distributions(lues, indicateurs)
        barre.terminer()
        if a_blanc:
            transaction.set_rollback(True)
    return bilan


def _catalogue() -> dict[str, Indicateur]:
    indicateurs = {}
    for definition in NATIONAUX:
        champs = champs_indicateur(definition)
        indicateur = Indicateur.objects.filter(contrat=None, code=definition.code).first()
        if indicateur is None:
            indicateur = Indicateur.objects.create(code=definition.code, **champs)
        elif any(getattr(indicateur, nom) != valeur for nom, valeur in champs.items()):
            for nom, valeur in champs.items():
                setattr(indicateur, nom, valeur)
            indicateur.save()
        indicateurs[definition.code] = indicateur
    return indicateurs


def _lignes_connues(lues: list[LigneLue], bilan: Bilan) -> list[LigneLue]:
    """Les lignes dont le QPV et la commune sont au référentiel ; les autres sont ignorées et signalées."""
    qpv = set(Qpv.objects.filter(code__in={ligne.qpv for ligne in lues}).values_list("code", flat=True))
    codes = {commune_de(ligne.commune) for ligne in lues}
    communes = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
    connues = []
    for ligne in lues:
        if ligne.qpv not in qpv:
            bilan.ignorees.append(f"ligne {ligne.numero} : QPV {ligne.qpv} absent du référentiel territorial")
        elif commune_de(ligne.commune) not in communes:
            bilan.ignorees.append(f"ligne {ligne.numero} : commune {ligne.commune} absente du référentiel territorial")
        else:
            connues.append(ligne)
    return connues


def _ecrire_valeurs(lignes: list[LigneLue], indicateurs: dict[str, Indicateur], bilan: Bilan) -> None:
    communes_par_qpv: dict[str, int] = defaultdict(int)
    for ligne in lignes:
        communes_par_qpv[ligne.qpv] += 1
    existantes = {
        (v.indicateur_id, v.cle_territoire): v
        for v in Valeur.objects.filter(
            indicateur__in=indicateurs.values(), courante=True, nature=NatureValeur.LIGNE_DE_BASE, annee=None
        ).only("pk", "indicateur_id", "cle_territoire", "valeur", "non_diffusee", "origine", "version", "commune_id")
    }
    maintenant = timezone.now()
    nouvelles: list[tuple] = []
    remplacees: list[int] = []
    for ligne in lignes:
        partie = communes_par_qpv[ligne.qpv] > 1
        cle = cle_territoire(NiveauTerritoire.QPV, qpv=ligne.qpv, commune=ligne.commune, partie_de_commune=partie)
        for code, indicateur in indicateurs.items():
            valeur = ligne.valeurs[code]
            if valeur is None:
                bilan.non_diffusees += 1
            hors_plage = indicateur.hors_plage(valeur)
            if hors_plage:
                bilan.hors_plage.append(
                    f"ligne {ligne.numero} : {ligne.qpv} ({ligne.commune}), {indicateur.nom} = "
                    f"{indicateur.formater(valeur)} (plausible : {indicateur.plage})"
                )
            existante = existantes.get((indicateur.pk, cle))
            if existante is not None and existante.origine != Origine.IMPORT:
                bilan.gardees += 1
                continue
            if (
                existante is not None
                and existante.valeur == valeur
                and existante.non_diffusee == (valeur is None)
                and existante.commune_id == commune_de(ligne.commune)
            ):
                bilan.inchangees += 1
                continue
            version, precedente = 1, None
            if existante is None:
                bilan.creees += 1
            else:
                bilan.modifiees += 1
                remplacees.append(existante.pk)
                version, precedente = existante.version + 1, existante.pk
            nouvelles.append(
                (
                    indicateur.pk,
                    NiveauTerritoire.QPV.value,
                    ligne.qpv,
                    commune_de(ligne.commune),
                    cle,
                    NatureValeur.LIGNE_DE_BASE.value,
                    valeur,
                    valeur is None,
                    hors_plage,
                    SOURCE,
                    "",
                    Origine.IMPORT.value,
                    maintenant,
                    version,
                    True,
                    precedente,
                )
            )
    # Les anciennes versions cessent d'être courantes avant que les nouvelles n'arrivent (contrainte d'unicité).
    Valeur.objects.filter(pk__in=remplacees).update(courante=False)
    _copier(nouvelles)


# Les colonnes écrites par COPY, dans l'ordre des lignes de `_ecrire_valeurs` (l'année reste vide : non précisée).
COLONNES_VALEUR = [
    "indicateur_id",
    "niveau",
    "qpv_id",
    "commune_id",
    "cle_territoire",
    "nature",
    "valeur",
    "non_diffusee",
    "hors_plage",
    "source",
    "commentaire",
    "origine",
    "saisie_le",
    "version",
    "courante",
    "precedente_id",
]


def _copier(lignes: list[tuple]) -> None:
    """Écrit les nouvelles valeurs par COPY : dix fois plus vite que des INSERT en lots pour 17 000 valeurs."""
    if not lignes:
        return
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Valeur._meta.db_table} ({', '.join(COLONNES_VALEUR)}) FROM STDIN") as copie,
    ):
        for ligne in lignes:
            copie.write_row(ligne)


def valeur_du_quartier(indicateur: Indicateur, parties: list[Decimal | None]) -> tuple[Decimal | None, bool]:
    """La valeur d'un QPV à partir de ses lignes (une par commune) : (valeur, non diffusée).

    Des lignes identiques répètent le chiffre du quartier entier : il compte une fois. Des lignes qui
    diffèrent sont des parties : un effectif se somme, un taux ne se combine pas (None)."""
    if any(partie is None for partie in parties):
        return None, True
    distinctes = set(parties)
    if len(distinctes) == 1:
        return parties[0], False
    if indicateur.agregation == "somme":
        return sum(parties, Decimal(0)), False  # type: ignore[arg-type]
    return None, False


def _distributions(lues: list[LigneLue], indicateurs: dict[str, Indicateur]) -> None:
    """Quartiles de chaque indicateur sur tous les QPV du fichier (une valeur par QPV)."""
    par_qpv: dict[str, list[LigneLue]] = defaultdict(list)
    for ligne in lues:
        par_qpv[ligne.qpv].append(ligne)
    for code, indicateur in indicateurs.items():
        valeurs: list[Decimal] = []
        non_diffuses = 0
        for lignes in par_qpv.values():
            valeur, non_diffusee = valeur_du_quartier(indicateur, [ligne.valeurs[code] for ligne in lignes])
            if non_diffusee:
                non_diffuses += 1
            elif valeur is not None:
                valeurs.append(valeur)
        if len(valeurs) < 2:
            DistributionNationale.objects.filter(indicateur=indicateur).delete()
            continue
        # Méthode « inclusive » : celle de percentile_cont de PostgreSQL et des tableurs.
        q1, mediane, q3 = statistics.quantiles(valeurs, n=4, method="inclusive")
        DistributionNationale.objects.update_or_create(
            indicateur=indicateur,
            defaults={
                "nombre_qpv": len(valeurs),
                "non_diffuses": non_diffuses,
                "premier_quartile": round(Decimal(q1), 4),
                "mediane": round(Decimal(mediane), 4),
                "troisieme_quartile": round(Decimal(q3), 4),
                "calculee_le": timezone.now(),
            },
        )
