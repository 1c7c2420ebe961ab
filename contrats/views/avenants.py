"""Avenants d'un contrat signé (préparation, nouveau texte des sections, adoption) et dispositifs nationaux."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from contrats.acces import contrat_visible
from contrats.forms import AdoptionAvenantForm, AvenantForm, DispositifsForm, ModificationAvenantForm
from contrats.models import Avenant, ContratDeVille, StatutAvenant
from contrats.permissions import peut_modifier_dispositifs, peut_preparer_avenant, profil
from contrats.services import avenants as services
from contrats.services.avenants import REFUS_AVENANT
from contrats.texte import differences
from contrats.views.contrat import fil_ariane


def _contrat_pour_avenant(user, code: str) -> ContratDeVille:
    contrat = contrat_visible(user, code)
    if not peut_preparer_avenant(user, contrat):
        raise PermissionDenied(REFUS_AVENANT)
    return contrat


def _avenant_visible(user, code: str, numero: int) -> Avenant:
    """Un avenant adopté se lit comme le contrat ; en préparation, par les associés du contrat seulement."""
    contrat = contrat_visible(user, code)
    avenant = get_object_or_404(
        Avenant.objects.select_related("cree_par", "adopte_par"), contrat=contrat, numero=numero
    )
    if not avenant.adopte and not profil(user, contrat).associe:
        raise Http404("Avenant introuvable.")
    avenant.contrat = contrat
    return avenant


def _fil(contrat, *liens):
    return fil_ariane({"titre": contrat.nom, "url": contrat.get_absolute_url()}, *liens)


def _appliquer_erreurs(form, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.message_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    else:
        form.add_error(None, erreur.messages)


@require_http_methods(["GET", "POST"])
def nouvel_avenant(request: HttpRequest, code: str) -> HttpResponse:
    contrat = _contrat_pour_avenant(request.user, code)
    form = AvenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            avenant = services.creer_avenant(
                contrat, request.user, form.cleaned_data["objet"], form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            _appliquer_erreurs(form, erreur)
        else:
            messages.success(request, f"Avenant n° {avenant.numero} créé : indiquez le nouveau texte des sections.")
            return redirect(avenant)
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": "Nouvel avenant au contrat",
            "introduction": "Un contrat signé ne change plus que par avenant : dites ce qui change et pourquoi, "
            "puis donnez le nouveau texte des sections concernées. L'avenant s'applique à son adoption.",
            "bouton": "Créer l'avenant",
            "fil_ariane": _fil(contrat, {"titre": "Nouvel avenant", "url": ""}),
        },
    )


def _page_avenant(request, avenant, form_section=None, form_adoption=None, status=200) -> HttpResponse:
    contrat = avenant.contrat
    modifications = list(avenant.modifications.select_related("section", "version"))
    for modification in modifications:
        modification.differences = differences(modification.ancien_texte, modification.texte)
    peut_preparer = not avenant.adopte and peut_preparer_avenant(request.user, contrat)
    if peut_preparer:
        form_section = form_section or ModificationAvenantForm(contrat=contrat)
        form_adoption = form_adoption or AdoptionAvenantForm()
    return render(
        request,
        "contrats/avenant.html",
        {
            "contrat": contrat,
            "avenant": avenant,
            "modifications": modifications,
            "peut_preparer": peut_preparer,
            "form_section": form_section,
            "form_adoption": form_adoption,
            "fil_ariane": _fil(contrat, {"titre": str(avenant), "url": ""}),
        },
        status=status,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def avenant(request: HttpRequest, code: str, numero: int) -> HttpResponse:
    """La page de l'avenant ; en POST, le nouveau texte d'une section (avenant en préparation)."""
    avenant = _avenant_visible(request.user, code, numero)
    if request.method == "GET":
        return _page_avenant(request, avenant)
    if not peut_preparer_avenant(request.user, avenant.contrat):
        raise PermissionDenied(REFUS_AVENANT)
    form = ModificationAvenantForm(request.POST, contrat=avenant.contrat)
    if form.is_valid():
        try:
            services.modifier_section(
                avenant, request.user, form.cleaned_data["section"], form.cleaned_data["texte"] or ""
            )
        except ValidationError as erreur:
            _appliquer_erreurs(form, erreur)
        else:
            messages.success(request, f"Nouveau texte de « {form.cleaned_data['section'].titre} » ajouté à l'avenant.")
            return redirect(avenant)
    return _page_avenant(request, avenant, form_section=form, status=400)


@require_POST
def retirer_modification(request: HttpRequest, code: str, numero: int, pk: int) -> HttpResponse:
    avenant = _avenant_visible(request.user, code, numero)
    if not peut_preparer_avenant(request.user, avenant.contrat):
        raise PermissionDenied(REFUS_AVENANT)
    modification = get_object_or_404(avenant.modifications.select_related("section"), pk=pk)
    try:
        services.retirer_modification(avenant, request.user, modification)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"« {modification.section.titre} » retirée de l'avenant.")
    return redirect(avenant)


@require_POST
def adopter(request: HttpRequest, code: str, numero: int) -> HttpResponse:
    avenant = _avenant_visible(request.user, code, numero)
    if not peut_preparer_avenant(request.user, avenant.contrat):
        raise PermissionDenied(REFUS_AVENANT)
    form = AdoptionAvenantForm(request.POST)
    if form.is_valid():
        try:
            services.adopter(avenant, request.user, form.cleaned_data["date_adoption"], form.cleaned_data["reference"])
        except ValidationError as erreur:
            _appliquer_erreurs(form, erreur)
        else:
            messages.success(request, f"Avenant n° {avenant.numero} adopté : le texte du contrat est mis à jour.")
            return redirect(avenant)
    if avenant.statut != StatutAvenant.PREPARATION:
        avenant.refresh_from_db()
    return _page_avenant(request, avenant, form_adoption=form, status=400)


@require_http_methods(["GET", "POST"])
def dispositifs(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_visible(request.user, code)
    if not peut_modifier_dispositifs(request.user, contrat):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse indiquent les dispositifs du contrat.")
    form = DispositifsForm(request.POST or None, initial={"dispositifs": contrat.dispositifs})
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_dispositifs(contrat, request.user, form.cleaned_data["dispositifs"])
        except ValidationError as erreur:
            _appliquer_erreurs(form, erreur)
        else:
            messages.success(request, "Dispositifs nationaux du contrat enregistrés.")
            return redirect(contrat)
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": "Dispositifs nationaux du contrat",
            "bouton": "Enregistrer",
            "fil_ariane": _fil(contrat, {"titre": "Dispositifs nationaux", "url": ""}),
        },
    )
