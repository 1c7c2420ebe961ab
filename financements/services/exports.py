"""Exports des dossiers : le filtre courant du tableau d'instruction en CSV et XLSX, et les subventions
accordées au format open data SCDL « subventions » v2.1.1 (une ligne par bénéficiaire et par décision)."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from comptes.models import Organisation
from config.lib import tableurs
from financements.models import (
    Convention,
    DecisionFinanceur,
    Dossier,
    Issue,
    PartBeneficiaire,
    SignatureConvention,
    StatutConvention,
    StatutDossier,
    StatutVersement,
    Versement,
)
from financements.models.convention import STATUTS_SIGNES
from financements.models.dossier import STATUTS_DECIDES
from financements.models.execution import STATUTS_VERSEMENT_ENGAGES
from financements.models.instruction import ConditionsVersement

COLONNES_TABLEAU = [
    "Référence",
    "Intitulé",
    "Structure porteuse",
    "SIRET",
    "Appel à projets",
    "Année",
    "État",
    "Issue",
    "Montant demandé (€)",
    "Montant accordé (€)",
    "Convention obligatoire",
    "Réponse collective",
    "Financeurs (demandé / accordé)",
]

COLONNES_SCDL = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
]

RNA_SCDL = re.compile(r"^W\d{9}$")


CENTIME = Decimal("0.01")


def _montant(valeur: Decimal | None) -> str:
    return f"{(valeur or Decimal(0)):.2f}"


def _nombre(valeur: Decimal | None) -> Decimal:
    """Un montant au centime, gardé en nombre : le CSV l'écrit au point décimal (`30000.00`) et ne le protège
    pas comme un texte (un montant négatif reste un nombre)."""
    return (valeur or Decimal(0)).quantize(CENTIME)


def lignes_tableau(dossiers: QuerySet[Dossier]) -> Iterator[list]:
    for dossier in dossiers:
        financements = " ; ".join(
            f"{f.financeur.nom} : {_montant(f.montant_demande)} / "
            + (_montant(f.decision.montant) if hasattr(f, "decision") else "—")
            for f in dossier.financements.all()
        )
        yield [
            dossier.reference,
            dossier.titre,
            dossier.structure.raison_sociale,
            dossier.structure.siret,
            dossier.appel.titre,
            dossier.appel.annee,
            StatutDossier(dossier.statut).label,
            Issue(dossier.issue).label if dossier.issue else "",
            dossier.montant_demande,
            dossier.montant_accorde,
            "oui" if dossier.convention_requise else "non",
            "oui" if dossier.collectif else "non",
            financements,
        ]


def csv_en_flux(entete: list[str], lignes: Iterable[list]) -> Iterator[str]:
    """Le CSV ligne à ligne (réponse en flux), les montants au point décimal et au centime."""
    return tableurs.csv_en_flux(
        entete, ([_nombre(v) if isinstance(v, Decimal) else v for v in ligne] for ligne in lignes)
    )


def xlsx_tableau(dossiers: QuerySet[Dossier]) -> bytes:
    lignes = ([float(v) if isinstance(v, Decimal) else v for v in ligne] for ligne in lignes_tableau(dossiers))
    return tableurs.classeur_xlsx("Dossiers", COLONNES_TABLEAU, lignes)


def decisions_scdl(attribuant: Organisation) -> QuerySet:
    """Les subventions accordées (montant > 0) par l'organisation, dossiers décidés."""
    return (
        DecisionFinanceur.objects.filter(
            financement__financeur=attribuant,
            montant__gt=0,
            financement__dossier__statut__in=STATUTS_DECIDES,
        )
        .order_by("decide_le", "pk")
        .values_list(
            "financement__dossier_id",
            "reference",
            "montant",
            "nature",
            "conditions_versement",
            "decide_le",
            F("financement__dossier__conventionne_le"),
            F("financement__dossier__titre"),
            F("financement__dossier__date_debut"),
            F("financement__dossier__date_fin"),
            F("financement__dossier__structure__raison_sociale"),
            F("financement__dossier__structure__siret"),
            F("financement__dossier__structure__rna"),
            F("financement__dossier__appel__titre"),
        )
    )


@dataclass
class ConventionScdl:
    """Ce que l'export SCDL lit de la convention signée d'un attribuant pour un dossier : la date de sa dernière
    signature (à défaut, de son entrée en vigueur), les dates de ses versements et les parts des bénéficiaires."""

    signee_le: date | None = None
    en_vigueur_le: date | None = None
    dates_versements: list[date] = field(default_factory=list)
    # (raison sociale, SIRET, RNA, part en %)
    parts: list[tuple[str, str, str, Decimal]] = field(default_factory=list)

    @property
    def date_convention(self) -> date | None:
        return self.signee_le or self.en_vigueur_le

    @property
    def conditions(self) -> str:
        """« unique » ou « échelonné » d'après l'échéancier, s'il y en a un."""
        if not self.dates_versements:
            return ""
        return ConditionsVersement.UNIQUE if len(self.dates_versements) == 1 else ConditionsVersement.ECHELONNE

    @property
    def periode(self) -> str:
        """Une date si un seul jour de versement, sinon l'intervalle ISO 8601 du premier au dernier : le motif
        du schéma SCDL n'admet qu'une date ou une période."""
        if not self.dates_versements:
            return ""
        debut, fin = min(self.dates_versements), max(self.dates_versements)
        return debut.isoformat() if debut == fin else f"{debut.isoformat()}/{fin.isoformat()}"


