"""Import du référentiel territorial depuis un dossier de fichiers officiels.

Atomique (tout ou rien), idempotent (une seconde exécution ne change rien et le dit), à blanc sur demande
(tout est fait puis annulé, pour des comptes exacts), et sans jamais supprimer de ligne : une commune qui
disparaît devient obsolète, avec la commune qui l'a remplacée.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from config.lib.pages_publiques import donnees_modifiees
from territoires.imports import lecture
from territoires.imports.ecriture import Compte, copier, fusionner, verifier_references
from territoires.imports.erreurs import ErreurImport, Erreurs
from territoires.imports.progression import Barre, Ecrire

ADMIN = "decoupage-administratif"
# Les fichiers reconnus, nommés comme dans ../shared/data (et comme publiés).
FICHIERS = {
    "regions": f"{ADMIN}/regions.json",
    "departements": f"{ADMIN}/departements.json",
    "epci": f"{ADMIN}/epci.json",
    "ept": f"{ADMIN}/ept.json",
    "communes": f"{ADMIN}/communes.json",
    "qpv_contours": "qpv_2024_anct.geojson",
    "qpv_liste": "qpv_2024.csv",
}
SORTES = ["Régions", "Départements", "EPCI et EPT", "Communes", "QPV"]


@dataclass
class Bilan:
    """Le résumé d'un import : par sorte de territoire, créés / modifiés / inchangés / rendus obsolètes."""

    fichiers: list[str]
    a_blanc: bool = False
    comptes: dict[str, Compte] = field(default_factory=dict)

    @property
    def a_change(self) -> bool:
        return any(compte.a_change for compte in self.comptes.values())

    def lignes(self) -> list[str]:
        lignes = [
            f"{sorte:<13} créés : {c.crees:>6}   modifiés : {c.modifies:>6}   inchangés : {c.inchanges:>6}   "
            f"obsolètes : {c.obsoletes:>5}"
            for sorte, c in self.comptes.items()
        ]
        if self.a_blanc:
            lignes.append(
                "Import à blanc : rien n'a été écrit."
                if self.a_change
                else "Import à blanc : le référentiel est déjà à jour, rien ne changerait."
            )
        elif not self.a_change:
            lignes.append("Le référentiel était déjà à jour : rien n'a changé.")
        return lignes


def fichiers_presents(dossier: Path) -> dict[str, Path]:
    """Les fichiers officiels trouvés dans le dossier (à leur place, ou directement à sa racine)."""
    if not dossier.is_dir():
        raise ErreurImport(str(dossier), ["dossier introuvable"])
    trouves = {}
    for sorte, relatif in FICHIERS.items():
        for chemin in (dossier / relatif, dossier / Path(relatif).name):
            if chemin.is_file():
                trouves[sorte] = chemin
                break
    if not trouves:
        attendus = ", ".join(FICHIERS.values())
        raise ErreurImport(str(dossier), [f"aucun fichier officiel trouvé (attendus : {attendus})"])
    return trouves


def importer_dossier(
    dossier: Path, a_blanc: bool = False, partiel: bool = False, ecrire: Ecrire | None = None
) -> Bilan:
    """Importe tous les fichiers officiels présents dans `dossier`, dans l'ordre des dépendances.

    `partiel` : les fichiers ne couvrent qu'une partie du territoire (démonstration, extrait) ; ce qui en
    est absent n'est donc pas rendu obsolète.
    """
    fichiers = fichiers_presents(Path(dossier))
    bilan = Bilan(fichiers=[str(chemin) for chemin in fichiers.values()], a_blanc=a_blanc)
    barre = Barre(ecrire, total=len(fichiers) + 5)
    with transaction.atomic():
        # Écritures en masse (COPY, bulk_create), sans signal : les pages publiques gardées sont à refaire.
        donnees_modifiees()
        _importer(fichiers, bilan, barre, partiel)
        if bilan.a_change:
            _ranger_les_index()
        barre.terminer()
        if a_blanc:
            transaction.set_rollback(True)
    return bilan


