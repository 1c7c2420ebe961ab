"""Les pages publiques vues par un visiteur anonyme, gardées rendues : le même HTML pour tous, tant que rien n'a
changé dans la base.

Les visiteurs font presque la moitié du trafic (test de charge, issue 15) et leurs pages (territoires, annuaire,
contrats signés) ne dépendent que des données publiques : un rendu coûte 10 à 40 ms de processeur (requêtes et
gabarits DSFR), la relecture d'une page gardée moins d'une milliseconde. Règles :

- seulement pour une requête GET sans cookie de session ni de messages : une personne connectée (ou qui l'a été
  dans ce navigateur, ou qui attend un message) a toujours sa page rendue pour elle, jamais une page gardée ;
- seulement une réponse 200 qui ne pose aucun cookie, n'a pas utilisé le jeton CSRF (il est propre à chaque
  navigateur) ni la session, et ne demande pas à ne pas être gardée (`Cache-Control: private`, `no-store`) ;
- une page gardée est liée à la **version des données publiques** (`CLE_VERSION`, dans le cache partagé par tous
  les processus web : une requête SQL) : tout enregistrement d'un modèle de la plateforme (signal `post_save`,
  `post_delete`, `m2m_changed`, après la validation de sa transaction), toute requête qui modifie (POST…)
  d'une personne connectée et les imports en masse (`donnees_modifiees()`) en changent la version, et la page
  suivante est rendue à nouveau : une modification se voit aussitôt ;
- au plus `DUREE_SECONDES` (ce qui dépend de l'heure : un appel qui clôt, une concertation qui se termine), dans
  la mémoire de chaque processus web (`CACHES["pages"]`, nombre de pages borné) ;
- le nonce de la politique de sécurité du contenu est propre à chaque réponse : celui de la page gardée est
  remplacé par celui de la requête ;
- une réponse qui dépend d'un en-tête de la requête (`Vary: Accept`, par exemple la recherche des territoires qui
  répond en JSON) n'est jamais gardée : la clé ne porte que l'adresse, un robot y garderait sa variante pour tous ;
- la page gardée est rejouée avec ses en-têtes et `Vary: Cookie` (elle ne vaut que sans session) ;
- bornes contre les clés multipliées par des paramètres inutiles : adresse d'au plus `LONGUEUR_MAX_ADRESSE`
  caractères, page d'au plus `TAILLE_MAX_PAGE` octets (mémoire de chaque processus au plus `MAX_ENTRIES` fois).
"""

import logging
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import DatabaseError, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, patch_vary_headers

logger = logging.getLogger(__name__)

CLE_VERSION = "coville:pages-publiques:version"
DUREE_SECONDES = 300
# Les applications de la plateforme : leurs modèles sont les données que montrent les pages (pas les sessions,
# ni la file des tâches).
APPLICATIONS = frozenset({"territoires", "comptes", "acteurs_ess", "contrats", "financements", "evaluation"})
LONGUEUR_MAX_ADRESSE = 512
TAILLE_MAX_PAGE = 512 * 1024
# Les en-têtes de variation qui ne changent pas la page d'un visiteur anonyme sans cookie (une seule langue ; la
# compression est faite après).
VARIATIONS_SANS_EFFET = frozenset({"cookie", "accept-encoding", "accept-language"})
# Posés à nouveau sur chaque réponse par les middlewares (cookies, politique de sécurité du contenu).
EN_TETES_NON_REJOUES = frozenset({"set-cookie", "content-security-policy", "content-length"})


def _pages() -> BaseCache:
    return caches["pages"]


def version() -> str | None:
    """La version actuelle des données publiques (une lecture du cache partagé), None si le cache partagé ne
    répond pas (table `coville_cache` absente, base injoignable) : la page est alors rendue sans être gardée."""
    try:
        valeur = caches["default"].get(CLE_VERSION)
    except DatabaseError:
        return None
    if valeur is None:
        valeur = _nouvelle_version()
    return valeur


def _nouvelle_version() -> str | None:
    valeur = secrets.token_hex(8)
    try:
        caches["default"].set(CLE_VERSION, valeur, None)
    except DatabaseError:
        # Les données sont écrites : l'écriture ne doit pas échouer pour autant. Les pages gardées restent au plus
        # `DUREE_SECONDES`.
        logger.warning("Version des pages publiques non changée : cache partagé injoignable.", exc_info=True)
        return None
    return valeur


