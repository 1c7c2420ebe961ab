"""Qui peut faire quoi sur un appel à projets et ses dossiers : de petits prédicats nommés.

- la structure porteuse (ses membres, rôle « structure ») rédige, dépose, corrige, échange et suit ;
- les co-porteurs (membres des structures invitées) voient le dossier et confirment leur participation ;
- les instructeurs : les agents de la collectivité porteuse du contrat, et les agents (État, collectivités,
  partenaires) de chaque financeur **sollicité par le dossier** (une ligne de financement à son nom). Un
  financeur ne voit jamais un dossier qui ne lui demande rien ; personne ne voit un brouillon hormis ses
  porteurs.

Chaque prédicat prend `qui` : le contexte d'accès de la requête, ou un utilisateur (voir `comptes.contexte`),
dont les adhésions sont lues une fois par requête.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from acteurs_ess.models import Structure
from comptes.contexte import Qui, contexte
from comptes.models import Organisation, Role
from contrats.models import ContratDeVille
from contrats.permissions import organisation_porte
from financements.models import (
    AppelAProjets,
    Avenant,
    CompteRendu,
    Convention,
    CoPorteur,
    Dossier,
    Financement,
    StatutAvenant,
    StatutConvention,
    StatutDossier,
)
from financements.models.dossier import STATUTS_MODIFIABLES

ROLES_INSTRUCTEURS = (Role.AGENT, Role.ETAT, Role.PARTENAIRE)
# Les états d'un dossier décidé, d'où se préparent ses conventions.
STATUTS_DECIDES = (StatutDossier.DECIDE, StatutDossier.CONVENTIONNE, StatutDossier.EN_COURS)


def organisations_structures(qui: Qui) -> list[int]:
    """Les organisations des structures dont la personne est membre."""
    return [a.organisation_id for a in contexte(qui).adhesions_de_role(Role.STRUCTURE)]


def organisations_instructrices(qui: Qui) -> list[Organisation]:
    """Les organisations pour lesquelles la personne instruit ou finance (agents, État, partenaires)."""
    return contexte(qui).organisations(*ROLES_INSTRUCTEURS)


def est_agent_porteur(qui: Qui, contrat: ContratDeVille) -> bool:
    return any(organisation_porte(o, contrat) for o in contexte(qui).organisations(Role.AGENT))


@dataclass
class ProfilDossier:
    """Ce qu'une personne est pour un dossier."""

    porteur: bool = False
    co_porteur: bool = False
    agent_porteur: bool = False
    # Les organisations de la personne sollicitées par le dossier (elle décide pour elles).
    financeurs: list[Organisation] = field(default_factory=list)
    admin: bool = False

    @property
    def instructeur(self) -> bool:
        return self.agent_porteur or bool(self.financeurs)

    @property
    def organisations_instruction(self) -> list[Organisation]:
        return self.financeurs


def profil_dossier(qui: Qui, dossier: Dossier) -> ProfilDossier:
    """Ce que la personne est pour ce dossier, d'après les adhésions de son contexte d'accès (lues une fois
    par requête) et les co-porteurs et financements du dossier (lus une fois par objet)."""
    acces = contexte(qui)
    if not acces.est_connecte:
        return ProfilDossier()
    structures = set(organisations_structures(acces))
    instructrices = organisations_instructrices(acces)
    resultat = ProfilDossier(admin=acces.est_admin)
    resultat.porteur = dossier.structure.organisation_id in structures
    if structures:
        resultat.co_porteur = any(c.structure.organisation_id in structures for c in _co_porteurs(dossier))
    if instructrices:
        resultat.agent_porteur = est_agent_porteur(acces, dossier.appel.contrat)
        sollicites = {f.financeur_id for f in _financements(dossier)}
        resultat.financeurs = [o for o in instructrices if o.pk in sollicites]
    return resultat


