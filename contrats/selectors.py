"""Lectures des contrats pour d'autres pages (territoires, Mon espace) et pour les pages du contrat, avec un
nombre fixe de requêtes."""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from acteurs_ess.selectors import structures_du_territoire
from comptes.contexte import Qui, contexte
from comptes.models import Adhesion, Organisation, Role
from contrats.models import (
    Avenant,
    Concertation,
    ContratDeVille,
    Contribution,
    InstanceGouvernance,
    ModificationAvenant,
    Orientation,
    Public,
    Reunion,
    Section,
    Signataire,
)
from contrats.models.concertation import PUBLICS_OUVERTS
from contrats.permissions import LONGUEURS_CODE_PORTEUR, est_reliee_au_referentiel, q_organisations_porteuses


def contrats_du_territoire(qpv=None, commune=None, epci=None) -> QuerySet[ContratDeVille]:
    """Les contrats de ville d'un QPV, d'une commune (portés ou couverts) ou d'un EPCI (portés), avec leur
    porteur : à passer au gabarit `contrats/_contrats_territoire.html` (variable `contrats`)."""
    contrats = ContratDeVille.objects.avec_porteur().order_by("code")
    if qpv is not None:
        contrats = contrats.filter(qpv=qpv)
    if commune is not None:
        contrats = contrats.filter(Q(communes=commune) | Q(commune=commune)).distinct()
    if epci is not None:
        contrats = contrats.filter(epci=epci)
    return contrats


def q_contrats_portes_par(organisations: Iterable[Organisation]) -> Q:
    """Les contrats que ces organisations portent (la règle d'`organisation_porte`, en filtre de requête) ; un
    filtre vide (`Q(pk__in=[])`) si aucune n'est une collectivité."""
    condition = Q(pk__in=[])
    for organisation in organisations:
        if not organisation.est_collectivite:
            continue
        if organisation.epci_id:
            condition |= Q(epci_id=organisation.epci_id)
        if organisation.commune_id:
            condition |= Q(commune_id=organisation.commune_id)
        # Le code officiel ne sert qu'à une collectivité reliée à aucun territoire, et seulement s'il ne peut
        # pas se confondre (SIREN ou code commune ; les codes de région et de département se recouvrent).
        if not est_reliee_au_referentiel(organisation) and len(organisation.code_territoire) in LONGUEURS_CODE_PORTEUR:
            condition |= Q(code_porteur=organisation.code_territoire)
    return condition


def contrats_de(qui: Qui) -> QuerySet[ContratDeVille]:
    """Les contrats où la personne a un rôle : portés par sa collectivité (agents et élus), ou signés par son
    organisation (les adhésions viennent du contexte d'accès)."""
    acces = contexte(qui)
    condition = q_contrats_portes_par(acces.organisations(Role.AGENT, Role.ELU))
    for organisation in acces.organisations():
        condition |= Q(signataires__organisation=organisation)
    return ContratDeVille.objects.avec_porteur().filter(condition).distinct().order_by("code")


def emails_des_publics(concertation: Concertation) -> list[str]:
    """Les adresses des personnes actives à qui s'adresse la concertation, sur le territoire du contrat : la règle
    de `Profil.publics` (contrats/permissions.py), bornée au territoire pour que les structures et habitants d'un
    autre contrat ne soient pas sollicités. Signataires : agents de la collectivité porteuse, agents, État et
    partenaires des organisations signataires, État du département. Structures : membres des structures qui
    agissent sur le territoire porteur (EPCI ou commune). Habitants : membres des organisations d'habitants
    (conseils citoyens) du territoire ; une personne inscrite sans organisation n'a pas de territoire connu."""
    contrat = concertation.contrat
    condition = Q(pk__in=[])
    if Public.SIGNATAIRES in concertation.publics:
        condition |= Q(role=Role.AGENT) & q_organisations_porteuses(contrat, prefixe="organisation__")
        condition |= Q(
            role__in=[Role.AGENT, Role.ETAT, Role.PARTENAIRE],
            organisation__in=contrat.signataires.values("organisation_id"),
        )
        if contrat.departement_id:
            condition |= Q(role=Role.ETAT, organisation__departement_id=contrat.departement_id)
    territoire = {"epci": contrat.epci_id} if contrat.epci_id else {"commune": contrat.commune_id}
    if Public.STRUCTURES in concertation.publics and any(territoire.values()):
        condition |= Q(
            role=Role.STRUCTURE, organisation__structure__in=structures_du_territoire(**territoire).values("pk")
        )
    if Public.HABITANTS in concertation.publics and any(territoire.values()):
        if contrat.epci_id:
            du_territoire = Q(organisation__epci_id=contrat.epci_id) | Q(organisation__commune__epci_id=contrat.epci_id)
        else:
            du_territoire = Q(organisation__commune_id=contrat.commune_id)
        condition |= Q(role=Role.HABITANT) & du_territoire
    adresses = Adhesion.objects.filter(condition, utilisateur__is_active=True).values_list(
        "utilisateur__email", flat=True
    )
    return sorted(set(adresses))


