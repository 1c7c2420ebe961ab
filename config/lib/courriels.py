"""Les e-mails de la plateforme : un message par destinataire, un objet sur une ligne, envoyés par les workers.

Chaque message devient une tâche de fond (`envoyer_courriel`, config/taches.py) écrite dans la transaction de
l'action qui le cause, car la file est dans la même base : une action annulée n'annonce rien, une action validée
enverra son message même si elle est suivie d'une panne. Le serveur d'e-mails n'est jamais appelé pendant une
requête : sa lenteur ou sa panne ne fait ni échouer, ni annuler, ni attendre l'action ; le worker réessaie
pendant des heures, et un message jamais parti reste visible dans l'administration (tâches en échec).
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from procrastinate.types import JSONDict

from config.taches import envoyer_courriel

PREFIXE = "[Coville] "
LONGUEUR_SUJET = 150
# Retours à la ligne, tabulations et autres caractères de contrôle (C0, DEL, C1, séparateurs Unicode) :
# un titre saisi en contient parfois, et un en-tête d'e-mail n'en admet aucun.
_CONTROLES = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def sujet_sur_une_ligne(texte: str, longueur: int = LONGUEUR_SUJET) -> str:
    """L'objet d'un e-mail : sur une ligne, sans caractère de contrôle, espaces regroupés, coupé à `longueur`."""
    sujet = " ".join(_CONTROLES.sub(" ", texte).split())
    if len(sujet) > longueur:
        sujet = sujet[: longueur - 1].rstrip() + "…"
    return sujet


def _adresses(destinataires: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(adresse.strip() for adresse in destinataires if adresse and adresse.strip()))


def expedier(message: EmailMessage) -> int:
    """Diffère l'envoi d'un message déjà construit (ceux d'allauth) : une tâche par destinataire, chacun dans son
    propre message (ni copie ni copie cachée : personne ne voit l'adresse des autres). Rend le nombre de
    messages mis dans la file."""
    if message.attachments:
        # Les arguments d'une tâche sont du JSON conservé dans la base : pas de fichiers.
        raise ValueError("Un e-mail avec pièces jointes ne peut pas passer par la file des tâches.")
    html = next(
        (contenu for contenu, type_mime in getattr(message, "alternatives", []) if type_mime == "text/html"), None
    )
    commun: JSONDict = {
        "sujet": sujet_sur_une_ligne(str(message.subject)),
        "corps": str(message.body),
        "expediteur": message.from_email or settings.DEFAULT_FROM_EMAIL,
        "html": str(html) if html is not None else None,
        "entetes": {str(cle): str(valeur) for cle, valeur in message.extra_headers.items()} or None,
        "repondre_a": [str(adresse) for adresse in message.reply_to] or None,
    }
    adresses = _adresses([*message.to, *message.cc, *message.bcc])
    if adresses:
        taches: list[JSONDict] = [{**commun, "destinataire": adresse} for adresse in adresses]
        envoyer_courriel.batch_defer(*taches)
    return len(adresses)


def envoyer(sujet: str, corps: str, destinataires: Iterable[str]) -> int:
    """Diffère un message à chaque destinataire, séparément, dans la transaction en cours (s'il y en a une : le
    message ne partira que si elle est validée). Rend le nombre de messages mis dans la file."""
    adresses = _adresses(destinataires)
    if not adresses:
        return 0
    return expedier(EmailMessage(PREFIXE + sujet, corps, to=adresses))


def envoyer_apres_validation(sujet: str, corps: str, destinataires: Iterable[str]) -> None:
    """Comme `envoyer` : la tâche écrite dans la transaction n'existe, et le message ne part, que si elle est
    validée (nom gardé pour les appelants qui l'attendaient « après validation »)."""
    envoyer(sujet, corps, destinataires)
