"""Règles d'accès de l'annuaire : de petits prédicats nommés.

Qui décide d'une demande de rattachement (ou d'une revendication) et qui vérifie une structure ? Un membre
de la structure (pour les rattachements), un administrateur de la plateforme, ou un **agent d'une
collectivité dont le territoire contient la commune du siège** de la structure (la commune elle-même, son
EPCI ou son EPT, son département, sa région), d'après le code territorial de la collectivité
(`Organisation.code_territoire`). Une structure sans commune peut être traitée par tout agent.
"""

from acteurs_ess.choix import RoleCollectif
from comptes.models import COLLECTIVITES, Adhesion, Role
from comptes.permissions import est_admin_plateforme
from territoires.models import Commune


def est_membre(user, structure) -> bool:
    """Membre de la structure : une adhésion avec le rôle « structure » à son organisation."""
    if not user.is_authenticated:
        return False
    return Adhesion.objects.filter(
        utilisateur=user, organisation_id=structure.organisation_id, role=Role.STRUCTURE
    ).exists()


def peut_modifier_structure(user, structure) -> bool:
    """Les membres de la structure tiennent sa fiche à jour ; les administrateurs aussi."""
    return est_admin_plateforme(user) or est_membre(user, structure)


def codes_territoires_agent(user) -> set[str]:
    """Les codes territoriaux des collectivités où l'utilisateur est agent."""
    if not user.is_authenticated:
        return set()
    return set(
        Adhesion.objects.filter(utilisateur=user, role=Role.AGENT, organisation__type__in=COLLECTIVITES).values_list(
            "organisation__code_territoire", flat=True
        )
    )


def est_agent(user) -> bool:
    return user.is_authenticated and Adhesion.objects.filter(utilisateur=user, role=Role.AGENT).exists()


def codes_englobant_commune(code_commune: str) -> set[str]:
    """La commune, son EPCI, son EPT, son département et sa région : les territoires qui la contiennent."""
    ligne = (
        Commune.objects.filter(code=code_commune)
        .values_list("epci_id", "ept_id", "departement_id", "departement__region_id")
        .first()
    )
    return {code_commune, *(code for code in ligne or () if code)}


def est_agent_du_territoire(user, structure) -> bool:
    codes = codes_territoires_agent(user)
    if not codes:
        return False
    if structure.commune_id is None:
        return True
    return bool(codes & codes_englobant_commune(structure.commune_id))


def peut_verifier_structure(user, structure) -> bool:
    """Marquer une structure « vérifiée » : un agent de son territoire ou un administrateur."""
    return est_admin_plateforme(user) or est_agent_du_territoire(user, structure)


def peut_decider_rattachement(user, demande) -> bool:
    """Accepter ou refuser une demande : un membre de la structure, un agent de son territoire, un admin."""
    if not user.is_authenticated or demande.demandeur_id == user.pk:
        return est_admin_plateforme(user)
    structure = demande.structure
    return est_admin_plateforme(user) or est_membre(user, structure) or est_agent_du_territoire(user, structure)


def peut_importer(user) -> bool:
    """Importer une liste de structures : les agents des collectivités et les administrateurs."""
    return est_admin_plateforme(user) or est_agent(user)


def peut_creer_collectif(user) -> bool:
    """Les membres d'une structure, les agents des collectivités et les administrateurs créent un collectif."""
    return est_admin_plateforme(user) or (
        user.is_authenticated
        and Adhesion.objects.filter(utilisateur=user, role__in=[Role.STRUCTURE, Role.AGENT]).exists()
    )


def peut_gerer_collectif(user, collectif) -> bool:
    """Les membres d'une organisation qui anime le collectif en gèrent les membres ; les administrateurs aussi."""
    return est_admin_plateforme(user) or (
        user.is_authenticated
        and Adhesion.objects.filter(
            utilisateur=user,
            organisation__participations_collectifs__collectif=collectif,
            organisation__participations_collectifs__role=RoleCollectif.ANIMATEUR,
        ).exists()
    )
