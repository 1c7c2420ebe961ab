"""Récupération des objets d'un contrat avec contrôle d'accès : 404 pour qui ne doit pas les voir, 403 pour
qui les voit sans pouvoir agir."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from comptes.contexte import Qui, contexte
from contrats.models import Concertation, ContratDeVille, Contribution, Section, VersionSection
from contrats.permissions import (
    peut_animer_concertation,
    peut_gerer_signataires,
    peut_lire_contributions_deposees,
    peut_moderer,
    peut_modifier_contrat,
    peut_voir_contrat,
)
from contrats.selectors import contrat_pour_page


def contrat_visible(qui: Qui, code: str, complet: bool = False) -> ContratDeVille:
    try:
        contrat = contrat_pour_page(code) if complet else ContratDeVille.objects.avec_porteur().get(code=code)
    except ContratDeVille.DoesNotExist:
        raise Http404("Contrat de ville introuvable.") from None
    if not peut_voir_contrat(qui, contrat):
        raise Http404("Contrat de ville introuvable.")
    return contrat


def contrat_modifiable(qui: Qui, code: str) -> ContratDeVille:
    contrat = contrat_visible(qui, code)
    if not peut_modifier_contrat(qui, contrat):
        if contrat.en_redaction:
            raise PermissionDenied("Seuls les agents de la collectivité porteuse rédigent ce contrat.")
        raise PermissionDenied(
            "Ce contrat est signé : son texte ne change plus que par avenant. Créez un avenant depuis la page du "
            "contrat (section « Avenants »)."
        )
    return contrat


def contrat_pour_contributions(qui: Qui, code: str) -> ContratDeVille:
    """La liste de toutes les contributions, répondues ou non : une page que seuls les associés du contrat
    voient. Les autres lecteurs du contrat (les publics d'une concertation) ne la voient pas (404) : ce qui leur
    revient est sur la page publique des réponses."""
    contrat = contrat_visible(qui, code)
    if not peut_lire_contributions_deposees(qui, contrat):
        raise Http404("Contributions introuvables.")
    return contrat


def contrat_pour_animer(qui: Qui, code: str) -> ContratDeVille:
    contrat = contrat_visible(qui, code)
    if not peut_animer_concertation(qui, contrat):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse animent la concertation.")
    return contrat


def contrat_pour_gouvernance(qui: Qui, code: str) -> ContratDeVille:
    contrat = contrat_visible(qui, code)
    if not peut_gerer_signataires(qui, contrat):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse tiennent les signataires et instances.")
    return contrat


def section_visible(qui: Qui, code: str, pk: int) -> Section:
    contrat = contrat_visible(qui, code)
    section = get_object_or_404(Section.objects.select_related("modifiee_par"), pk=pk, contrat=contrat)
    section.contrat = contrat
    return section


def section_modifiable(qui: Qui, code: str, pk: int) -> Section:
    contrat = contrat_modifiable(qui, code)
    section = get_object_or_404(Section, pk=pk, contrat=contrat)
    section.contrat = contrat
    return section


def concertation_visible(qui: Qui, code: str, pk: int) -> Concertation:
    contrat = contrat_visible(qui, code)
    concertation = get_object_or_404(Concertation, pk=pk, contrat=contrat)
    concertation.contrat = contrat
    return concertation


def contribution_pour_animer(qui: Qui, code: str, pk: int) -> Contribution:
    contrat = contrat_pour_animer(qui, code)
    contribution = get_object_or_404(
        Contribution.objects.select_related("concertation", "auteur", "section"), pk=pk, concertation__contrat=contrat
    )
    contribution.concertation.contrat = contrat
    return contribution


def contribution_pour_moderer(qui: Qui, code: str, pk: int) -> Contribution:
    contrat = contrat_visible(qui, code)
    contribution = get_object_or_404(
        Contribution.objects.select_related("concertation"), pk=pk, concertation__contrat=contrat
    )
    if not peut_moderer(qui, contrat):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse et les administrateurs modèrent.")
    contribution.concertation.contrat = contrat
    return contribution


def version_integrant_une_contribution_de(qui: Qui, code: str, pk: int, numero: int) -> VersionSection | None:
    """La version d'une section qui a intégré une contribution de la personne : son auteur·e la lit, même avant
    la signature et hors des associés du contrat (le lien figure dans « Mes contributions » et dans la réponse
    qu'elle a reçue). None si la personne n'a aucune contribution intégrée dans cette version."""
    acces = contexte(qui)
    if not acces.est_connecte:
        return None
    return (
        VersionSection.objects.select_related("auteur", "section__contrat")
        .filter(
            section_id=pk,
            section__contrat__code=code,
            numero=numero,
            contributions_integrees__auteur_id=acces.utilisateur.pk,
        )
        .first()
    )