def _ranger_les_index() -> None:
    """Verse dans les index GIN (trigrammes) les entrées en attente après une écriture en masse : sinon la
    recherche les parcourt une à une jusqu'au prochain VACUUM."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE a.amname = 'gin' AND i.indrelid IN ('territoires_commune'::regclass, "
            "'territoires_epci'::regclass, 'territoires_qpv'::regclass, 'territoires_departement'::regclass)"
        )


def _importer(fichiers: dict[str, Path], bilan: Bilan, barre: Barre, partiel: bool) -> None:
    if "regions" in fichiers:
        barre.etape("régions")
        bilan.comptes["Régions"] = _regions(fichiers["regions"])
    if "departements" in fichiers:
        barre.etape("départements")
        bilan.comptes["Départements"] = _departements(fichiers["departements"])
    epci = ept = None
    if "epci" in fichiers:
        barre.etape("EPCI : lecture")
        epci = lecture.lire_epci(fichiers["epci"])
    if "ept" in fichiers:
        barre.etape("EPT : lecture")
        ept = lecture.lire_epci(fichiers["ept"], ept=True)
    if epci or ept:
        barre.etape("EPCI et EPT : écriture")
        bilan.comptes["EPCI et EPT"] = _epci(epci, ept, partiel)
    if "communes" in fichiers:
        barre.etape("communes : lecture")
        communes = lecture.lire_communes(fichiers["communes"], epci.membres if epci else {}, ept.membres if ept else {})
        barre.etape("communes : écriture")
        bilan.comptes["Communes"] = _communes(
            communes, fichiers["communes"], avec_epci=epci is not None, avec_ept=ept is not None, partiel=partiel
        )
    contours = liste = None
    if "qpv_contours" in fichiers:
        barre.etape("QPV : lecture des contours")
        contours = lecture.lire_contours_qpv(fichiers["qpv_contours"])
    if "qpv_liste" in fichiers:
        barre.etape("QPV : lecture de la liste")
        liste = lecture.lire_liste_qpv(fichiers["qpv_liste"])
    if contours or liste:
        barre.etape("QPV : écriture")
        bilan.comptes["QPV"] = _qpv(contours, fichiers.get("qpv_contours"), liste, fichiers.get("qpv_liste"))


# Les colonnes que chaque fichier écrit (aussi lues par benchmarks/territoires.py pour le plancher COPY).
COLONNES_REGION = ["code", "nom", "zone"]
COLONNES_DEPARTEMENT = ["code", "nom", "region_id", "zone"]
COLONNES_EPCI = ["siren", "nom", "nature", "mode_financement", "population", "obsolete"]
COLONNES_COMMUNE = [
    "code",
    "nom",
    "departement_id",
    "epci_id",
    "ept_id",
    "population",
    "codes_postaux",
    "siren",
    "obsolete",
    "remplacee_par_id",
]
COLONNES_QPV_CONTOURS = ["code", "nom", "departement_id", "porteurs_contrat", "perimetre", "emprise"]
COLONNES_QPV_LISTE = ["code", "nom", "departement_id", "epci_id", "porteurs_contrat", "population"]
COLONNES_QPV_COMMUNES = ["qpv_id", "commune_id"]


def _nom(chemin: Path) -> str:
    return lecture._nom_fichier(chemin)


def _regions(chemin: Path) -> Compte:
    colonnes = COLONNES_REGION
    copier("tmp_regions", "territoires_region", colonnes, lecture.lire_regions(chemin))
    return fusionner("tmp_regions", "territoires_region", "code", colonnes, ["nom", "zone"])


def _departements(chemin: Path) -> Compte:
    colonnes = COLONNES_DEPARTEMENT
    copier("tmp_departements", "territoires_departement", colonnes, lecture.lire_departements(chemin))
    erreurs = Erreurs(_nom(chemin), "élément")
    verifier_references(erreurs, "tmp_departements", "region_id", "territoires_region", "code", "code de région")
    erreurs.lever_s_il_y_en_a()
    return fusionner("tmp_departements", "territoires_departement", "code", colonnes, ["nom", "region_id", "zone"])


def _epci(epci: lecture.Groupements | None, ept: lecture.Groupements | None, partiel: bool) -> Compte:
    colonnes = COLONNES_EPCI
    lignes = (epci.lignes if epci else []) + (ept.lignes if ept else [])
    copier("tmp_epci", "territoires_epci", colonnes, lignes)
    compte = fusionner("tmp_epci", "territoires_epci", "siren", colonnes, colonnes[1:])
    if partiel:
        return compte
    # Un groupement absent du fichier de sa sorte a disparu (fusion) : obsolète, jamais supprimé.
    natures = []
    if epci:
        natures += ["CC", "CA", "CU", "METRO", "MET69"]
    if ept:
        natures.append("EPT")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE territoires_epci e SET obsolete = true WHERE NOT e.obsolete AND e.nature = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM tmp_epci t WHERE t.siren = e.siren)",
            [natures],
        )
        compte.obsoletes = cursor.rowcount
    return compte


def _communes(communes: lecture.Communes, chemin: Path, avec_epci: bool, avec_ept: bool, partiel: bool) -> Compte:
    colonnes = COLONNES_COMMUNE
    a_jour = [c for c in colonnes[1:] if (c != "epci_id" or avec_epci) and (c != "ept_id" or avec_ept)]
    copier("tmp_communes", "territoires_commune", colonnes, communes.lignes)
    erreurs = Erreurs(_nom(chemin), "élément")
    verifier_references(
        erreurs, "tmp_communes", "departement_id", "territoires_departement", "code", "code de département"
    )
    erreurs.lever_s_il_y_en_a()
    with connection.cursor() as cursor:
        # Les communes actuelles en base qui deviennent déléguées ou associées dans ce fichier.
        cursor.execute(
            "SELECT count(*) FROM tmp_communes t JOIN territoires_commune c ON c.code = t.code "
            "WHERE t.obsolete AND NOT c.obsolete"
        )
        (devenues_obsoletes,) = cursor.fetchone()
    compte = fusionner("tmp_communes", "territoires_commune", "code", colonnes, a_jour)
    compte.modifies -= devenues_obsoletes
    compte.obsoletes = devenues_obsoletes
    if partiel:
        return compte
    # Les communes actuelles en base absentes du fichier ont disparu : obsolètes, avec leur successeur connu.
    successeurs = {a: n for a, n in communes.successeurs.items() if n in communes.actuelles}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE territoires_commune c SET obsolete = true, remplacee_par_id = s.successeur "
            "FROM (SELECT c2.code, m.successeur FROM territoires_commune c2 "
            "      LEFT JOIN unnest(%s::varchar[], %s::varchar[]) AS m(ancien, successeur) ON m.ancien = c2.code "
            "      WHERE NOT c2.obsolete AND NOT EXISTS (SELECT 1 FROM tmp_communes t WHERE t.code = c2.code)) s "
            "WHERE c.code = s.code",
            [list(successeurs), list(successeurs.values())],
        )
        compte.obsoletes += cursor.rowcount
    return compte


def _qpv(
    contours: lecture.QpvLus | None,
    chemin_contours: Path | None,
    liste: lecture.QpvLus | None,
    chemin_liste: Path | None,
) -> Compte:
    """Les QPV depuis les deux fichiers de l'ANCT ; chacun tient ses colonnes, pour qu'aucun ne défasse l'autre.

    Contours : nom, département, porteurs du contrat, périmètre et emprise. Liste : population, EPCI et
    communes (COG le plus récent). Les communes des contours ne servent qu'aux QPV qui n'en ont pas encore.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM territoires_qpv")
        existants = {code for (code,) in cursor.fetchall()}
    codes = set()
    modifies = set()
    if contours:
        codes |= {ligne[0] for ligne in contours.lignes}
        colonnes = COLONNES_QPV_CONTOURS
        copier("tmp_qpv_contours", "territoires_qpv", colonnes, contours.lignes)
        erreurs = Erreurs(_nom(chemin_contours), "entité")
        verifier_references(
            erreurs, "tmp_qpv_contours", "departement_id", "territoires_departement", "code", "département"
        )
        erreurs.lever_s_il_y_en_a()
        compte = fusionner("tmp_qpv_contours", "territoires_qpv", "code", colonnes, colonnes[1:], garder_cles=True)
        modifies |= compte.cles_modifiees
        copier("tmp_qpv_liens", "territoires_qpv_communes", COLONNES_QPV_COMMUNES, contours.communes)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO territoires_qpv_communes (qpv_id, commune_id) "
                "SELECT DISTINCT t.qpv_id, t.commune_id FROM tmp_qpv_liens t "
                "JOIN territoires_commune c ON c.code = t.commune_id "
                "WHERE NOT EXISTS (SELECT 1 FROM territoires_qpv_communes l WHERE l.qpv_id = t.qpv_id) "
                "RETURNING qpv_id"
            )
            modifies |= {code for (code,) in cursor.fetchall()}
    if liste:
        codes |= {ligne[0] for ligne in liste.lignes}
        colonnes = COLONNES_QPV_LISTE
        a_jour = ["epci_id", "population"] + ([] if contours else ["nom", "departement_id", "porteurs_contrat"])
        copier("tmp_qpv_liste", "territoires_qpv", colonnes, liste.lignes)
        copier("tmp_qpv_liens", "territoires_qpv_communes", COLONNES_QPV_COMMUNES, liste.communes)
        erreurs = Erreurs(_nom(chemin_liste), "ligne")
        verifier_references(
            erreurs, "tmp_qpv_liste", "departement_id", "territoires_departement", "code", "département"
        )
        verifier_references(erreurs, "tmp_qpv_liste", "epci_id", "territoires_epci", "siren", "EPCI")
        verifier_references(erreurs, "tmp_qpv_liens", "commune_id", "territoires_commune", "code", "commune")
        erreurs.lever_s_il_y_en_a()
        compte = fusionner("tmp_qpv_liste", "territoires_qpv", "code", colonnes, a_jour, garder_cles=True)
        modifies |= compte.cles_modifiees
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM territoires_qpv_communes l USING tmp_qpv_liste q "
                "WHERE l.qpv_id = q.code AND NOT EXISTS "
                "(SELECT 1 FROM tmp_qpv_liens t WHERE t.qpv_id = l.qpv_id AND t.commune_id = l.commune_id) "
                "RETURNING l.qpv_id"
            )
            modifies |= {code for (code,) in cursor.fetchall()}
            cursor.execute(
                "INSERT INTO territoires_qpv_communes (qpv_id, commune_id) "
                "SELECT DISTINCT t.qpv_id, t.commune_id FROM tmp_qpv_liens t WHERE NOT EXISTS "
                "(SELECT 1 FROM territoires_qpv_communes l WHERE l.qpv_id = t.qpv_id AND l.commune_id = t.commune_id) "
                "RETURNING qpv_id"
            )
            modifies |= {code for (code,) in cursor.fetchall()}
    crees = codes - existants
    modifies = (modifies & existants) - crees
    return Compte(crees=len(crees), modifies=len(modifies), inchanges=len(codes) - len(crees) - len(modifies))
