"""Import de la liste nationale des contrats de ville (ANCT) et de leurs QPV.

`contrats_de_ville.csv` a une ligne par contrat et par territoire porteur : deux codes y figurent deux fois
(un contrat porté par deux communes de Polynésie, un ancien contrat de Mayotte porté par une communauté de
communes et l'une de ses communes). Un contrat est donc enregistré par code : la première ligne désigne le
porteur, les communes des lignes suivantes s'ajoutent aux communes couvertes. Les liens QPV ↔ contrat
viennent de la colonne `code_contrat_ville` de `qpv_2024.csv` (22 QPV relèvent de deux contrats).

Atomique, idempotent, à blanc sur demande ; ne supprime jamais rien (ni contrat, ni lien) et ne touche pas à
l'état d'un contrat déjà connu : seule la plateforme le fait vivre.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from config.lib import tableurs
from config.lib.pages_publiques import donnees_modifiees
from contrats.models import ContratDeVille, JournalContrat, StatutContrat
from contrats.models.contrat import TypePorteur
from territoires.imports.erreurs import ErreurImport, Erreurs
from territoires.imports.progression import Barre, Ecrire
from territoires.models import Commune, Departement, Epci, Qpv

FICHIER_CONTRATS = "contrats_de_ville.csv"
FICHIER_QPV = "qpv_2024.csv"
COLONNES_CONTRATS = {"code_cv", "nom", "libelle_anct", "codgeo", "type_codgeo", "departement", "population_qpv"}
COLONNES_QPV = {"code_qpv", "communes_insee_cog2026", "code_contrat_ville"}
CODE_CONTRAT = re.compile(r"CN(\d{3}|02[AB])\d{2}[A-Z]|CV\d{1,4}")
CODE_QPV = re.compile(r"Q[NP]\d{3}[0-9A-Z]{3}[A-Z]?|QN02[AB]\d{2}[A-Z]")
CHAMPS = ["nom", "libelle_anct", "type_porteur", "code_porteur", "epci_id", "commune_id", "departement_id"]
CHAMPS += ["population_qpv"]
MOTIF_IMPORT = "Import de la liste nationale des contrats de ville (ANCT)."


@dataclass
class LigneContrat:
    numero: int
    code: str
    nom: str
    libelle_anct: str
    type_porteur: str
    code_porteur: str
    departement: str
    population_qpv: int | None


@dataclass
class Bilan:
    lignes: int = 0
    a_blanc: bool = False
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    liens_qpv: int = 0
    liens_communes: int = 0
    qpv_absents: set[str] = field(default_factory=set)
    porteurs_absents: set[str] = field(default_factory=set)

    @property
    def a_change(self) -> bool:
        return bool(self.crees or self.modifies or self.liens_qpv or self.liens_communes)

    def resume(self) -> list[str]:
        lignes = [
            f"Contrats de ville : {self.lignes} lignes lues, {self.crees + self.modifies + self.inchanges} contrats "
            f"(créés : {self.crees}, modifiés : {self.modifies}, inchangés : {self.inchanges}).",
            f"Liens ajoutés : {self.liens_qpv} QPV, {self.liens_communes} communes couvertes.",
        ]
        if self.porteurs_absents:
            lignes.append(
                f"{len(self.porteurs_absents)} porteurs absents du référentiel territorial (code conservé) : "
                + ", ".join(sorted(self.porteurs_absents)[:10])
                + ("…" if len(self.porteurs_absents) > 10 else "")
            )
        if self.qpv_absents:
            lignes.append(f"{len(self.qpv_absents)} QPV absents du référentiel territorial : non reliés.")
        if self.a_blanc:
            lignes.append(
                "Import à blanc : rien n'a été écrit."
                if self.a_change
                else "Import à blanc : la liste est déjà à jour, rien ne changerait."
            )
        elif not self.a_change:
            lignes.append("La liste des contrats était déjà à jour : rien n'a changé.")
        return lignes


def _lire_csv(chemin: Path, colonnes: set[str]) -> list[tuple[int, dict]]:
    if not chemin.is_file():
        raise ErreurImport(str(chemin), ["fichier introuvable"])
    try:
        lecteur = tableurs.dictionnaires_csv(tableurs.decoder(chemin.read_bytes(), ["utf-8"]))
        manquantes = colonnes - set(lecteur.fieldnames or [])
        if manquantes:
            raise ErreurImport(str(chemin), [f"ligne 1 : colonnes manquantes : {', '.join(sorted(manquantes))}"])
        return [(numero, ligne) for numero, ligne in enumerate(lecteur, start=2)]
    except UnicodeDecodeError as erreur:
        raise ErreurImport(str(chemin), [f"le fichier n'est pas en UTF-8 ({erreur.reason})"]) from None
    except csv.Error as erreur:
        raise ErreurImport(str(chemin), [f"CSV illisible : {erreur}"]) from None


def lire_contrats(chemin: Path) -> list[LigneContrat]:
    erreurs = Erreurs(str(chemin))
    lignes = []
    for numero, ligne in _lire_csv(chemin, COLONNES_CONTRATS):
        code = (ligne["code_cv"] or "").strip()
        nom = (ligne["nom"] or "").strip()
        type_ = (ligne["type_codgeo"] or "").strip()
        codgeo = (ligne["codgeo"] or "").strip()
        population = (ligne["population_qpv"] or "").strip()
        if not CODE_CONTRAT.fullmatch(code):
            erreurs.ajouter(numero, f"code de contrat « {code} » invalide (attendu CN… ou CV…)")
            continue
        if not nom:
            erreurs.ajouter(numero, f"le contrat {code} n'a pas de nom")
        if type_ not in TypePorteur.values:
            erreurs.ajouter(numero, f"type de porteur « {type_} » inconnu (attendu « epci » ou « commune »)")
        elif type_ == TypePorteur.EPCI and not re.fullmatch(r"\d{9}", codgeo):
            erreurs.ajouter(numero, f"SIREN d'EPCI « {codgeo} » invalide (9 chiffres attendus)")
        elif type_ == TypePorteur.COMMUNE and not re.fullmatch(r"\d[0-9AB]\d{3}", codgeo):
            erreurs.ajouter(numero, f"code INSEE de commune « {codgeo} » invalide (5 caractères attendus)")
        if population and not population.isdigit():
            erreurs.ajouter(numero, f"population « {population} » invalide (nombre entier attendu)")
        lignes.append(
            LigneContrat(
                numero=numero,
                code=code,
                nom=nom,
                libelle_anct=(ligne["libelle_anct"] or "").strip(),
                type_porteur=type_,
                code_porteur=codgeo,
                departement=(ligne["departement"] or "").strip(),
                population_qpv=int(population) if population.isdigit() else None,
            )
        )
    if not lignes and not erreurs:
        erreurs.ajouter(None, "aucun contrat dans le fichier")
    erreurs.lever_s_il_y_en_a()
    return lignes


def lire_liens_qpv(chemin: Path, codes_contrats: set[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Pour chaque contrat, les codes de ses QPV et les codes INSEE (COG 2026) des communes de ces QPV."""
    erreurs = Erreurs(str(chemin))
    qpv: dict[str, set[str]] = {}
    communes: dict[str, set[str]] = {}
    for numero, ligne in _lire_csv(chemin, COLONNES_QPV):
        code_qpv = (ligne["code_qpv"] or "").strip()
        if not CODE_QPV.fullmatch(code_qpv):
            erreurs.ajouter(numero, f"code QPV « {code_qpv} » invalide")
            continue
        for code in filter(None, (c.strip() for c in (ligne["code_contrat_ville"] or "").split(";"))):
            if code not in codes_contrats:
                erreurs.ajouter(numero, f"le QPV {code_qpv} renvoie au contrat {code}, absent de {FICHIER_CONTRATS}")
                continue
            qpv.setdefault(code, set()).add(code_qpv)
            communes.setdefault(code, set()).update(
                c.strip() for c in (ligne["communes_insee_cog2026"] or "").split(";") if c.strip()
            )
    erreurs.lever_s_il_y_en_a()
    return qpv, communes


