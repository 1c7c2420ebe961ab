"""Le rapport des erreurs à un service compatible Sentry (Sentry, GlitchTip, Bugsink…), actif seulement quand
`SENTRY_DSN` est définie (README, « Configuration ») : les exceptions des vues et des tâches de fond, et les
messages de niveau ERROR des journaux, avec la version (`SENTRY_RELEASE`) et l'environnement
(`SENTRY_ENVIRONMENT`).

Rien de personnel n'est envoyé : ni adresse IP, ni cookie, ni corps de requête (`send_default_pii=False`), ni le
texte d'un e-mail qu'une tâche d'envoi en échec porterait dans ses arguments (`config.lib.journal`) ; les
messages des journaux ne deviennent pas des « fils d'Ariane » joints aux événements."""

import logging
from typing import Any

from config.lib.journal import _tache_masquee
from config.lib.pannes import panne_de_connexion


def masquer_evenement(evenement: dict[str, Any], indice: dict[str, Any]) -> dict[str, Any] | None:
    """`before_send` de Sentry : le texte d'un e-mail remplacé par sa longueur, dans les champs d'une tâche
    (`extra.job`, `extra.jobs`) comme dans la phrase du journal qui la cite.

    Une base injoignable (redémarrage de PostgreSQL, bascule) n'est pas envoyée : chaque requête de la panne
    lèverait la même erreur, rendue en 503 (`config.lib.pannes`) ; la panne se voit à la sonde `/sante/` et à
    l'état détaillé, pas par des milliers d'événements identiques."""
    exception = (indice.get("exc_info") or (None, None, None))[1]
    if exception is not None and panne_de_connexion(exception):
        return None
    extra = evenement.get("extra") or {}
    tache = extra.get("job")
    masquee = _tache_masquee(tache)
    if isinstance(tache, dict) and masquee is not tache:
        extra["job"] = masquee
        entree = evenement.get("logentry") or {}
        for cle in ("message", "formatted"):
            if isinstance(entree.get(cle), str) and tache.get("call_string"):
                entree[cle] = entree[cle].replace(tache["call_string"], masquee["call_string"])
    if isinstance(extra.get("jobs"), list | tuple):
        extra["jobs"] = [_tache_masquee(une) for une in extra["jobs"]]
    return evenement


def options_sentry(dsn: str, environnement: str, version: str) -> dict[str, Any]:
    """Les options de `sentry_sdk.init` (séparées pour être vérifiées par les tests)."""
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    return {
        "dsn": dsn,
        "environment": environnement,
        "release": version or None,
        "send_default_pii": False,
        "max_request_body_size": "never",
        # Erreurs seulement : ni traces de performance ni profils (rien n'est mesuré chez un tiers).
        "traces_sample_rate": None,
        "integrations": [
            DjangoIntegration(),
            LoggingIntegration(level=None, event_level=logging.ERROR, sentry_logs_level=None),
        ],
        "before_send": masquer_evenement,
    }


def activer(dsn: str, environnement: str, version: str) -> bool:
    """Active le rapport d'erreurs si `dsn` est donnée ; rend True s'il l'est."""
    if not dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(**options_sentry(dsn, environnement, version))
    return True
