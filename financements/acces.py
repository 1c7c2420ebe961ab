"""Récupération des appels et dossiers avec contrôle d'accès : 404 pour qui ne doit pas les voir, 403 pour
qui les voit sans pouvoir agir."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from comptes.contexte import Qui
from comptes.models import Organisation
from contrats.acces import contrat_visible
from contrats.models import ContratDeVille
from financements.models import AppelAProjets, CompteRendu, Convention, Dossier, Reversement, Versement
from financements.permissions import (
    peut_gerer_appel,
    peut_gerer_versements,
    peut_instruire,
    peut_modifier_convention,
    peut_modifier_dossier,
    peut_preparer_compte_rendu,
    peut_voir_appel,
    peut_voir_compte_rendu,
    peut_voir_convention,
    peut_voir_dossier,
    peut_voir_versements,
    profil_dossier,
)

INTROUVABLE = "Dossier introuvable."


def appel_visible(qui: Qui, pk: int) -> AppelAProjets:
    try:
        appel = AppelAProjets.objects.select_related("contrat__epci", "contrat__commune").get(pk=pk)
    except AppelAProjets.DoesNotExist:
        raise Http404("Appel à projets introuvable.") from None
    if not peut_voir_appel(qui, appel):
        raise Http404("Appel à projets introuvable.")
    return appel


def appel_pour_gerer(qui: Qui, pk: int) -> AppelAProjets:
    appel = appel_visible(qui, pk)
    if not peut_gerer_appel(qui, appel):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse du contrat gèrent cet appel à projets.")
    return appel


def contrat_pour_appels(qui: Qui, code: str) -> ContratDeVille:
    """Lancer un appel à projets : le contrat se cherche comme pour toute autre action sur lui (404 pour qui ne
    le voit pas, `contrats.acces`), puis seuls les agents de la collectivité porteuse agissent (403)."""
    contrat = contrat_visible(qui, code)
    if not peut_gerer_appel(qui, contrat):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse lancent les appels à projets du contrat.")
    return contrat


def dossier_visible(qui: Qui, pk: int) -> Dossier:
    try:
        dossier = (
            Dossier.objects.select_related(
                "appel__contrat__epci", "appel__contrat__commune", "structure__organisation", "cree_par"
            )
            .prefetch_related("financements__financeur", "co_porteurs__structure")
            .get(pk=pk)
        )
    except Dossier.DoesNotExist:
        raise Http404(INTROUVABLE) from None
    if not peut_voir_dossier(qui, dossier):
        raise Http404(INTROUVABLE)
    return dossier


def dossier_modifiable(qui: Qui, pk: int) -> Dossier:
    dossier = dossier_visible(qui, pk)
    if not peut_modifier_dossier(qui, dossier):
        if dossier.est_modifiable:
            raise PermissionDenied("Seuls les membres de la structure porteuse modifient ce dossier.")
        raise PermissionDenied(
            f"Ce dossier est « {dossier.get_statut_display()} » : il ne se modifie plus, sauf si une correction "
            "est demandée par les instructeurs."
        )
    return dossier


def dossier_a_enregistrer(qui: Qui, pk: int) -> Dossier:
    """Le dossier dont un membre de la structure porteuse envoie le formulaire. Son état n'est pas vérifié ici
    mais par l'enregistrement, sur la ligne verrouillée (`services.verrouiller_modifiable`) : un dossier déposé
    ou décidé depuis que le formulaire a été ouvert est un conflit (409) qui garde la saisie, pas un refus qui
    la perd. Les autres personnes : comme `dossier_modifiable`."""
    dossier = dossier_visible(qui, pk)
    if not profil_dossier(qui, dossier).porteur:
        raise PermissionDenied("Seuls les membres de la structure porteuse modifient ce dossier.")
    return dossier


def dossier_pour_instruire(qui: Qui, pk: int) -> Dossier:
    dossier = dossier_visible(qui, pk)
    if not peut_instruire(qui, dossier):
        raise PermissionDenied("Seuls les instructeurs des financeurs sollicités instruisent ce dossier.")
    return dossier


def convention_visible(qui: Qui, pk: int) -> Convention:
    """La convention, pour ses parties (et les administrateurs) ; 404 pour tout autre, même un financeur."""
    try:
        convention = (
            Convention.objects.select_related("structure__organisation", "precedente")
            .prefetch_related("parties__financeur", "signatures")
            .get(pk=pk)
        )
    except Convention.DoesNotExist:
        raise Http404("Convention introuvable.") from None
    if not peut_voir_convention(qui, convention):
        raise Http404("Convention introuvable.")
    return convention


def convention_modifiable(qui: Qui, pk: int) -> Convention:
    convention = convention_visible(qui, pk)
    if not peut_modifier_convention(qui, convention):
        if convention.est_modifiable:
            raise PermissionDenied("Seuls les agents des financeurs parties préparent la convention.")
        raise PermissionDenied(
            f"Cette convention est « {convention.get_statut_display()} » : elle ne se modifie plus que par avenant."
        )
    return convention


def compte_rendu_visible(qui: Qui, pk: int, annee: int) -> CompteRendu:
    """Le compte-rendu d'une année de la convention : pour la structure, dès le brouillon ; pour les autres
    lecteurs de la convention, une fois déposé. 404 sinon (un brouillon n'existe pas pour les financeurs)."""
    convention = convention_visible(qui, pk)
    compte_rendu = (
        CompteRendu.objects.filter(convention=convention, annee=annee)
        .select_related("depose_par")
        .prefetch_related("lignes", "indicateurs", "avis__financeur", "avis__auteur")
        .first()
    )
    if compte_rendu is None:
        raise Http404("Compte-rendu introuvable.")
    compte_rendu.convention = convention
    if not peut_voir_compte_rendu(qui, compte_rendu):
        raise Http404("Compte-rendu introuvable.")
    return compte_rendu


def convention_pour_compte_rendu(qui: Qui, pk: int) -> Convention:
    """La convention dont la personne prépare un compte-rendu : ses membres de la structure ; les autres parties
    la voient sans pouvoir le faire (403), les autres personnes ne la voient pas (404)."""
    convention = convention_visible(qui, pk)
    if not peut_preparer_compte_rendu(qui, convention):
        raise PermissionDenied("Seuls les membres de la structure préparent et déposent le compte-rendu.")
    return convention


# --- Versements : un financeur ne sait rien des versements d'un autre (404), la structure et les
# administrateurs les voient sans les gérer (403).

REFUS_VERSEMENTS = "Seuls les agents de ce financeur gèrent ses versements ; la structure les suit en lecture."


def financeur_pour_versements(qui: Qui, pk: int, financeur_pk: int) -> tuple[Convention, Organisation]:
    """La convention et l'un de ses financeurs, pour gérer ses versements, ses reversements ou ses parts."""
    convention = convention_visible(qui, pk)
    financeur = next((p.financeur for p in convention.parties.all() if p.financeur_id == financeur_pk), None)
    if financeur is None or not peut_voir_versements(qui, convention, financeur.pk):
        raise Http404("Financeur introuvable.")
    if not peut_gerer_versements(qui, convention, financeur.pk):
        raise PermissionDenied(REFUS_VERSEMENTS)
    return convention, financeur


def versement_pour_gerer(qui: Qui, pk: int, versement_pk: int) -> tuple[Convention, Versement]:
    convention = convention_visible(qui, pk)
    versement = Versement.objects.select_related("financeur").filter(pk=versement_pk, convention=convention).first()
    if versement is None or not peut_voir_versements(qui, convention, versement.financeur_id):
        raise Http404("Versement introuvable.")
    if not peut_gerer_versements(qui, convention, versement.financeur_id):
        raise PermissionDenied(REFUS_VERSEMENTS)
    versement.convention = convention
    return convention, versement


def reversement_pour_gerer(qui: Qui, pk: int, reversement_pk: int) -> tuple[Convention, Reversement]:
    convention = convention_visible(qui, pk)
    reversement = (
        Reversement.objects.select_related("financeur").filter(pk=reversement_pk, convention=convention).first()
    )
    if reversement is None or not peut_voir_versements(qui, convention, reversement.financeur_id):
        raise Http404("Reversement introuvable.")
    if not peut_gerer_versements(qui, convention, reversement.financeur_id):
        raise PermissionDenied(REFUS_VERSEMENTS)
    reversement.convention = convention
    return convention, reversement
