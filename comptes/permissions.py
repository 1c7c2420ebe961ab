"""Règles d'accès des comptes et organisations : de petits prédicats nommés.

Chaque prédicat prend `qui` (le contexte d'accès de la requête, ou un utilisateur : voir `comptes.contexte`).
"""

from comptes.contexte import Qui, contexte
from comptes.models import Organisation, Role, TypeOrganisation, roles_possibles


def est_admin_plateforme(qui: Qui) -> bool:
    """Les administrateurs de la plateforme (imports, modération, administration Django)."""
    return contexte(qui).est_admin


def peut_voir_etat_detaille(qui: Qui) -> bool:
    """L'état détaillé de la plateforme (file des tâches, stockage) : les administrateurs seulement (les moniteurs
    présentent le jeton de supervision, `comptes.views_supervision`)."""
    return contexte(qui).est_admin


def role_dans(qui: Qui, organisation: Organisation) -> str | None:
    """Le rôle de la personne dans l'organisation, ou None si elle n'en est pas membre."""
    return contexte(qui).role_dans(organisation)


def peut_voir_organisation(qui: Qui, organisation: Organisation) -> bool:
    """Les membres d'une organisation voient sa page (membres, invitations) ; les admins aussi."""
    acces = contexte(qui)
    return acces.est_admin or acces.role_dans(organisation) is not None


def roles_invitables(qui: Qui, organisation: Organisation) -> list[str]:
    """Les rôles que la personne peut donner dans cette organisation par invitation.

    Seuls les gestionnaires de l'organisation invitent (les agents d'une collectivité, les agents de l'État
    d'un service de l'État, les membres d'une structure…) ; un élu n'invite personne. Personne ne devient
    agent ou élu d'une collectivité sans y être invité par elle, ou sans être nommé par un administrateur.
    """
    acces = contexte(qui)
    if acces.est_admin:
        return list(roles_possibles(organisation.type))
    if not acces.gere(organisation):
        return []
    return [role for role in roles_possibles(organisation.type) if role != Role.ADMIN]


def peut_inviter(qui: Qui, organisation: Organisation, role: str | None = None) -> bool:
    roles = roles_invitables(qui, organisation)
    return bool(roles) if role is None else role in roles


def peut_voir_adresses(qui: Qui, organisation: Organisation) -> bool:
    """Les adresses e-mail des membres (et des invitations en attente) ne se montrent qu'aux gestionnaires de
    l'organisation et aux administrateurs ; les autres membres voient les noms. Dans un conseil citoyen,
    chaque habitant·e peut inviter ses voisin·es mais ne gère pas les autres : personne n'y voit les adresses."""
    acces = contexte(qui)
    if acces.est_admin:
        return True
    if organisation.type == TypeOrganisation.CONSEIL_CITOYEN:
        return False
    return peut_inviter(acces, organisation)


def peut_gerer_membres(qui: Qui, organisation: Organisation) -> bool:
    """Retirer un membre, changer son rôle, annuler ou renvoyer toute invitation : les gestionnaires de
    l'organisation et les administrateurs. Un conseil citoyen n'a pas de gestionnaire : chaque habitant·e y
    invite ses voisin·es et gère ses propres invitations, un administrateur retire un membre si besoin."""
    acces = contexte(qui)
    if acces.est_admin:
        return True
    if organisation.type == TypeOrganisation.CONSEIL_CITOYEN:
        return False
    return acces.gere(organisation)
