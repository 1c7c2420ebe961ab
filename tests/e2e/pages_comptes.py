"""Pages du compte (RGPD) : les pages publiques « Mentions légales » et « Données personnelles », et « Mon
compte » d'une personne connectée, vérifiées par axe-core dans tests/e2e/test_accessibilite.py."""

PAGES = [
    "/mentions-legales/",
    "/donnees-personnelles/",
]

HABITANT = "habitant@demo.coville.fr"

PAGES_CONNECTEES = [
    ("mon-compte", "/mon-compte/", HABITANT),
    ("supprimer-compte", "/mon-compte/supprimer/", HABITANT),
]
