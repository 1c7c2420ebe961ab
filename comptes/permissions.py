"""Règles d'accès des comptes et organisations : de petits prédicats nommés."""

from comptes.models import Adhesion, Organisation, Role, role_gestionnaire, roles_possibles


def est_admin_plateforme(user) -> bool:
    """Les administrateurs de la plateforme (imports, modération, administration Django)."""
    return user.is_authenticated and user.is_active and user.is_staff


# Marque « rôle pas encore lu » : None veut dire « pas membre ».
INCONNU = object()


def role_dans(user, organisation: Organisation) -> str | None:
    """Le rôle de l'utilisateur dans l'organisation, ou None s'il n'en est pas membre."""
    if not user.is_authenticated:
        return None
    adhesion = Adhesion.objects.filter(utilisateur=user, organisation=organisation).only("role").first()
    return adhesion.role if adhesion else None


def peut_voir_organisation(user, organisation: Organisation, role_du_membre=INCONNU) -> bool:
    """Les membres d'une organisation voient sa page (membres, invitations) ; les admins aussi."""
    if est_admin_plateforme(user):
        return True
    if role_du_membre is INCONNU:
        role_du_membre = role_dans(user, organisation)
    return role_du_membre is not None


def roles_invitables(user, organisation: Organisation, role_du_membre=INCONNU) -> list[str]:
    """Les rôles que l'utilisateur peut donner dans cette organisation par invitation.

    Seuls les gestionnaires de l'organisation invitent (les agents d'une collectivité, les agents de l'État
    d'un service de l'État, les membres d'une structure…) ; un élu n'invite personne. Personne ne devient
    agent ou élu d'une collectivité sans y être invité par elle, ou sans être nommé par un administrateur.
    `role_du_membre` (None pour un non-membre) évite une requête quand l'appelant connaît déjà l'adhésion.
    """
    if est_admin_plateforme(user):
        return list(roles_possibles(organisation.type))
    if role_du_membre is INCONNU:
        role_du_membre = role_dans(user, organisation)
    if role_du_membre != role_gestionnaire(organisation.type):
        return []
    return [role for role in roles_possibles(organisation.type) if role != Role.ADMIN]


def peut_inviter(user, organisation: Organisation, role: str | None = None, role_du_membre=INCONNU) -> bool:
    roles = roles_invitables(user, organisation, role_du_membre)
    return bool(roles) if role is None else role in roles
