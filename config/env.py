"""Lecture de la configuration depuis l'environnement.

Chaque helper échoue bruyamment sur une valeur mal formée plutôt que de prendre un défaut en silence
(habitude reprise de healthchecks, `hc/settings.py`).
"""

import os

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


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} : nombre entier attendu.") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
