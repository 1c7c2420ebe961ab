"""Règles d'accès de l'annuaire : de petits prédicats nommés.

Qui décide d'une demande de rattachement (ou d'une revendication) et qui vérifie une structure ? Un membre
de la structure (pour les rattachements), un administrateur de la plateforme, ou un **agent d'une
collectivité dont le territoire contient la commune du siège** de la structure (la commune elle-même, son
EPCI ou son EPT, son département, sa région), d'après le code territorial de la collectivité
(`Organisation.code_territoire`). Une structure sans commune peut être traitée par tout agent.

Chaque prédicat prend `qui` : le contexte d'accès de la requête, ou un utilisateur (voir `comptes.contexte`).
"""

from acteurs_ess.choix import RoleCollectif
from acteurs_ess.models import Collectif, DemandeRattachement, Structure
from comptes.contexte import Qui, contexte
from comptes.models import Role
from territoires.models import Commune


def est_membre(qui: Qui, structure: Structure) -> bool:
    """Membre de la structure : une adhésion avec le rôle « structure » à son organisation."""
    return contexte(qui).est_membre(structure.organisation_id, Role.STRUCTURE)


def peut_modifier_structure(qui: Qui, structure: Structure) -> bool:
    """Les membres de la structure tiennent sa fiche à jour ; les administrateurs aussi."""
    return contexte(qui).est_admin or est_membre(qui, structure)


def codes_territoires_agent(qui: Qui) -> set[str]:
    """Les codes territoriaux des collectivités où la personne est agent."""
    return {o.code_territoire for o in contexte(qui).collectivites(Role.AGENT)}


def est_agent(qui: Qui) -> bool:
    return contexte(qui).a_role(Role.AGENT)


def codes_englobant_commune(code_commune: str) -> set[str]:
    """La commune, son EPCI, son EPT, son département et sa région : les territoires qui la contiennent."""
    ligne = (
        Commune.objects.filter(code=code_commune)
        .values_list("epci_id", "ept_id", "departement_id", "departement__region_id")
        .first()
    )
    return {code_commune, *(code for code in ligne or () if code)}


def est_agent_du_territoire(qui: Qui, structure: Structure) -> bool:
    codes = codes_territoires_agent(qui)
    if not codes:
        return False
    if structure.commune_id is None:
        return True
    return bool(codes & codes_englobant_commune(structure.commune_id))


def peut_verifier_structure(qui: Qui, structure: Structure) -> bool:
    """Marquer une structure « vérifiée » : un agent de son territoire ou un administrateur."""
    return contexte(qui).est_admin or est_agent_du_territoire(qui, structure)


def peut_decider_rattachement(qui: Qui, demande: DemandeRattachement) -> bool:
    """Accepter ou refuser une demande : un membre de la structure, un agent de son territoire, un admin."""
    acces = contexte(qui)
    if not acces.est_connecte or demande.demandeur_id == acces.utilisateur.pk:
        return acces.est_admin
    structure = demande.structure
    return acces.est_admin or est_membre(acces, structure) or est_agent_du_territoire(acces, structure)


def peut_importer(qui: Qui) -> bool:
    """Importer une liste de structures : les agents des collectivités et les administrateurs."""
    acces = contexte(qui)
    return acces.est_admin or acces.a_role(Role.AGENT)


def peut_creer_collectif(qui: Qui) -> bool:
    """Les membres d'une structure, les agents des collectivités et les administrateurs créent un collectif."""
    acces = contexte(qui)
    return acces.est_admin or acces.a_role(Role.STRUCTURE, Role.AGENT)


def peut_gerer_collectif(qui: Qui, collectif: Collectif) -> bool:
    """Les membres d'une organisation qui anime le collectif en gèrent les membres ; les administrateurs aussi."""
    acces = contexte(qui)
    if acces.est_admin:
        return True
    organisations = acces.ids_organisations()
    return (
        bool(organisations)
        and collectif.membres.filter(organisation_id__in=organisations, role=RoleCollectif.ANIMATEUR).exists()
    )
