"""Lectures des dossiers pour le tableau d'instruction, les exports, Mon espace, les pages des territoires et
des structures — chacune en un nombre fixe de requêtes."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from comptes.contexte import Qui, contexte
from comptes.models import Organisation, Role
from contrats.models import ContratDeVille
from contrats.selectors import q_contrats_portes_par
from financements.models import (
    AppelAProjets,
    Convention,
    ConventionMontant,
    CoPorteur,
    Dossier,
    Financement,
    FinanceurAppel,
    PartBeneficiaire,
    Reversement,
    StatutConvention,
    StatutDossier,
    StatutVersement,
    Versement,
)
from financements.models.dossier import STATUTS_DECIDES
from financements.permissions import (
    financeurs_geres,
    financeurs_visibles_versements,
    organisations_instructrices,
    organisations_structures,
)


def appels_portes_par(qui: Qui) -> list[int]:
    """Les appels à projets des contrats portés par une collectivité dont la personne est agent (une requête
    au plus)."""
    condition = q_contrats_portes_par(contexte(qui).organisations(Role.AGENT))
    if condition == Q(pk__in=[]):
        return []
    contrats = ContratDeVille.objects.filter(condition).values("pk")
    return list(AppelAProjets.objects.filter(contrat__in=contrats).values_list("pk", flat=True))


def dossiers_a_instruire(qui: Qui) -> QuerySet[Dossier]:
    """Les dossiers déposés que la personne instruit : ceux qui demandent un financement à l'une de ses
    organisations, et ceux des appels des contrats que sa collectivité porte. Jamais un brouillon."""
    organisations = [o.pk for o in organisations_instructrices(qui)]
    appels = appels_portes_par(qui)
    # `financeurs_ids` (index GIN) et `appel_id` (index) : PostgreSQL combine les deux index (BitmapOr).
    condition = Q(financeurs_ids__overlap=organisations)
    if appels:
        condition |= Q(appel_id__in=appels)
    return Dossier.objects.deposes().filter(condition)


def pour_liste(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return dossiers.select_related("structure", "appel").prefetch_related(
        Prefetch("financements", queryset=Financement.objects.select_related("financeur", "decision"))
    )


def totaux_par_financeur(dossiers: QuerySet[Dossier]) -> list[dict]:
    """Pour chaque financeur des dossiers : demandé, accordé, et son enveloppe dans les appels de ces
    dossiers. Deux requêtes : les sommes par financeur et par appel, puis les enveloppes de ces appels (qui
    donnent aussi les noms, chaque financeur sollicité étant financeur de l'appel)."""
    sommes: dict[int, dict] = {}
    appels: set[int] = set()
    # Depuis les dossiers (leurs filtres multi-valués sont des sous-requêtes `pk__in`, jamais des jointures) : une
    # seule lecture des dossiers, jointe à leurs financements, au lieu de relire les 50 000 dossiers pour leur
    # appel (14 000 dossiers pour la plus grande collectivité du test de charge : un tiers de temps en moins).
    for ligne in (
        dossiers.order_by()
        .values(id_financeur=F("financements__financeur_id"), id_appel=F("appel_id"))
        .annotate(
            demande=Sum("financements__montant_demande"),
            accorde=Sum("financements__montant_accorde"),
            nombre=Count("financements"),
        )
    ):
        if ligne["id_financeur"] is None:  # un dossier sans financement demandé
            continue
        appels.add(ligne["id_appel"])
        total = sommes.setdefault(
            ligne["id_financeur"],
            {"financeur_id": ligne["id_financeur"], "demande": Decimal(0), "accorde": Decimal(0), "nombre": 0},
        )
        total["demande"] += ligne["demande"] or 0
        total["accorde"] += ligne["accorde"] or 0
        total["nombre"] += ligne["nombre"]
    if not sommes:
        return []
    enveloppes = (
        FinanceurAppel.objects.filter(appel_id__in=sorted(appels), organisation_id__in=list(sommes))
        .values("organisation_id", "organisation__nom")
        .annotate(total=Sum("enveloppe"))
        .order_by("organisation__nom")
    )
    lignes = []
    for enveloppe in enveloppes:
        ligne = sommes[enveloppe["organisation_id"]]
        ligne["financeur__nom"] = enveloppe["organisation__nom"]
        ligne["enveloppe"] = enveloppe["total"] or Decimal(0)
        ligne["reste"] = ligne["enveloppe"] - ligne["accorde"]
        ligne["depasse"] = ligne["reste"] < 0
        ligne["part"] = round(100 * ligne["accorde"] / ligne["enveloppe"]) if ligne["enveloppe"] else None
        lignes.append(ligne)
    return lignes


def indicateurs(dossiers: QuerySet[Dossier]) -> dict:
    """Nombre, montants, dossiers à conventionner (plus de 23 000 € par an d'un financeur), part des
    financements allant à l'ESS et aux réponses collectives."""
    decides = Q(statut__in=STATUTS_DECIDES)
    resultat = dossiers.order_by().aggregate(
        nombre=Count("pk"),
        demande=Sum("montant_demande"),
        accorde=Sum("montant_accorde", filter=decides),
        conventions=Count("pk", filter=Q(convention_requise=True)),
        ess=Sum("montant_accorde", filter=decides & Q(porteur_ess=True)),
        collectifs=Sum("montant_accorde", filter=decides & Q(collectif=True)),
    )
    for cle in ("demande", "accorde", "ess", "collectifs"):
        resultat[cle] = resultat[cle] or Decimal(0)
    total = resultat["accorde"]
    resultat["part_ess"] = round(100 * resultat["ess"] / total) if total else None
    resultat["part_collectifs"] = round(100 * resultat["collectifs"] / total) if total else None
    return resultat


def dossiers_de(qui: Qui) -> QuerySet[Dossier]:
    """Les dossiers des structures de la personne (portés ou co-portés), pour Mon espace."""
    structures = organisations_structures(qui)
    # Une union de deux sous-requêtes servies par les index (structure porteuse, co-porteurs) : un OU entre les
    # deux jointures parcourait tous les dossiers (0,5 s sur 50 000 dossiers, test de charge).
    portes = Dossier.objects.filter(structure__organisation_id__in=structures).values("pk")
    co_portes = CoPorteur.objects.filter(structure__organisation_id__in=structures).values("dossier_id")
    return (
        Dossier.objects.filter(pk__in=portes.union(co_portes))
        .select_related("structure", "appel")
        .order_by("-modifie_le")
    )


ATTENTES = {
    StatutDossier.BROUILLON: "Compléter et déposer le dossier",
    StatutDossier.CORRECTION_DEMANDEE: "Corriger le dossier et le redéposer",
    StatutDossier.DECIDE: "Prendre connaissance des décisions",
    StatutDossier.EN_COURS: "Déposer le bilan (compte-rendu financier) à la fin de l'action",
}


def ce_qui_est_attendu(dossier: Dossier) -> str:
    return ATTENTES.get(dossier.statut, "Rien pour l'instant : les financeurs instruisent ou suivent le dossier")


def conventions_publiques(structure) -> list[dict]:
    """Les conventions d'une structure en vigueur ou terminées (résiliées aussi, si elles ont été en vigueur) :
    par convention et par financeur, les années couvertes et le total sur la période. Données publiques ; une
    seule requête, quel que soit le nombre de conventions. Un projet, ou une convention résiliée avant d'être
    en vigueur, n'engage rien et n'y figure pas."""
    lignes = (
        ConventionMontant.objects.filter(convention__structure=structure)
        .filter(
            Q(convention__statut__in=[StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE])
            | Q(convention__statut=StatutConvention.RESILIEE, convention__en_vigueur_le__isnull=False)
        )
        .values(
            "convention_id",
            "convention__annee_debut",
            "convention__nombre_annees",
            "convention__statut",
            "financeur__nom",
        )
        .annotate(total=Sum("montant"))
        .order_by("-convention__annee_debut", "-convention_id", "financeur__nom")
    )
    conventions: dict[int, dict] = {}
    for ligne in lignes:
        debut, duree = ligne["convention__annee_debut"], ligne["convention__nombre_annees"]
        convention = conventions.setdefault(
            ligne["convention_id"],
            {
                "periode": str(debut) if duree == 1 else f"{debut}–{debut + duree - 1}",
                "pluriannuelle": duree > 1,
                "statut": StatutConvention(ligne["convention__statut"]).label,
                "financeurs": [],
            },
        )
        convention["financeurs"].append((ligne["financeur__nom"], ligne["total"]))
    return list(conventions.values())


def projets_finances(qpv=None, commune=None, contrat=None, structure=None) -> QuerySet[Dossier]:
    """Les projets financés (publics) d'un QPV, d'une commune, d'un contrat ou d'une structure."""
    dossiers = (
        Dossier.objects.finances().select_related("structure", "appel__contrat").order_by("-appel__annee", "titre")
    )
    if qpv is not None:
        dossiers = dossiers.filter(qpv=qpv)
    # Des sous-requêtes d'identifiants plutôt que des jointures suivies de DISTINCT : chacune suit son index, au
    # lieu de parcourir et dédoublonner les 50 000 dossiers nationaux (30 à 110 ms par page, test de charge).
    if commune is not None:
        dossiers = dossiers.filter(
            pk__in=Dossier.qpv.through.objects.filter(qpv__communes=commune).values("dossier_id")
        )
    if contrat is not None:
        dossiers = dossiers.filter(appel__contrat=contrat)
    if structure is not None:
        # Une union d'identifiants (porteuse, co-porteuse) : un OR entre les deux ne suit aucun index.
        portes = Dossier.objects.filter(structure=structure).values("pk")
        dossiers = dossiers.filter(
            pk__in=portes.union(CoPorteur.objects.filter(structure=structure).values("dossier_id"))
        )
    return dossiers


# --- Versements -------------------------------------------------------------------------------------------


@dataclass
class AnneeFinanceur:
    """Une année de l'échéancier d'un financeur : son montant, ses lignes et leurs totaux."""

    annee: int
    montant: Decimal
    versements: list[Versement] = field(default_factory=list)

    def _total(self, statut: str) -> Decimal:
        return sum((v.montant for v in self.versements if v.statut == statut), Decimal(0))

    @property
    def prevu(self) -> Decimal:
        return self._total(StatutVersement.PREVU)

    @property
    def mandate(self) -> Decimal:
        return self._total(StatutVersement.MANDATE)

    @property
    def paye(self) -> Decimal:
        return self._total(StatutVersement.PAYE)

    @property
    def reste(self) -> Decimal:
        """Ce qui reste à payer cette année : le montant moins ce qui est payé."""
        return self.montant - self.paye

    @property
    def a_prevoir(self) -> Decimal:
        """Ce qui n'est encore ni prévu, ni mandaté, ni payé."""
        return self.montant - self.prevu - self.mandate - self.paye


@dataclass
class EcheancierFinanceur:
    """L'échéancier d'un financeur sur la convention, année par année, avec ses reversements et ses parts."""

    financeur: Organisation
    gere: bool
    annees: list[AnneeFinanceur]
    reversements: list[Reversement]
    parts: list[PartBeneficiaire]

    def _total(self, nom: str) -> Decimal:
        return sum((getattr(a, nom) for a in self.annees), Decimal(0))

    @property
    def montant(self) -> Decimal:
        return self._total("montant")

    @property
    def prevu(self) -> Decimal:
        return self._total("prevu")

    @property
    def mandate(self) -> Decimal:
        return self._total("mandate")

    @property
    def paye(self) -> Decimal:
        return self._total("paye")

    @property
    def reste(self) -> Decimal:
        return self._total("reste")

    @property
    def sans_echeancier(self) -> list[int]:
        """Les années à montant dont aucun versement n'est encore engagé (l'échéancier type s'y génère)."""
        return [a.annee for a in self.annees if a.montant > 0 and a.a_prevoir == a.montant]


def echeanciers(qui: Qui, convention: Convention) -> list[EcheancierFinanceur]:
    """Les échéanciers que la personne voit : tous pour la structure et les administrateurs, le sien pour
    l'agent d'un financeur partie — jamais celui d'un autre financeur. Quatre requêtes, quel que soit le
    nombre d'années, de financeurs et de versements (parties et montants lus avec la convention)."""
    visibles = financeurs_visibles_versements(qui, convention)
    geres = {o.pk for o in financeurs_geres(qui, convention)}
    parties = [p.financeur for p in convention.parties.all() if visibles is None or p.financeur_id in visibles]
    ids = [f.pk for f in parties]
    montants = {(m.financeur_id, m.annee): m.montant for m in convention.montants.all()}
    versements: dict[tuple[int, int], list[Versement]] = {}
    for v in Versement.objects.filter(convention=convention, financeur_id__in=ids).order_by(
        "annee", "date_prevue", "pk"
    ):
        versements.setdefault((v.financeur_id, v.annee), []).append(v)
    reversements: dict[int, list[Reversement]] = {}
    for r in Reversement.objects.filter(convention=convention, financeur_id__in=ids).order_by("annee", "pk"):
        reversements.setdefault(r.financeur_id, []).append(r)
    parts: dict[int, list[PartBeneficiaire]] = {}
    for p in (
        PartBeneficiaire.objects.filter(convention=convention, financeur_id__in=ids)
        .select_related("structure")
        .order_by("-pourcentage", "pk")
    ):
        parts.setdefault(p.financeur_id, []).append(p)
    return [
        EcheancierFinanceur(
            financeur=f,
            gere=f.pk in geres,
            annees=[
                AnneeFinanceur(a, montants.get((f.pk, a), Decimal(0)), versements.get((f.pk, a), []))
                for a in convention.annees
            ],
            reversements=reversements.get(f.pk, []),
            parts=parts.get(f.pk, []),
        )
        for f in parties
    ]


@dataclass(frozen=True)
class ProjetsDuContrat:
    """Les projets financés des appels d'un contrat et leurs conventions, pour sa synthèse PDF : des valeurs
    simples (leur représentation entre dans l'empreinte du document, contrats.documents.empreinte)."""

    nombre: int
    montant: Decimal
    collectifs: int
    projets: tuple[tuple[int, str, str, Decimal], ...]  # (année, projet, porteur, montant accordé)
    conventions: int
    cpo: int
    montant_cpo: Decimal
    montant_conventions: Decimal


PROJETS_SYNTHESE = 8


def projets_du_contrat(contrat: ContratDeVille) -> ProjetsDuContrat:
    """Les projets financés (décidés, publics) du contrat : leur nombre, leur total, les plus récents ; ses
    conventions publiques (en vigueur ou terminées) et la part des CPO dans leurs montants. Trois requêtes."""
    dossiers = Dossier.objects.finances().filter(appel__contrat=contrat)
    totaux = dossiers.aggregate(
        nombre=Count("pk"), montant=Sum("montant_accorde"), collectifs=Count("pk", filter=Q(collectif=True))
    )
    projets = tuple(
        (d.appel.annee, d.titre, str(d.structure), d.montant_accorde)
        for d in dossiers.select_related("appel", "structure").order_by("-appel__annee", "titre")[:PROJETS_SYNTHESE]
    )
    conventions = (
        ConventionMontant.objects.filter(convention__dossiers__in=dossiers)
        .filter(
            Q(convention__statut__in=[StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE])
            | Q(convention__statut=StatutConvention.RESILIEE, convention__en_vigueur_le__isnull=False)
        )
        .values_list("convention_id", "convention__nombre_annees", "id", "montant")
        .distinct()
    )
    par_convention: dict[int, tuple[int, Decimal]] = {}
    for convention_id, nombre_annees, _, montant in conventions:
        annees, total = par_convention.get(convention_id, (nombre_annees, Decimal(0)))
        par_convention[convention_id] = (annees, total + montant)
    cpo = [total for annees, total in par_convention.values() if annees > 1]
    return ProjetsDuContrat(
        nombre=totaux["nombre"] or 0,
        montant=totaux["montant"] or Decimal(0),
        collectifs=totaux["collectifs"] or 0,
        projets=projets,
        conventions=len(par_convention),
        cpo=len(cpo),
        montant_cpo=sum(cpo, Decimal(0)),
        montant_conventions=sum((total for _, total in par_convention.values()), Decimal(0)),
    )


def montants_decides_par_annee(contrat: ContratDeVille) -> list[tuple[int, str, Decimal]]:
    """Les montants accordés aux projets financés (publics : `Dossier.objects.finances()`) des appels du contrat,
    par année de l'appel et par financeur : (année, financeur, total), une requête. Une action pluriannuelle
    compte à l'année de son appel pour tout ce qui lui est accordé."""
    lignes = (
        Financement.objects.filter(
            dossier__in=Dossier.objects.finances().filter(appel__contrat=contrat), montant_accorde__gt=0
        )
        .values_list("dossier__appel__annee", "financeur__nom")
        .annotate(total=Sum("montant_accorde"))
        .order_by("dossier__appel__annee", "financeur__nom")
    )
    return [(annee, financeur, total) for annee, financeur, total in lignes]
