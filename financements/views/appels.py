"""Les appels à projets : lancement, modification, prolongation et clôture anticipée par la collectivité
porteuse ; page publique d'un appel et liste nationale des appels ouverts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.lib.pages_publiques import page_publique
from contrats.models import ContratDeVille
from financements.acces import appel_pour_gerer, appel_visible, contrat_pour_appels
from financements.filtres_appels import AppelsOuvertsFiltre
from financements.forms import AppelForm, FinanceursFormSet
from financements.forms_appels import ClotureAppelForm, ModifierAppelForm, ProlongerAppelForm, financeurs_formset
from financements.models import AppelAProjets
from financements.permissions import peut_gerer_appel, peut_repondre_appel
from financements.selectors import projets_finances
from financements.services import appels as services_appels
from financements.services import dossiers as services


def _fil(contrat, *liens):
    return [
        {"titre": "Contrats de ville", "url": "/contrats/"},
        {"titre": contrat.nom, "url": contrat.get_absolute_url()},
        *liens,
    ]


@login_not_required
@require_GET
@page_publique
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
            "journal": appel.journal.select_related("auteur"),
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


def _fil_appel(appel, titre: str):
    contrat = appel.contrat
    return _fil(
        contrat,
        {"titre": "Appels à projets", "url": f"/contrats/appels-a-projets/contrat/{contrat.code}/"},
        {"titre": appel.titre, "url": appel.get_absolute_url()},
        {"titre": titre, "url": ""},
    )


def _placer_erreurs(erreurs: list[str], form, lignes) -> None:
    """Chaque refus du service sur le champ qu'il concerne : l'enveloppe d'un financeur sur sa ligne, les dates
    sur la clôture, le reste en tête du formulaire."""
    for message in erreurs:
        ligne = next(
            (
                f
                for f in lignes
                if f.cleaned_data.get("organisation") and f"L'enveloppe de {f.cleaned_data['organisation']} " in message
            ),
            None,
        )
        if ligne is not None:
            ligne.add_error("enveloppe", message)
        elif "clôture" in message:
            form.add_error("cloture", message)
        else:
            form.add_error(None, message)


@require_http_methods(["GET", "POST"])
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    """Modifier un appel (dates, présentation, priorités, QPV, financeurs et enveloppes), journalisé."""
    appel = appel_pour_gerer(request.user, pk)
    form = ModifierAppelForm(request.POST or None, appel=appel)
    financeurs = financeurs_formset(request.POST or None, appel)
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
            entree = services_appels.modifier_appel(
                appel,
                request.user,
                titre=d["titre"],
                description=d["description"],
                ouverture=d["ouverture"],
                cloture=d["cloture"],
                priorites=d["priorites"],
                qpv=d["qpv"],
                financeurs=lignes,
            )
        except ValidationError as erreur:
            _placer_erreurs(erreur.messages, form, financeurs.forms)
        else:
            messages.success(request, "Appel à projets modifié." if entree else "Rien n'a changé.")
            return redirect(appel)
    return render(
        request,
        "financements/appels/modifier.html",
        {
            "form": form,
            "financeurs": financeurs,
            "appel": appel,
            "contrat": appel.contrat,
            "fil_ariane": _fil_appel(appel, "Modifier"),
        },
        status=400 if form.errors or financeurs.total_error_count() else 200,
    )


@require_http_methods(["GET", "POST"])
def prolonger(request: HttpRequest, pk: int) -> HttpResponse:
    """Repousser la clôture ; un appel clos se rouvre explicitement."""
    appel = appel_pour_gerer(request.user, pk)
    form = ProlongerAppelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services_appels.prolonger_appel(appel, request.user, d["cloture"], rouvrir=d["rouvrir"], motif=d["motif"])
        except ValidationError as erreur:
            champ = "rouvrir" if any("Rouvrir" in m for m in erreur.messages) else "cloture"
            form.add_error(champ, erreur.messages)
        else:
            messages.success(request, f"Appel à projets prolongé jusqu'au {d['cloture']:%d/%m/%Y}.")
            return redirect(appel)
    return render(
        request,
        "financements/appels/prolonger.html",
        {"form": form, "appel": appel, "contrat": appel.contrat, "fil_ariane": _fil_appel(appel, "Prolonger")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def clore(request: HttpRequest, pk: int) -> HttpResponse:
    """Clore l'appel avant terme, avec un motif public."""
    appel = appel_pour_gerer(request.user, pk)
    form = ClotureAppelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_appels.clore_appel(appel, request.user, form.cleaned_data["motif"])
        except ValidationError as erreur:
            form.add_error("motif", erreur.messages)
        else:
            messages.success(request, "Appel à projets clos : plus aucun dossier ne peut y être déposé.")
            return redirect(appel)
    return render(
        request,
        "financements/appels/clore.html",
        {"form": form, "appel": appel, "contrat": appel.contrat, "fil_ariane": _fil_appel(appel, "Clore avant terme")},
        status=400 if form.errors else 200,
    )


PAR_PAGE = 20


@login_not_required
@require_GET
@page_publique
def appels_ouverts(request: HttpRequest) -> HttpResponse:
    """La liste nationale des appels à projets ouverts ou à venir (publique), filtrable et paginée."""
    filtre = AppelsOuvertsFiltre(
        request.GET or None,
        queryset=AppelAProjets.objects.ouverts_ou_a_venir()
        .select_related("contrat__departement__region")
        .prefetch_related("financeurs__organisation", "priorites")
        .order_by("cloture", "titre", "pk"),
    )
    appels = filtre.qs if filtre.is_bound and filtre.is_valid() else filtre.queryset
    if filtre.is_bound and not filtre.is_valid():
        appels = appels.none()
    page = Paginator(appels, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "financements/appels/ouverts.html",
        {
            "filtre": filtre,
            "page": page,
            "aujourd_hui": timezone.localdate(),
            "parametres": _sans_page(request),
            "fil_ariane": [{"titre": "Appels à projets ouverts", "url": ""}],
        },
        status=400 if filtre.is_bound and not filtre.is_valid() else 200,
    )


def _sans_page(request: HttpRequest) -> str:
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()
