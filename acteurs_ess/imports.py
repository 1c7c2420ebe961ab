"""Import d'une liste de structures depuis un tableur (CSV ou XLSX), et export dans le même format.

L'import se fait en deux temps : `analyser` lit le fichier et dit, ligne par ligne, ce qui sera créé, mis à
jour, laissé tel quel ou rejeté (et pourquoi), sans rien écrire ; `ecrire` enregistre tout ou rien, et
refuse d'écrire s'il reste une ligne rejetée. Une structure est reconnue par son SIRET, sinon son numéro
RNA, sinon son SIREN (s'il désigne une seule structure). Les colonnes présentes font foi (une cellule vide
efface la valeur), sauf les identifiants, qu'une cellule vide n'efface jamais. Les fiches tenues par leurs
membres ne sont pas modifiées par un import. Relancer le même import ne change rien.

Depuis la page d'import, la confirmation ne fait que différer une tâche de fond : `executer_import` relit le
fichier, le revérifie et l'écrit, en notant son avancement et son résultat sur un `ImportStructures` que la
page de suivi affiche.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils import timezone

from acteurs_ess import apercus, identifiants
from acteurs_ess.choix import Agrement, EtatImport, FormeJuridique
from acteurs_ess.models import ImportStructures, Structure, mots_cles
from acteurs_ess.permissions import q_communes_des_collectivites, territoire_d_import
from comptes.models import Adhesion, Organisation, Role, TypeOrganisation
from config.lib.connexions import connexion_a_part
from config.lib.pages_publiques import donnees_modifiees
from config.lib.stockage import StockageIndisponible
from config.lib.tableurs import TableurIllisible, lire_tableur, sans_protection
from config.lib.texte import cle
from territoires.models import Commune, Qpv

COLONNES = [
    "raison_sociale",
    "sigle",
    "siret",
    "siren",
    "rna",
    "forme_juridique",
    "agrements",
    "commune",
    "qpv",
    "adresse",
    "site_web",
    "description",
]
OBLIGATOIRES = ["raison_sociale"]
SEPARATEUR_VALEURS = "|"
# Les champs texte que l'import compare et écrit (les identifiants sont traités à part).
CHAMPS_TEXTE = ["raison_sociale", "sigle", "forme_juridique", "adresse", "site_web", "description"]
LONGUEURS = {"raison_sociale": 255, "sigle": 50, "adresse": 255, "site_web": 200}


COLONNE_PAR_CLE = {cle(colonne): colonne for colonne in COLONNES}
FORME_PAR_CLE = {cle(code): code for code in FormeJuridique.values} | {
    cle(forme.label.split(" (")[0]): forme.value for forme in FormeJuridique
}
AGREMENT_PAR_CLE = {cle(code): code for code in Agrement.values} | {cle(a.label): a.value for a in Agrement}


@dataclass
class LigneImport:
    numero: int
    raison_sociale: str = ""
    action: str = ""  # creation, mise_a_jour, inchangee, ignoree, rejet
    erreurs: list[str] = field(default_factory=list)
    changements: list[str] = field(default_factory=list)
    valeurs: dict = field(default_factory=dict)
    structure_id: int | None = None

    LIBELLES = {
        "creation": "Création",
        "mise_a_jour": "Mise à jour",
        "inchangee": "Inchangée",
        "ignoree": "Ignorée",
        "rejet": "Rejetée",
    }

    @property
    def libelle_action(self) -> str:
        return self.LIBELLES[self.action]

    @property
    def explication(self) -> str:
        if self.erreurs:
            return " ".join(self.erreurs)
        if self.changements:
            return "Modifié : " + ", ".join(self.changements) + "."
        return {
            "creation": "Nouvelle structure.",
            "inchangee": "Déjà à jour.",
            "ignoree": "Fiche tenue par les membres de la structure : l'import ne la modifie pas.",
        }.get(self.action, "")


@dataclass
class Analyse:
    lignes: list[LigneImport] = field(default_factory=list)
    colonnes: list[str] = field(default_factory=list)
    colonnes_inconnues: list[str] = field(default_factory=list)
    erreur: str = ""

    def compter(self, action: str) -> int:
        return sum(1 for ligne in self.lignes if ligne.action == action)

    @property
    def resume(self) -> dict[str, int]:
        return {action: self.compter(action) for action in LigneImport.LIBELLES}

    @property
    def rejets(self) -> list[LigneImport]:
        return [ligne for ligne in self.lignes if ligne.action == "rejet"]

    @property
    def est_valide(self) -> bool:
        return not self.erreur and not self.rejets and bool(self.lignes)


def _valider_ligne(ligne: LigneImport, brut: dict[str, str], communes: set[str], qpv: set[str]) -> None:
    valeurs, erreurs = ligne.valeurs, ligne.erreurs
    nom = " ".join(brut.get("raison_sociale", "").split())
    ligne.raison_sociale = nom
    if not nom:
        erreurs.append("La raison sociale est vide.")
    for champ, longueur in LONGUEURS.items():
        if champ in brut and len(brut[champ]) > longueur:
            erreurs.append(f"{champ} dépasse {longueur} caractères.")
    valeurs["raison_sociale"] = nom
    for champ in ("sigle", "adresse", "description"):
        if champ in brut:
            valeurs[champ] = brut[champ]
    for champ, normaliser in (
        ("siret", identifiants.normaliser_siret),
        ("siren", identifiants.normaliser_siren),
        ("rna", identifiants.normaliser_rna),
    ):
        if brut.get(champ):
            try:
                valeurs[champ] = normaliser(brut[champ])
            except ValidationError as erreur:
                erreurs.append(erreur.messages[0])
    if valeurs.get("siret") and valeurs.get("siren") and valeurs["siret"][:9] != valeurs["siren"]:
        erreurs.append(f"Le SIREN {valeurs['siren']} ne correspond pas au SIRET {valeurs['siret']}.")
    if valeurs.get("siret") and not valeurs.get("siren"):
        valeurs["siren"] = valeurs["siret"][:9]
    if "forme_juridique" in brut:
        if not brut["forme_juridique"]:
            valeurs["forme_juridique"] = FormeJuridique.AUTRE
        elif cle(brut["forme_juridique"]) in FORME_PAR_CLE:
            valeurs["forme_juridique"] = FORME_PAR_CLE[cle(brut["forme_juridique"])]
        else:
            erreurs.append(
                f"Forme juridique « {brut['forme_juridique']} » inconnue (valeurs possibles : "
                f"{', '.join(FormeJuridique.values)})."
            )
    if "agrements" in brut:
        codes = []
        for libelle in filter(None, (v.strip() for v in brut["agrements"].split(SEPARATEUR_VALEURS))):
            if cle(libelle) in AGREMENT_PAR_CLE:
                codes.append(AGREMENT_PAR_CLE[cle(libelle)])
            else:
                erreurs.append(f"Agrément « {libelle} » inconnu (valeurs possibles : {', '.join(Agrement.values)}).")
        valeurs["agrements"] = sorted(set(codes))
    if "commune" in brut:
        code = _code_commune(brut["commune"])
        if code and code not in communes:
            erreurs.append(f"Aucune commune n'a le code INSEE « {brut['commune']} ».")
        valeurs["commune_id"] = code or None
    if "qpv" in brut:
        codes = _codes_qpv(brut["qpv"])
        inconnus = [code for code in codes if code not in qpv]
        if inconnus:
            erreurs.append(f"Code(s) QPV inconnu(s) : {', '.join(inconnus)}.")
        valeurs["qpv"] = codes
    if brut.get("site_web"):
        url = brut["site_web"] if "://" in brut["site_web"] else f"https://{brut['site_web']}"
        try:
            URLValidator(schemes=["http", "https"])(url)
            valeurs["site_web"] = url
        except ValidationError:
            erreurs.append(f"Adresse de site web invalide : « {brut['site_web']} ».")
    elif "site_web" in brut:
        valeurs["site_web"] = ""


def _code_commune(valeur: str) -> str:
    code = valeur.strip().upper()
    # Un tableur range 01053 parmi les nombres et perd le zéro initial.
    return code.zfill(5) if code.isdigit() and len(code) == 4 else code


def _codes_qpv(valeur: str) -> list[str]:
    return sorted({code.strip().upper() for code in valeur.split(SEPARATEUR_VALEURS) if code.strip()})


HORS_TERRITOIRE_SANS_COMMUNE = (
    "Commune manquante : un agent n'importe que des structures du territoire de sa collectivité (code INSEE de "
    "la commune obligatoire)."
)


def analyser(nom: str, contenu: bytes, territoire: Q | None = None) -> Analyse:
    """Lit le fichier et décide, ligne par ligne, de ce que l'import ferait. N'écrit rien.

    `territoire` (un filtre sur les communes, `permissions.territoire_d_import`) borne ce qu'un agent peut créer
    ou mettre à jour : une ligne dont la commune, ou la structure déjà inscrite qu'elle désigne, est hors de ce
    territoire est rejetée. `None` : tout le pays (administrateurs de la plateforme, commande d'import)."""
    analyse = Analyse()
    try:
        entete, lignes_brutes = lire_tableur(nom, contenu)
        lignes_brutes = list(lignes_brutes)
    except TableurIllisible as erreur:
        analyse.erreur = str(erreur)
        return analyse

    positions: dict[str, int] = {}
    for position, titre in enumerate(entete):
        colonne = COLONNE_PAR_CLE.get(cle(titre))
        if colonne is None:
            if titre:
                analyse.colonnes_inconnues.append(titre)
        elif colonne in positions:
            analyse.erreur = f"La colonne « {colonne} » apparaît deux fois dans l'en-tête."
            return analyse
        else:
            positions[colonne] = position
    analyse.colonnes = list(positions)
    manquantes = [colonne for colonne in OBLIGATOIRES if colonne not in positions]
    if manquantes:
        analyse.erreur = (
            f"Colonne obligatoire manquante : {', '.join(manquantes)}. L'en-tête lu est : "
            f"{', '.join(t for t in entete if t) or '(vide)'}."
        )
        return analyse

    bruts = []
    for numero, cellules in enumerate(lignes_brutes, start=2):
        if not any(cellules):
            continue
        # L'apostrophe qui protège à l'export un texte pris pour une formule (`'=…`) n'est pas dans la donnée.
        bruts.append(
            (
                numero,
                {
                    col: (sans_protection(cellules[pos]) if pos < len(cellules) else "")
                    for col, pos in positions.items()
                },
            )
        )
    if not bruts:
        analyse.erreur = "Le fichier ne contient aucune ligne de structure sous l'en-tête."
        return analyse

    codes_communes = {_code_commune(brut.get("commune", "")) for _, brut in bruts} - {""}
    codes_qpv = {code for _, brut in bruts for code in _codes_qpv(brut.get("qpv", ""))}
    communes = set(Commune.objects.filter(code__in=codes_communes).values_list("code", flat=True))
    qpv = set(Qpv.objects.filter(code__in=codes_qpv).values_list("code", flat=True))
    dans_le_territoire = (
        None
        if territoire is None
        else set(Commune.objects.filter(territoire, code__in=codes_communes).values_list("code", flat=True))
    )

    deja_vus: dict[tuple[str, str], int] = {}
    for numero, brut in bruts:
        ligne = LigneImport(numero=numero)
        _valider_ligne(ligne, brut, communes, qpv)
        if dans_le_territoire is not None and not ligne.erreurs:
            code = ligne.valeurs.get("commune_id")
            if not code:
                ligne.erreurs.append(HORS_TERRITOIRE_SANS_COMMUNE)
            elif code not in dans_le_territoire:
                ligne.erreurs.append(f"La commune {code} est hors du territoire de votre collectivité.")
        for champ in ("siret", "rna"):
            valeur = ligne.valeurs.get(champ)
            if valeur and (champ, valeur) in deja_vus:
                ligne.erreurs.append(f"{champ.upper()} {valeur} déjà présent ligne {deja_vus[(champ, valeur)]}.")
            elif valeur:
                deja_vus[(champ, valeur)] = numero
        analyse.lignes.append(ligne)

    _rapprocher(analyse.lignes, territoire)
    return analyse


def _rapprocher(lignes: list[LigneImport], territoire: Q | None = None) -> None:
    """Retrouve les structures déjà inscrites et décide de l'action de chaque ligne valide."""
    sirets = {ligne.valeurs["siret"] for ligne in lignes if ligne.valeurs.get("siret")}
    rnas = {ligne.valeurs["rna"] for ligne in lignes if ligne.valeurs.get("rna")}
    sirens = {
        ligne.valeurs["siren"] for ligne in lignes if ligne.valeurs.get("siren") and not ligne.valeurs.get("siret")
    }
    existantes = (
        list(
            Structure.objects.filter(Q(siret__in=sirets) | Q(rna__in=rnas) | Q(siren__in=sirens)).prefetch_related(
                "qpv"
            )
        )
        if sirets or rnas or sirens
        else []
    )
    par_siret = {s.siret: s for s in existantes if s.siret}
    par_rna = {s.rna: s for s in existantes if s.rna}
    par_siren: dict[str, list[Structure]] = {}
    for structure in existantes:
        par_siren.setdefault(structure.siren, []).append(structure)
    tenues = set(
        Adhesion.objects.filter(
            organisation_id__in=[s.organisation_id for s in existantes], role=Role.STRUCTURE
        ).values_list("organisation_id", flat=True)
    )

    du_territoire = (
        set(
            Structure.objects.filter(
                pk__in=[s.pk for s in existantes], commune__in=Commune.objects.filter(territoire)
            ).values_list("pk", flat=True)
        )
        if territoire is not None and existantes
        else set()
    )

    for ligne in lignes:
        valeurs = ligne.valeurs
        structure = par_siret.get(valeurs.get("siret"))
        if structure is None and valeurs.get("rna"):
            structure = par_rna.get(valeurs["rna"])
        if structure is None and valeurs.get("siren") and not valeurs.get("siret"):
            candidates = par_siren.get(valeurs["siren"], [])
            if len(candidates) == 1:
                structure = candidates[0]
            elif candidates:
                ligne.erreurs.append(
                    f"Plusieurs structures ont le SIREN {valeurs['siren']} : précisez le SIRET de l'établissement."
                )
        if structure is not None and valeurs.get("rna") and par_rna.get(valeurs["rna"], structure) != structure:
            ligne.erreurs.append(f"Le numéro RNA {valeurs['rna']} appartient à une autre structure de l'annuaire.")
        if structure is not None and valeurs.get("siret") and structure.siret and structure.siret != valeurs["siret"]:
            ligne.erreurs.append(f"Le SIRET {valeurs['siret']} ne correspond pas à celui de {structure}.")
        if structure is not None and territoire is not None and structure.pk not in du_territoire:
            # Sans quoi un fichier qui donne une commune du territoire ferait venir à soi une structure d'ailleurs.
            ligne.erreurs.append(
                f"{structure} est inscrite hors du territoire de votre collectivité : l'import ne la modifie pas."
            )
        if ligne.erreurs:
            ligne.action = "rejet"
            continue
        if structure is None:
            ligne.action = "creation"
            continue
        ligne.structure_id = structure.pk
        if structure.organisation_id in tenues:
            ligne.action = "ignoree"
            continue
        ligne.changements = _changements(structure, valeurs)
        ligne.action = "mise_a_jour" if ligne.changements else "inchangee"


def _changements(structure: Structure, valeurs: dict) -> list[str]:
    changes = []
    for champ in [*CHAMPS_TEXTE, "siret", "siren", "rna", "agrements", "commune_id"]:
        if champ not in valeurs or (champ in ("siret", "siren", "rna") and not valeurs[champ]):
            continue
        if getattr(structure, champ) != valeurs[champ]:
            changes.append(champ.removesuffix("_id"))
    if "qpv" in valeurs and sorted(q.pk for q in structure.qpv.all()) != valeurs["qpv"]:
        changes.append("qpv")
    return changes


@dataclass
class Bilan:
    creees: int = 0
    mises_a_jour: int = 0


# Les lignes sont écrites par lots ; l'avancement est signalé après chacun.
TAILLE_LOT = 1000

# Reçoit (lignes traitées, lignes du fichier) après chaque lot.
Progression = Callable[[int, int], None]


@transaction.atomic
def ecrire(analyse: Analyse, importee_par: Organisation | None = None, progression: Progression | None = None) -> Bilan:
    """Écrit toutes les lignes, ou aucune : refuse une analyse qui contient une erreur ou un rejet.

    `progression` est appelée après chaque lot de `TAILLE_LOT` lignes, dans la transaction de l'import : ce
    qu'elle écrirait par la même connexion ne se verrait qu'à la fin (voir `config.lib.connexions`)."""
    if not analyse.est_valide:
        raise ValidationError(analyse.erreur or f"{len(analyse.rejets)} ligne(s) rejetée(s) : rien n'a été écrit.")
    bilan = Bilan()
    # Écritures en masse (bulk_create), sans signal : les pages publiques gardées sont à refaire.
    donnees_modifiees()
    total = len(analyse.lignes)
    for debut in range(0, total, TAILLE_LOT):
        _ecrire_lot(analyse.lignes[debut : debut + TAILLE_LOT], importee_par, bilan)
        if progression is not None:
            progression(min(debut + TAILLE_LOT, total), total)
    return bilan


def _ecrire_lot(lignes: list[LigneImport], importee_par: Organisation | None, bilan: Bilan) -> None:
    a_creer = [ligne for ligne in lignes if ligne.action == "creation"]
    a_mettre_a_jour = [ligne for ligne in lignes if ligne.action == "mise_a_jour"]

    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                nom=ligne.valeurs["raison_sociale"][:255],
                type=TypeOrganisation.STRUCTURE,
                siret=ligne.valeurs.get("siret", ""),
            )
            for ligne in a_creer
        ]
    )
    nouvelles = []
    for ligne, organisation in zip(a_creer, organisations, strict=True):
        champs = {k: v for k, v in ligne.valeurs.items() if k != "qpv"}
        structure = Structure(organisation=organisation, importee_par=importee_par, **champs)
        structure.mots_cles = mots_cles(structure.forme_juridique, structure.agrements, structure.domaines)
        nouvelles.append(structure)
    Structure.objects.bulk_create(nouvelles)
    liens = [
        Structure.qpv.through(structure_id=structure.pk, qpv_id=code)
        for ligne, structure in zip(a_creer, nouvelles, strict=True)
        for code in ligne.valeurs.get("qpv", [])
    ]
    bilan.creees += len(nouvelles)

    if a_mettre_a_jour:
        structures = Structure.objects.in_bulk([ligne.structure_id for ligne in a_mettre_a_jour])
        champs_modifies = set()
        for ligne in a_mettre_a_jour:
            structure = structures[ligne.structure_id]
            for champ, valeur in ligne.valeurs.items():
                if champ == "qpv" or (champ in ("siret", "siren", "rna") and not valeur):
                    continue
                setattr(structure, champ, valeur)
                champs_modifies.add(champ)
            structure.mots_cles = mots_cles(structure.forme_juridique, structure.agrements, structure.domaines)
            if "qpv" in ligne.changements:
                Structure.qpv.through.objects.filter(structure_id=structure.pk).delete()
                liens += [
                    Structure.qpv.through(structure_id=structure.pk, qpv_id=code) for code in ligne.valeurs["qpv"]
                ]
        Structure.objects.bulk_update(structures.values(), [*sorted(champs_modifies), "mots_cles", "modifiee_le"])
        bilan.mises_a_jour += len(structures)
    Structure.qpv.through.objects.bulk_create(liens, batch_size=5000)


