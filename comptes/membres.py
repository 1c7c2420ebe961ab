"""La vie des membres d'une organisation sans passer par l'administration : un gestionnaire retire un membre,
change son rôle, annule ou renvoie une invitation ; une personne quitte une organisation.

Une organisation garde toujours au moins un gestionnaire (agent d'une collectivité, agent de l'État, membre
d'une structure…) : sans lui, personne ne pourrait plus y inviter qui que ce soit. Chaque changement est écrit
au journal d'audit dans la transaction de l'action, et la personne concernée est prévenue par e-mail."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from comptes import services
from comptes.audit import journaliser
from comptes.contexte import Qui, contexte
from comptes.models import (
    ActionAudit,
    Adhesion,
    Invitation,
    Organisation,
    Role,
    TypeOrganisation,
    Utilisateur,
    role_gestionnaire,
)
from comptes.permissions import peut_gerer_membres, roles_invitables
from config.lib.courriels import envoyer_apres_validation


class DernierGestionnaire(ValidationError):
    """Retirer ce membre ou lui ôter son rôle laisserait l'organisation sans gestionnaire."""


def _verrouiller_organisation(organisation: Organisation) -> None:
    # Deux gestionnaires qui se retirent l'un l'autre au même moment : le second attend le premier, puis voit
    # qu'il resterait seul et est refusé.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _autres_gestionnaires(adhesion: Adhesion) -> int:
    return (
        Adhesion.objects.filter(
            organisation_id=adhesion.organisation_id,
            role=role_gestionnaire(adhesion.organisation.type),
            utilisateur__is_active=True,
            utilisateur__est_supprime=False,
        )
        .exclude(pk=adhesion.pk)
        .count()
    )


def _garder_un_gestionnaire(adhesion: Adhesion, *, soi_meme: bool) -> None:
    organisation = adhesion.organisation
    if organisation.type in (TypeOrganisation.CONSEIL_CITOYEN, TypeOrganisation.PLATEFORME):
        # Un conseil citoyen n'a pas de gestionnaire (chacun y invite ses voisins) ; l'équipe de la plateforme
        # se gère par l'administration.
        return
    if adhesion.role != role_gestionnaire(organisation.type) or _autres_gestionnaires(adhesion):
        return
    role = Role(adhesion.role).label.lower()
    if soi_meme:
        raise DernierGestionnaire(
            f"Vous êtes la dernière personne qui gère {organisation} (rôle « {role} ») : invitez d'abord un·e "
            "collègue avec ce rôle, puis vous pourrez partir."
        )
    raise DernierGestionnaire(
        f"{adhesion.utilisateur} est la dernière personne qui gère {organisation} (rôle « {role} ») : "
        "donnez d'abord ce rôle à un·e autre membre."
    )


def _prevenir(utilisateur: Utilisateur, sujet: str, gabarit: str, contexte_courriel: dict) -> None:
    if not utilisateur.is_active or utilisateur.est_supprime:
        return
    envoyer_apres_validation(sujet, render_to_string(gabarit, contexte_courriel), [utilisateur.email])


@transaction.atomic
def retirer_membre(auteur: Qui, adhesion: Adhesion) -> None:
    """Un gestionnaire (ou un administrateur) retire un membre de l'organisation. Le compte de la personne
    reste : elle perd seulement l'accès à ce que l'organisation voit."""
    organisation = adhesion.organisation
    if not peut_gerer_membres(auteur, organisation):
        raise PermissionDenied(f"Votre rôle ne vous permet pas de retirer des membres de {organisation}.")
    acces = contexte(auteur)
    if acces.utilisateur is not None and adhesion.utilisateur_id == acces.utilisateur.pk:
        raise ValidationError("Pour vous retirer vous-même, utilisez « Quitter l'organisation » dans Mon espace.")
    _verrouiller_organisation(organisation)
    adhesion = Adhesion.objects.select_related("utilisateur", "organisation").get(pk=adhesion.pk)
    _garder_un_gestionnaire(adhesion, soi_meme=False)
    membre = adhesion.utilisateur
    journaliser(
        ActionAudit.ADHESION_RETIREE,
        auteur=acces.utilisateur,
        objet=adhesion,
        organisation=organisation,
        details={"utilisateur": membre.email, "role": adhesion.role, "par": "gestionnaire"},
    )
    adhesion.delete()
    _prevenir(
        membre,
        f"Vous ne faites plus partie de {organisation} sur Coville",
        "comptes/email/membre_retire.txt",
        {"organisation": organisation, "auteur": acces.utilisateur},
    )


