"""Réglages des tests : ceux de la production, avec un mot de passe rapide et les e-mails en mémoire."""

import os

os.environ.setdefault("SECRET_KEY", "tests-cle-non-secrete-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from config.settings import *  # noqa: F403
from config.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Limites de débit d'allauth : un cache en mémoire, vidé avant chaque test (tests/conftest.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Aucune page publique gardée par défaut : un test modifie des données dans sa transaction, jamais validée, et
    # relit la page aussitôt. Les tests des pages gardées les activent (tests/test_pages_publiques.py).
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "graphiques": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "graphiques"},
}
