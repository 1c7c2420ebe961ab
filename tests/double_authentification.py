"""La double authentification des personnes de test : une application d'authentification (TOTP) activée par
l'API d'allauth, avec un secret connu pour calculer les codes."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time

# Un secret TOTP en base 32, le même pour toutes les personnes de test.
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def activer(utilisateur, secret: str = SECRET):
    """Active l'application d'authentification de la personne (comme après le formulaire d'activation)."""
    TOTP.activate(utilisateur, secret)
    return utilisateur


def desactiver(utilisateur):
    Authenticator.objects.filter(user=utilisateur).delete()
    return utilisateur


def code(secret: str = SECRET) -> str:
    """Le code à six chiffres qu'afficherait l'application en ce moment."""
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def connecter(client, utilisateur) -> None:
    """Connecte la personne et lui fait redonner son mot de passe, comme allauth le demande avant d'activer ou
    de désactiver la double authentification."""
    from django.urls import reverse

    from tests.factories import MOT_DE_PASSE

    client.force_login(utilisateur)
    reponse = client.post(reverse("account_reauthenticate"), {"password": MOT_DE_PASSE})
    assert reponse.status_code == 302, reponse.content.decode()
