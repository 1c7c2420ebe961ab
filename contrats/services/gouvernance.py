"""Signataires, engagements, instances de gouvernance et réunions : tenus par la collectivité porteuse."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from contrats.models import (
    ContratDeVille,
    Engagement,
    InstanceGouvernance,
    Reunion,
    Signataire,
    StatutContrat,
)
from contrats.permissions import peut_gerer_signataires
from contrats.registres import obstacles, obstacles_suppression_signataire
from contrats.services.journal import journaliser_modification

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


@transaction.atomic
def modifier_signataire(signataire: Signataire, auteur, signe_par: str, date_signature=None) -> Signataire:
    """Le nom et la qualité de qui signe, et la date de signature (l'organisation ne change pas : on retire un
    signataire et on en ajoute un autre)."""
    _verifier(auteur, signataire.contrat)
    signataire.signe_par = signe_par.strip()
    signataire.date_signature = date_signature
    signataire.save(update_fields=["signe_par", "date_signature"])
    journaliser_modification(signataire.contrat, auteur, f"Signataire modifié : {signataire.organisation}")
    return signataire


@transaction.atomic
def supprimer_signataire(signataire: Signataire, auteur) -> None:
    """Retire un signataire et ses engagements, sauf si d'autres objets en dépendent (un financeur qui a déjà
    décidé sur un appel à projets du contrat) : la raison est donnée, rien n'est supprimé."""
    _verifier(auteur, signataire.contrat)
    raisons = obstacles(obstacles_suppression_signataire, signataire)
    if raisons:
        raise ValidationError([f"{signataire.organisation} ne peut pas être retiré des signataires :", *raisons])
    contrat, nom = signataire.contrat, str(signataire.organisation)
    nombre = signataire.engagements.count()
    signataire.delete()
    suite = f" et ses {nombre} engagement{'s' if nombre > 1 else ''}" if nombre else ""
    journaliser_modification(contrat, auteur, f"Signataire retiré : {nom}{suite}")


@transaction.atomic
def modifier_engagement(engagement: Engagement, auteur, texte: str, montant: Decimal | None = None) -> Engagement:
    _verifier(auteur, engagement.signataire.contrat)
    if not texte.strip():
        raise ValidationError("Décrivez l'engagement.")
    if montant is not None and montant < 0:
        raise ValidationError("Le montant d'un engagement ne peut pas être négatif.")
    engagement.texte, engagement.montant = texte.strip(), montant
    engagement.save(update_fields=["texte", "montant"])
    journaliser_modification(
        engagement.signataire.contrat, auteur, f"Engagement de {engagement.signataire.organisation} modifié"
    )
    return engagement


@transaction.atomic
def supprimer_engagement(engagement: Engagement, auteur) -> None:
    signataire = engagement.signataire
    _verifier(auteur, signataire.contrat)
    engagement.delete()
    journaliser_modification(signataire.contrat, auteur, f"Engagement de {signataire.organisation} supprimé")


@transaction.atomic
def modifier_instance(instance: InstanceGouvernance, auteur, type_: str, nom: str, composition: str = ""):
    _verifier(auteur, instance.contrat)
    if not nom.strip():
        raise ValidationError("Donnez un nom à l'instance.")
    instance.type, instance.nom, instance.composition = type_, nom.strip(), composition
    instance.save(update_fields=["type", "nom", "composition"])
    journaliser_modification(instance.contrat, auteur, f"Instance modifiée : {instance.nom}")
    return instance


@transaction.atomic
def supprimer_instance(instance: InstanceGouvernance, auteur) -> None:
    """Une instance qui s'est déjà réunie fait partie de l'histoire du contrat : on la renomme, ou on supprime
    d'abord ses réunions (enregistrées par erreur)."""
    _verifier(auteur, instance.contrat)
    nombre = instance.reunions.count()
    if nombre:
        raise ValidationError(
            f"« {instance.nom} » s'est réunie {nombre} fois : ses réunions font partie de l'histoire du contrat. "
            "Modifiez l'instance (nom, composition), ou supprimez d'abord les réunions enregistrées par erreur."
        )
    contrat, nom = instance.contrat, instance.nom
    instance.delete()
    journaliser_modification(contrat, auteur, f"Instance supprimée : {nom}")


@transaction.atomic
def modifier_reunion(reunion: Reunion, auteur, date, participants: str, decisions: str = "", compte_rendu=""):
    _verifier(auteur, reunion.instance.contrat)
    if not participants.strip():
        raise ValidationError("Indiquez les participants de la réunion.")
    reunion.date, reunion.participants = date, participants
    reunion.decisions, reunion.compte_rendu = decisions, compte_rendu
    reunion.save(update_fields=["date", "participants", "decisions", "compte_rendu"])
    journaliser_modification(reunion.instance.contrat, auteur, f"Réunion modifiée : {reunion}")
    return reunion


@transaction.atomic
def supprimer_reunion(reunion: Reunion, auteur) -> None:
    contrat = reunion.instance.contrat
    _verifier(auteur, contrat)
    libelle = str(reunion)
    reunion.delete()
    journaliser_modification(contrat, auteur, f"Réunion supprimée : {libelle}")
