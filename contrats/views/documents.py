"""Téléchargement des PDF d'un contrat : le contrat complet et la synthèse pour les élus.

Un contrat signé est public, ses PDF aussi ; avant la signature, seuls ses associés (agents de la collectivité
porteuse, agents, élus et partenaires des signataires, État, administrateurs) les téléchargent. Les autres
reçoivent 404, comme pour le texte du contrat.

Une requête ne rend jamais un PDF : l'édition des données actuelles est servie depuis le stockage si un worker
l'a rendue, sinon la page « PDF en préparation » le dit et le rendu est demandé (config.pdf.reponse_pdf).
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse

from config.pdf import reponse_pdf
from contrats import taches
from contrats.documents import DOCUMENTS, empreinte, nom_document
from contrats.models import ContratDeVille
from contrats.permissions import peut_telecharger_contrat


def _contrat_telechargeable(user, code: str) -> ContratDeVille:
    contrat = ContratDeVille.objects.avec_porteur().filter(code=code).first()
    if contrat is None or not peut_telecharger_contrat(user, contrat):
        raise Http404("Contrat de ville introuvable.")
    return contrat


def _telecharger(request: HttpRequest, code: str, cle: str) -> HttpResponse:
    contrat = _contrat_telechargeable(request.user, code)
    return reponse_pdf(
        request,
        nom=nom_document(contrat, cle),
        empreinte=empreinte(contrat, cle),
        nom_fichier=f"{DOCUMENTS[cle].fichier}-{contrat.code}.pdf",
        preparer=lambda: taches.differer_rendu(contrat.pk, cle),
        verrou=taches.verrou_pdf(contrat.pk, cle),
        retour={"url": contrat.get_absolute_url(), "titre": "Retour au contrat de ville"},
    )


@login_not_required
def contrat_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return _telecharger(request, code, "contrat")


@login_not_required
def synthese_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return _telecharger(request, code, "synthese")
