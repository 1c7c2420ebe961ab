"""Un serveur d'e-mails en panne, pour vérifier qu'une action réussit quand même."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class BackendEnPanne(BaseEmailBackend):
    """Chaque envoi échoue comme un serveur SMTP qui refuse la connexion."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("Serveur SMTP injoignable (panne simulée par les tests).")
