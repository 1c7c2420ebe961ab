"""Adaptateur de django-allauth : ses e-mails (vérification d'adresse, mot de passe oublié) suivent la règle
de la plateforme, une panne du serveur d'e-mails ne fait jamais échouer l'inscription ni la connexion."""

import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter

logger = logging.getLogger(__name__)


class AdaptateurCompte(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError):
            logger.exception("Échec de l'envoi de l'e-mail %s à %s.", template_prefix, email)