# --- L'import confirmé depuis la page : une tâche de fond (acteurs_ess.taches.importer_structures) ------------

# Les lignes rejetées gardées pour la page de suivi (comme l'aperçu en montre 500) ; leur nombre est gardé à part.
REJETS_GARDES = 500

# L'avancement, écrit par la connexion à part (`config.lib.connexions`) : le nom de la table est celui que Django
# donne au modèle (`ImportStructures._meta.db_table`, vérifié par les tests).
SQL_AVANCEMENT = "UPDATE acteurs_ess_importstructures SET lignes_faites = %s WHERE id = %s"

MESSAGE_APERCU_EXPIRE = "Cet aperçu a expiré : déposez à nouveau le fichier."
MESSAGE_STOCKAGE = (
    "Le fichier déposé n'a pas pu être relu : le stockage des fichiers ne répond pas. Rien n'a été écrit ; "
    "déposez à nouveau le fichier dans quelques minutes."
)
MESSAGE_ERREUR_INATTENDUE = (
    "L'import s'est interrompu sur une erreur inattendue : rien n'a été écrit. Vous pouvez déposer à nouveau le "
    "fichier ; si l'erreur se reproduit, signalez-la aux administrateurs de la plateforme."
)


def executer_import(jeton: str) -> None:
    """Écrit l'import confirmé de l'aperçu `jeton` : relit le fichier gardé dans le stockage, le revérifie (l'annuaire
    a pu changer depuis l'aperçu), puis écrit tout ou rien en signalant l'avancement, lot par lot.

    L'état final (terminé, avec ses nombres) est écrit dans la transaction des structures : un import marqué
    terminé est écrit, et un worker arrêté en plein import (relancé par `relancer_taches_bloquees`) le reprend
    du début sans rien avoir écrit. Un échec est écrit en français sur l'import ; une erreur inattendue est
    aussi relevée pour que la tâche soit en échec dans l'administration."""
    suivi = ImportStructures.objects.select_related("collectivite", "lance_par").get(jeton=jeton)
    if suivi.etat == EtatImport.TERMINE:
        return
    _suivre(suivi, etat=EtatImport.EN_COURS, commence_le=timezone.now(), lignes_faites=0, lignes_total=None)
    try:
        contenu = apercus.lire_apercu(suivi.chemin)
    except FileNotFoundError:
        # Purgé après APERCUS_IMPORT_DUREE_HEURES : la purge épargne les imports en attente, mais pas un aperçu
        # confirmé après son expiration.
        _suivre(suivi, etat=EtatImport.ECHOUE, erreur=MESSAGE_APERCU_EXPIRE, termine_le=timezone.now())
        return
    except StockageIndisponible:
        _suivre(suivi, etat=EtatImport.ECHOUE, erreur=MESSAGE_STOCKAGE, termine_le=timezone.now())
        return

    # Le territoire de qui a lancé l'import, relu maintenant : un agent parti de sa collectivité n'y importe plus.
    if suivi.lance_par is not None:
        territoire = territoire_d_import(suivi.lance_par)
    else:
        territoire = q_communes_des_collectivites([suivi.collectivite] if suivi.collectivite else [])
    analyse = analyser(suivi.nom_fichier, contenu, territoire)
    _suivre(suivi, lignes_total=len(analyse.lignes))
    if not analyse.est_valide:
        rejets = analyse.rejets
        _suivre(
            suivi,
            etat=EtatImport.ECHOUE,
            erreur=analyse.erreur
            or (
                f"{len(rejets)} ligne(s) rejetée(s) : l'annuaire a changé depuis l'aperçu. Rien n'a été écrit ; "
                "corrigez le fichier et déposez-le à nouveau."
            ),
            rejetees=len(rejets),
            rejets=[
                {"numero": ligne.numero, "raison_sociale": ligne.raison_sociale, "motif": ligne.explication}
                for ligne in rejets[:REJETS_GARDES]
            ],
            termine_le=timezone.now(),
        )
        apercus.oublier_apercu(suivi.chemin)
        return

    try:
        with connexion_a_part() as connexion, transaction.atomic():
            bilan = ecrire(analyse, importee_par=suivi.collectivite, progression=_avancement(connexion, suivi.pk))
            resume = analyse.resume
            _suivre(
                suivi,
                etat=EtatImport.TERMINE,
                lignes_faites=len(analyse.lignes),
                creees=bilan.creees,
                mises_a_jour=bilan.mises_a_jour,
                inchangees=resume["inchangee"],
                ignorees=resume["ignoree"],
                termine_le=timezone.now(),
            )
    except Exception:
        _suivre(suivi, etat=EtatImport.ECHOUE, erreur=MESSAGE_ERREUR_INATTENDUE, termine_le=timezone.now())
        raise
    apercus.oublier_apercu(suivi.chemin)


