"""Lecture de la configuration depuis l'environnement.

Chaque helper échoue bruyamment sur une valeur mal formée plutôt que de prendre un défaut en silence
(habitude reprise de healthchecks, `hc/settings.py`).
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

VRAI = {"1", "true", "yes", "on", "oui", "vrai"}
FAUX = {"0", "false", "no", "off", "non", "faux", ""}


def envstr(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire.")
        return default
    return value


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    normalised = value.strip().lower()
    if normalised in VRAI:
        return True
    if normalised in FAUX:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} : valeur booléenne attendue (true/false, 1/0, oui/non).")


def envint(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        nombre = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} : nombre entier attendu.") from None
    if minimum is not None and nombre < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} : nombre entier d'au moins {minimum} attendu.")
    return nombre


def envurl(name: str) -> str:
    """Une adresse http(s) obligatoire, avec un nom d'hôte."""
    value = envstr(name)
    morceaux = urlsplit(value)
    if morceaux.scheme not in ("http", "https") or not morceaux.hostname:
        raise ImproperlyConfigured(f"{name}={value!r} : adresse http:// ou https:// attendue.")
    return value


def envchoix(name: str, default: str, choix: tuple[str, ...]) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip() not in choix:
        raise ImproperlyConfigured(f"{name}={value!r} : valeur attendue parmi {', '.join(choix)}.")
    return value.strip()


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
