from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptes.registres import taches
from config.context_processors import plateforme
from contrats.selectors import concertations_ouvertes_au_public


@login_not_required
@require_GET
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
    """Pour les répartiteurs de charge : 200 si la base répond, 503 sinon."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"statut": "erreur", "base_de_donnees": "injoignable"}, status=503)
    return JsonResponse({"statut": "ok", "base_de_donnees": "ok"})


def erreur_serveur(request: HttpRequest) -> HttpResponse:
    # Rendu sans processeurs de contexte : la base peut être la cause de l'erreur.
    return HttpResponse(render_to_string("500.html", plateforme(request)), status=500)
