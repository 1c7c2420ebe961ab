"""Les indicateurs et valeurs d'un contrat : consultation, saisie, correction (historique), liaison des valeurs
des comptes-rendus ; exports CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluation import exports
from evaluation.acces import contrat_pour_saisie, contrat_pour_valeurs, valeur_corrigeable, valeur_visible
from evaluation.filtres import ValeurFiltre
from evaluation.forms import CorrectionForm, LiaisonForm, ValeurForm
from evaluation.models import Unite
from evaluation.permissions import peut_lire_valeurs, peut_saisir_valeurs
from evaluation.selectors import (
    indicateurs_des_comptes_rendus,
    indicateurs_du_contrat,
    lignes_de_base_officielles,
    valeurs_des_comptes_rendus,
    valeurs_du_contrat,
)
from evaluation.services import valeurs as services
from evaluation.views.commun import fil_contrat, page


@require_GET
def contrat(request: HttpRequest, code: str) -> HttpResponse:
    """Les indicateurs du contrat, ses valeurs courantes (filtrées, paginées), les lignes de base officielles
    de ses QPV et les valeurs données par les structures dans leurs comptes-rendus."""
    contrat = contrat_pour_valeurs(request.user, code)
    indicateurs = indicateurs_du_contrat(contrat)
    liste = list(indicateurs)
    filtre = ValeurFiltre(request.GET, queryset=valeurs_du_contrat(contrat), indicateurs=indicateurs)
    peut_saisir = peut_saisir_valeurs(request.user, contrat)
    valeurs_cr = list(indicateurs_des_comptes_rendus(contrat))
    liaisons = [(v, _form_liaison(v, liste) if peut_saisir else None) for v in valeurs_cr]
    return render(
        request,
        "evaluation/contrat.html",
        {
            "contrat": contrat,
            "indicateurs": [i for i in liste if i.contrat_id],
            "filtre": filtre,
            "page": page(request, filtre.qs),
            "peut_saisir": peut_saisir,
            "liaisons": liaisons,
            "groupes_cr": valeurs_des_comptes_rendus(valeurs_cr),
            "fil_ariane": fil_contrat(contrat),
        },
    )


def _form_liaison(valeur_cr, indicateurs: list) -> LiaisonForm:
    liaison = getattr(valeur_cr, "liaison", None)
    form = LiaisonForm(
        indicateurs=indicateurs,
        initial={"indicateur": str(liaison.indicateur_id) if liaison else ""},
        auto_id=f"liaison-{valeur_cr.pk}-%s",
    )
    form.fields[
        "indicateur"
    ].label = f"Indicateur du catalogue pour « {valeur_cr.libelle} » ({valeur_cr.compte_rendu.annee})"
    return form


@require_http_methods(["GET", "POST"])
def nouvelle_valeur(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_pour_saisie(request.user, code)
    indicateurs = indicateurs_du_contrat(contrat)
    form = ValeurForm(request.POST or None, contrat=contrat, indicateurs=indicateurs)
    if request.method == "POST" and form.is_valid():
        try:
            valeur = services.saisir_valeur(contrat, request.user, form.saisie())
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, "Valeur enregistrée.")
            if valeur.hors_plage:
                messages.warning(
                    request, "Cette valeur est hors de la plage plausible de l'indicateur : elle est signalée."
                )
            return redirect(reverse("evaluation:contrat", args=[contrat.code]))
    return render(
        request,
        "evaluation/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": "Saisir une valeur",
            "fil_ariane": fil_contrat(contrat, ("Saisir une valeur", "")),
        },
    )


@login_not_required
@require_GET
def valeur(request: HttpRequest, pk: int) -> HttpResponse:
    """Une valeur et toutes ses versions. Qui saisit est nommé en entier pour les associés du contrat ; sur une
    valeur publique lue par d'autres, sous la forme publique « Prénom N. »."""
    valeur = valeur_visible(request.user, pk)
    contrat = valeur.contrat
    associe = contrat is not None and peut_lire_valeurs(request.user, contrat)
    # Qui n'est pas associé ne lit pas la page des indicateurs du contrat : le fil mène à son tableau de bord.
    rubrique = {} if associe else {"rubrique": "Tableau de bord des indicateurs", "page": "evaluation:tableau"}
    return render(
        request,
        "evaluation/valeur.html",
        {
            "valeur": valeur,
            "versions": services.historique(valeur),
            "noms_complets": associe,
            "peut_corriger": valeur.courante and request.user.is_authenticated and _peut_corriger(request, valeur),
            "fil_ariane": (
                fil_contrat(contrat, (f"Valeur : {valeur.indicateur.nom}", ""), **rubrique)
                if contrat
                else [
                    {"titre": "Indicateurs", "url": reverse("evaluation:catalogue")},
                    {"titre": valeur.indicateur.nom, "url": valeur.indicateur.get_absolute_url()},
                    {"titre": f"Valeur : {valeur.territoire}", "url": ""},
                ]
            ),
        },
    )


