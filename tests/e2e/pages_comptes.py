"""Pages du compte (RGPD) : les pages publiques « Mentions légales » et « Données personnelles », et « Mon
compte » d'une personne connectée, vérifiées par axe-core dans tests/e2e/test_accessibilite.py. Les pages de
la double authentification qui demandent un mot de passe ou un code récents (activation, codes de récupération,
second facteur à la connexion) passent à axe-core dans tests/e2e/test_double_authentification.py."""


def _desabonnement() -> str:
    """Le lien de désabonnement des alertes d'appels à projets d'une membre de structure (sans connexion)."""
    from comptes.alertes import jeton
    from comptes.models import TypeAlerte, Utilisateur

    personne = Utilisateur.objects.get(email="structure@demo.coville.fr")
    return f"/alertes/desabonnement/{jeton(personne, TypeAlerte.APPELS_A_PROJETS)}/"


PAGES = [
    "/mentions-legales/",
    "/donnees-personnelles/",
    _desabonnement,
]

HABITANT = "habitant@demo.coville.fr"

PAGES_CONNECTEES = [
    ("mon-compte", "/mon-compte/", HABITANT),
    ("supprimer-compte", "/mon-compte/supprimer/", HABITANT),
    ("double-authentification", "/comptes/2fa/", HABITANT),
    ("reauthentification", "/comptes/reauthenticate/?next=/comptes/2fa/totp/activate/", HABITANT),
]
