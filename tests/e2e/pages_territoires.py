"""Pages publiques du référentiel territorial, valables avec la démonstration (`territoires/demo.py`),
vérifiées par axe-core dans tests/e2e/test_accessibilite.py."""

PAGES = [
    "/territoires/",
    "/territoires/?q=rennes",
    "/territoires/regions/",
    "/territoires/regions/53/",
    "/territoires/departements/35/",
    "/territoires/epci/",
    "/territoires/epci/243500139/",
    "/territoires/communes/",
    "/territoires/communes/?departement=35&q=saint",
    "/territoires/communes/35238/",
    "/territoires/qpv/",
    "/territoires/qpv/QN03504M/",
]
