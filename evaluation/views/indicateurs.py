"""Le catalogue des indicateurs, la page d'un indicateur, les indicateurs locaux d'un contrat."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from evaluation.acces import contrat_pour_saisie, indicateur_modifiable, indicateur_visible
from evaluation.filtres import IndicateurFiltre
from evaluation.forms import IndicateurForm
from evaluation.permissions import peut_lire_valeurs, peut_saisir_valeurs
from evaluation.selectors import catalogue as catalogue_public
from evaluation.services import indicateurs as services
from evaluation.views.commun import fil_catalogue, fil_contrat, page


@login_not_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Les indicateurs nationaux et les indicateurs locaux des contrats signés."""
    filtre = IndicateurFiltre(request.GET, queryset=catalogue_public().order_by("contrat_id", "nom"))
    return render(
        request,
        "evaluation/catalogue.html",
        {"filtre": filtre, "page": page(request, filtre.qs), "fil_ariane": fil_catalogue()},
    )


@login_not_required
@require_GET
def indicateur(request: HttpRequest, pk: int) -> HttpResponse:
    indicateur = indicateur_visible(request.user, pk)
    contrat = indicateur.contrat
    return render(
        request,
        "evaluation/indicateur.html",
        {
            "indicateur": indicateur,
            "distribution": getattr(indicateur, "distribution", None) if contrat is None else None,
            "orientations": list(indicateur.orientations.all()),
            "dossiers": list(indicateur.dossiers.all()),
            "conventions": list(indicateur.conventions.select_related("structure")),
            "peut_lire_valeurs": contrat is not None and peut_lire_valeurs(request.user, contrat),
            "peut_modifier": contrat is not None and peut_saisir_valeurs(request.user, contrat),
            "fil_ariane": fil_catalogue((indicateur.nom, "")),
        },
    )


def _formulaire(request: HttpRequest, contrat, form: IndicateurForm, titre: str, action) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        donnees = dict(form.cleaned_data)
        try:
            resultat = action(donnees)
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, "Indicateur enregistré.")
            return redirect(resultat.get_absolute_url())
    return render(
        request,
        "evaluation/formulaire.html",
        {"form": form, "contrat": contrat, "titre": titre, "fil_ariane": fil_contrat(contrat, (titre, ""))},
    )


@require_http_methods(["GET", "POST"])
def nouvel_indicateur(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_pour_saisie(request.user, code)
    form = IndicateurForm(request.POST or None, contrat=contrat)
    return _formulaire(
        request,
        contrat,
        form,
        "Nouvel indicateur local",
        lambda donnees: services.creer_indicateur(contrat, request.user, donnees),
    )


@require_http_methods(["GET", "POST"])
def modifier_indicateur(request: HttpRequest, pk: int) -> HttpResponse:
    indicateur = indicateur_modifiable(request.user, pk)
    contrat = indicateur.contrat
    form = IndicateurForm(request.POST or None, instance=indicateur, contrat=contrat)
    return _formulaire(
        request,
        contrat,
        form,
        f"Modifier l'indicateur « {indicateur.nom} »",
        lambda donnees: services.modifier_indicateur(indicateur, request.user, donnees),
    )
