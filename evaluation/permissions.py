"""Qui peut faire quoi sur les indicateurs et leurs valeurs : de petits prédicats nommés.

Le catalogue national et les lignes de base officielles sont publics. Les valeurs saisies dans le cadre d'un
contrat sont lues par ses associés (collectivité porteuse, signataires, État du département, élus,
administrateurs) tant qu'aucun bilan publié ne les expose ; elles sont saisies, corrigées, et les indicateurs
locaux tenus, par les agents des signataires (et de la collectivité porteuse) : agents, État, partenaires.
Les élus lisent sans saisir (ARCHITECTURE.md).
"""

from comptes.contexte import Qui, contexte
from comptes.models import Role
from contrats.models import ContratDeVille, StatutContrat
from contrats.permissions import peut_voir_contrat, profil
from evaluation.models import Bilan, Indicateur, StatutBilan


def peut_voir_indicateur(qui: Qui, indicateur: Indicateur) -> bool:
    """Un indicateur national est public ; un indicateur local, comme son contrat."""
    return indicateur.contrat is None or peut_voir_contrat(qui, indicateur.contrat)


def peut_lire_valeurs(qui: Qui, contrat: ContratDeVille) -> bool:
    """Les valeurs saisies pour un contrat (brouillons de bilan) : ses associés."""
    return profil(qui, contrat).associe


def peut_saisir_valeurs(qui: Qui, contrat: ContratDeVille) -> bool:
    """Saisir et corriger des valeurs, tenir les indicateurs locaux : les agents de la collectivité porteuse
    et ceux (agents, État, partenaires) des organisations signataires, tant que le contrat n'est pas clos."""
    if contrat.statut == StatutContrat.CLOS:
        return False
    profil_ = profil(qui, contrat)
    return profil_.agent_porteur or profil_.signataire


def refus_saisie(contrat: ContratDeVille) -> str:
    if contrat.statut == StatutContrat.CLOS:
        return "Ce contrat est clos : ses indicateurs et leurs valeurs ne changent plus."
    return "Seuls les agents des signataires du contrat saisissent ses valeurs et tiennent ses indicateurs."


# --- Bilans ---------------------------------------------------------------------------------------------------


def membre_conseil_citoyen(qui: Qui, bilan: Bilan) -> bool:
    """Membre (habitant·e) d'un conseil citoyen associé au bilan : les conseils citoyens du bilan sont lus une
    fois par objet (préchargement)."""
    acces = contexte(qui)
    if not acces.est_connecte:
        return False
    mes_conseils = acces.ids_organisations(Role.HABITANT)
    return bool(mes_conseils) and any(o.pk in mes_conseils for o in bilan.conseils_citoyens.all())


def peut_voir_bilan(qui: Qui, bilan: Bilan) -> bool:
    """Un bilan publié est public ; avant, ses brouillons ne sont lus que par les associés du contrat et les
    membres des conseils citoyens appelés à y écrire leur avis."""
    if bilan.est_publie:
        return True
    return profil(qui, bilan.contrat).associe or membre_conseil_citoyen(qui, bilan)


def peut_preparer_bilan(qui: Qui, contrat: ContratDeVille) -> bool:
    """Créer un bilan, en écrire la synthèse et l'analyse, le faire avancer : les agents de la collectivité
    porteuse du contrat."""
    return profil(qui, contrat).agent_porteur


def peut_commenter_bilan(qui: Qui, bilan: Bilan) -> bool:
    """Les partenaires signataires (agents, État, partenaires des organisations signataires) commentent un bilan
    soumis."""
    return bilan.statut == StatutBilan.SOUMIS and profil(qui, bilan.contrat).signataire


def peut_ecrire_avis(qui: Qui, bilan: Bilan) -> bool:
    """L'avis du conseil citoyen est écrit par ses membres, tant que le bilan n'est pas validé."""
    return bilan.textes_modifiables and membre_conseil_citoyen(qui, bilan)


def peut_lire_commentaires(qui: Qui, bilan: Bilan) -> bool:
    """Les commentaires des partenaires restent entre les lecteurs des brouillons, même une fois le bilan publié."""
    return profil(qui, bilan.contrat).associe or membre_conseil_citoyen(qui, bilan)