def _suivre(suivi: ImportStructures, **champs) -> None:
    """Écrit ces champs de l'import (et les garde sur l'objet)."""
    ImportStructures.objects.filter(pk=suivi.pk).update(**champs)
    for champ, valeur in champs.items():
        setattr(suivi, champ, valeur)


def _avancement(connexion: BaseDatabaseWrapper, pk: int) -> Progression:
    """L'avancement écrit par la connexion à part, validé tout de suite, lisible par la page de suivi pendant que
    la transaction de l'import est encore ouverte."""

    def signaler(faites: int, total: int) -> None:
        with connexion.cursor() as curseur:
            curseur.execute(SQL_AVANCEMENT, [faites, pk])

    return signaler


def lignes_export(structures) -> Iterable[list[str]]:
    """Les lignes d'export (mêmes colonnes que l'import) des structures données, en une requête."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    codes_qpv = ArraySubquery(
        Structure.qpv.through.objects.filter(structure_id=OuterRef("pk")).order_by("qpv_id").values("qpv_id")
    )
    valeurs = structures.annotate(codes_qpv=codes_qpv).values_list(
        "raison_sociale",
        "sigle",
        "siret",
        "siren",
        "rna",
        "forme_juridique",
        "agrements",
        "commune_id",
        "codes_qpv",
        "adresse",
        "site_web",
        "description",
    )
    for ligne in valeurs.iterator(chunk_size=2000):
        ligne = list(ligne)
        ligne[6] = SEPARATEUR_VALEURS.join(ligne[6])
        ligne[7] = ligne[7] or ""
        ligne[8] = SEPARATEUR_VALEURS.join(ligne[8])
        yield ligne
