"""Les pages des versements d'une convention : l'échéancier d'un financeur (générer, ajouter, modifier,
retirer une ligne prévue), le mandat, le paiement et l'annulation d'un versement, les reversements et les parts
des bénéficiaires d'une action collective. L'échéancier lui-même s'affiche sur la page de la convention
(section « Versements »). Seuls les agents du financeur agissent ; les règles sont dans
`financements.services.versements`."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from comptes.contexte import Qui
from comptes.mfa import exiger_double_authentification
from config.lib.euros import euros
from financements import selectors
from financements.acces import financeur_pour_versements, reversement_pour_gerer, versement_pour_gerer
from financements.forms import (
    AnnulationForm,
    MandatForm,
    PaiementForm,
    PartsForm,
    ReversementForm,
    SuiviReversementForm,
    VersementForm,
)
from financements.models import Convention, JournalConvention, StatutConvention, StatutReversement, StatutVersement
from financements.models.execution import TRANSITIONS_REVERSEMENT
from financements.permissions import financeurs_visibles_versements
from financements.services import versements as services

GABARIT = "financements/versements/formulaire.html"
# Les versements se lisent sur une convention signée (et après son terme ou sa résiliation).
ETATS_AFFICHAGE = services.ETATS_PAIEMENT | {StatutConvention.RESILIEE}


def section_versements(qui: Qui, convention: Convention) -> dict[str, Any]:
    """Le contexte de la section « Versements » de la page de la convention : les échéanciers que la personne
    voit (le sien pour un financeur, tous pour la structure), et ce qu'elle peut y faire."""
    if convention.statut not in ETATS_AFFICHAGE:
        return {"echeanciers": []}
    echeanciers = selectors.echeanciers(qui, convention)
    gere = any(e.gere for e in echeanciers)
    return {
        "echeanciers": echeanciers,
        "versements_possibles": convention.statut in services.ETATS_ECHEANCIER,
        "collectif": gere and len(services.beneficiaires(convention)) > 1,
    }


def journal_visible(qui: Qui, convention: Convention) -> QuerySet[JournalConvention]:
    """Le journal de la convention, sans les entrées réservées aux versements d'un autre financeur."""
    journal = convention.journal.select_related("auteur")
    visibles = financeurs_visibles_versements(qui, convention)
    if visibles is None:
        return journal
    return journal.filter(Q(financeur__isnull=True) | Q(financeur_id__in=visibles))


def _rapporter(form: forms.Form, erreur: ValidationError | PermissionDenied) -> None:
    """Les erreurs du service sur les champs qu'elles concernent, les autres en tête du formulaire."""
    if isinstance(erreur, ValidationError) and hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    elif isinstance(erreur, ValidationError):
        form.add_error(None, erreur.messages)
    else:
        form.add_error(None, str(erreur))


def _retour(convention: Convention) -> HttpResponse:
    return redirect(convention.get_absolute_url() + "#versements")


def _page(request: HttpRequest, convention: Convention, form: forms.Form, titre: str, **contexte: Any) -> HttpResponse:
    return render(request, GABARIT, {"convention": convention, "form": form, "titre": titre, **contexte})


def _formulaire(
    request: HttpRequest,
    convention: Convention,
    form: forms.Form,
    action: Callable[[dict[str, Any]], object],
    succes: str | Callable[[dict[str, Any]], str],
    titre: str,
    **contexte: Any,
) -> HttpResponse:
    """Le déroulé commun des formulaires de versement : le service appelé avec la saisie valide ; ses refus
    rangés sur le formulaire, rendu de nouveau sans rien perdre ; sinon le message et le retour à la section
    « Versements » de la convention."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except (ValidationError, PermissionDenied) as erreur:
            _rapporter(form, erreur)
        else:
            messages.success(request, succes(form.cleaned_data) if callable(succes) else succes)
            return _retour(convention)
    return _page(request, convention, form, titre, **contexte)


@require_POST
@exiger_double_authentification
def generer(request: HttpRequest, pk: int, financeur_pk: int) -> HttpResponse:
    """L'échéancier type du financeur (avance puis solde de chaque année) pour les années encore sans versement."""
    convention, financeur = financeur_pour_versements(request.user, pk, financeur_pk)
    try:
        crees = services.generer_echeancier(convention, request.user, financeur)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"Échéancier de {financeur} établi : {len(crees)} versement(s) prévu(s).")
    return _retour(convention)


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def nouveau(request: HttpRequest, pk: int, financeur_pk: int) -> HttpResponse:
    convention, financeur = financeur_pour_versements(request.user, pk, financeur_pk)
    return _formulaire(
        request,
        convention,
        VersementForm(request.POST or None, convention=convention),
        lambda d: services.ajouter_versement(
            convention,
            request.user,
            financeur,
            annee=d["annee"],
            nature=d["nature"],
            montant=d["montant"],
            date_prevue=d["date_prevue"],
        ),
        "Versement prévu ajouté à l'échéancier.",
        f"Ajouter un versement prévu — {financeur}",
        intro=f"Le total des versements de {financeur} pour une année ne dépasse jamais son montant de cette année.",
        bouton="Ajouter le versement",
    )


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def modifier(request: HttpRequest, pk: int, versement_pk: int) -> HttpResponse:
    convention, versement = versement_pour_gerer(request.user, pk, versement_pk)
    if versement.statut != StatutVersement.PREVU:
        raise PermissionDenied(f"Un versement {versement.get_statut_display().lower()} ne se modifie plus.")
    form = VersementForm(
        request.POST or None,
        convention=convention,
        modification=True,
        initial={"nature": versement.nature, "montant": versement.montant, "date_prevue": versement.date_prevue},
    )
    return _formulaire(
        request,
        convention,
        form,
        lambda d: services.modifier_versement(
            versement, request.user, nature=d["nature"], montant=d["montant"], date_prevue=d["date_prevue"]
        ),
        "Versement prévu modifié.",
        f"Modifier un versement prévu — {versement.financeur}, {versement.annee}",
        intro=str(versement),
        bouton="Enregistrer",
    )


