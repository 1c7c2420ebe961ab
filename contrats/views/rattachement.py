"""Les agents d'une collectivité la rattachent aux signataires d'un contrat qui la concerne, ou l'en détachent
(`contrats.services.rattachement`) : boutons de la page du contrat."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from comptes.contexte import contexte_de_requete
from contrats.acces import contrat_visible
from contrats.permissions import collectivites_a_rattacher, peut_detacher_collectivite
from contrats.services import rattachement as services
from contrats.views.gouvernance import _supprimer


@require_POST
def rattacher(request: HttpRequest, code: str, organisation_pk: int) -> HttpResponse:
    contrat = contrat_visible(request.user, code)
    acces = contexte_de_requete(request)
    organisation = next((o for o in collectivites_a_rattacher(acces, contrat) if o.pk == organisation_pk), None)
    if organisation is None:
        raise PermissionDenied(
            "Seuls les agents d'une collectivité que le contrat concerne l'ajoutent à ses signataires."
        )
    try:
        services.rattacher_ma_collectivite(contrat, request.user, organisation)
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
    else:
        messages.success(request, f"{organisation} figure maintenant parmi les signataires du contrat.")
    return redirect(reverse("contrats:contrat", args=[contrat.code]) + "#signataires")


@require_http_methods(["GET", "POST"])
def detacher(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contrat = contrat_visible(request.user, code)
    signataire = get_object_or_404(contrat.signataires.select_related("organisation"), pk=pk)
    if not peut_detacher_collectivite(contexte_de_requete(request), signataire.organisation):
        raise PermissionDenied("Seuls les agents de cette collectivité la retirent des signataires.")
    nombre = signataire.engagements.count()
    return _supprimer(
        request,
        contrat,
        f"Retirer {signataire.organisation} des signataires",
        f"{signataire.organisation} ne figurera plus parmi les signataires du contrat"
        + (f", et ses {nombre} engagement(s) seront supprimés." if nombre else "."),
        "signataires",
        lambda: services.detacher_ma_collectivite(signataire, request.user),
    )
