"""Qui peut faire quoi sur les indicateurs et leurs valeurs : de petits prédicats nommés.

Le catalogue national et les lignes de base officielles sont publics. Les valeurs saisies dans le cadre d'un
contrat sont lues par ses associés (collectivité porteuse, signataires, État du département, élus,
administrateurs) tant qu'aucun bilan publié ne les expose ; elles sont saisies, corrigées, et les indicateurs
locaux tenus, par les agents des signataires (et de la collectivité porteuse) : agents, État, partenaires.
Les élus lisent sans saisir (ARCHITECTURE.md).
"""

from comptes.contexte import Qui
from contrats.models import ContratDeVille, StatutContrat
from contrats.permissions import peut_voir_contrat, profil
from evaluation.models import Indicateur


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
