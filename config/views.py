import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.context_processors import plateforme
from config.lib.pannes import panne_de_connexion
from config.middleware import reponse_base_indisponible


@login_not_required
@require_GET
def accueil(request: HttpRequest) -> HttpResponse:
    return render(request, "accueil.html")


@login_not_required
@never_cache
@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    """Pour les répartiteurs de charge : 200 si la base répond, 503 sinon."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"statut": "erreur", "base_de_donnees": "injoignable"}, status=503)
    return JsonResponse({"statut": "ok", "base_de_donnees": "ok"})


def erreur_serveur(request: HttpRequest) -> HttpResponse:
    # Une base injoignable avant la vue (session, personne connectée, lues par les middlewares) : 503, pas 500.
    erreur = sys.exc_info()[1]
    if erreur is not None and panne_de_connexion(erreur):
        return reponse_base_indisponible()
    # Rendu sans processeurs de contexte : la base peut être la cause de l'erreur.
    return HttpResponse(render_to_string("500.html", plateforme(request)), status=500)