def conventions_scdl(attribuant: Organisation) -> dict[int, ConventionScdl]:
    """Pour chaque dossier, la dernière convention signée de l'attribuant (résiliée aussi, si elle a été en
    vigueur) : quatre requêtes quel que soit le nombre de subventions."""
    signees = Q(statut__in=STATUTS_SIGNES) | Q(statut=StatutConvention.RESILIEE, en_vigueur_le__isnull=False)
    par_dossier: dict[int, int] = {}
    conventions: dict[int, ConventionScdl] = {}
    for pk, en_vigueur_le, dossier_id in (
        Convention.objects.filter(signees, parties__financeur=attribuant, dossiers__isnull=False)
        .order_by("pk")
        .values_list("pk", "en_vigueur_le", "dossiers")
    ):
        par_dossier[dossier_id] = pk
        conventions[pk] = ConventionScdl(en_vigueur_le=en_vigueur_le)
    if not conventions:
        return {}
    ids = list(conventions)
    for pk, derniere in (
        SignatureConvention.objects.filter(convention_id__in=ids)
        .values("convention_id")
        .annotate(derniere=Max("signee_le"))
        .values_list("convention_id", "derniere")
    ):
        conventions[pk].signee_le = timezone.localdate(derniere)
    for pk, statut, prevue, mandate_le, paye_le in Versement.objects.filter(
        convention_id__in=ids, financeur=attribuant, statut__in=STATUTS_VERSEMENT_ENGAGES
    ).values_list("convention_id", "statut", "date_prevue", "mandate_le", "paye_le"):
        jour = {StatutVersement.PAYE: paye_le, StatutVersement.MANDATE: mandate_le}.get(statut) or prevue
        conventions[pk].dates_versements.append(jour)
    for pk, nom, siret, rna, part in (
        PartBeneficiaire.objects.filter(convention_id__in=ids, financeur=attribuant)
        .order_by("-pourcentage", "pk")
        .values_list("convention_id", "structure__raison_sociale", "structure__siret", "structure__rna", "pourcentage")
    ):
        conventions[pk].parts.append((nom, siret, rna, part))
    return {dossier_id: conventions[pk] for dossier_id, pk in par_dossier.items()}


def fraction(pourcentage: Decimal) -> Decimal:
    """Une part en % écrite comme le schéma SCDL l'attend : une fraction de 1 au point décimal (45 % → 0.45,
    33,33 % → 0.3333)."""
    valeur = pourcentage / 100
    return valeur.quantize(CENTIME) if valeur == valeur.quantize(CENTIME) else valeur.quantize(Decimal("0.0001"))


def lignes_scdl(attribuant: Organisation) -> Iterator[list]:
    """Une ligne par bénéficiaire : la structure porteuse reçoit toute la subvention (pourcentage 1.00), sauf si
    l'attribuant a réparti son montant entre les structures d'une action collective (parts des bénéficiaires).
    La date de la convention est celle de sa dernière signature, la période de versement celle de ses
    versements (et les conditions de versement, unique ou échelonné, celles de son échéancier) ; à défaut de
    convention signée, la date du conventionnement ou de la décision, et les dates de
    l'action."""
    conventions = conventions_scdl(attribuant)
    for (
        dossier_id,
        reference,
        montant,
        nature,
        conditions,
        decide_le,
        conventionne_le,
        titre,
        debut,
        fin,
        beneficiaire,
        siret,
        rna,
        appel,
    ) in decisions_scdl(attribuant).iterator(chunk_size=2000):
        convention = conventions.get(dossier_id, ConventionScdl())
        date_convention = convention.date_convention or conventionne_le or decide_le.date()
        periode = convention.periode or (
            f"{debut.isoformat()}/{fin.isoformat()}" if debut and fin else date_convention.isoformat()
        )
        beneficiaires = [(n, s, r, fraction(p)) for n, s, r, p in convention.parts] or [
            (beneficiaire, siret, rna, Decimal("1.00"))
        ]
        for nom, id_beneficiaire, rna_beneficiaire, pourcentage in beneficiaires:
            yield [
                attribuant.nom,
                attribuant.siret,
                date_convention.isoformat(),
                reference,
                nom,
                id_beneficiaire,
                rna_beneficiaire if RNA_SCDL.match(rna_beneficiaire or "") else "",
                " ".join(titre.split())[:255],
                _nombre(montant),
                nature,
                convention.conditions or conditions,
                periode,
                "",
                "non",
                pourcentage,
                appel[:255],
            ]
