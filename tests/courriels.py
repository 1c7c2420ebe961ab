"""Un serveur d'e-mails en panne, pour vérifier qu'une action réussit quand même."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class BackendEnPanne(BaseEmailBackend):
    """Chaque envoi échoue comme un serveur SMTP qui refuse la connexion."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("Serveur SMTP injoignable (panne simulée par les tests).")


class BackendAdresseRefusee(BaseEmailBackend):
    """Le serveur répond, mais refuse définitivement le destinataire (550, boîte inexistante)."""

    def send_messages(self, email_messages):
        destinataires = {adresse: (550, b"5.1.1 Mailbox unavailable") for m in email_messages for adresse in m.to}
        raise smtplib.SMTPRecipientsRefused(destinataires)
