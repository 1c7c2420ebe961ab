"""Invitations : envoi par un gestionnaire, acceptation par la personne invitée."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comptes.audit import journaliser
from comptes.models import ActionAudit, Adhesion, Invitation, Organisation, Role, Utilisateur, hacher_jeton
from comptes.permissions import peut_inviter
from config.lib.courriels import envoyer_apres_validation


def lien_invitation(jeton: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("comptes:invitation", args=[jeton])


@transaction.atomic
def inviter(inviteur: Utilisateur, organisation: Organisation, email: str, role: str) -> tuple[Invitation, str]:
    """Crée l'invitation, envoie l'e-mail et rend (invitation, jeton). Une invitation encore en attente pour
    la même adresse est remplacée : le nouveau lien annule l'ancien, qu'il ait expiré ou non."""
    email = email.strip().lower()
    if role not in dict(Role.choices):
        raise ValidationError("Ce rôle n'existe pas.")
    if not peut_inviter(inviteur, organisation, role):
        raise PermissionDenied(
            f"Vous ne pouvez pas inviter de personne avec le rôle « {Role(role).label} » dans {organisation}."
        )
    if Adhesion.objects.filter(organisation=organisation, utilisateur__email__iexact=email).exists():
        raise ValidationError(f"{email} est déjà membre de {organisation}.")

    # Le verrou sur l'organisation range l'une après l'autre deux invitations simultanées à la même adresse :
    # la seconde annule la première au lieu de se heurter à la contrainte d'unicité.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    maintenant = timezone.now()
    # Une invitation expirée compte encore pour la contrainte : elle est annulée, comme une invitation en attente.
    organisation.invitations.ouvertes().filter(email=email).update(annulee_le=maintenant)
    jeton, empreinte = Invitation.nouveau_jeton()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invitee_par=inviteur,
        empreinte_jeton=empreinte,
        expire_le=maintenant + Invitation.DUREE_VALIDITE,
    )
    contexte = {"invitation": invitation, "lien": lien_invitation(jeton), "inviteur": inviteur}
    envoyer_apres_validation(
        f"{inviteur} vous invite à rejoindre {organisation}",
        render_to_string("comptes/email/invitation.txt", contexte),
        [email],
    )
    return invitation, jeton


class InvitationInvalide(Exception):
    """Un lien d'invitation inconnu, expiré, déjà utilisé ou annulé ; le message est destiné à l'utilisateur."""


def invitation_valide(jeton: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation", "invitee_par")
        .filter(empreinte_jeton=hacher_jeton(jeton))
        .first()
    )
    if invitation is None:
        raise InvitationInvalide("Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet.")
    if invitation.est_utilisee:
        raise InvitationInvalide(
            "Cette invitation a déjà été utilisée. Connectez-vous avec votre compte pour accéder à votre espace."
        )
    if invitation.annulee_le is not None:
        raise InvitationInvalide(
            "Cette invitation a été annulée ou remplacée par une invitation plus récente. "
            "Utilisez le lien du dernier e-mail reçu."
        )
    if invitation.est_expiree:
        raise InvitationInvalide(
            f"Cette invitation a expiré le {timezone.localtime(invitation.expire_le):%d/%m/%Y}. "
            f"Demandez à {invitation.invitee_par} de vous inviter à nouveau."
        )
    return invitation


@transaction.atomic
def accepter(invitation: Invitation, utilisateur: Utilisateur) -> Adhesion:
    """Ajoute l'utilisateur à l'organisation avec le rôle de l'invitation. L'adresse e-mail est considérée
    comme vérifiée : la personne a reçu le lien à cette adresse."""
    invitation = _verrouiller(invitation)
    if utilisateur.email.lower() != invitation.email.lower():
        raise InvitationInvalide(
            f"Cette invitation est adressée à {invitation.email} ; vous êtes connecté·e avec {utilisateur.email}."
        )
    adhesion, creee = Adhesion.objects.get_or_create(
        utilisateur=utilisateur, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    journaliser(
        ActionAudit.INVITATION_ACCEPTEE,
        auteur=utilisateur,
        objet=adhesion,
        organisation=invitation.organisation,
        details={
            "role": invitation.role,
            "invitee_par": invitation.invitee_par.email,
            "deja_membre": not creee,
        },
    )
    invitation.acceptee_le = timezone.now()
    invitation.acceptee_par = utilisateur
    invitation.save(update_fields=["acceptee_le", "acceptee_par"])
    EmailAddress.objects.update_or_create(
        user=utilisateur,
        email__iexact=utilisateur.email,
        defaults={"email": utilisateur.email, "verified": True, "primary": True},
    )
    return adhesion


@transaction.atomic
def creer_compte_et_accepter(invitation: Invitation, prenom: str, nom: str, mot_de_passe: str) -> Adhesion:
    # Le lien verrouillé d'abord : un second envoi simultané du formulaire attend, puis le trouve utilisé.
    invitation = _verrouiller(invitation)
    # L'adresse peut être l'adresse secondaire, vérifiée, d'un autre compte : elle ne peut pas en devenir un.
    if EmailAddress.objects.filter(email__iexact=invitation.email, verified=True).exists():
        raise InvitationInvalide(
            f"L'adresse {invitation.email} est déjà rattachée à un compte Coville : connectez-vous avec ce compte, "
            f"ou demandez à {invitation.invitee_par} une invitation à l'adresse principale de ce compte."
        )
    try:
        with transaction.atomic():
            utilisateur = Utilisateur.objects.create_user(
                email=invitation.email, password=mot_de_passe, prenom=prenom, nom=nom
            )
    except IntegrityError:
        raise InvitationInvalide(
            f"Un compte existe déjà pour {invitation.email} : connectez-vous pour accepter l'invitation."
        ) from None
    return accepter(invitation, utilisateur)


def _verrouiller(invitation: Invitation) -> Invitation:
    """L'invitation relue sous verrou (dans la transaction de l'appelant) ; lève `InvitationInvalide` si elle a
    été utilisée ou annulée depuis que la page l'a validée."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.est_utilisee:
        raise InvitationInvalide("Cette invitation a déjà été utilisée.")
    if invitation.annulee_le is not None:
        raise InvitationInvalide(
            "Cette invitation a été annulée ou remplacée par une invitation plus récente. "
            "Utilisez le lien du dernier e-mail reçu."
        )
    return invitation