# Les pages lisent le dossier avec ses co-porteurs et ses financements préchargés (`acces.dossier_visible`) ;
# ailleurs (services, tâches), ils sont relus à chaque fois, car un service a pu les changer entre-temps.
def _co_porteurs(dossier: Dossier) -> list[CoPorteur]:
    if "co_porteurs" in getattr(dossier, "_prefetched_objects_cache", {}):
        return list(dossier.co_porteurs.all())
    return list(dossier.co_porteurs.select_related("structure"))


def _financements(dossier: Dossier) -> list[Financement]:
    return list(dossier.financements.all())


def peut_voir_dossier(qui: Qui, dossier: Dossier) -> bool:
    p = profil_dossier(qui, dossier)
    if p.porteur or p.co_porteur:
        return True
    if dossier.statut == StatutDossier.BROUILLON:
        return False
    return p.instructeur or p.admin


def peut_modifier_dossier(qui: Qui, dossier: Dossier) -> bool:
    """La structure porteuse complète son dossier tant qu'il est en brouillon ou en correction."""
    return dossier.statut in STATUTS_MODIFIABLES and profil_dossier(qui, dossier).porteur


def peut_deposer(qui: Qui, dossier: Dossier) -> bool:
    return peut_modifier_dossier(qui, dossier)


def peut_instruire(qui: Qui, dossier: Dossier) -> bool:
    """Prendre en instruction, demander une correction, écrire une note, donner un avis."""
    return dossier.statut != StatutDossier.BROUILLON and profil_dossier(qui, dossier).instructeur


def peut_lire_notes(qui: Qui, dossier: Dossier) -> bool:
    return peut_instruire(qui, dossier)


def peut_decider(qui: Qui, dossier: Dossier, financeur: Organisation) -> bool:
    """Seuls les agents d'un financeur décident de la part de ce financeur, pendant l'instruction."""
    return dossier.statut == StatutDossier.EN_INSTRUCTION and any(
        o.pk == financeur.pk for o in profil_dossier(qui, dossier).financeurs
    )


def peut_echanger(qui: Qui, dossier: Dossier) -> bool:
    """Le fil de messages : porteur, co-porteurs et instructeurs, une fois le dossier déposé."""
    p = profil_dossier(qui, dossier)
    return dossier.statut != StatutDossier.BROUILLON and (p.porteur or p.co_porteur or p.instructeur)


def peut_confirmer_co_portage(qui: Qui, dossier: Dossier) -> bool:
    return profil_dossier(qui, dossier).co_porteur


def peut_gerer_appel(qui: Qui, appel_ou_contrat: AppelAProjets | ContratDeVille) -> bool:
    """Les agents de la collectivité porteuse du contrat créent, modifient et publient ses appels."""
    contrat = appel_ou_contrat.contrat if isinstance(appel_ou_contrat, AppelAProjets) else appel_ou_contrat
    return est_agent_porteur(qui, contrat)


def peut_voir_appel(qui: Qui, appel: AppelAProjets) -> bool:
    """Un appel publié est public ; avant, seuls les agents de la collectivité porteuse le voient."""
    return appel.est_publie or peut_gerer_appel(qui, appel)


def peut_repondre_appel(qui: Qui, appel: AppelAProjets) -> bool:
    return appel.est_publie and bool(organisations_structures(qui))


def peut_voir_tableau(qui: Qui) -> bool:
    return bool(organisations_instructrices(qui))


def finance_un_dossier_de(qui: Qui, structure: Structure) -> bool:
    """La personne est agent, agent de l'État ou partenaire d'une organisation à qui un dossier déposé de la
    structure (porteuse ou co-porteuse confirmée) demande un financement : elle peut valider le RIB de la
    structure (enregistré dans `acteurs_ess.registres.valideurs_rib`). Une co-porteuse seulement invitée ne
    compte pas : l'invitation ne dépend que de la structure porteuse, pas de celle qu'elle nomme."""
    organisations = [o.pk for o in organisations_instructrices(qui)]
    if not organisations:
        return False
    return (
        Financement.objects.filter(financeur_id__in=organisations)
        .filter(
            Q(dossier__structure=structure)
            | Q(dossier__co_porteurs__structure=structure, dossier__co_porteurs__confirme_le__isnull=False)
        )
        .exclude(dossier__statut=StatutDossier.BROUILLON)
        .exists()
    )


