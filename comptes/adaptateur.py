"""Adaptateur de django-allauth : ses e-mails (vérification d'adresse, mot de passe oublié) suivent la règle
de la plateforme, ils partent par la file des tâches de fond (config/lib/courriels.py) ; une panne du serveur
d'e-mails ne fait jamais échouer ni attendre l'inscription ou la connexion, et le message part à son retour."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as contexte_allauth
from django.contrib.sites.shortcuts import get_current_site

from config.lib import courriels


class AdaptateurCompte(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Le contexte que l'adaptateur d'allauth donne à ses gabarits ; seul l'envoi change (`msg.send()` d'allauth).
        request = contexte_allauth.request
        contexte = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        courriels.expedier(self.render_mail(template_prefix, email, contexte))
