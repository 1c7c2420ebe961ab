"""Les exports en tableur (CSV et XLSX, `config.lib.tableurs.reponse_tableur`) : la liste des contrats avec ses
filtres, les contributions d'un contrat et leurs réponses, ses signataires et leurs engagements.

Chaque fonction rend l'en-tête et un itérateur de lignes ; les dates et montants restent typés (le XLSX les
écrit comme dates et nombres), le texte est protégé des formules par `reponse_tableur`. Nombre de requêtes
fixe : une requête par export (deux pour les signataires : les engagements sont préchargés).
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from contrats.models import (
    ContratDeVille,
    Contribution,
    Engagement,
    Signataire,
    StatutContrat,
    StatutContribution,
)

Export = tuple[list[str], Iterator[list[Any]]]

COLONNES_CONTRATS = [
    "Code",
    "Nom",
    "Porteur",
    "Code du porteur",
    "Département",
    "Première année",
    "Dernière année",
    "État",
    "QPV couverts",
    "Population des QPV",
]

COLONNES_CONTRIBUTIONS = [
    "N°",
    "Concertation",
    "Porte sur",
    "Auteur",
    "Au nom de",
    "Déposée le",
    "Contribution",
    "Rédaction proposée",
    "État",
    "Réponse publique",
    "Répondue le",
    "Intégrée dans",
    "Masquée",
]

COLONNES_SIGNATAIRES = [
    "Signataire",
    "Signé par",
    "Date de signature",
    "Engagement",
    "Montant de l'engagement (€)",
]


def contrats(liste: QuerySet[ContratDeVille]) -> Export:
    """Les contrats du filtre courant de la liste, dans son ordre : une requête (porteur et nombre de QPV)."""
    lignes = liste.select_related("epci", "commune", "departement").annotate(nombre_qpv=Count("qpv", distinct=True))

    def rangees() -> Iterator[list[Any]]:
        for contrat in lignes.iterator(chunk_size=500):
            yield [
                contrat.code,
                contrat.nom,
                contrat.nom_porteur,
                contrat.code_porteur,
                str(contrat.departement) if contrat.departement else "",
                contrat.annee_debut,
                contrat.annee_fin,
                StatutContrat(contrat.statut).label,
                contrat.nombre_qpv,
                contrat.population_qpv,
            ]

    return COLONNES_CONTRATS, rangees()


def contributions(contrat: ContratDeVille) -> Export:
    """Toutes les contributions du contrat, répondues ou non, comme sur la page de ses associés : une requête."""
    lignes = (
        Contribution.objects.filter(concertation__contrat=contrat)
        .select_related(
            "auteur", "organisation", "section", "orientation", "concertation", "version_integration__section"
        )
        .order_by("deposee_le", "pk")
    )

    def rangees() -> Iterator[list[Any]]:
        for c in lignes:
            cible = f"Section : {c.section.titre}" if c.section else f"Orientation : {c.orientation.titre}"
            integration = c.version_integration
            yield [
                c.pk,
                c.concertation.titre,
                cible,
                str(c.auteur),
                c.organisation.nom if c.organisation else "",
                c.deposee_le,
                c.texte,
                c.proposition,
                StatutContribution(c.statut).label,
                c.reponse,
                c.repondue_le,
                f"{integration.section.titre}, version {integration.numero}" if integration else "",
                "oui" if c.masquee else "non",
            ]

    return COLONNES_CONTRIBUTIONS, rangees()


def signataires(contrat: ContratDeVille) -> Export:
    """Une ligne par engagement (une ligne sans engagement pour le signataire qui n'en a pas) : deux requêtes."""
    lignes = (
        Signataire.objects.filter(contrat=contrat)
        .select_related("organisation")
        .prefetch_related(Prefetch("engagements", queryset=Engagement.objects.order_by("ordre", "pk")))
        .order_by("ordre", "pk")
    )

    def rangees() -> Iterator[list[Any]]:
        for signataire in lignes:
            debut = [signataire.organisation.nom, signataire.signe_par, signataire.date_signature]
            engagements = list(signataire.engagements.all())
            if not engagements:
                yield [*debut, "", None]
            for engagement in engagements:
                yield [*debut, engagement.texte, engagement.montant]

    return COLONNES_SIGNATAIRES, rangees()
