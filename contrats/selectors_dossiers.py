"""Lectures des dossiers pour le tableau d'instruction, les exports, Mon espace, les pages des territoires et
des structures — chacune en un nombre fixe de requêtes."""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from acteurs_ess.choix import FormeJuridique
from comptes.models import COLLECTIVITES, Role
from contrats.models import ContratDeVille, Dossier, Financement, FinanceurAppel, StatutDossier
from contrats.models.dossier import STATUTS_DECIDES
from contrats.permissions_dossiers import adhesions, organisations_instructrices, organisations_structures


def contrats_portes_par(user) -> list[int]:
    """Les contrats portés par une collectivité dont la personne est agent (une requête au plus)."""
    condition = Q(pk__in=[])
    for adhesion in adhesions(user):
        organisation = adhesion.organisation
        if adhesion.role != Role.AGENT or organisation.type not in COLLECTIVITES:
            continue
        if organisation.epci_id:
            condition |= Q(epci_id=organisation.epci_id)
        if organisation.commune_id:
            condition |= Q(commune_id=organisation.commune_id)
        if organisation.code_territoire:
            condition |= Q(code_porteur=organisation.code_territoire)
    if condition == Q(pk__in=[]):
        return []
    return list(ContratDeVille.objects.filter(condition).values_list("pk", flat=True))


def dossiers_a_instruire(user) -> QuerySet[Dossier]:
    """Les dossiers déposés que la personne instruit : ceux qui demandent un financement à l'une de ses
    organisations, et ceux des appels des contrats que sa collectivité porte. Jamais un brouillon."""
    organisations = [o.pk for o in organisations_instructrices(user)]
    contrats = contrats_portes_par(user)
    sollicite = Exists(Financement.objects.filter(dossier=OuterRef("pk"), financeur_id__in=organisations))
    condition = sollicite
    if contrats:
        condition = sollicite | Q(appel__contrat_id__in=contrats)
    return Dossier.objects.deposes().filter(condition)


def pour_liste(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return dossiers.select_related("structure", "appel").prefetch_related(
        Prefetch("financements", queryset=Financement.objects.select_related("financeur", "decision"))
    )


def totaux_par_financeur(dossiers: QuerySet[Dossier]) -> list[dict]:
    """Pour chaque financeur des dossiers : demandé, accordé, et son enveloppe dans les appels concernés."""
    lignes = list(
        Financement.objects.filter(dossier__in=dossiers.order_by().values("pk"))
        .values("financeur_id", "financeur__nom")
        .annotate(demande=Sum("montant_demande"), accorde=Sum("decision__montant"), nombre=Count("pk"))
        .order_by("financeur__nom")
    )
    enveloppes = dict(
        FinanceurAppel.objects.filter(
            appel_id__in=dossiers.order_by().values("appel_id"),
            organisation_id__in=[ligne["financeur_id"] for ligne in lignes],
        )
        .values("organisation_id")
        .annotate(total=Sum("enveloppe"))
        .values_list("organisation_id", "total")
    )
    for ligne in lignes:
        ligne["accorde"] = ligne["accorde"] or Decimal(0)
        ligne["enveloppe"] = enveloppes.get(ligne["financeur_id"], Decimal(0))
        ligne["reste"] = ligne["enveloppe"] - ligne["accorde"]
        ligne["depasse"] = ligne["reste"] < 0
        ligne["part"] = round(100 * ligne["accorde"] / ligne["enveloppe"]) if ligne["enveloppe"] else None
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
        ess=Sum("montant_accorde", filter=decides & ~Q(structure__forme_juridique=FormeJuridique.AUTRE)),
        collectifs=Sum("montant_accorde", filter=decides & Q(collectif=True)),
    )
    for cle in ("demande", "accorde", "ess", "collectifs"):
        resultat[cle] = resultat[cle] or Decimal(0)
    total = resultat["accorde"]
    resultat["part_ess"] = round(100 * resultat["ess"] / total) if total else None
    resultat["part_collectifs"] = round(100 * resultat["collectifs"] / total) if total else None
    return resultat


def dossiers_de(user) -> QuerySet[Dossier]:
    """Les dossiers des structures de la personne (portés ou co-portés), pour Mon espace."""
    structures = organisations_structures(user)
    return (
        Dossier.objects.filter(
            Q(structure__organisation_id__in=structures) | Q(co_porteurs__structure__organisation_id__in=structures)
        )
        .distinct()
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


def projets_finances(qpv=None, commune=None, contrat=None, structure=None) -> QuerySet[Dossier]:
    """Les projets financés (publics) d'un QPV, d'une commune, d'un contrat ou d'une structure."""
    dossiers = (
        Dossier.objects.finances().select_related("structure", "appel__contrat").order_by("-appel__annee", "titre")
    )
    if qpv is not None:
        dossiers = dossiers.filter(qpv=qpv)
    if commune is not None:
        dossiers = dossiers.filter(qpv__communes=commune).distinct()
    if contrat is not None:
        dossiers = dossiers.filter(appel__contrat=contrat)
    if structure is not None:
        dossiers = dossiers.filter(Q(structure=structure) | Q(co_porteurs__structure=structure)).distinct()
    return dossiers