def contributions_de(user) -> QuerySet[Contribution]:
    """Les contributions de la personne, avec leur contrat, pour suivre leurs réponses (Mon espace)."""
    return Contribution.objects.filter(auteur=user).select_related(
        "concertation__contrat", "section", "orientation", "version_integration"
    )


def organisations_porteuses(contrat: ContratDeVille):
    from comptes.models import Organisation

    return Organisation.objects.filter(q_organisations_porteuses(contrat))


def contrat_pour_page(code: str) -> ContratDeVille:
    """Le contrat et tout ce que sa page affiche, en un nombre fixe de requêtes."""
    return (
        ContratDeVille.objects.avec_porteur()
        .prefetch_related(
            Prefetch("qpv", queryset=ContratDeVille.qpv.rel.model.objects.only("code", "nom", "population")),
            Prefetch("communes", queryset=ContratDeVille.communes.rel.model.objects.only("code", "nom")),
            Prefetch(
                "signataires",
                queryset=Signataire.objects.select_related("organisation").prefetch_related("engagements"),
            ),
            Prefetch(
                "instances",
                queryset=InstanceGouvernance.objects.prefetch_related(
                    Prefetch("reunions", queryset=Reunion.objects.all())
                ),
            ),
            Prefetch(
                "sections",
                # Explicite : une requête qui agrège (GROUP BY) ignore le `Meta.ordering` du modèle, et l'ordre
                # choisi par « Monter » / « Descendre » ne se verrait pas sur la page.
                queryset=Section.objects.select_related("modifiee_par")
                .annotate(nb_contributions=Count("contributions", filter=Q(contributions__masquee=False)))
                .order_by("ordre", "pk"),
            ),
            Prefetch(
                "orientations",
                queryset=Orientation.objects.filter(parent__isnull=True).prefetch_related(
                    "qpv", Prefetch("objectifs", queryset=Orientation.objects.prefetch_related("qpv"))
                ),
                to_attr="arbre",
            ),
            Prefetch(
                "concertations",
                queryset=Concertation.objects.annotate(nb_contributions=Count("contributions")),
            ),
        )
        .get(code=code)
    )


def concertations_ouvertes_au_public(contrats: QuerySet[ContratDeVille] | None = None) -> QuerySet[Concertation]:
    """Les concertations ouvertes aujourd'hui à d'autres publics que les signataires (structures, habitants),
    qui se terminent le plus tôt en premier, avec leur contrat : une requête. Restreintes à ces contrats si
    donnés (ceux d'un territoire)."""
    aujourd_hui = timezone.localdate()
    concertations = (
        Concertation.objects.filter(
            close_le__isnull=True,
            debut__lte=aujourd_hui,
            fin__gte=aujourd_hui,
            publics__overlap=PUBLICS_OUVERTS,
        )
        .select_related("contrat")
        .order_by("fin", "pk")
    )
    if contrats is not None:
        concertations = concertations.filter(contrat__in=contrats)
    return concertations


def avenants_visibles(contrat: ContratDeVille, associe: bool) -> list[Avenant]:
    """Les avenants du contrat avec leurs sections modifiées (deux requêtes) : adoptés pour tous, en préparation
    aussi pour les associés du contrat."""
    avenants = contrat.avenants.order_by("numero").prefetch_related(
        Prefetch("modifications", queryset=ModificationAvenant.objects.select_related("section"))
    )
    if not associe:
        avenants = avenants.filter(statut="adopte")
    return list(avenants)
