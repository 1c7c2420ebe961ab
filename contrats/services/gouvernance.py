"""Signataires, engagements, instances de gouvernance et réunions : tenus par la collectivité porteuse."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from contrats.models import ContratDeVille, Engagement, InstanceGouvernance, Reunion, Signataire, StatutContrat
from contrats.permissions import peut_gerer_signataires

REFUS = "Seuls les agents de la collectivité porteuse tiennent les signataires et la gouvernance du contrat."


def _verifier(auteur, contrat: ContratDeVille) -> None:
    if not peut_gerer_signataires(auteur, contrat):
        raise PermissionDenied(REFUS)
    if contrat.statut == StatutContrat.CLOS:
        raise ValidationError("Ce contrat est clos : il ne change plus.")


@transaction.atomic
def ajouter_signataire(contrat: ContratDeVille, auteur, organisation, signe_par: str = "", date_signature=None):
    _verifier(auteur, contrat)
    if contrat.signataires.filter(organisation=organisation).exists():
        raise ValidationError(f"{organisation} est déjà signataire de ce contrat.")
    ordre = (contrat.signataires.order_by("-ordre").values_list("ordre", flat=True).first() or 0) + 1
    return Signataire.objects.create(
        contrat=contrat,
        organisation=organisation,
        signe_par=signe_par.strip(),
        date_signature=date_signature,
        ordre=ordre,
    )


@transaction.atomic
def ajouter_engagement(signataire: Signataire, auteur, texte: str, montant: Decimal | None = None) -> Engagement:
    _verifier(auteur, signataire.contrat)
    if not texte.strip():
        raise ValidationError("Décrivez l'engagement.")
    if montant is not None and montant < 0:
        raise ValidationError("Le montant d'un engagement ne peut pas être négatif.")
    ordre = (signataire.engagements.order_by("-ordre").values_list("ordre", flat=True).first() or 0) + 1
    return Engagement.objects.create(signataire=signataire, texte=texte.strip(), montant=montant, ordre=ordre)


@transaction.atomic
def ajouter_instance(contrat: ContratDeVille, auteur, type_: str, nom: str, composition: str = ""):
    _verifier(auteur, contrat)
    return InstanceGouvernance.objects.create(contrat=contrat, type=type_, nom=nom.strip(), composition=composition)


@transaction.atomic
def ajouter_reunion(
    instance: InstanceGouvernance, auteur, date, participants: str, decisions: str = "", compte_rendu=""
):
    _verifier(auteur, instance.contrat)
    if not participants.strip():
        raise ValidationError("Indiquez les participants de la réunion.")
    return Reunion.objects.create(
        instance=instance, date=date, participants=participants, decisions=decisions, compte_rendu=compte_rendu
    )
