"""Réglages de Coville, lus depuis l'environnement (voir README, « Configuration »)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from config.env import envbool, envchoix, envint, envlist, envstr, envurl

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY", "developpement-seulement-cle-non-secrete" if DEBUG else None)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

# Dossier des fichiers réels de référence (territoires, QPV, contrats), jamais copiés dans le dépôt.
DONNEES_PARTAGEES = Path(envstr("COVILLE_DONNEES", str(BASE_DIR.parent / "shared" / "data")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "widget_tweaks",
    "dsfr",
    "django_filters",
    "django_prose_editor",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # Avant nos applications : l'app Procrastinate doit être prête quand leurs `ready()` s'exécutent.
    "procrastinate.contrib.django",
    "territoires",
    "comptes",
    "acteurs_ess",
    "contrats",
    "financements",
    "evaluation",
]

MIDDLEWARE = [
    # Premier : il mesure toute la requête et voit la réponse finale, erreurs comprises.
    "config.middleware.JournalDesRequetes",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PolitiqueDeSecuriteDuContenu",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Celui de Django (`LoginRequiredMiddleware`), sans lire la personne pour une vue publique.
    "config.middleware.ConnexionRequise",
    "comptes.contexte.ContexteAccesMiddleware",
    "config.middleware.PagesPerimeesApresModification",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "comptes.mfa.DoubleAuthentificationAdminMiddleware",
    "config.middleware.PanneDuStockage",
    "config.middleware.PanneDeLaBase",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.plateforme",
            ],
            # Le filtre `euros` sert dans les gabarits de plusieurs applications : disponible partout sans `load`.
            "builtins": ["config.lib.euros"],
        },
    },
]

# Base de données : PostgreSQL seulement. Sans DATABASE_URL, `scripts/avec_postgres.py` (utilisé par le
# Makefile) démarre un PostgreSQL embarqué sous var/ et fournit l'URL.
if not envstr("DATABASE_URL", ""):
    raise ImproperlyConfigured(
        "DATABASE_URL n'est pas définie. Lancez les commandes par `make` (PostgreSQL embarqué) "
        "ou exportez DATABASE_URL=postgres://utilisateur@hote:5432/base."
    )
# Une connexion persistante (CONN_MAX_AGE) coupée par un redémarrage de PostgreSQL est vérifiée avant d'être
# réutilisée, plutôt que de faire échouer la requête suivante.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL"), conn_max_age=envint("CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Coville fonctionne uniquement avec PostgreSQL (DATABASE_URL=postgres://…).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions et limites de débit dans la base : aucun état dans les processus web.
PAGES_GARDEES = envint("COVILLE_PAGES_GARDEES", 500, minimum=0)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "coville_cache",
    },
    # Les pages publiques rendues pour les visiteurs anonymes (config/lib/pages_publiques.py) : dans la mémoire de
    # chaque processus web, bornées en nombre ; leur version, elle, est dans le cache partagé (`default`).
    # COVILLE_PAGES_GARDEES=0 : aucune page gardée.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "coville-pages-publiques",
        "OPTIONS": {"MAX_ENTRIES": PAGES_GARDEES},
    }
    if PAGES_GARDEES
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    # Les dessins des graphiques (config/lib/graphiques.py) : un cache et non un état, sur le disque de la machine,
    # partagé par ses processus web ; le perdre ne coûte que de les redessiner. Sans requête SQL : le nombre de
    # requêtes d'une page ne dépend pas des graphiques déjà dessinés. 20 000 dessins de 4 à 10 Ko.
    "graphiques": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": envstr("CACHE_GRAPHIQUES", str(BASE_DIR / "var" / "cache" / "graphiques")),
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
    },
}

AUTH_USER_MODEL = "comptes.Utilisateur"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Après la connexion, l'accueil dit à chacun ce qu'il a à faire maintenant (config/views.py `accueil`).
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "accueil"

# django-allauth : connexion par e-mail, adresse vérifiée obligatoire, limites de débit actives.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Un e-mail déjà inscrit reçoit un message clair plutôt qu'un faux succès (demande explicite du socle).
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Coville] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "comptes.forms.InscriptionForm"
ACCOUNT_ADAPTER = "comptes.adaptateur.AdaptateurCompte"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",  # nosec B105 # limites de débit, pas un mot de passe
    "confirm_email": "1/3m/key",
}
# Les limites par adresse IP supposent de connaître celle du client : derrière un répartiteur de charge,
# toutes les requêtes viennent de lui, et dix échecs d'une personne bloqueraient tout le monde. Nombre de
# proxys à nous devant l'application (l'adresse est lue dans X-Forwarded-For à cette position depuis la
# fin), ou en-tête posé par le proxy (`X-Real-IP`, `CF-Connecting-IP`) ; rien par défaut, l'adresse de la
# connexion fait foi.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("COVILLE_PROXIES_DE_CONFIANCE", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = envstr("COVILLE_ENTETE_IP_CLIENT", "") or None
# Double authentification (comptes/mfa.py) : application d'authentification (TOTP) et codes de secours, sans
# clés de sécurité (WebAuthn). Exigée des administrateurs, des agents et de l'État pour instruire et exporter.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Coville"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True


def fournisseurs_oidc() -> dict:
    """ProConnect (ou tout fournisseur OpenID Connect), activé seulement si ses variables sont définies."""
    client_id = envstr("OIDC_CLIENT_ID", "")
    if not client_id:
        return {}
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": envstr("OIDC_PROVIDER_ID", "proconnect"),
                    "name": envstr("OIDC_NOM", "ProConnect"),
                    "client_id": client_id,
                    "secret": envstr("OIDC_CLIENT_SECRET"),
                    "settings": {
                        "server_url": envstr("OIDC_SERVER_URL"),
                        "token_auth_method": envstr("OIDC_TOKEN_AUTH_METHOD", "client_secret_post"),
                        "scope": envlist("OIDC_SCOPES", ["openid", "email", "given_name", "usual_name"]),
                    },
                }
            ],
        }
    }


SOCIALACCOUNT_PROVIDERS = fournisseurs_oidc()

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Traductions du projet, prioritaires sur celles des paquets : le catalogue JavaScript (/jsi18n/) y prend les titres
# français de la barre d'outils de l'éditeur (djangojs.po, compilé en djangojs.mo par `make messages`).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
# L'éditeur des sections (django-prose-editor) charge aussi la barre d'outils en français du projet
# (static/contrats/barre_editeur.js), activée par `contrats.texte.EXTENSIONS_EDITEUR` ; elle n'écrit aucune balise.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {"js": [static_lazy("contrats/barre_editeur.js")], "extensions": {"BarreEnFrancais": html_tags([])}},
]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Fichiers privés (pièces jointes, aperçus d'import, PDF) : jamais servis sous une adresse publique, seulement
# par les vues qui vérifient les droits (config/lib/stockage.py). MEDIA_ROOT est leur dossier local par défaut.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
VARIABLES_S3 = ("BUCKET", "ENDPOINT_URL", "REGION", "ACCESS_KEY", "SECRET_KEY")


def stockage_des_fichiers() -> dict:
    """Le stockage `default` : local sous MEDIA_ROOT, ou compatible S3 si STOCKAGE_S3_BUCKET est définie (alors
    toutes les variables STOCKAGE_S3_* obligatoires le sont ; README, « Stockage des fichiers »)."""
    if not envstr("STOCKAGE_S3_BUCKET", ""):
        definies = sorted(nom for nom in os.environ if nom.startswith("STOCKAGE_S3_") and os.environ[nom])
        if definies:
            raise ImproperlyConfigured(
                f"{', '.join(definies)} définie(s) sans STOCKAGE_S3_BUCKET : le stockage S3 demande aussi son bucket."
            )
        return {"BACKEND": "config.lib.stockage.StockageLocal"}
    from botocore.config import Config

    return {
        "BACKEND": "config.lib.stockage.StockageS3",
        "OPTIONS": {
            "bucket_name": envstr("STOCKAGE_S3_BUCKET"),
            "endpoint_url": envurl("STOCKAGE_S3_ENDPOINT_URL"),
            "region_name": envstr("STOCKAGE_S3_REGION"),
            # Toujours ces identifiants : sans eux, boto3 chercherait ceux de la machine (variables AWS_*,
            # ~/.aws, service de métadonnées d'un hébergeur) et pourrait écrire dans un autre bucket.
            "access_key": envstr("STOCKAGE_S3_ACCESS_KEY"),
            "secret_key": envstr("STOCKAGE_S3_SECRET_KEY"),
            # Privé : aucune ACL envoyée (les objets héritent du bucket privé), adresses signées seulement, et
            # pas de domaine personnalisé, qui donnerait des adresses non signées.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": None,
            # Comme le disque local : un nom déjà pris n'est jamais remplacé.
            "file_overwrite": False,
            # Au-delà, un fichier lu passe de la mémoire à un fichier temporaire.
            "max_memory_size": 2 * 1024 * 1024,
            # Délais courts : un stockage injoignable répond en quelques secondes, dans le temps d'une requête
            # web (30 s pour gunicorn), par une erreur que les vues traduisent (503 ou message).
            "client_config": Config(
                connect_timeout=envint("STOCKAGE_S3_DELAI_CONNEXION", 3, minimum=1),
                read_timeout=envint("STOCKAGE_S3_DELAI_LECTURE", 10, minimum=1),
                retries={"mode": "standard", "max_attempts": envint("STOCKAGE_S3_TENTATIVES", 2, minimum=1)},
                signature_version="s3v4",
                s3={"addressing_style": envchoix("STOCKAGE_S3_ADRESSAGE", "path", ("path", "virtual"))},
                # Les sommes de contrôle ajoutées par défaut depuis botocore 1.36 ne sont comprises que
                # d'AWS et de serveurs récents : seulement quand l'opération les exige.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        },
    }


# Jeton des moniteurs qui lisent l'état détaillé (/sante/detail/, en-tête « Authorization: Bearer … ») sans
# compte d'administrateur ; vide : réservé aux administrateurs connectés. Assez long pour ne pas se deviner.
JETON_SUPERVISION = envstr("COVILLE_JETON_SUPERVISION", "")
if JETON_SUPERVISION and len(JETON_SUPERVISION) < 32:
    raise ImproperlyConfigured("COVILLE_JETON_SUPERVISION : au moins 32 caractères (openssl rand -hex 32).")

# Un aperçu d'import jamais confirmé est purgé après ce délai (acteurs_ess.apercus.purger_apercus_abandonnes).
APERCUS_IMPORT_DUREE_HEURES = envint("COVILLE_APERCUS_IMPORT_HEURES", 24, minimum=1)

# Un dossier sans décision est rappelé à ses financeurs après 30 jours, s'il a été déposé depuis moins que ce
# nombre de jours (financements.services.rappels) : au premier déploiement, les dossiers oubliés depuis des années
# ne font pas partir une pluie de rappels.
RAPPEL_DECISION_JOURS_MAX = envint("COVILLE_RAPPEL_DECISION_JOURS_MAX", 90, minimum=31)

# Un PDF dont le rendu a échoué n'est pas redemandé par les téléchargements pendant ce délai (config.taches.
# echec_recent) : la tâche en échec attend dans l'administration ; un changement des données le redemande.
PDF_PAUSE_APRES_ECHEC_MINUTES = envint("COVILLE_PDF_PAUSE_APRES_ECHEC_MINUTES", 30, minimum=1)
# Un visiteur anonyme ne fait plus rendre de PDF quand la file `pdf` a déjà ce nombre de rendus en attente (un
# robot qui parcourt les 1 600 synthèses des QPV ne la remplit pas) ; une personne connectée, toujours.
PDF_EN_ATTENTE_MAX_ANONYMES = envint("COVILLE_PDF_EN_ATTENTE_MAX_ANONYMES", 20, minimum=1)

STORAGES = {
    "default": stockage_des_fichiers(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mails : console en développement, SMTP configuré par l'environnement en production.
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
# Un serveur d'e-mails qui ne répond pas ne retient pas un worker plus de quelques secondes par tentative (les
# e-mails partent des workers, jamais d'une requête : config/lib/courriels.py).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Coville <ne-pas-repondre@coville.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tâches de fond (Procrastinate) : la file est dans la base (tables procrastinate_*, créées par `migrate`),
# les workers (`python manage.py procrastinate worker`) la partagent depuis n'importe quelle machine. Chaque
# application déclare ses tâches dans son module `taches.py` ; celles de toute la plateforme (e-mails, file
# elle-même) sont dans config/taches.py, qui n'est pas une application.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "taches"
PROCRASTINATE_IMPORT_PATHS = ["config.taches"]
PROCRASTINATE_WORKER_DEFAULTS = {
    # Un arrêt demandé (SIGTERM d'un déploiement) laisse ce temps aux tâches en cours pour finir ; au-delà elles
    # sont interrompues et reprises plus tard (voir config/taches.py, tâches bloquées).
    "shutdown_graceful_timeout": float(envint("TACHES_ARRET_GRACIEUX", 30)),
}
# Les tâches terminées restent visibles dans l'administration (« Procrastinate jobs ») puis sont purgées : celles
# réussies après TACHES_CONSERVATION_JOURS, celles en échec (un e-mail jamais parti) après TACHES_ECHECS_JOURS.
TACHES_CONSERVATION_JOURS = envint("TACHES_CONSERVATION_JOURS", 7)
TACHES_ECHECS_JOURS = envint("TACHES_ECHECS_JOURS", 30)

# Sécurité : stricte par défaut hors développement (`manage.py check --deploy` sans avertissement).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# Les sondes de santé des répartiteurs de charge parlent HTTP à l'application : pas de redirection pour elles.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSP_ACTIVE = envbool("CSP_ACTIVE", True)
if envbool("DERRIERE_PROXY_HTTPS", False):
    # Le répartiteur de charge termine TLS et transmet X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# Marquage des champs facultatifs plutôt qu'obligatoires, comme le recommande le DSFR.
DSFR_MARK_OPTIONAL_FIELDS = True
# Les textes passés aux composants de django-dsfr (messages compris) sont échappés : ils peuvent contenir
# une saisie (nom d'organisation, adresse e-mail).
DSFR_CONTENT_IS_SAFE = False

PLATEFORME_NOM = "Coville"
PLATEFORME_SLOGAN = "Co-construire les contrats de ville"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Le texte d'un e-mail (un lien de mot de passe oublié…) n'est jamais écrit dans un journal : tout gestionnaire
    # ajouté ici (envoi vers un service de suivi des erreurs) garde ce filtre.
    "filters": {"masquer_courriels": {"()": "config.lib.journal.MasquerTextesCourriels"}},
    # Le journal des requêtes (config.middleware.JournalDesRequetes) : une ligne JSON par requête, pour les outils
    # qui agrègent les journaux (durées, statuts) ; les autres messages restent du texte.
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message"],
            "rename_fields": {"asctime": "horodatage", "levelname": "niveau", "name": "journal"},
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["masquer_courriels"]},
        "console_json": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["masquer_courriels"]},
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint annonce chaque page mise en forme, fontTools chaque police lue : du bruit, et du temps perdu
    # sur les longs PDF. Procrastinate annonce chaque tâche enregistrée à chaque commande ; le worker garde ses
    # messages (tâche commencée, réussie, en échec).
    "loggers": {
        **{
            name: {"level": "WARNING"}
            for name in ("weasyprint.progress", "fontTools", "procrastinate.blueprints", "procrastinate.periodic")
        },
        "coville.requetes": {
            "handlers": ["console_json"],
            "level": envstr("COVILLE_JOURNAL_REQUETES", "INFO"),
            "propagate": False,
        },
    },
}

# Mentions légales et page « Données personnelles » : l'opérateur qui exploite Coville pour les collectivités
# (éditeur et responsable de traitement), son hébergeur et l'adresse où exercer ses droits (RGPD).
COVILLE_EDITEUR = envstr("COVILLE_EDITEUR", "Opérateur de la plateforme Coville (à renseigner : COVILLE_EDITEUR)")
COVILLE_EDITEUR_ADRESSE = envstr("COVILLE_EDITEUR_ADRESSE", "Adresse postale à renseigner (COVILLE_EDITEUR_ADRESSE)")
COVILLE_DIRECTEUR_PUBLICATION = envstr(
    "COVILLE_DIRECTEUR_PUBLICATION",
    "Directeur ou directrice de la publication à renseigner (COVILLE_DIRECTEUR_PUBLICATION)",
)
COVILLE_HEBERGEUR = envstr("COVILLE_HEBERGEUR", "Hébergeur à renseigner (COVILLE_HEBERGEUR : nom, adresse, téléphone)")
COVILLE_CONTACT_DONNEES = envstr("COVILLE_CONTACT_DONNEES", "dpo@coville.localhost")

# Durée de conservation du journal d'audit (en jours), affichée sur la page « Données personnelles » : ses
# entrées gardent l'adresse de qui a agi, même après la suppression de son compte, pour rendre compte des
# décisions (RGPD art. 17.3.b). Cinq ans par défaut : la prescription de droit commun (Code civil, art. 2224).
# Les entrées plus anciennes sont effacées par `comptes.audit.purger_entrees_anciennes`.
COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS = envint("COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS", 5 * 365)
if COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS < 1:
    raise ImproperlyConfigured("COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS : un nombre de jours, au moins 1.")

# Rapport des erreurs à un service compatible Sentry, seulement si SENTRY_DSN est définie
# (config/lib/rapport_erreurs.py).
SENTRY_DSN = envstr("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.lib import rapport_erreurs

    rapport_erreurs.activer(SENTRY_DSN, envstr("SENTRY_ENVIRONMENT", "production"), envstr("SENTRY_RELEASE", ""))
