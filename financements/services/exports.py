"""Exports des dossiers : le filtre courant du tableau d'instruction en CSV et XLSX, et les subventions
accordées au format open data SCDL « subventions » v2.1.1 (une ligne par bénéficiaire et par décision)."""

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import F, QuerySet

from comptes.models import Organisation
from config.lib import tableurs
from financements.models import DecisionFinanceur, Dossier, Issue, StatutDossier
from financements.models.dossier import STATUTS_DECIDES

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


def lignes_scdl(attribuant: Organisation) -> Iterator[list]:
    """Une ligne par bénéficiaire : la structure porteuse reçoit toute la subvention (pourcentage 1.00)."""
    for (
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
        date_convention = conventionne_le or decide_le.date()
        periode = f"{debut.isoformat()}/{fin.isoformat()}" if debut and fin else date_convention.isoformat()
        yield [
            attribuant.nom,
            attribuant.siret,
            date_convention.isoformat(),
            reference,
            beneficiaire,
            siret,
            rna if RNA_SCDL.match(rna or "") else "",
            " ".join(titre.split())[:255],
            _nombre(montant),
            nature,
            conditions,
            periode,
            "",
            "non",
            Decimal("1.00"),
            appel[:255],
        ]
