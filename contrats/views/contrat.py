from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.lib.pages_publiques import page_publique
from contrats import registres
from contrats.acces import contrat_visible
from contrats.filtres import ContratFiltre
from contrats.forms import TransitionForm
from contrats.models import ContratDeVille, Etape, StatutContrat
from contrats.permissions import (
    collectivites_a_rattacher,
    concertations_ouvertes_a,
    peut_animer_concertation,
    peut_changer_statut,
    peut_gerer_signataires,
    peut_lire_contributions_deposees,
    peut_modifier_contrat,
    peut_modifier_dispositifs,
    peut_preparer_avenant,
    peut_telecharger_contrat,
    peut_voir_contrat,
    profil,
)
from contrats.selectors import avenants_visibles, contrat_pour_page

PAR_PAGE = 50


def collectivites_de_l_agent(user) -> list:
    from comptes.contexte import contexte
    from comptes.models import Role

    return contexte(user).collectivites(Role.AGENT) if user.is_authenticated else []


def fil_ariane(*liens) -> list[dict]:
    from django.urls import reverse

    return [{"titre": "Contrats de ville", "url": reverse("contrats:liste")}, *liens]


@login_not_required
@page_publique
def liste(request: HttpRequest) -> HttpResponse:
    """Tous les contrats de ville (la liste nationale est publique) ; les contrats signés s'ouvrent à tous."""
    filtre = ContratFiltre(request.GET or None, queryset=ContratDeVille.objects.avec_porteur().order_by("code"))
    for champ in filtre.form.fields.values():
        champ.widget.attrs.setdefault("class", "fr-input" if not hasattr(champ, "choices") else "fr-select")
    page = Paginator(filtre.qs, PAR_PAGE).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "contrats/liste.html",
        {
            "filtre": filtre,
            "page": page,
            "parametres": parametres.urlencode(),
            "fil_ariane": [{"titre": "Contrats de ville", "url": ""}],
        },
    )


@login_not_required
@page_publique
def contrat(request: HttpRequest, code: str) -> HttpResponse:
    try:
        contrat = contrat_pour_page(code)
    except ContratDeVille.DoesNotExist:
        raise Http404("Contrat de ville introuvable.") from None
    profil_ = profil(request.user, contrat)
    if not peut_voir_contrat(request.user, contrat):
        # La liste nationale est publique : l'identité du contrat l'est aussi, son texte seulement une fois signé.
        return render(
            request,
            "contrats/contrat_fiche.html",
            {"contrat": contrat, "fil_ariane": fil_ariane({"titre": contrat.nom, "url": ""})},
        )
    sections = list(contrat.sections.all())
    etapes = [{"etape": etape, "sections": [s for s in sections if s.etape == etape.value]} for etape in Etape]
    contexte = {
        "contrat": contrat,
        # Les adresses des sections en dérivent (40 sections : autant de `reverse` évités).
        "url_contrat": contrat.get_absolute_url(),
        "etapes": etapes,
        "nb_sections": len(sections),
        "profil": profil_,
        "peut_modifier": peut_modifier_contrat(request.user, contrat),
        "peut_animer": peut_animer_concertation(request.user, contrat),
        "peut_gerer": peut_gerer_signataires(request.user, contrat),
        # Les collectivités de l'agent que le contrat concerne (à rattacher), et celles qu'il peut en détacher.
        "a_rattacher": collectivites_a_rattacher(request.user, contrat),
        "detachables": {o.pk for o in collectivites_de_l_agent(request.user)},
        "peut_lire_contributions": peut_lire_contributions_deposees(request.user, contrat),
        "peut_telecharger": peut_telecharger_contrat(request.user, contrat),
        "peut_preparer_avenant": peut_preparer_avenant(request.user, contrat),
        "peut_dispositifs": peut_modifier_dispositifs(request.user, contrat),
        "concertations_ouvertes": concertations_ouvertes_a(request.user, contrat)
        if request.user.is_authenticated
        else [],
        "fil_ariane": fil_ariane({"titre": contrat.nom, "url": ""}),
        "blocs": registres.blocs(request, contrat),
    }
    if peut_changer_statut(request.user, contrat) and contrat.transitions_possibles():
        contexte["form_transition"] = TransitionForm(statuts=contrat.transitions_possibles())
    if contrat.est_public:
        contexte["avenants"] = avenants_visibles(contrat, profil_.associe)
    if profil_.associe:
        contexte["journal"] = contrat.journal.select_related("auteur")[:20]
    contexte.update(_panneau_ess(request, contrat, profil_))
    return render(request, "contrats/contrat.html", contexte)


def _panneau_ess(request, contrat, profil_) -> dict:
    from contrats.views.ess import panneau

    return panneau(request, contrat, profil_)


@require_POST
def transition(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_visible(request.user, code)
    if not peut_changer_statut(request.user, contrat):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse font avancer le contrat.")
    form = TransitionForm(request.POST, statuts=list(StatutContrat))
    if not form.is_valid():
        messages.error(request, "Choisissez le nouvel état et indiquez le motif du changement.")
        return redirect(contrat)
    try:
        contrat.changer_statut(request.user, form.cleaned_data["statut"], form.cleaned_data["motif"])
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"Le contrat est désormais « {contrat.get_statut_display()} ».")
    return redirect(contrat)
