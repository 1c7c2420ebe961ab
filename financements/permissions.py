"""Qui peut faire quoi sur un appel à projets et ses dossiers : de petits prédicats nommés.

- la structure porteuse (ses membres, rôle « structure ») rédige, dépose, corrige, échange et suit ;
- les co-porteurs (membres des structures invitées) voient le dossier et confirment leur participation ;
- les instructeurs : les agents de la collectivité porteuse du contrat, et les agents (État, collectivités,
  partenaires) de chaque financeur **sollicité par le dossier** (une ligne de financement à son nom). Un
  financeur ne voit jamais un dossier qui ne lui demande rien ; personne ne voit un brouillon hormis ses
  porteurs.

Les adhésions de la personne sont lues une fois par requête (gardées sur l'objet utilisateur).
"""

from dataclasses import dataclass, field

from comptes.models import Adhesion, Organisation, Role
from comptes.permissions import est_admin_plateforme
from contrats.models import ContratDeVille
from contrats.permissions import organisation_porte
from financements.models import AppelAProjets, Dossier, StatutDossier
from financements.models.dossier import STATUTS_MODIFIABLES

ROLES_INSTRUCTEURS = (Role.AGENT, Role.ETAT, Role.PARTENAIRE)


def adhesions(user) -> list[Adhesion]:
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_adhesions_dossiers"):
        user._adhesions_dossiers = list(Adhesion.objects.filter(utilisateur=user).select_related("organisation"))
    return user._adhesions_dossiers


def organisations_structures(user) -> list[int]:
    """Les organisations des structures dont la personne est membre."""
    return [a.organisation_id for a in adhesions(user) if a.role == Role.STRUCTURE]


def organisations_instructrices(user) -> list[Organisation]:
    """Les organisations pour lesquelles la personne instruit ou finance (agents, État, partenaires)."""
    return [a.organisation for a in adhesions(user) if a.role in ROLES_INSTRUCTEURS]


def est_agent_porteur(user, contrat: ContratDeVille) -> bool:
    return any(a.role == Role.AGENT and organisation_porte(a.organisation, contrat) for a in adhesions(user))


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


def profil_dossier(user, dossier: Dossier) -> ProfilDossier:
    if not user.is_authenticated:
        return ProfilDossier()
    cache = dossier.__dict__.setdefault("_profils", {})
    if user.pk in cache:
        return cache[user.pk]
    structures = set(organisations_structures(user))
    instructrices = organisations_instructrices(user)
    resultat = ProfilDossier(admin=est_admin_plateforme(user))
    resultat.porteur = dossier.structure.organisation_id in structures
    if structures:
        resultat.co_porteur = any(c.structure.organisation_id in structures for c in _co_porteurs(dossier))
    if instructrices:
        resultat.agent_porteur = est_agent_porteur(user, dossier.appel.contrat)
        sollicites = {f.financeur_id for f in _financements(dossier)}
        resultat.financeurs = [o for o in instructrices if o.pk in sollicites]
    cache[user.pk] = resultat
    return resultat


def _co_porteurs(dossier: Dossier):
    if "co_porteurs" in getattr(dossier, "_prefetched_objects_cache", {}):
        return dossier.co_porteurs.all()
    return dossier.co_porteurs.select_related("structure")


def _financements(dossier: Dossier):
    if "financements" in getattr(dossier, "_prefetched_objects_cache", {}):
        return dossier.financements.all()
    return list(dossier.financements.all())


def peut_voir_dossier(user, dossier: Dossier) -> bool:
    p = profil_dossier(user, dossier)
    if p.porteur or p.co_porteur:
        return True
    if dossier.statut == StatutDossier.BROUILLON:
        return False
    return p.instructeur or p.admin


def peut_modifier_dossier(user, dossier: Dossier) -> bool:
    """La structure porteuse complète son dossier tant qu'il est en brouillon ou en correction."""
    return dossier.statut in STATUTS_MODIFIABLES and profil_dossier(user, dossier).porteur


def peut_deposer(user, dossier: Dossier) -> bool:
    return peut_modifier_dossier(user, dossier)


def peut_instruire(user, dossier: Dossier) -> bool:
    """Prendre en instruction, demander une correction, écrire une note, donner un avis."""
    return dossier.statut != StatutDossier.BROUILLON and profil_dossier(user, dossier).instructeur


def peut_lire_notes(user, dossier: Dossier) -> bool:
    return peut_instruire(user, dossier)


def peut_decider(user, dossier: Dossier, financeur: Organisation) -> bool:
    """Seuls les agents d'un financeur décident de la part de ce financeur, pendant l'instruction."""
    return dossier.statut == StatutDossier.EN_INSTRUCTION and any(
        o.pk == financeur.pk for o in profil_dossier(user, dossier).financeurs
    )


def peut_echanger(user, dossier: Dossier) -> bool:
    """Le fil de messages : porteur, co-porteurs et instructeurs, une fois le dossier déposé."""
    p = profil_dossier(user, dossier)
    return dossier.statut != StatutDossier.BROUILLON and (p.porteur or p.co_porteur or p.instructeur)


def peut_confirmer_co_portage(user, dossier: Dossier) -> bool:
    return profil_dossier(user, dossier).co_porteur


def peut_gerer_appel(user, appel_ou_contrat: AppelAProjets | ContratDeVille) -> bool:
    """Les agents de la collectivité porteuse du contrat créent, modifient et publient ses appels."""
    contrat = appel_ou_contrat.contrat if isinstance(appel_ou_contrat, AppelAProjets) else appel_ou_contrat
    return est_agent_porteur(user, contrat)


def peut_voir_appel(user, appel: AppelAProjets) -> bool:
    """Un appel publié est public ; avant, seuls les agents de la collectivité porteuse le voient."""
    return appel.est_publie or peut_gerer_appel(user, appel)


def peut_repondre_appel(user, appel: AppelAProjets) -> bool:
    return appel.est_publie and bool(organisations_structures(user))


def peut_voir_tableau(user) -> bool:
    return bool(organisations_instructrices(user))