def donnees_modifiees() -> None:
    """Les données publiques ont changé : les pages gardées ne servent plus, une fois la transaction en cours
    validée (avant, une page rendue ailleurs verrait encore les anciennes données et serait gardée sous la
    nouvelle version). Une seule fois par transaction, quel que soit le nombre de lignes écrites."""
    from django.db import connection

    if not connection.in_atomic_block:
        _nouvelle_version()
        return
    # Les rappels d'une transaction (ou d'un point de sauvegarde annulé, que Django retire) : déjà demandée ?
    if not any(isinstance(rappel[1], _NouvelleVersion) and not rappel[1].faite for rappel in connection.run_on_commit):
        transaction.on_commit(_NouvelleVersion())


class _NouvelleVersion:
    """Le rappel d'après validation, qui se souvient d'avoir été exécuté."""

    faite = False

    def __call__(self) -> None:
        self.faite = True
        _nouvelle_version()


def _cle(request: HttpRequest) -> str:
    # Le schéma aussi : derrière le mandataire (`SECURE_PROXY_SSL_HEADER`), une adresse absolue de la page en dépend.
    return f"{request.scheme}://{request.get_host()}{request.get_full_path()}"


def _anonyme_sans_etat(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and len(request.get_full_path()) <= LONGUEUR_MAX_ADRESSE
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
    )


def _a_garder(request: HttpRequest, reponse: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    cache_control = reponse.get("Cache-Control", "")
    variations = {v.lower() for v in cc_delim_re.split(reponse.get("Vary", "")) if v}
    return (
        reponse.status_code == 200
        and not reponse.streaming
        and len(reponse.content) <= TAILLE_MAX_PAGE
        and variations <= VARIATIONS_SANS_EFFET
        and not reponse.cookies
        # Un message ajouté pendant la requête est propre à ce navigateur (posé en cookie après la vue).
        and not getattr(getattr(request, "_messages", None), "_queued_messages", None)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and (session.accessed and not session.is_empty() or session.modified))
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def page_publique(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Garde la page de `vue` rendue pour les visiteurs anonymes (règles : docstring du module)."""

    @wraps(vue)
    def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _anonyme_sans_etat(request):
            return vue(request, *args, **kwargs)
        actuelle = version()
        if actuelle is None:
            return vue(request, *args, **kwargs)
        cle = _cle(request)
        gardee = _pages().get(cle)
        nonce = getattr(request, "csp_nonce", "")
        if gardee is not None and gardee[0] == actuelle:
            _, ancien_nonce, contenu, en_tetes = gardee
            if ancien_nonce and nonce:
                contenu = contenu.replace(ancien_nonce.encode(), nonce.encode())
            rejouee = HttpResponse(contenu, headers=en_tetes)
            patch_vary_headers(rejouee, ["Cookie"])
            return rejouee
        reponse = vue(request, *args, **kwargs)
        # Rendue d'abord (TemplateResponse d'une vue de classe) : le jeton CSRF, la session ou un message lus par
        # le gabarit doivent compter dans la décision de la garder.
        if hasattr(reponse, "render") and not getattr(reponse, "is_rendered", True):
            reponse.render()
        if _a_garder(request, reponse):
            en_tetes = {nom: valeur for nom, valeur in reponse.items() if nom.lower() not in EN_TETES_NON_REJOUES}
            _pages().set(cle, (actuelle, nonce, reponse.content, en_tetes), DUREE_SECONDES)
        return reponse

    return enveloppe


def _enregistrement(sender: type[Model], **kwargs: Any) -> None:
    if sender._meta.app_label in APPLICATIONS:
        donnees_modifiees()


def _liens(sender: type[Model], action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and sender._meta.app_label in APPLICATIONS:
        donnees_modifiees()


def connecter_les_signaux() -> None:
    """Au démarrage de chaque processus, web comme worker (`TerritoiresConfig.ready`, la première application)."""
    post_save.connect(_enregistrement, dispatch_uid="pages_publiques_post_save")
    post_delete.connect(_enregistrement, dispatch_uid="pages_publiques_post_delete")
    m2m_changed.connect(_liens, dispatch_uid="pages_publiques_m2m")
