"""Récupération des indicateurs et des valeurs avec contrôle d'accès : 404 pour qui ne doit pas les voir, 403
pour qui les voit sans pouvoir agir."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from comptes.contexte import Qui
from contrats.acces import contrat_visible
from contrats.models import ContratDeVille
from evaluation.models import Bilan, Indicateur, Valeur
from evaluation.permissions import (
    peut_lire_valeurs,
    peut_preparer_bilan,
    peut_saisir_valeurs,
    peut_voir_bilan,
    peut_voir_indicateur,
    refus_saisie,
)

REFUS_PREPARATION = "Seuls les agents de la collectivité porteuse du contrat préparent ses bilans."


def contrat_pour_valeurs(qui: Qui, code: str) -> ContratDeVille:
    """Les indicateurs et valeurs d'un contrat : ses associés. Les autres lecteurs du contrat (publics d'une
    concertation, visiteurs d'un contrat signé) ne voient pas cette page (404) : ce qui leur revient sera le
    bilan publié."""
    contrat = contrat_visible(qui, code)
    if not peut_lire_valeurs(qui, contrat):
        raise Http404("Indicateurs introuvables.")
    return contrat


def contrat_pour_saisie(qui: Qui, code: str) -> ContratDeVille:
    contrat = contrat_pour_valeurs(qui, code)
    if not peut_saisir_valeurs(qui, contrat):
        raise PermissionDenied(refus_saisie(contrat))
    return contrat


def indicateur_visible(qui: Qui, pk: int) -> Indicateur:
    indicateur = Indicateur.objects.select_related("contrat").filter(pk=pk).first()
    if indicateur is None or not peut_voir_indicateur(qui, indicateur):
        raise Http404("Indicateur introuvable.")
    return indicateur


def indicateur_modifiable(qui: Qui, pk: int) -> Indicateur:
    indicateur = indicateur_visible(qui, pk)
    if indicateur.contrat is None:
        raise PermissionDenied("Un indicateur national est tenu par l'import officiel : il ne se modifie pas ici.")
    if not peut_saisir_valeurs(qui, indicateur.contrat):
        raise PermissionDenied(refus_saisie(indicateur.contrat))
    return indicateur


def valeur_visible(qui: Qui, pk: int) -> Valeur:
    """Une valeur publique (`ValeurQuerySet.publiques` : ligne de base officielle, ou valeur qu'un bilan publié de
    son contrat expose) : tout le monde ; une autre valeur saisie pour un contrat : ses associés."""
    valeur = (
        Valeur.objects.select_related(
            "indicateur", "contrat__epci", "contrat__commune", "qpv", "commune", "epci", "dossier", "convention"
        )
        .filter(pk=pk)
        .first()
    )
    if valeur is None:
        raise Http404("Valeur introuvable.")
    if (
        valeur.contrat is not None
        and not peut_lire_valeurs(qui, valeur.contrat)
        and not Valeur.objects.publiques().filter(pk=valeur.pk).exists()
    ):
        raise Http404("Valeur introuvable.")
    return valeur


def valeur_corrigeable(qui: Qui, pk: int) -> tuple[Valeur, ContratDeVille]:
    """La valeur et le contrat au titre duquel la personne la corrige : le sien, ou, pour une ligne de base
    officielle d'un QPV, un contrat qui couvre ce QPV et où elle saisit."""
    valeur = valeur_visible(qui, pk)
    if valeur.contrat is not None:
        if not peut_saisir_valeurs(qui, valeur.contrat):
            raise PermissionDenied(refus_saisie(valeur.contrat))
        return valeur, valeur.contrat
    contrats = list(ContratDeVille.objects.avec_porteur().filter(qpv=valeur.qpv_id)) if valeur.qpv_id else []
    for contrat in contrats:
        if peut_saisir_valeurs(qui, contrat):
            return valeur, contrat
    raise PermissionDenied(
        "Une ligne de base officielle se corrige par les agents des signataires d'un contrat qui couvre ce quartier."
    )


# --- Bilans ---------------------------------------------------------------------------------------------------


def bilan_visible(qui: Qui, pk: int) -> Bilan:
    """Un bilan publié : tout le monde ; un brouillon : les associés du contrat et les membres de ses conseils
    citoyens ; les autres ne le trouvent pas (404)."""
    bilan = (
        Bilan.objects.select_related("contrat__epci", "contrat__commune")
        .prefetch_related("conseils_citoyens", "contrat__signataires")
        .filter(pk=pk)
        .first()
    )
    if bilan is None or not peut_voir_bilan(qui, bilan):
        raise Http404("Bilan introuvable.")
    return bilan


def bilan_a_preparer(qui: Qui, pk: int) -> Bilan:
    bilan = bilan_visible(qui, pk)
    if not peut_preparer_bilan(qui, bilan.contrat):
        raise PermissionDenied(REFUS_PREPARATION)
    return bilan


def contrat_pour_bilan(qui: Qui, code: str) -> ContratDeVille:
    """Créer un bilan : les agents de la collectivité porteuse (403 pour les autres lecteurs du contrat)."""
    contrat = contrat_visible(qui, code)
    if not peut_preparer_bilan(qui, contrat):
        raise PermissionDenied(REFUS_PREPARATION)
    return contrat