def peut_preparer_convention(qui: Qui, dossier: Dossier) -> bool:
    """Préparer depuis un dossier décidé le projet de convention commun à ses financeurs : un agent (ou agent de
    l'État, partenaire) d'un financeur sollicité par le dossier."""
    return dossier.statut in STATUTS_DECIDES and bool(profil_dossier(qui, dossier).financeurs)


# --- Conventions ------------------------------------------------------------------------------------------
# Une convention se lit par ses parties : les membres de la structure et les agents des financeurs parties
# (jamais un financeur qui n'y est pas partie : il ne voit ni la convention ni ses montants), et par les
# administrateurs (modération). Seuls les agents des financeurs parties la préparent et la font avancer.


@dataclass
class ProfilConvention:
    """Ce qu'une personne est pour une convention."""

    structure: bool = False
    # Les organisations de la personne parties à la convention (elle agit pour elles).
    financeurs: list[Organisation] = field(default_factory=list)
    admin: bool = False

    @property
    def partie(self) -> bool:
        return self.structure or bool(self.financeurs)


def _parties(convention: Convention) -> list[int]:
    if "parties" in getattr(convention, "_prefetched_objects_cache", {}):
        return [p.financeur_id for p in convention.parties.all()]
    return list(convention.parties.values_list("financeur_id", flat=True))


def profil_convention(qui: Qui, convention: Convention) -> ProfilConvention:
    acces = contexte(qui)
    if not acces.est_connecte:
        return ProfilConvention()
    parties = set(_parties(convention))
    return ProfilConvention(
        structure=convention.structure.organisation_id in set(organisations_structures(acces)),
        financeurs=[o for o in organisations_instructrices(acces) if o.pk in parties],
        admin=acces.est_admin,
    )


def peut_voir_convention(qui: Qui, convention: Convention) -> bool:
    p = profil_convention(qui, convention)
    return p.partie or p.admin


def peut_modifier_convention(qui: Qui, convention: Convention) -> bool:
    """Les agents des financeurs parties modifient la convention tant qu'elle est en projet."""
    return convention.est_modifiable and bool(profil_convention(qui, convention).financeurs)


def peut_faire_avancer_convention(qui: Qui, convention: Convention) -> bool:
    """Envoyer à la structure, renvoyer en projet, mettre en vigueur, terminer, résilier : un financeur partie."""
    return bool(profil_convention(qui, convention).financeurs)


def parties_a_signer(qui: Qui, convention: Convention) -> list[Organisation | None]:
    """Les parties que la personne peut engager et qui n'ont pas encore signé, à l'étape où en est la convention :
    la structure (None) une fois la convention envoyée, puis chacun des financeurs."""
    p = profil_convention(qui, convention)
    signees = {s.financeur_id for s in convention.signatures.all()}
    if convention.statut == StatutConvention.ENVOYEE and p.structure:
        return [None]
    if convention.statut == StatutConvention.SIGNEE_STRUCTURE:
        return [o for o in p.financeurs if o.pk not in signees]
    return []


# --- Comptes-rendus financiers annuels -------------------------------------------------------------------
# Les mêmes lecteurs que la convention (ses parties et les administrateurs), une fois le compte-rendu déposé ;
# un brouillon n'est lu que par la structure qui le prépare (comme un dossier en brouillon).


def peut_preparer_compte_rendu(qui: Qui, convention: Convention) -> bool:
    """Les membres de la structure partie préparent, déposent et complètent le compte-rendu de chaque année."""
    return profil_convention(qui, convention).structure


def peut_voir_compte_rendu(qui: Qui, compte_rendu: CompteRendu) -> bool:
    p = profil_convention(qui, compte_rendu.convention)
    if p.structure:
        return True
    return compte_rendu.est_depose and (bool(p.financeurs) or p.admin)


def financeurs_pour_avis(qui: Qui, convention: Convention) -> list[Organisation]:
    """Les financeurs parties pour lesquels la personne donne un avis (elle en est agent, agent de l'État ou
    partenaire)."""
    return profil_convention(qui, convention).financeurs


