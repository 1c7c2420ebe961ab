"""Téléchargement de la synthèse d'un QPV pour les élus : publique (elle ne montre que des données publiques),
rendue par un worker à la première demande et servie depuis le stockage tant que ses données ne changent pas ;
en attendant, la page « PDF en préparation » (config.pdf.reponse_pdf)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from config.pdf import reponse_pdf
from evaluation import documents, taches
from territoires.models import Qpv


@login_not_required
@require_GET
def synthese_qpv_pdf(request: HttpRequest, code: str) -> HttpResponse:
    qpv = get_object_or_404(Qpv.objects.only("code", "nom"), code=code)
    return reponse_pdf(
        request,
        nom=documents.nom_document(qpv.code),
        empreinte=documents.empreinte(qpv.code),
        nom_fichier=documents.nom_fichier(qpv.code),
        preparer=lambda: taches.differer_rendu(qpv.code),
        verrou=taches.verrou_pdf(qpv.code),
        retour={"url": qpv.get_absolute_url(), "titre": "Retour au quartier"},
    )