@require_POST
@exiger_double_authentification
def supprimer(request: HttpRequest, pk: int, versement_pk: int) -> HttpResponse:
    convention, versement = versement_pour_gerer(request.user, pk, versement_pk)
    try:
        services.supprimer_versement(versement, request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Versement prévu retiré de l'échéancier.")
    return _retour(convention)


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def mandater(request: HttpRequest, pk: int, versement_pk: int) -> HttpResponse:
    convention, versement = versement_pour_gerer(request.user, pk, versement_pk)
    return _formulaire(
        request,
        convention,
        MandatForm(request.POST or None, initial={"mandate_le": timezone.localdate()}),
        lambda d: services.mandater(versement, request.user, mandate_le=d["mandate_le"], reference=d["reference"]),
        f"Versement de {euros(versement.montant)} mandaté.",
        f"Mandater un versement — {versement.financeur}, {versement.annee}",
        intro=f"{versement}. Le mandat est émis sur le RIB validé de {convention.structure}, dont l'IBAN est "
        "recopié sur le versement.",
        bouton="Enregistrer le mandat",
    )


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def payer(request: HttpRequest, pk: int, versement_pk: int) -> HttpResponse:
    convention, versement = versement_pour_gerer(request.user, pk, versement_pk)
    return _formulaire(
        request,
        convention,
        PaiementForm(request.POST or None, initial={"paye_le": timezone.localdate()}),
        lambda d: services.payer(versement, request.user, paye_le=d["paye_le"], reference=d["reference"]),
        f"Versement de {euros(versement.montant)} payé : la structure en est prévenue.",
        f"Enregistrer un paiement — {versement.financeur}, {versement.annee}",
        intro=str(versement),
        bouton="Enregistrer le paiement",
    )


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def annuler(request: HttpRequest, pk: int, versement_pk: int) -> HttpResponse:
    convention, versement = versement_pour_gerer(request.user, pk, versement_pk)
    return _formulaire(
        request,
        convention,
        AnnulationForm(request.POST or None),
        lambda d: services.annuler(versement, request.user, motif=d["motif"]),
        "Versement annulé.",
        f"Annuler un versement — {versement.financeur}, {versement.annee}",
        intro=f"{versement}. Un versement annulé ne compte plus dans le total engagé ; la structure lira le motif.",
        bouton="Annuler le versement",
    )


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def nouveau_reversement(request: HttpRequest, pk: int, financeur_pk: int) -> HttpResponse:
    convention, financeur = financeur_pour_versements(request.user, pk, financeur_pk)
    return _formulaire(
        request,
        convention,
        ReversementForm(request.POST or None, convention=convention),
        lambda d: services.demander_reversement(
            convention, request.user, financeur, annee=d["annee"], montant=d["montant"], motif=d["motif"]
        ),
        "Reversement demandé : la structure en est prévenue.",
        f"Demander un reversement — {financeur}",
        intro="Le montant demandé ne dépasse pas ce que vous avez payé cette année-là, moins les reversements déjà "
        "demandés. Le reversement est relié au compte-rendu financier de l'année s'il existe.",
        bouton="Demander le reversement",
    )


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def suivre_reversement(request: HttpRequest, pk: int, reversement_pk: int) -> HttpResponse:
    convention, reversement = reversement_pour_gerer(request.user, pk, reversement_pk)
    # L'étape suivante d'abord, l'annulation en dernier : le choix proposé par défaut fait avancer.
    etats = sorted(TRANSITIONS_REVERSEMENT[reversement.statut], key=lambda e: (e == StatutReversement.ANNULE, e))
    if not etats:
        raise PermissionDenied(f"Un reversement {reversement.get_statut_display().lower()} est clos.")
    return _formulaire(
        request,
        convention,
        SuiviReversementForm(request.POST or None, etats=etats, initial={"le": timezone.localdate()}),
        lambda d: services.suivre_reversement(
            reversement, request.user, d["statut"], le=d["le"], reference=d["reference"], motif=d["motif"]
        ),
        lambda d: f"Reversement : {StatutReversement(d['statut']).label.lower()}.",
        f"Suivre un reversement — {reversement.financeur}, {reversement.annee}",
        intro=f"{reversement}. Motif : {reversement.motif}",
        bouton="Enregistrer l'étape",
    )


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def parts(request: HttpRequest, pk: int, financeur_pk: int) -> HttpResponse:
    """La part de chaque structure d'une action collective dans le montant du financeur (100 % ensemble)."""
    convention, financeur = financeur_pour_versements(request.user, pk, financeur_pk)
    structures = services.beneficiaires(convention)
    actuelles = {p.structure_id: p.pourcentage for p in convention.parts.filter(financeur=financeur)}
    form = PartsForm(
        request.POST or None,
        structures=structures,
        initial={f"part_{pk_}": part for pk_, part in actuelles.items()},
    )
    return _formulaire(
        request,
        convention,
        form,
        lambda d: services.enregistrer_parts(convention, request.user, financeur, d["parts"]),
        f"Parts des bénéficiaires de {financeur} enregistrées.",
        f"Parts des bénéficiaires — {financeur}",
        intro="Pour une action collective : la part (en %) du montant que vous versez qui revient à chaque "
        "structure, porteuse ou co-porteuse. Les parts font 100 % ensemble ; l'export SCDL en tire une ligne par "
        "bénéficiaire.",
        bouton="Enregistrer les parts",
    )
