import secrets

from django.conf import settings
from django.shortcuts import render

from config.lib.stockage import StockageIndisponible


class PolitiqueDeSecuriteDuContenu:
    """Envoie une politique de sécurité du contenu (CSP) avec un nonce par requête.

    Les scripts ne viennent que de nos fichiers statiques ; le nonce sert aux balises que django-dsfr émet
    (`request.csp_nonce`). Aucune ressource externe n'est chargée.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if settings.CSP_ACTIVE and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = (
                "default-src 'self'; "
                f"script-src 'self' 'nonce-{request.csp_nonce}'; "
                "style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
            )
        return response


class PanneDuStockage:
    """Une panne du stockage des fichiers pendant une requête (téléchargement, PDF) donne une page 503 qui le
    dit en français, jamais une erreur 500 ; les formulaires d'envoi la traitent eux-mêmes (message)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StockageIndisponible):
            return None
        reponse = render(request, "503.html", {"message": str(exception)}, status=503)
        reponse["Retry-After"] = "60"
        reponse["Cache-Control"] = "no-store"
        return reponse
