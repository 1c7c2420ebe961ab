import logging
import secrets
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from config.lib.pages_publiques import donnees_modifiees
from config.lib.pannes import RETRY_AFTER_SECONDES, panne_de_connexion
from config.lib.stockage import StockageIndisponible

logger = logging.getLogger(__name__)
journal_des_requetes = logging.getLogger("coville.requetes")

# Paramètres d'adresse qui sont des secrets (lien d'invitation, de réinitialisation du mot de passe, de
# vérification d'adresse) : remplacés dans le chemin journalisé.
METHODES_SURES = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
PARAMETRES_SECRETS = frozenset({"jeton", "key", "uidb36", "token"})


class JournalDesRequetes:
    """Une ligne JSON par requête dans le journal `coville.requetes` (réglage LOGGING) : méthode, chemin (les
    jetons des liens personnels masqués), vue, statut, durée en millisecondes, numéro de la personne connectée
    (si la requête l'a lue : jamais de requête SQL de plus pour le journal) et, en DEBUG, le nombre de
    requêtes SQL. Premier middleware : il voit aussi les réponses d'erreur des autres (503, 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        debut = time.perf_counter()
        requetes_sql = [0]
        if settings.DEBUG:

            def compter(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
                requetes_sql[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(compter):
                reponse = self.get_response(request)
        else:
            reponse = self.get_response(request)
        champs: dict[str, Any] = {
            "methode": request.method,
            "chemin": _chemin_masque(request),
            "vue": request.resolver_match.view_name if request.resolver_match else None,
            "statut": reponse.status_code,
            "duree_ms": round((time.perf_counter() - debut) * 1000, 1),
            "utilisateur": _utilisateur_lu(request),
        }
        if settings.DEBUG:
            champs["requetes_sql"] = requetes_sql[0]
        journal_des_requetes.info("requête", extra=champs)
        return reponse


def _chemin_masque(request: HttpRequest) -> str:
    chemin = request.path
    if request.resolver_match:
        for nom, valeur in request.resolver_match.kwargs.items():
            if nom in PARAMETRES_SECRETS and valeur:
                chemin = chemin.replace(str(valeur), "…")
    return chemin


def _utilisateur_lu(request: HttpRequest) -> int | None:
    # AuthenticationMiddleware garde la personne lue dans `_cached_user` ; ne pas la lire ici (la base peut être
    # injoignable, et ce serait une requête de plus pour les pages qui ne s'en servent pas).
    utilisateur = getattr(request, "_cached_user", None)
    return utilisateur.pk if utilisateur is not None and utilisateur.is_authenticated else None


class ConnexionRequise(LoginRequiredMiddleware):
    """La connexion exigée par défaut, sauf pour les vues marquées `login_not_required`, comme le
    `LoginRequiredMiddleware` de Django — qui lit la personne connectée (session, puis compte : deux requêtes
    SQL) avant de regarder si la vue est publique. Ici, la vue d'abord : une vue publique qui ne lit pas la
    personne (autocomplétions, JSON) ne coûte aucune de ces deux requêtes (issue 14)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PagesPerimeesApresModification:
    """Une requête qui modifie (POST, PUT, PATCH, DELETE) d'une personne connectée (avant ou après la requête :
    connexion, déconnexion) change la version des données publiques, même quand elle écrit sans signal
    (`update()`, `bulk_create()`) : la page publique suivante est rendue à nouveau.

    Pas celle d'un visiteur anonyme : n'importe qui peut envoyer des POST (refusés par le jeton CSRF, renvoyés
    vers la connexion, mot de passe faux), et chacun viderait sinon les pages gardées de tous les processus. Ce
    qu'un visiteur anonyme écrit (inscription, contribution) passe par `save()`, dont le signal suffit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in METHODES_SURES:
            return self.get_response(request)
        connectee = _connectee(request)
        reponse = self.get_response(request)
        if connectee or _connectee(request):
            # Base injoignable : rien n'a été écrit non plus, et la réponse (503) part quand même.
            with suppress(DatabaseError):
                donnees_modifiees()
        return reponse


def _connectee(request: HttpRequest) -> bool:
    try:
        return request.user.is_authenticated
    except DatabaseError:
        return False


class PolitiqueDeSecuriteDuContenu:
    """Envoie une politique de sécurité du contenu (CSP) avec un nonce par requête.

    Les scripts ne viennent que de nos fichiers statiques ; le nonce sert aux balises que django-dsfr émet
    (`request.csp_nonce`). Aucune ressource externe n'est chargée.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if settings.CSP_ACTIVE and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = (
                "default-src 'self'; "
                f"script-src 'self' 'nonce-{request.csp_nonce}'; "
                "style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
            )
        return response


class PanneDuStockage:
    """Une panne du stockage des fichiers pendant une requête (téléchargement, PDF) donne une page 503 qui le
    dit en français, jamais une erreur 500 ; les formulaires d'envoi la traitent eux-mêmes (message)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StockageIndisponible):
            return None
        reponse = render(request, "503.html", {"message": str(exception)}, status=503)
        reponse["Retry-After"] = "60"
        reponse["Cache-Control"] = "no-store"
        return reponse


def reponse_base_indisponible() -> HttpResponse:
    """La page 503 d'une base injoignable, rendue sans rien lui demander (ni session, ni personne connectée,
    ni processeurs de contexte)."""
    reponse = HttpResponse(render_to_string("indisponible.html"), status=503)
    reponse["Retry-After"] = str(RETRY_AFTER_SECONDES)
    reponse["Cache-Control"] = "no-store"
    return reponse


class PanneDeLaBase:
    """PostgreSQL injoignable pendant la vue (redémarrage, bascule) : une page 503 en français plutôt qu'une
    erreur 500 (config/lib/pannes.py). Les pannes vues avant la vue (session, personne connectée, lues par les
    autres middlewares) passent par `config.views.erreur_serveur`, qui répond de même."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not panne_de_connexion(exception):
            return None
        logger.warning("Base de données injoignable (%s) : %r", request.path, exception)
        return reponse_base_indisponible()
