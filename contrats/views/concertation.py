from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from config.lib.pages_publiques import page_publique
from contrats.acces import (
    concertation_visible,
    contrat_pour_animer,
    contrat_pour_contributions,
    contribution_pour_animer,
    contribution_pour_moderer,
)
from contrats.forms import (
    ClotureConcertationForm,
    ConcertationForm,
    ContributionForm,
    DatesConcertationForm,
    MasquageForm,
    ReponseForm,
)
from contrats.models import ContratDeVille, Contribution, StatutContribution
from contrats.permissions import (
    peut_animer_concertation,
    peut_moderer,
    profil,
    refus_contribution,
)
from contrats.services import concertation as services
from contrats.views.contrat import fil_ariane

PAR_PAGE = 50


def _fil_contrat(contrat, *liens):
    return fil_ariane({"titre": contrat.nom, "url": contrat.get_absolute_url()}, *liens)


@require_http_methods(["GET", "POST"])
def nouvelle(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_pour_animer(request.user, code)
    form = ConcertationForm(request.POST or None, contrat=contrat)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            concertation = services.ouvrir(
                contrat,
                request.user,
                d["titre"],
                d["debut"],
                d["fin"],
                d["publics"],
                d["sections"],
                d["orientations"],
                d["description"],
            )
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"Concertation « {concertation.titre} » ouverte.")
            return redirect(concertation)
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": "Ouvrir une concertation",
            "bouton": "Ouvrir la concertation",
            "fil_ariane": _fil_contrat(contrat, {"titre": "Nouvelle concertation", "url": ""}),
        },
    )


@require_http_methods(["GET", "POST"])
def concertation(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """La page d'une concertation : ce qui est soumis, et le formulaire de contribution pour son public."""
    concertation = concertation_visible(request.user, code, pk)
    contrat = concertation.contrat
    profil_ = profil(request.user, contrat)
    refus = refus_contribution(request.user, concertation)
    form = None
    statut = 200
    if refus is None:
        form = ContributionForm(
            request.POST or None,
            concertation=concertation,
            organisations=profil_.organisations_contributrices,
            initial={"cible": request.GET.get("cible")},
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, refus)
            statut = 403
        elif form.is_valid():
            d = form.cleaned_data
            genre, _, cible_pk = d["cible"].partition("-")
            cibles = {"section": concertation.sections, "orientation": concertation.orientations}
            cible = cibles[genre].filter(pk=cible_pk).first()
            try:
                contribution = services.contribuer(
                    concertation,
                    request.user,
                    d["texte"],
                    section=cible if genre == "section" else None,
                    orientation=cible if genre == "orientation" else None,
                    proposition=d["proposition"],
                    organisation=form.organisations.get(d["organisation"] or ""),
                )
            except (ValidationError, PermissionDenied) as erreur:
                form.add_error(None, erreur.messages if isinstance(erreur, ValidationError) else str(erreur))
            else:
                messages.success(
                    request,
                    f"Merci : votre contribution n° {contribution.pk} est déposée. Vous serez prévenu·e par e-mail "
                    "de la réponse.",
                )
                return redirect(concertation)
    mes_contributions = (
        concertation.contributions.filter(auteur=request.user).select_related("section", "orientation")
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "contrats/concertation.html",
        {
            "concertation": concertation,
            "contrat": contrat,
            "sections": concertation.sections.all(),
            "orientations": concertation.orientations.all(),
            "form": form,
            "refus": refus,
            "mes_contributions": mes_contributions,
            "peut_animer": peut_animer_concertation(request.user, contrat),
            "fil_ariane": _fil_contrat(contrat, {"titre": concertation.titre, "url": ""}),
        },
        status=statut,
    )


@require_http_methods(["GET", "POST"])
def clore(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Clore la concertation avec un motif (affiché sur sa page et au journal du contrat)."""
    contrat = contrat_pour_animer(request.user, code)
    concertation = get_object_or_404(contrat.concertations, pk=pk)
    concertation.contrat = contrat
    form = ClotureConcertationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clore(concertation, request.user, form.cleaned_data["motif"])
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"Concertation « {concertation.titre} » close.")
            return redirect(concertation)
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": f"Clore la concertation « {concertation.titre} »",
            "bouton": "Clore la concertation",
            "introduction": "Plus personne ne pourra y contribuer. Le motif s'affiche sur la page de la concertation.",
            "fil_ariane": _fil_contrat(contrat, {"titre": "Clore la concertation", "url": ""}),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def dates(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Prolonger, écourter ou décaler une concertation qui n'est pas close."""
    contrat = contrat_pour_animer(request.user, code)
    concertation = get_object_or_404(contrat.concertations, pk=pk)
    concertation.contrat = contrat
    form = DatesConcertationForm(request.POST or None, initial={"debut": concertation.debut, "fin": concertation.fin})
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_dates(concertation, request.user, form.cleaned_data["debut"], form.cleaned_data["fin"])
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"Dates de la concertation « {concertation.titre} » enregistrées.")
            return redirect(concertation)
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": f"Dates de la concertation « {concertation.titre} »",
            "bouton": "Enregistrer les dates",
            "fil_ariane": _fil_contrat(contrat, {"titre": "Dates de la concertation", "url": ""}),
        },
        status=400 if form.errors else 200,
    )


