"""Ce qui n'entre jamais dans les journaux : le texte d'un e-mail.

Procrastinate journalise chaque tâche avec ses arguments (« Starting job …envoyer_courriel[12](corps='…') »), et
l'administration les montre ; or un e-mail contient parfois un lien personnel (mot de passe oublié, vérification
d'adresse, invitation) qui donnerait le compte d'un autre à qui lit les journaux ou l'administration.
"""

import logging
from typing import Any

# Les arguments de `envoyer_courriel` (config/taches.py) qui portent le texte du message.
ARGUMENTS_MASQUES = ("corps", "html")


def masquer_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    """Les arguments d'une tâche, le texte d'un e-mail remplacé par sa seule longueur."""
    return {
        cle: f"(masqué : {len(valeur)} caractères)" if cle in ARGUMENTS_MASQUES and valeur else valeur
        for cle, valeur in arguments.items()
    }


def _tache_masquee(tache: Any) -> Any:
    """Le contexte d'une tâche tel que Procrastinate le journalise (`Job.log_context`), le texte d'un e-mail
    remplacé par sa longueur dans ses arguments et dans son appel (`call_string`) ; tout autre objet inchangé."""
    if not isinstance(tache, dict) or not isinstance(tache.get("task_kwargs"), dict):
        return tache
    if not any(cle in tache["task_kwargs"] for cle in ARGUMENTS_MASQUES):
        return tache
    arguments = masquer_arguments(tache["task_kwargs"])
    appel = ", ".join(f"{cle}={valeur!r}" for cle, valeur in arguments.items())
    appel = f"{tache.get('task_name')}[{tache.get('id')}]({appel})"
    return {**tache, "task_kwargs": arguments, "call_string": appel}


class MasquerTextesCourriels(logging.Filter):
    """Filtre des gestionnaires de journaux (réglage LOGGING) : dans un message de Procrastinate sur une tâche
    d'envoi d'e-mail, le texte du message est remplacé par sa longueur, dans la phrase comme dans les champs
    structurés que lisent les outils de journalisation : `job` (une tâche) et `jobs` (la liste des tâches
    différées ensemble, « About to defer N jobs » et « Deferred N jobs »)."""

    def filter(self, record: logging.LogRecord) -> bool:
        tache = getattr(record, "job", None)
        masquee = _tache_masquee(tache)
        if isinstance(tache, dict) and masquee is not tache:
            if tache.get("call_string") and isinstance(record.msg, str):
                record.msg = record.msg.replace(tache["call_string"], masquee["call_string"])
            record.job = masquee
        taches = getattr(record, "jobs", None)
        if isinstance(taches, list | tuple):
            record.jobs = [_tache_masquee(une) for une in taches]
        return True
