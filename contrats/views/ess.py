from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contrats.acces import contrat_modifiable
from contrats.forms import ConsultationForm, DynamiqueForm, StructureForm
from contrats.permissions import peut_modifier_contrat
from contrats.services import ess as services
from contrats.views.contrat import fil_ariane


def panneau(request, contrat, profil_) -> dict:
    """Le panneau ESS de la page du contrat (trois requêtes)."""
    return {"ess": services.bilan(contrat), "peut_renseigner_ess": peut_modifier_contrat(request.user, contrat)}


FORMULAIRES = {
    "consultation": (
        ConsultationForm,
        "Consigner la consultation d'un service",
        lambda c, u, d: services.consigner_consultation(c, u, d["service"], d["date"], d["apport"]),
    ),
    "dynamique": (
        DynamiqueForm,
        "Intégrer une dynamique coopérative",
        lambda c, u, d: services.integrer_dynamique(c, u, d["type"], d["collectif"], d["nom"], d["integration"]),
    ),
    "structure": (
        StructureForm,
        "Associer une structure de l'ESS",
        lambda c, u, d: services.associer_structure(c, u, d["structure"], d["role"]),
    ),
}


@require_http_methods(["GET", "POST"])
def renseigner(request: HttpRequest, code: str, quoi: str) -> HttpResponse:
    if quoi not in FORMULAIRES:
        raise Http404("Page introuvable.")
    contrat = contrat_modifiable(request.user, code)
    classe, titre, action = FORMULAIRES[quoi]
    form = classe(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action(contrat, request.user, form.cleaned_data)
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, "Inscription de l'ESS mise à jour.")
            return redirect(reverse("contrats:contrat", args=[contrat.code]) + "#ess")
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": titre,
            "bouton": "Enregistrer",
            "fil_ariane": fil_ariane(
                {"titre": contrat.nom, "url": contrat.get_absolute_url()}, {"titre": titre, "url": ""}
            ),
        },
    )