def _peut_corriger(request: HttpRequest, valeur) -> bool:
    try:
        valeur_corrigeable(request.user, valeur.pk)
    except (PermissionDenied, Http404):
        return False
    return True


@require_http_methods(["GET", "POST"])
def corriger(request: HttpRequest, pk: int) -> HttpResponse:
    valeur, contrat = valeur_corrigeable(request.user, pk)
    form = CorrectionForm(
        request.POST or None,
        initial={
            "valeur": valeur.valeur,
            "unite": valeur.indicateur.unite,
            "non_diffusee": valeur.non_diffusee,
            "source": valeur.source,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            nouvelle = services.corriger_valeur(
                valeur,
                contrat,
                request.user,
                d["valeur"],
                d["non_diffusee"],
                d["unite"],
                d["source"],
                d["commentaire"],
                d["confirmer_hors_plage"],
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, f"Valeur corrigée : version {nouvelle.version}.")
            return redirect(nouvelle.get_absolute_url())
    titre = f"Corriger : {valeur.indicateur.nom}, {valeur.territoire}, {valeur.libelle_annee}"
    return render(
        request,
        "evaluation/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": titre,
            "introduction": (
                f"Valeur actuelle : {valeur.texte} ({valeur.get_nature_display().lower()}, version {valeur.version}, "
                f"unité : {Unite(valeur.indicateur.unite).label.lower()}). La correction crée une nouvelle version ; "
                "l'ancienne reste consultable."
            ),
            "fil_ariane": fil_contrat(contrat, ("Corriger une valeur", "")),
        },
    )


@require_POST
def relier(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Relie une valeur d'un compte-rendu de convention du contrat à un indicateur du catalogue."""
    contrat = contrat_pour_saisie(request.user, code)
    indicateur_cr = get_object_or_404(indicateurs_des_comptes_rendus(contrat), pk=pk)
    form = LiaisonForm(request.POST, indicateurs=list(indicateurs_du_contrat(contrat)))
    if form.is_valid():
        try:
            services.relier_compte_rendu(indicateur_cr, contrat, request.user, form.cleaned_data["indicateur"])
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request, "Valeur du compte-rendu reliée." if form.cleaned_data["indicateur"] else "Liaison retirée."
            )
    else:
        messages.error(request, "Choisissez un indicateur du catalogue.")
    return redirect(reverse("evaluation:contrat", args=[contrat.code]) + "#comptes-rendus")


@require_GET
def valeurs_csv(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_pour_valeurs(request.user, code)
    return exports.reponse_csv(
        exports.SourceDeValeurs(
            f"indicateurs-{contrat.code}-{timezone.localdate():%Y-%m-%d}", valeurs_du_contrat(contrat)
        )
    )


@login_not_required
@require_GET
def lignes_de_base_csv(request: HttpRequest) -> HttpResponse:
    """Les lignes de base officielles de tous les QPV : données ouvertes."""
    return exports.reponse_csv(exports.SourceDeValeurs("lignes-de-base-qpv", lignes_de_base_officielles()))