@transaction.atomic
def quitter(utilisateur: Utilisateur, adhesion: Adhesion) -> None:
    """La personne quitte l'organisation, sauf si elle en est la dernière gestionnaire."""
    if adhesion.utilisateur_id != utilisateur.pk:
        raise PermissionDenied("Vous ne pouvez quitter qu'une organisation dont vous êtes membre.")
    _verrouiller_organisation(adhesion.organisation)
    adhesion = Adhesion.objects.select_related("utilisateur", "organisation").get(pk=adhesion.pk)
    _garder_un_gestionnaire(adhesion, soi_meme=True)
    journaliser(
        ActionAudit.ADHESION_RETIREE,
        auteur=utilisateur,
        objet=adhesion,
        organisation=adhesion.organisation,
        details={"utilisateur": utilisateur.email, "role": adhesion.role, "par": "depart"},
    )
    adhesion.delete()


@transaction.atomic
def changer_role(auteur: Qui, adhesion: Adhesion, role: str) -> Adhesion:
    """Un gestionnaire donne à un membre un autre rôle parmi ceux que l'organisation admet et qu'il peut
    lui-même donner (jamais plus que le sien : administrateur de la plateforme, par exemple)."""
    organisation = adhesion.organisation
    if not peut_gerer_membres(auteur, organisation):
        raise PermissionDenied(f"Votre rôle ne vous permet pas de changer les rôles dans {organisation}.")
    if role not in roles_invitables(auteur, organisation):
        raise PermissionDenied(f"Vous ne pouvez pas donner ce rôle dans {organisation}.")
    _verrouiller_organisation(organisation)
    adhesion = Adhesion.objects.select_related("utilisateur", "organisation").get(pk=adhesion.pk)
    if adhesion.role == role:
        raise ValidationError(f"{adhesion.utilisateur} a déjà le rôle « {Role(role).label} ».")
    acces = contexte(auteur)
    _garder_un_gestionnaire(
        adhesion, soi_meme=acces.utilisateur is not None and acces.utilisateur.pk == adhesion.utilisateur_id
    )
    ancien = adhesion.role
    adhesion.role = role
    adhesion.save(update_fields=["role"])
    journaliser(
        ActionAudit.ROLE_CHANGE,
        auteur=acces.utilisateur,
        objet=adhesion,
        organisation=organisation,
        details={"utilisateur": adhesion.utilisateur.email, "avant": ancien, "apres": role},
    )
    _prevenir(
        adhesion.utilisateur,
        f"Votre rôle dans {organisation} a changé",
        "comptes/email/role_change.txt",
        {
            "organisation": organisation,
            "auteur": acces.utilisateur,
            "avant": Role(ancien).label,
            "apres": Role(role).label,
        },
    )
    return adhesion


def peut_gerer_invitation(qui: Qui, invitation: Invitation) -> bool:
    """Les gestionnaires annulent et renvoient les invitations de l'organisation ; dans un conseil citoyen,
    chacun les siennes."""
    if peut_gerer_membres(qui, invitation.organisation):
        return True
    acces = contexte(qui)
    return (
        acces.utilisateur is not None
        and invitation.invitee_par_id == acces.utilisateur.pk
        and bool(roles_invitables(acces, invitation.organisation))
    )


@transaction.atomic
def annuler_invitation(auteur: Qui, invitation: Invitation) -> None:
    if not peut_gerer_invitation(auteur, invitation):
        raise PermissionDenied("Vous ne pouvez pas annuler cette invitation.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.est_utilisee:
        raise ValidationError(f"{invitation.email} a déjà accepté cette invitation : retirez le membre si besoin.")
    if invitation.annulee_le is None:
        invitation.annulee_le = timezone.now()
        invitation.save(update_fields=["annulee_le"])


def renvoyer_invitation(auteur: Utilisateur, invitation: Invitation) -> tuple[Invitation, str]:
    """Envoie un nouveau lien (valable de nouveau toute la durée) ; l'ancien ne marche plus."""
    if not peut_gerer_invitation(auteur, invitation):
        raise PermissionDenied("Vous ne pouvez pas renvoyer cette invitation.")
    if invitation.est_utilisee:
        raise ValidationError(f"{invitation.email} a déjà accepté cette invitation.")
    return services.inviter(auteur, invitation.organisation, invitation.email, invitation.role)
