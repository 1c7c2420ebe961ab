"""Lectures des tableaux de bord des conventions (issue 12, point 7), chacune en un nombre fixe de requêtes :

- celui d'un financeur (ses agents) : ses conventions par état, **ses** versements à mandater ou à venir,
  les comptes-rendus en retard ou qu'il doit examiner, ses conventions qui se terminent dans les six mois ;
- celui de l'État : les crédits du programme 147 (enveloppes de l'État marquées dans les appels) par contrat
  et par département, la part allant aux associations par des CPO face à la cible de 50 % de la circulaire
  du 31 août 2023, les autres financeurs pour information ;
- celui d'une structure, dans Mon espace : ce qu'elle doit signer, les comptes-rendus à rendre, ce qu'elle
  recevra et quand.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import GreaterThan

from acteurs_ess.choix import FormeJuridique
from comptes.contexte import Qui, contexte
from comptes.models import Role
from contrats.models import ContratDeVille
from financements.models import (
    Avenant,
    AvisCompteRendu,
    CompteRendu,
    Convention,
    ConventionMontant,
    Dossier,
    FinanceurAppel,
    PartieFinanceur,
    StatutAvenant,
    StatutCompteRendu,
    StatutConvention,
    StatutVersement,
    Versement,
)
from financements.models.convention import STATUTS_SIGNES
from financements.models.execution import echeance_compte_rendu
from financements.permissions import organisations_instructrices, organisations_structures

# Circulaire du 31 août 2023 : la moitié des crédits de la politique de la ville aux associations, par des CPO.
CIBLE_CPO_ASSOCIATIONS = 50
# Une convention « se termine bientôt » quand sa dernière année s'achève dans les six mois.
MOIS_FIN_PROCHE = 6
# Un versement prévu est « à mandater » quand sa date prévue est passée ou dans les trente jours.
JOURS_A_MANDATER = 30
# Les comptes-rendus sont dus pour les conventions qui s'exécutent ou se sont exécutées.
STATUTS_EXECUTION = (StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE)
STATUTS_CR_DEPOSES = (StatutCompteRendu.DEPOSE, StatutCompteRendu.COMPLEMENTS, StatutCompteRendu.ACCEPTE)
STATUTS_VERSEMENT_A_VENIR = (StatutVersement.PREVU, StatutVersement.MANDATE)


def derniere_annee_due(jour: date) -> int:
    """La dernière année dont le compte-rendu est en retard au jour dit (échéance, le 30 juin suivant, passée)."""
    return jour.year - 1 if jour > echeance_compte_rendu(jour.year - 1) else jour.year - 2


def derniere_annee_fin_proche(jour: date) -> int:
    """La dernière année de fin d'une convention qui s'achève (au 31 décembre) dans les six mois : l'année en
    cours à partir du 1er juillet, aucune avant (l'année précédente est déjà achevée)."""
    return jour.year if jour.month > 12 - MOIS_FIN_PROCHE else jour.year - 1


def _annee_fin():
    return F("annee_debut") + F("nombre_annees") - 1


# --- Tableau d'un financeur -------------------------------------------------------------------------------


def financeurs_de(qui: Qui) -> list[int]:
    """Les organisations pour lesquelles la personne suit des conventions (agents, État, partenaires)."""
    return [o.pk for o in organisations_instructrices(qui)]


def conventions_du_financeur(financeurs: list[int]) -> QuerySet[Convention]:
    """Les conventions dont l'une de ces organisations est partie (sous-requête : pas de doublon)."""
    return Convention.objects.filter(
        pk__in=PartieFinanceur.objects.filter(financeur_id__in=financeurs).values("convention_id")
    )


def _retards(jour: date):
    """Le nombre d'années échues (compte-rendu dû au 30 juin suivant, passé) sans compte-rendu déposé d'une
    convention, en expression SQL (sous-requête corrélée sur l'index des comptes-rendus)."""
    derniere = derniere_annee_due(jour)
    deposes = (
        CompteRendu.objects.filter(convention=OuterRef("pk"), annee__lte=derniere, statut__in=STATUTS_CR_DEPOSES)
        .order_by()
        .values("convention")
        .annotate(n=Count("pk"))
        .values("n")
    )
    dues = Least(_annee_fin(), Value(derniere)) - F("annee_debut") + 1
    # La sous-requête n'est évaluée que pour une convention qui doit déjà un compte-rendu (CASE est paresseux) :
    # celles qui commencent cette année ou l'an dernier ne coûtent rien.
    return Case(
        When(GreaterThan(dues, 0), then=dues - Coalesce(Subquery(deposes, output_field=IntegerField()), Value(0))),
        default=Value(0),
        output_field=IntegerField(),
    )


def avec_retards(conventions: QuerySet[Convention], jour: date) -> QuerySet[Convention]:
    """Annote `retards` pour les conventions en vigueur ou terminées (les seules qui doivent un compte-rendu)."""
    return conventions.filter(statut__in=STATUTS_EXECUTION).annotate(retards=_retards(jour))


def _q_fin_proche(jour: date) -> Q:
    """En vigueur, et la dernière année s'achève dans les six mois (sans être déjà achevée)."""
    return (
        Q(statut=StatutConvention.EN_VIGUEUR)
        & Q(annee_debut__gt=jour.year - F("nombre_annees"))
        & Q(annee_debut__lte=derniere_annee_fin_proche(jour) + 1 - F("nombre_annees"))
    )


def conventions_en_retard(financeurs: list[int], jour: date) -> QuerySet[Convention]:
    return avec_retards(conventions_du_financeur(financeurs), jour).filter(retards__gt=0)


def conventions_fin_proche(financeurs: list[int], jour: date) -> QuerySet[Convention]:
    return conventions_du_financeur(financeurs).filter(_q_fin_proche(jour))


def comptes_rendus_a_examiner(financeurs: list[int]) -> QuerySet[CompteRendu]:
    """Les comptes-rendus déposés des conventions de ces financeurs sur lesquels aucun d'eux n'a donné d'avis
    depuis le dépôt (un dépôt après une demande de compléments attend un nouvel avis)."""
    avis = AvisCompteRendu.objects.filter(
        compte_rendu=OuterRef("pk"), financeur_id__in=financeurs, date__gte=OuterRef("depose_le")
    )
    return CompteRendu.objects.filter(
        statut=StatutCompteRendu.DEPOSE,
        convention_id__in=PartieFinanceur.objects.filter(financeur_id__in=financeurs).values("convention_id"),
    ).exclude(Exists(avis))


def versements_du_financeur(financeurs: list[int]) -> QuerySet[Versement]:
    """Les versements prévus ou mandatés de ces financeurs, jamais ceux d'un autre financeur."""
    return Versement.objects.filter(financeur_id__in=financeurs, statut__in=STATUTS_VERSEMENT_A_VENIR)


@dataclass
class ChiffresFinanceur:
    par_etat: list[tuple[str, int]]
    a_mandater: int
    montant_a_mandater: Decimal
    a_venir: int
    montant_a_venir: Decimal
    mandates: int
    montant_mandates: Decimal
    retards: int
    a_examiner: int
    fin_proche: int


def chiffres_financeur(financeurs: list[int], jour: date) -> ChiffresFinanceur:
    """Les compteurs du tableau d'un financeur : trois requêtes, quel que soit le nombre de conventions (une
    seule lecture de ses conventions pour les états, les retards et les fins proches)."""
    limite = jour + timedelta(days=JOURS_A_MANDATER)
    en_retard = Q(statut__in=STATUTS_EXECUTION) & GreaterThan(_retards(jour), 0)
    conventions = conventions_du_financeur(financeurs).aggregate(
        **{f"etat_{valeur}": Count("pk", filter=Q(statut=valeur)) for valeur in StatutConvention.values},
        retards=Count("pk", filter=en_retard),
        fin_proche=Count("pk", filter=_q_fin_proche(jour)),
    )
    prevu, mandate = Q(statut=StatutVersement.PREVU), Q(statut=StatutVersement.MANDATE)
    v = versements_du_financeur(financeurs).aggregate(
        a_mandater=Count("pk", filter=prevu & Q(date_prevue__lte=limite)),
        montant_a_mandater=Sum("montant", filter=prevu & Q(date_prevue__lte=limite)),
        a_venir=Count("pk", filter=prevu & Q(date_prevue__gt=limite)),
        montant_a_venir=Sum("montant", filter=prevu & Q(date_prevue__gt=limite)),
        mandates=Count("pk", filter=mandate),
        montant_mandates=Sum("montant", filter=mandate),
    )
    return ChiffresFinanceur(
        par_etat=[(label, conventions[f"etat_{valeur}"]) for valeur, label in StatutConvention.choices],
        a_mandater=v["a_mandater"],
        montant_a_mandater=v["montant_a_mandater"] or Decimal(0),
        a_venir=v["a_venir"],
        montant_a_venir=v["montant_a_venir"] or Decimal(0),
        mandates=v["mandates"],
        montant_mandates=v["montant_mandates"] or Decimal(0),
        retards=conventions["retards"],
        a_examiner=comptes_rendus_a_examiner(financeurs).count(),
        fin_proche=conventions["fin_proche"],
    )


def annees_en_retard(convention: Convention, jour: date) -> list[int]:
    """Les années échues de la convention sans compte-rendu déposé (comptes-rendus préchargés)."""
    derniere = min(convention.annee_fin, derniere_annee_due(jour))
    deposees = {c.annee for c in convention.comptes_rendus.all() if c.statut in STATUTS_CR_DEPOSES}
    return [a for a in range(convention.annee_debut, derniere + 1) if a not in deposees]


# --- Tableau de l'État -------------------------------------------------------------------------------------


def peut_voir_tableau_etat(qui: Qui) -> bool:
    """Les agents de l'État (préfecture, délégués du préfet, DDETS : rôle « État »)."""
    return contexte(qui).a_role(Role.ETAT)


def contrats_de_l_etat(qui: Qui) -> QuerySet[ContratDeVille]:
    """Les contrats que suivent les services de l'État de la personne : ceux de leur département et ceux
    qu'ils signent (la règle de `contrats.permissions.profil`)."""
    services = contexte(qui).organisations(Role.ETAT)
    departements = [o.departement_id for o in services if o.departement_id]
    condition = Q(signataires__organisation_id__in=[o.pk for o in services])
    if departements:
        condition |= Q(departement_id__in=departements)
    return ContratDeVille.objects.filter(pk__in=ContratDeVille.objects.filter(condition).values("pk"))


def _contrat_de_la_convention():
    """Le contrat d'une convention : celui de l'appel de ses actions (la première, s'il y en a plusieurs)."""
    return Subquery(
        Dossier.objects.filter(conventions=OuterRef("convention_id")).order_by("pk").values("appel__contrat_id")[:1]
    )


def _programme_147():
    """Le montant vient d'une enveloppe de l'État marquée programme 147 dans l'appel des actions financées."""
    return Exists(
        FinanceurAppel.objects.filter(
            organisation_id=OuterRef("financeur_id"),
            programme_147=True,
            appel__dossiers__conventions=OuterRef("convention_id"),
        )
    )


@dataclass
class PartsContrat:
    """Les crédits d'un contrat une année : ceux du programme 147 et ceux des autres financeurs."""

    contrat: ContratDeVille | None = None
    etat: Decimal = Decimal(0)
    etat_asso_cpo: Decimal = Decimal(0)
    conventions_etat: int = 0
    conventions_asso_cpo: int = 0
    autres: Decimal = Decimal(0)
    autres_asso_cpo: Decimal = Decimal(0)

    def ajouter(self, autre: "PartsContrat") -> None:
        for nom in ("etat", "etat_asso_cpo", "conventions_etat", "conventions_asso_cpo", "autres", "autres_asso_cpo"):
            setattr(self, nom, getattr(self, nom) + getattr(autre, nom))

    @staticmethod
    def _part(partie, tout) -> int | None:
        return round(100 * partie / tout) if tout else None

    @property
    def part_montant(self) -> int | None:
        return self._part(self.etat_asso_cpo, self.etat)

    @property
    def part_nombre(self) -> int | None:
        return self._part(self.conventions_asso_cpo, self.conventions_etat)

    @property
    def part_autres(self) -> int | None:
        return self._part(self.autres_asso_cpo, self.autres)

    @property
    def cible_atteinte(self) -> bool:
        return self.part_montant is not None and self.part_montant >= CIBLE_CPO_ASSOCIATIONS


@dataclass
class TableauEtat:
    contrats: list[PartsContrat]
    departements: list[tuple[str, PartsContrat]]
    total: PartsContrat
    par_forme: list[dict] = field(default_factory=list)


def _montants_signes(annee: int, contrats: list[int]) -> QuerySet[ConventionMontant]:
    return (
        ConventionMontant.objects.filter(annee=annee, convention__statut__in=STATUTS_SIGNES)
        .annotate(contrat_id=_contrat_de_la_convention(), p147=_programme_147())
        .filter(contrat_id__in=contrats)
    )


def tableau_etat(contrats: list[ContratDeVille], annee: int) -> TableauEtat:
    """Les parts du programme 147 et des autres financeurs de ces contrats, l'année dite, par contrat, par
    département et par forme juridique de la structure. Deux requêtes, quel que soit le nombre de conventions.
    Comptent les conventions signées de toutes les parties (signées, en vigueur, terminées)."""
    ids = [c.pk for c in contrats]
    asso = Q(convention__structure__forme_juridique=FormeJuridique.ASSOCIATION)
    cpo = Q(convention__nombre_annees__gte=2)
    p147 = Q(p147=True)
    lignes = (
        _montants_signes(annee, ids)
        .values("contrat_id")
        .annotate(
            etat=Sum("montant", filter=p147),
            etat_asso_cpo=Sum("montant", filter=p147 & asso & cpo),
            conventions_etat=Count("convention_id", filter=p147, distinct=True),
            conventions_asso_cpo=Count("convention_id", filter=p147 & asso & cpo, distinct=True),
            autres=Sum("montant", filter=~p147),
            autres_asso_cpo=Sum("montant", filter=~p147 & asso & cpo),
        )
        .order_by()
    )
    par_contrat = {ligne.pop("contrat_id"): PartsContrat(**{k: v or 0 for k, v in ligne.items()}) for ligne in lignes}
    resultat, departements, total = [], {}, PartsContrat()
    for contrat in contrats:
        parts = par_contrat.get(contrat.pk, PartsContrat())
        parts.contrat = contrat
        resultat.append(parts)
        nom = str(contrat.departement) if contrat.departement_id else "Département non renseigné"
        departements.setdefault(nom, PartsContrat()).ajouter(parts)
        total.ajouter(parts)
    par_forme = list(
        _montants_signes(annee, ids)
        .filter(p147=True)
        .values("convention__structure__forme_juridique")
        .annotate(
            total=Sum("montant"),
            conventions=Count("convention_id", distinct=True),
            total_cpo=Sum("montant", filter=cpo),
            conventions_cpo=Count("convention_id", filter=cpo, distinct=True),
        )
        .order_by("-total")
    )
    for ligne in par_forme:
        ligne["forme"] = FormeJuridique(ligne["convention__structure__forme_juridique"] or "autre").label
        ligne["total_cpo"] = ligne["total_cpo"] or Decimal(0)
        ligne["part"] = round(100 * ligne["total"] / total.etat) if total.etat else None
    return TableauEtat(contrats=resultat, departements=sorted(departements.items()), total=total, par_forme=par_forme)


# --- Mon espace d'une structure ------------------------------------------------------------------------------


@dataclass
class SuiviStructure:
    a_signer: list[Convention]
    avenants: list[Avenant]
    comptes_rendus: list[tuple[Convention, int, date, str]]
    versements: list[Versement]

    @property
    def vide(self) -> bool:
        return not (self.a_signer or self.avenants or self.comptes_rendus or self.versements)


NOMBRE_MAXIMUM = 20


def suivi_structure(qui: Qui, jour: date) -> SuiviStructure | None:
    """Pour les membres d'une structure : les conventions envoyées à signer, les avenants en préparation, les
    comptes-rendus à rendre (année échue ou en cours non déposée, ou compléments demandés) avec leur échéance, et les
    versements prévus ou mandatés de tous ses financeurs. Quatre requêtes ; rien pour qui n'est membre
    d'aucune structure."""
    structures = organisations_structures(qui)
    if not structures:
        return None
    conventions = Convention.objects.filter(structure__organisation_id__in=structures).select_related("structure")
    a_suivre = list(
        conventions.filter(
            statut__in=[StatutConvention.ENVOYEE, StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE]
        )
        .exclude(statut=StatutConvention.TERMINEE, annee_debut__lt=jour.year - 5)
        .prefetch_related("comptes_rendus")
        .order_by("annee_debut", "pk")[:50]
    )
    a_signer = [c for c in a_suivre if c.statut == StatutConvention.ENVOYEE]
    comptes_rendus = []
    for convention in a_suivre:
        if convention.statut == StatutConvention.ENVOYEE:
            continue
        faits = {c.annee: c for c in convention.comptes_rendus.all()}
        # L'année en cours y figure aussi : son compte-rendu est à préparer pour le 30 juin suivant.
        for annee in convention.annees:
            if annee > jour.year:
                break
            compte_rendu = faits.get(annee)
            if compte_rendu is None or compte_rendu.statut == StatutCompteRendu.BROUILLON:
                comptes_rendus.append((convention, annee, echeance_compte_rendu(annee), "À déposer"))
            elif compte_rendu.statut == StatutCompteRendu.COMPLEMENTS:
                comptes_rendus.append(
                    (convention, annee, echeance_compte_rendu(annee), "Compléments demandés par un financeur")
                )
    comptes_rendus.sort(key=lambda ligne: ligne[2])
    avenants = list(
        Avenant.objects.filter(
            convention__structure__organisation_id__in=structures,
            statut=StatutAvenant.PROJET,
            convention__statut=StatutConvention.EN_VIGUEUR,
        ).select_related("convention__structure")[:NOMBRE_MAXIMUM]
    )
    versements = list(
        Versement.objects.filter(
            convention__structure__organisation_id__in=structures, statut__in=STATUTS_VERSEMENT_A_VENIR
        )
        .select_related("financeur", "convention")
        .order_by("date_prevue", "pk")[:NOMBRE_MAXIMUM]
    )
    return SuiviStructure(
        a_signer=a_signer, avenants=avenants, comptes_rendus=comptes_rendus[:NOMBRE_MAXIMUM], versements=versements
    )
