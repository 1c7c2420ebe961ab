from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contrats.acces import contrat_pour_gouvernance
from contrats.forms import EngagementForm, InstanceForm, ReunionForm, SignataireForm
from contrats.services import gouvernance as services
from contrats.views.contrat import fil_ariane


def _formulaire(request, contrat, form, titre: str, bouton: str, ancre: str, action, introduction: str = ""):
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, "Enregistré.")
            return redirect(reverse("contrats:contrat", args=[contrat.code]) + f"#{ancre}")
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": titre,
            "bouton": bouton,
            "introduction": introduction,
            "fil_ariane": fil_ariane(
                {"titre": contrat.nom, "url": contrat.get_absolute_url()}, {"titre": titre, "url": ""}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def nouveau_signataire(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_pour_gouvernance(request.user, code)
    return _formulaire(
        request,
        contrat,
        SignataireForm(request.POST or None),
        "Ajouter un signataire",
        "Ajouter",
        "signataires",
        lambda d: services.ajouter_signataire(
            contrat, request.user, d["organisation"], d["signe_par"], d["date_signature"]
        ),
    )


@require_http_methods(["GET", "POST"])
def nouvel_engagement(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat = contrat_pour_gouvernance(request.user, code)
    signataire = get_object_or_404(contrat.signataires.select_related("organisation"), pk=pk)
    signataire.contrat = contrat
    return _formulaire(
        request,
        contrat,
        EngagementForm(request.POST or None),
        f"Engagement de {signataire.organisation}",
        "Ajouter l'engagement",
        "signataires",
        lambda d: services.ajouter_engagement(signataire, request.user, d["texte"], d["montant"]),
    )


@require_http_methods(["GET", "POST"])
def nouvelle_instance(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_pour_gouvernance(request.user, code)
    return _formulaire(
        request,
        contrat,
        InstanceForm(request.POST or None),
        "Ajouter une instance de gouvernance",
        "Ajouter",
        "gouvernance",
        lambda d: services.ajouter_instance(contrat, request.user, d["type"], d["nom"], d["composition"]),
    )


@require_http_methods(["GET", "POST"])
def nouvelle_reunion(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat = contrat_pour_gouvernance(request.user, code)
    instance = get_object_or_404(contrat.instances, pk=pk)
    instance.contrat = contrat
    return _formulaire(
        request,
        contrat,
        ReunionForm(request.POST or None),
        f"Réunion : {instance.nom}",
        "Enregistrer la réunion",
        "gouvernance",
        lambda d: services.ajouter_reunion(
            instance, request.user, d["date"], d["participants"], d["decisions"], d["compte_rendu"]
        ),
    )