def importer_dossier(dossier: Path, a_blanc: bool = False, ecrire: Ecrire | None = None) -> Bilan:
    dossier = Path(dossier)
    if not dossier.is_dir():
        raise ErreurImport(str(dossier), ["dossier introuvable"])
    barre = Barre(ecrire, total=4)
    barre.etape("lecture des contrats")
    lignes = lire_contrats(dossier / FICHIER_CONTRATS)
    barre.etape("lecture des QPV")
    liens_qpv, communes_qpv = lire_liens_qpv(dossier / FICHIER_QPV, {ligne.code for ligne in lignes})
    bilan = Bilan(lignes=len(lignes), a_blanc=a_blanc)
    with transaction.atomic():
        # Écritures en masse, sans signal : les pages publiques gardées sont à refaire.
        donnees_modifiees()
        barre.etape("écriture des contrats")
        _ecrire(lignes, liens_qpv, communes_qpv, bilan)
        barre.etape("fin")
        barre.terminer()
        if a_blanc:
            transaction.set_rollback(True)
    return bilan


def _ecrire(lignes: list[LigneContrat], liens_qpv, communes_qpv, bilan: Bilan) -> None:
    epci = set(Epci.objects.values_list("siren", flat=True))
    communes = set(Commune.objects.values_list("code", flat=True))
    departements = set(Departement.objects.values_list("code", flat=True))
    qpv = set(Qpv.objects.values_list("code", flat=True))
    existants = {c.code: c for c in ContratDeVille.objects.all()}

    par_code: dict[str, list[LigneContrat]] = {}
    for ligne in lignes:
        par_code.setdefault(ligne.code, []).append(ligne)

    a_creer, a_modifier = [], []
    communes_voulues: dict[str, set[str]] = {}
    for code, groupe in par_code.items():
        premiere = groupe[0]
        est_epci = premiere.type_porteur == TypePorteur.EPCI
        valeurs = {
            "nom": premiere.nom,
            "libelle_anct": premiere.libelle_anct,
            "type_porteur": premiere.type_porteur,
            "code_porteur": premiere.code_porteur,
            "epci_id": premiere.code_porteur if est_epci and premiere.code_porteur in epci else None,
            "commune_id": premiere.code_porteur if not est_epci and premiere.code_porteur in communes else None,
            "departement_id": premiere.departement if premiere.departement in departements else None,
            "population_qpv": premiere.population_qpv,
        }
        if valeurs["epci_id"] is None and valeurs["commune_id"] is None:
            bilan.porteurs_absents.add(premiere.code_porteur)
        voulues = set(communes_qpv.get(code, set()))
        voulues |= {ligne.code_porteur for ligne in groupe if ligne.type_porteur == TypePorteur.COMMUNE}
        communes_voulues[code] = {c for c in voulues if c in communes}
        contrat = existants.get(code)
        if contrat is None:
            a_creer.append(ContratDeVille(code=code, **valeurs))
        elif any(getattr(contrat, champ) != valeur for champ, valeur in valeurs.items()):
            for champ, valeur in valeurs.items():
                setattr(contrat, champ, valeur)
            a_modifier.append(contrat)
        else:
            bilan.inchanges += 1

    crees = ContratDeVille.objects.bulk_create(a_creer)
    JournalContrat.objects.bulk_create(
        JournalContrat(contrat=contrat, a_statut=StatutContrat.ELABORATION, motif=MOTIF_IMPORT) for contrat in crees
    )
    ContratDeVille.objects.bulk_update(a_modifier, CHAMPS)
    bilan.crees, bilan.modifies = len(crees), len(a_modifier)

    ids = dict(ContratDeVille.objects.filter(code__in=par_code).values_list("code", "pk"))
    bilan.liens_qpv = _ajouter_liens(
        ContratDeVille.qpv.through, "qpv_id", ids, {c: {q for q in codes if q in qpv} for c, codes in liens_qpv.items()}
    )
    bilan.liens_communes = _ajouter_liens(ContratDeVille.communes.through, "commune_id", ids, communes_voulues)
    bilan.qpv_absents = {q for codes in liens_qpv.values() for q in codes if q not in qpv}


def _ajouter_liens(through, champ: str, ids: dict[str, int], voulus: dict[str, set[str]]) -> int:
    """Ajoute les liens manquants (jamais de suppression) et rend leur nombre."""
    existants = set(through.objects.filter(contratdeville_id__in=ids.values()).values_list("contratdeville_id", champ))
    nouveaux = [
        (ids[code], cible) for code, cibles in voulus.items() for cible in cibles if (ids[code], cible) not in existants
    ]
    through.objects.bulk_create(through(contratdeville_id=contrat, **{champ: cible}) for contrat, cible in nouveaux)
    return len(nouveaux)
