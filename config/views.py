import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptes.registres import taches
from config.context_processors import plateforme
from config.lib.pages_publiques import page_publique
from config.lib.pannes import RETRY_AFTER_SECONDES, panne_de_connexion
from config.middleware import reponse_base_indisponible
from contrats.selectors import concertations_ouvertes_au_public


@login_not_required
@require_GET
@page_publique
def accueil(request: HttpRequest) -> HttpResponse:
    # Les six concertations ouvertes au public qui se terminent le plus tôt : une requête.
    if request.user.is_authenticated:
        # Après la connexion : ce que la personne a à faire maintenant, chaque chose à un clic de sa page.
        return render(request, "accueil_connecte.html", {"taches": taches(request)})
    concertations = list(concertations_ouvertes_au_public()[:6])
    return render(request, "accueil.html", {"concertations": concertations})


@login_not_required
@never_cache
@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    """Sonde de vie des répartiteurs de charge : 200 si le processus et la base répondent, 503 sinon. Rien
    d'autre (ni la file des tâches, ni le stockage : `/sante/detail/`), pour qu'une file lente ou un stockage en
    panne ne retire jamais tous les processus web du répartiteur."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        reponse = JsonResponse({"statut": "erreur", "base_de_donnees": "injoignable"}, status=503)
        reponse["Retry-After"] = str(RETRY_AFTER_SECONDES)
        return reponse
    return JsonResponse({"statut": "ok", "base_de_donnees": "ok"})


def erreur_serveur(request: HttpRequest) -> HttpResponse:
    # Une base injoignable avant la vue (session, personne connectée, lues par les middlewares) : 503, pas 500.
    erreur = sys.exc_info()[1]
    if erreur is not None and panne_de_connexion(erreur):
        return reponse_base_indisponible()
    # Rendu sans processeurs de contexte : la base peut être la cause de l'erreur.
    return HttpResponse(render_to_string("500.html", plateforme(request)), status=500)
