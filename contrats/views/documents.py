"""Téléchargement des PDF d'un contrat : le contrat complet et la synthèse pour les élus.

Un contrat signé est public, ses PDF aussi ; avant la signature, seuls ses associés (agents de la collectivité
porteuse, agents, élus et partenaires des signataires, État, administrateurs) les téléchargent. Les autres
reçoivent 404, comme pour le texte du contrat.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse

from contrats.documents import pdf_contrat, pdf_synthese
from contrats.models import ContratDeVille
from contrats.permissions import peut_telecharger_contrat


def _contrat_telechargeable(user, code: str) -> ContratDeVille:
    contrat = ContratDeVille.objects.avec_porteur().filter(code=code).first()
    if contrat is None or not peut_telecharger_contrat(user, contrat):
        raise Http404("Contrat de ville introuvable.")
    return contrat


def _reponse_pdf(contenu: bytes, nom_fichier: str) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="{nom_fichier}"'
    # Un PDF d'avant la signature n'est pas public : aucun cache partagé ne le garde.
    reponse["Cache-Control"] = "private, no-cache"
    return reponse


def _telecharger(
    request: HttpRequest, code: str, fabriquer: Callable[[ContratDeVille], bytes], nom: str
) -> HttpResponse:
    contrat = _contrat_telechargeable(request.user, code)
    return _reponse_pdf(fabriquer(contrat), f"{nom}-{contrat.code}.pdf")


@login_not_required
def contrat_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return _telecharger(request, code, pdf_contrat, "contrat-de-ville")


@login_not_required
def synthese_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return _telecharger(request, code, pdf_synthese, "synthese-contrat-de-ville")
