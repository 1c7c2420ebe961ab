"""Les contributions vues par leur auteur : « Mes contributions » sur tous les contrats, et la modification ou le
retrait d'une contribution encore « déposée »."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contrats.filtres import MesContributionsFiltre
from contrats.forms import ModificationContributionForm
from contrats.models import Contribution, StatutContribution
from contrats.services import concertation as services
from contrats.views.contrat import fil_ariane

PAR_PAGE = 20


def mes_contributions(request: HttpRequest) -> HttpResponse:
    """Toutes les contributions de la personne, sur tous les contrats : état, réponse, devenir ; trois requêtes
    quel que soit leur nombre (le décompte, la page, la session)."""
    contributions = (
        Contribution.objects.filter(auteur=request.user)
        .select_related(
            "concertation__contrat", "section", "orientation", "organisation", "version_integration__section"
        )
        .order_by("-deposee_le", "-pk")
    )
    filtre = MesContributionsFiltre(request.GET or None, queryset=contributions)
    page = Paginator(filtre.qs, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "contrats/mes_contributions.html",
        {
            "filtre": filtre,
            "page": page,
            "deposee": StatutContribution.DEPOSEE,
            "fil_ariane": fil_ariane({"titre": "Mes contributions", "url": ""}),
        },
    )


def _ma_contribution(request: HttpRequest, code: str, pk: int) -> Contribution:
    """La contribution de la personne : 404 pour toute autre (elle n'a pas à savoir qu'elle existe)."""
    contribution = get_object_or_404(
        Contribution.objects.select_related("concertation__contrat", "section", "orientation"),
        pk=pk,
        concertation__contrat__code=code,
    )
    if contribution.auteur_id != request.user.pk:
        raise Http404("Contribution introuvable.")
    return contribution


@require_http_methods(["GET", "POST"])
def modifier_contribution(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contribution = _ma_contribution(request, code, pk)
    form = ModificationContributionForm(
        request.POST or None, initial={"texte": contribution.texte, "proposition": contribution.proposition}
    )
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.modifier_contribution(
                    contribution, request.user, form.cleaned_data["texte"], form.cleaned_data["proposition"]
                )
            except PermissionDenied as erreur:
                raise PermissionDenied(str(erreur)) from erreur
            except ValidationError as erreur:
                form.add_error(None, erreur.messages)
            else:
                messages.success(request, f"Votre contribution n° {contribution.pk} est modifiée.")
                return redirect("contrats:mes_contributions")
        statut = 400
    return render(
        request,
        "contrats/modifier_contribution.html",
        {
            "contribution": contribution,
            "form": form,
            "fil_ariane": fil_ariane(
                {"titre": "Mes contributions", "url": reverse("contrats:mes_contributions")},
                {"titre": f"Contribution n° {contribution.pk}", "url": ""},
            ),
        },
        status=statut,
    )


@require_http_methods(["GET", "POST"])
def retirer_contribution(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contribution = _ma_contribution(request, code, pk)
    erreur = None
    if request.method == "POST":
        try:
            services.retirer_contribution(contribution, request.user)
        except ValidationError as exc:
            erreur = " ".join(exc.messages)
        else:
            messages.success(request, f"Votre contribution n° {pk} est retirée.")
            return redirect("contrats:mes_contributions")
    return render(
        request,
        "contrats/retirer_contribution.html",
        {
            "contribution": contribution,
            "erreur": erreur,
            "fil_ariane": fil_ariane(
                {"titre": "Mes contributions", "url": reverse("contrats:mes_contributions")},
                {"titre": f"Retirer la contribution n° {contribution.pk}", "url": ""},
            ),
        },
        status=409 if erreur else 200,
    )
