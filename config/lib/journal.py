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


class MasquerTextesCourriels(logging.Filter):
    """Filtre des gestionnaires de journaux (réglage LOGGING) : dans un message de Procrastinate sur une tâche
    d'envoi d'e-mail, le texte du message est remplacé par sa longueur, dans la phrase comme dans les champs
    structurés (`job`) que lisent les outils de journalisation."""

    def filter(self, record: logging.LogRecord) -> bool:
        tache = getattr(record, "job", None)
        if not isinstance(tache, dict) or not isinstance(tache.get("task_kwargs"), dict):
            return True
        if not any(cle in tache["task_kwargs"] for cle in ARGUMENTS_MASQUES):
            return True
        arguments = masquer_arguments(tache["task_kwargs"])
        appel = ", ".join(f"{cle}={valeur!r}" for cle, valeur in arguments.items())
        appel = f"{tache.get('task_name')}[{tache.get('id')}]({appel})"
        if tache.get("call_string") and isinstance(record.msg, str):
            record.msg = record.msg.replace(tache["call_string"], appel)
        record.job = {**tache, "task_kwargs": arguments, "call_string": appel}
        return True
