"""La double authentification (allauth.mfa : application TOTP et codes de récupération).

Offerte à tout le monde (« Mon compte »), elle est **exigée** des administrateurs de la plateforme (pour
`/admin/` aussi) et des agents et membres de l'État avant qu'ils n'instruisent, ne décident ou n'exportent des
données personnelles : ces vues portent `@exiger_double_authentification`. Une personne qui n'a pas encore
activé d'application d'authentification y est envoyée avec un message qui explique pourquoi, puis retrouve la
page qu'elle quittait (lien affiché avec ses codes de récupération). Une personne qui l'a activée ne peut pas être
connectée sans son second facteur : allauth le demande à chaque connexion, et la connexion à l'administration
passe par la même page (`config/urls.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from comptes.contexte import Qui, contexte, utilisateur
from comptes.models import Role

# Les rôles qui instruisent, décident et exportent les dossiers (avec leurs données personnelles).
ROLES_DOUBLE_AUTHENTIFICATION = (Role.AGENT, Role.ETAT)

# La page où revenir une fois la double authentification activée (lien de la page des codes de récupération).
CLE_RETOUR = "coville_mfa_retour"

MESSAGE = (
    "Pour instruire, décider ou exporter des données personnelles, votre compte doit être protégé par la double "
    "authentification : activez une application d'authentification (par exemple FreeOTP, Aegis ou celle de "
    "votre téléphone), puis conservez vos codes de récupération. Vous reviendrez ensuite à la page que vous quittiez."
)
MESSAGE_ADMIN = (
    "L'administration de Coville demande la double authentification : activez une application "
    "d'authentification, puis conservez vos codes de récupération."
)


def double_authentification_exigee(qui: Qui) -> bool:
    """Administrateur de la plateforme, agent ou membre de l'État : la double authentification est exigée."""
    acces = contexte(qui)
    return acces.est_admin or acces.a_role(*ROLES_DOUBLE_AUTHENTIFICATION)


def double_authentification_active(qui: Qui) -> bool:
    """La personne a activé une application d'authentification (les codes de récupération l'accompagnent)."""
    personne = utilisateur(qui)
    return bool(personne.is_authenticated) and is_mfa_enabled(personne)


def double_authentification_manquante(qui: Qui) -> bool:
    return double_authentification_exigee(qui) and not double_authentification_active(qui)


def _retour(request: HttpRequest) -> str:
    """La page où revenir : celle demandée (GET), sinon celle d'où venait le formulaire envoyé."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    precedente = request.headers.get("referer", "")
    if precedente and url_has_allowed_host_and_scheme(
        precedente, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return precedente
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def vers_activation(request: HttpRequest, message: str = MESSAGE) -> HttpResponseRedirect:
    """Envoie vers l'activation de l'application d'authentification, avec le message et la page de retour."""
    retour = _retour(request)
    request.session[CLE_RETOUR] = retour
    messages.warning(request, message)
    return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': retour})}")


def exiger_double_authentification(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Décorateur des vues qui instruisent, décident ou exportent : sans double authentification, un agent, un
    membre de l'État ou un administrateur est envoyé l'activer, et rien n'est fait."""

    @wraps(vue)
    def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if double_authentification_manquante(request.user):
            return vers_activation(request)
        return vue(request, *args, **kwargs)

    return enveloppe


class DoubleAuthentificationAdminMiddleware:
    """L'administration Django (`/admin/`) n'est ouverte aux administrateurs qu'avec la double authentification
    activée ; la connexion y passe par allauth, qui demande le second facteur (`config/urls.py`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(reverse("admin:index"))
            and request.user.is_authenticated
            and request.user.is_staff
            and not double_authentification_active(request.user)
        ):
            return vers_activation(request, MESSAGE_ADMIN)
        return self.get_response(request)
