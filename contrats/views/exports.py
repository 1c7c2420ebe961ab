"""Téléchargements en tableur (CSV, XLSX) : mêmes droits que les pages qu'ils exportent."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from comptes.audit import journaliser
from comptes.models import ActionAudit
from config.lib.tableurs import reponse_tableur
from contrats import exports
from contrats.acces import contrat_pour_contributions, contrat_visible
from contrats.filtres import ContratFiltre
from contrats.models import ContratDeVille

Reponse = HttpResponse | StreamingHttpResponse


@login_not_required
@require_GET
def contrats(request: HttpRequest, format: str) -> Reponse:
    """La liste nationale (publique) des contrats, avec les filtres de la page."""
    filtre = ContratFiltre(request.GET or None, queryset=ContratDeVille.objects.order_by("code"))
    entete, lignes = exports.contrats(filtre.qs)
    return reponse_tableur(format, f"contrats-de-ville-{timezone.localdate():%Y-%m-%d}", "Contrats", entete, lignes)


@require_GET
def contributions(request: HttpRequest, code: str, format: str) -> Reponse:
    """Les contributions et leurs réponses, pour les associés du contrat (404 pour les autres, comme la page).
    Elles nomment leurs auteurs (des habitants) : l'export entre au journal d'audit."""
    contrat = contrat_pour_contributions(request.user, code)
    entete, lignes = exports.contributions(contrat)
    journaliser(
        ActionAudit.EXPORT_CONTRIBUTIONS,
        auteur=request.user,
        objet=contrat,
        details={"export": f"contributions ({format.upper()})"},
        request=request,
    )
    return reponse_tableur(format, f"contributions-{contrat.code}", "Contributions", entete, lignes)


@login_not_required
@require_GET
def signataires(request: HttpRequest, code: str, format: str) -> Reponse:
    """Signataires et engagements, pour qui voit le contrat (ils sont sur sa page)."""
    contrat = contrat_visible(request.user, code)
    entete, lignes = exports.signataires(contrat)
    return reponse_tableur(format, f"signataires-{contrat.code}", "Signataires", entete, lignes)
