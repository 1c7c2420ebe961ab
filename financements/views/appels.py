"""Les appels à projets d'un contrat : lancement par la collectivité porteuse, page publique."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contrats.models import ContratDeVille
from financements.acces import appel_pour_gerer, appel_visible, contrat_pour_appels
from financements.forms import AppelForm, FinanceursFormSet
from financements.models import AppelAProjets
from financements.permissions import peut_gerer_appel, peut_repondre_appel
from financements.selectors import projets_finances
from financements.services import dossiers as services


def _fil(contrat, *liens):
    return [
        {"titre": "Contrats de ville", "url": "/contrats/"},
        {"titre": contrat.nom, "url": contrat.get_absolute_url()},
        *liens,
    ]


@login_not_required
@require_GET
def appels_du_contrat(request: HttpRequest, code: str) -> HttpResponse:
    """Les appels à projets publiés d'un contrat et ses projets financés (public)."""
    contrat = ContratDeVille.objects.avec_porteur().filter(code=code).first()
    if contrat is None:
        raise Http404("Contrat de ville introuvable.")
    gere = request.user.is_authenticated and peut_gerer_appel(request.user, contrat)
    appels = AppelAProjets.objects.filter(contrat=contrat)
    if not gere:
        appels = appels.publies()
    return render(
        request,
        "financements/appels/liste.html",
        {
            "contrat": contrat,
            "appels": appels.prefetch_related("financeurs__organisation"),
            "gere": gere,
            "projets": projets_finances(contrat=contrat)[:100],
            "fil_ariane": _fil(contrat, {"titre": "Appels à projets", "url": ""}),
        },
    )


@require_http_methods(["GET", "POST"])
def nouvel_appel(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_pour_appels(request.user, code)
    form = AppelForm(request.POST or None, contrat=contrat)
    financeurs = FinanceursFormSet(request.POST or None, prefix="financeurs")
    if request.method == "POST" and form.is_valid() and financeurs.is_valid():
        d = form.cleaned_data
        lignes = [
            (
                f.cleaned_data["organisation"],
                f.cleaned_data.get("enveloppe") or 0,
                f.cleaned_data.get("dispositif") or "",
                bool(f.cleaned_data.get("programme_147")),
            )
            for f in financeurs.forms
            if f.cleaned_data.get("organisation")
        ]
        try:
            appel = services.creer_appel(
                contrat,
                request.user,
                titre=d["titre"],
                annee=d["annee"],
                ouverture=d["ouverture"],
                cloture=d["cloture"],
                financeurs=lignes,
                description=d["description"],
                priorites=d["priorites"],
                qpv=d["qpv"],
                pieces_demandees=d["pieces_demandees"],
                reponses_collectives=d["reponses_collectives"],
                modalites_collectives=d["modalites_collectives"],
                publier=d["publier"],
            )
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"Appel à projets « {appel.titre} » créé.")
            return redirect(appel)
    return render(
        request,
        "financements/appels/nouveau.html",
        {
            "form": form,
            "financeurs": financeurs,
            "contrat": contrat,
            "fil_ariane": _fil(contrat, {"titre": "Nouvel appel à projets", "url": ""}),
        },
        status=400 if form.errors or financeurs.total_error_count() else 200,
    )


@login_not_required
@require_GET
def appel(request: HttpRequest, pk: int) -> HttpResponse:
    """La page publique d'un appel : calendrier, priorités, QPV, financeurs et enveloppes, pièces demandées."""
    appel = appel_visible(request.user, pk)
    contrat = appel.contrat
    return render(
        request,
        "financements/appels/appel.html",
        {
            "appel": appel,
            "contrat": contrat,
            "financeurs": appel.financeurs.select_related("organisation"),
            "priorites": appel.priorites.select_related("parent"),
            "qpv": appel.qpv.all(),
            "gere": request.user.is_authenticated and peut_gerer_appel(request.user, appel),
            "peut_repondre": request.user.is_authenticated
            and appel.est_ouvert()
            and peut_repondre_appel(request.user, appel),
            "projets": projets_finances().filter(appel=appel)[:100],
            "fil_ariane": _fil(
                contrat,
                {"titre": "Appels à projets", "url": f"/contrats/appels-a-projets/contrat/{contrat.code}/"},
                {"titre": appel.titre, "url": ""},
            ),
        },
    )


@require_POST
def publier(request: HttpRequest, pk: int) -> HttpResponse:
    appel = appel_pour_gerer(request.user, pk)
    try:
        services.publier_appel(appel, request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Appel à projets publié.")
    return redirect(appel)