def _contributions(contrat: ContratDeVille):
    return Contribution.objects.filter(concertation__contrat=contrat).select_related(
        "auteur", "organisation", "section", "orientation", "concertation", "version_integration__section"
    )


def contributions(request: HttpRequest, code: str) -> HttpResponse:
    """Toutes les contributions du contrat, pour ses associés ; la collectivité porteuse y répond."""
    contrat = contrat_pour_contributions(request.user, code)
    statut = request.GET.get("statut", "")
    contributions = _contributions(contrat)
    if statut in StatutContribution.values:
        contributions = contributions.filter(statut=statut)
    page = Paginator(contributions, PAR_PAGE).get_page(request.GET.get("page"))
    comptes = dict(
        Contribution.objects.filter(concertation__contrat=contrat)
        .values_list("statut")
        .annotate(n=Count("pk"))
        .values_list("statut", "n")
    )
    return render(
        request,
        "contrats/contributions.html",
        {
            "contrat": contrat,
            "page": page,
            "statut": statut,
            "statuts": [(s.value, s.label, comptes.get(s.value, 0)) for s in StatutContribution],
            "peut_animer": peut_animer_concertation(request.user, contrat),
            "peut_moderer": peut_moderer(request.user, contrat),
            "fil_ariane": _fil_contrat(contrat, {"titre": "Contributions", "url": ""}),
        },
    )


@require_POST
def analyser(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contribution = contribution_pour_animer(request.user, code, pk)
    try:
        services.analyser(contribution, request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"Contribution n° {contribution.pk} en analyse.")
    return redirect(reverse("contrats:contributions", args=[code]) + f"#contribution-{pk}")


@require_http_methods(["GET", "POST"])
def repondre(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contribution = contribution_pour_animer(request.user, code, pk)
    contrat = contribution.concertation.contrat
    if contribution.est_repondue:
        messages.info(request, "Cette contribution a déjà reçu sa réponse publique.")
        return redirect(reverse("contrats:contributions", args=[code]) + f"#contribution-{pk}")
    form = ReponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.repondre(contribution, request.user, form.cleaned_data["statut"], form.cleaned_data["reponse"])
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(
                request,
                f"Réponse publiée et envoyée à {contribution.auteur.email}."
                + (
                    " Intégrez maintenant la contribution dans une nouvelle version de la section."
                    if contribution.est_integrable and contribution.section_id
                    else ""
                ),
            )
            if contribution.est_integrable and contribution.section_id:
                return redirect("contrats:modifier_section", code=code, pk=contribution.section_id)
            return redirect(reverse("contrats:contributions", args=[code]) + f"#contribution-{pk}")
    return render(
        request,
        "contrats/repondre.html",
        {
            "contrat": contrat,
            "contribution": contribution,
            "form": form,
            "fil_ariane": _fil_contrat(
                contrat,
                {"titre": "Contributions", "url": reverse("contrats:contributions", args=[code])},
                {"titre": f"Répondre à la contribution n° {pk}", "url": ""},
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def masquer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contribution = contribution_pour_moderer(request.user, code, pk)
    contrat = contribution.concertation.contrat
    form = MasquageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.masquer(contribution, request.user, form.cleaned_data["motif"])
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"Contribution n° {pk} masquée ; elle reste au dossier avec le motif.")
            return redirect(reverse("contrats:contributions", args=[code]) + f"#contribution-{pk}")
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": f"Masquer la contribution n° {pk}",
            "introduction": contribution.texte,
            "bouton": "Masquer la contribution",
            "fil_ariane": _fil_contrat(contrat, {"titre": "Masquer une contribution", "url": ""}),
        },
    )


@login_not_required
@page_publique
def reponses(request: HttpRequest, code: str) -> HttpResponse:
    """« Ce que vous avez dit, ce que nous en avons fait » : page publique de chaque contrat."""
    contrat = ContratDeVille.objects.avec_porteur().filter(code=code).first()
    if contrat is None:
        raise Http404("Contrat de ville introuvable.")
    contributions = _contributions(contrat).publiques().order_by("concertation__debut", "deposee_le", "pk")
    page = Paginator(contributions, PAR_PAGE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "contrats/reponses.html",
        {
            "contrat": contrat,
            "page": page,
            "fil_ariane": fil_ariane(
                {"titre": contrat.nom, "url": contrat.get_absolute_url()}, {"titre": "Ce que vous avez dit", "url": ""}
            ),
        },
    )
