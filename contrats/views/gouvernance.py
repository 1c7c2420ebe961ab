from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contrats.acces import contrat_pour_gouvernance
from contrats.forms import EngagementForm, InstanceForm, ReunionForm, SignataireForm, SignatureSignataireForm
from contrats.models import Engagement, Reunion
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


# --- Modifier et supprimer ---------------------------------------------------------------------------------


def _signataire(request: HttpRequest, code: str, pk: int):
    contrat = contrat_pour_gouvernance(request.user, code)
    signataire = get_object_or_404(contrat.signataires.select_related("organisation"), pk=pk)
    signataire.contrat = contrat
    return contrat, signataire


def _engagement(request: HttpRequest, code: str, pk: int):
    contrat = contrat_pour_gouvernance(request.user, code)
    engagement = get_object_or_404(
        Engagement.objects.select_related("signataire__organisation"), pk=pk, signataire__contrat=contrat
    )
    engagement.signataire.contrat = contrat
    return contrat, engagement


def _instance(request: HttpRequest, code: str, pk: int):
    contrat = contrat_pour_gouvernance(request.user, code)
    instance = get_object_or_404(contrat.instances, pk=pk)
    instance.contrat = contrat
    return contrat, instance


def _reunion(request: HttpRequest, code: str, pk: int):
    contrat = contrat_pour_gouvernance(request.user, code)
    reunion = get_object_or_404(Reunion.objects.select_related("instance"), pk=pk, instance__contrat=contrat)
    reunion.instance.contrat = contrat
    return contrat, reunion


def _supprimer(request, contrat, titre: str, explication: str, ancre: str, action) -> HttpResponse:
    """Page de confirmation (GET) puis suppression (POST) ; un refus (d'autres objets en dépendent) revient sur
    la page avec la raison et ce qu'il faut faire, rien n'est supprimé (409)."""
    erreurs: list[str] = []
    if request.method == "POST":
        try:
            action()
        except ValidationError as erreur:
            erreurs = erreur.messages
        else:
            messages.success(request, "Supprimé.")
            return redirect(reverse("contrats:contrat", args=[contrat.code]) + f"#{ancre}")
    return render(
        request,
        "contrats/confirmer_suppression.html",
        {
            "contrat": contrat,
            "titre": titre,
            "explication": explication,
            "erreurs": erreurs,
            "retour": reverse("contrats:contrat", args=[contrat.code]) + f"#{ancre}",
            "fil_ariane": fil_ariane(
                {"titre": contrat.nom, "url": contrat.get_absolute_url()}, {"titre": titre, "url": ""}
            ),
        },
        status=409 if erreurs else 200,
    )


@require_http_methods(["GET", "POST"])
def modifier_signataire(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat, signataire = _signataire(request, code, pk)
    form = SignatureSignataireForm(
        request.POST or None,
        initial={"signe_par": signataire.signe_par, "date_signature": signataire.date_signature},
    )
    return _formulaire(
        request,
        contrat,
        form,
        f"Signature de {signataire.organisation}",
        "Enregistrer",
        "signataires",
        lambda d: services.modifier_signataire(signataire, request.user, d["signe_par"], d["date_signature"]),
    )


@require_http_methods(["GET", "POST"])
def supprimer_signataire(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat, signataire = _signataire(request, code, pk)
    nombre = signataire.engagements.count()
    return _supprimer(
        request,
        contrat,
        f"Retirer {signataire.organisation} des signataires",
        f"{signataire.organisation} ne figurera plus parmi les signataires du contrat"
        + (f", et ses {nombre} engagement(s) seront supprimés." if nombre else "."),
        "signataires",
        lambda: services.supprimer_signataire(signataire, request.user),
    )


@require_http_methods(["GET", "POST"])
def modifier_engagement(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat, engagement = _engagement(request, code, pk)
    form = EngagementForm(request.POST or None, initial={"texte": engagement.texte, "montant": engagement.montant})
    return _formulaire(
        request,
        contrat,
        form,
        f"Engagement de {engagement.signataire.organisation}",
        "Enregistrer",
        "signataires",
        lambda d: services.modifier_engagement(engagement, request.user, d["texte"], d["montant"]),
    )


@require_http_methods(["GET", "POST"])
def supprimer_engagement(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat, engagement = _engagement(request, code, pk)
    return _supprimer(
        request,
        contrat,
        f"Supprimer un engagement de {engagement.signataire.organisation}",
        f"L'engagement « {engagement.texte[:120]} » sera supprimé du contrat.",
        "signataires",
        lambda: services.supprimer_engagement(engagement, request.user),
    )


@require_http_methods(["GET", "POST"])
def modifier_instance(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat, instance = _instance(request, code, pk)
    form = InstanceForm(
        request.POST or None,
        initial={"type": instance.type, "nom": instance.nom, "composition": instance.composition},
    )
    return _formulaire(
        request,
        contrat,
        form,
        f"Modifier l'instance « {instance.nom} »",
        "Enregistrer",
        "gouvernance",
        lambda d: services.modifier_instance(instance, request.user, d["type"], d["nom"], d["composition"]),
    )


@require_http_methods(["GET", "POST"])
def supprimer_instance(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat, instance = _instance(request, code, pk)
    return _supprimer(
        request,
        contrat,
        f"Supprimer l'instance « {instance.nom} »",
        f"L'instance « {instance.nom} » sera supprimée de la gouvernance du contrat.",
        "gouvernance",
        lambda: services.supprimer_instance(instance, request.user),
    )


@require_http_methods(["GET", "POST"])
def modifier_reunion(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat, reunion = _reunion(request, code, pk)
    form = ReunionForm(
        request.POST or None,
        initial={
            "date": reunion.date,
            "participants": reunion.participants,
            "decisions": reunion.decisions,
            "compte_rendu": reunion.compte_rendu,
        },
    )
    return _formulaire(
        request,
        contrat,
        form,
        f"Modifier la réunion : {reunion}",
        "Enregistrer",
        "gouvernance",
        lambda d: services.modifier_reunion(
            reunion, request.user, d["date"], d["participants"], d["decisions"], d["compte_rendu"]
        ),
    )


@require_http_methods(["GET", "POST"])
def supprimer_reunion(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat, reunion = _reunion(request, code, pk)
    return _supprimer(
        request,
        contrat,
        f"Supprimer la réunion : {reunion}",
        f"La réunion du {reunion.date:%d/%m/%Y} ({reunion.instance}) sera supprimée, avec ses décisions et son "
        "compte rendu.",
        "gouvernance",
        lambda: services.supprimer_reunion(reunion, request.user),
    )
