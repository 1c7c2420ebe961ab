"""Réglages des tests : ceux de la production, avec un mot de passe rapide et les e-mails en mémoire."""

import os

os.environ.setdefault("SECRET_KEY", "tests-cle-non-secrete-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES, TEMPLATES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


class VariableInconnue(str):
    """Une variable de gabarit inconnue fait échouer le test (les-emplois, `tests/conftest.py`)."""

    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit inconnue : {other!r}")


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = VariableInconnue("%s")
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