def peut_donner_avis_compte_rendu(qui: Qui, convention: Convention, financeur: Organisation) -> bool:
    """Chaque financeur partie donne son avis par ses agents, pour lui seul."""
    return any(o.pk == financeur.pk for o in financeurs_pour_avis(qui, convention))


# --- Versements, reversements et parts des bénéficiaires --------------------------------------------------
# Chaque financeur partie ne voit et ne gère que ses propres versements ; la structure les voit tous (ce sont
# les siens), sans agir ; les administrateurs les lisent (modération). Un financeur ne voit jamais les
# versements d'un autre, même partie à la même convention.


def financeurs_geres(qui: Qui, convention: Convention) -> list[Organisation]:
    """Les financeurs parties dont la personne gère l'échéancier : ceux dont elle est agent."""
    return profil_convention(qui, convention).financeurs


def peut_gerer_versements(qui: Qui, convention: Convention, financeur_id: int) -> bool:
    """Établir l'échéancier d'un financeur, mandater, payer, annuler, demander un reversement, saisir les parts
    des bénéficiaires : les agents de ce financeur seulement."""
    return any(o.pk == financeur_id for o in financeurs_geres(qui, convention))


def financeurs_visibles_versements(qui: Qui, convention: Convention) -> list[int] | None:
    """Les financeurs dont la personne voit les versements : tous (None) pour la structure et les
    administrateurs, les siens pour un agent d'un financeur partie, aucun pour les autres."""
    p = profil_convention(qui, convention)
    if p.structure or p.admin:
        return None
    return [o.pk for o in p.financeurs]


def peut_voir_versements(qui: Qui, convention: Convention, financeur_id: int) -> bool:
    visibles = financeurs_visibles_versements(qui, convention)
    return visibles is None or financeur_id in visibles


def parties_a_signer_avenant(qui: Qui, avenant: Avenant) -> list[Organisation | None]:
    """Les parties que la personne peut engager et qui n'ont pas encore signé l'avenant en signature : la
    structure (None) d'abord, puis chacun des financeurs."""
    convention = avenant.convention
    if avenant.statut != StatutAvenant.PROJET or convention.statut != StatutConvention.EN_VIGUEUR:
        return []
    p = profil_convention(qui, convention)
    signees = {s.financeur_id for s in avenant.signatures.all()}
    if None not in signees:
        return [None] if p.structure else []
    return [o for o in p.financeurs if o.pk not in signees]


def financeurs_revisables(qui: Qui, dossier: Dossier) -> list[Organisation]:
    """Les financeurs dont la personne peut revoir la décision sur le dossier : un agent d'un financeur qui a
    décidé, tant que le dossier est « décidé » (avant que ses conventions ne soient en vigueur)."""
    if dossier.statut != StatutDossier.DECIDE:
        return []
    return list(profil_dossier(qui, dossier).financeurs)


# --- Comité de programmation ------------------------------------------------------------------------------
# Les dossiers d'un appel côte à côte, pour décider ensemble : les instructeurs de l'appel, c'est-à-dire les
# agents de la collectivité porteuse du contrat et ceux des financeurs de l'appel. Lecture seule : les
# décisions se prennent sur chaque dossier.


def financeurs_de_l_appel(qui: Qui, appel: AppelAProjets) -> list[Organisation]:
    """Les organisations de la personne qui financent l'appel (elle en est agent, agent de l'État ou
    partenaire)."""
    instructrices = organisations_instructrices(qui)
    if not instructrices:
        return []
    participants = {f.organisation_id for f in appel.financeurs.all()}
    return [o for o in instructrices if o.pk in participants]


def peut_voir_comite(qui: Qui, appel: AppelAProjets) -> bool:
    """Le comité de programmation d'un appel publié : la collectivité porteuse et les financeurs de l'appel."""
    return appel.est_publie and (est_agent_porteur(qui, appel.contrat) or bool(financeurs_de_l_appel(qui, appel)))
