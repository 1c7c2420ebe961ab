"""Les e-mails de la plateforme : un message par destinataire, un objet sur une ligne, et jamais d'erreur
remontée à la personne qui agit.

Une panne du serveur d'e-mails ne doit ni annuler l'action (une décision, une réponse, une invitation
enregistrées restent enregistrées) ni afficher une erreur 500 : l'échec est journalisé pour l'exploitation.
Les envois partent après la validation de la transaction, pour qu'une action annulée n'annonce rien.
"""

import logging
import re
import smtplib
from collections.abc import Iterable

from django.core.mail import EmailMessage, get_connection
from django.db import transaction

logger = logging.getLogger(__name__)

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


def expedier(message: EmailMessage) -> bool:
    """Envoie un message déjà construit ; une panne SMTP ou réseau est journalisée, jamais levée."""
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Échec de l'envoi de l'e-mail « %s » à %s.", message.subject, ", ".join(message.to))
        return False
    return True


def envoyer(sujet: str, corps: str, destinataires: Iterable[str]) -> int:
    """Envoie un message à chaque destinataire, séparément : personne ne voit l'adresse des autres.
    Rend le nombre de messages partis."""
    adresses = list(dict.fromkeys(adresse.strip() for adresse in destinataires if adresse and adresse.strip()))
    if not adresses:
        return 0
    sujet = sujet_sur_une_ligne(PREFIXE + sujet)
    try:
        # Une seule connexion pour tous les messages : un serveur injoignable coûte un délai, pas un par message.
        with get_connection() as connexion:
            return sum(expedier(EmailMessage(sujet, corps, to=[adresse], connection=connexion)) for adresse in adresses)
    except (smtplib.SMTPException, OSError):
        logger.exception("Échec de l'envoi de l'e-mail « %s » à %d destinataire(s).", sujet, len(adresses))
        return 0


def envoyer_apres_validation(sujet: str, corps: str, destinataires: Iterable[str]) -> None:
    """Comme `envoyer`, une fois la transaction en cours validée (tout de suite s'il n'y en a pas)."""
    adresses = list(destinataires)
    transaction.on_commit(lambda: envoyer(sujet, corps, adresses))
