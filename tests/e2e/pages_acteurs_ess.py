"""Pages de l'annuaire de l'ESS à passer à axe-core, valables avec la démonstration (`acteurs_ess/demo.py`).

- `PAGES` : chemins publics (visiteur anonyme) ;
- `PAGES_CONNECTEES` : (nom, chemin ou fonction qui rend le chemin, compte de démonstration ou None pour un
  visiteur anonyme) — les fonctions lisent la base de démonstration chargée (identifiants des fiches).
"""

PAGES = [
    "/annuaire/",
    "/annuaire/?q=insertion",
    "/annuaire/?q=Atelier+du+Blosn",
    "/annuaire/?commune=35238&forme_juridique=association",
    "/annuaire/?qpv=QN03505M",
    "/annuaire/collectifs/",
]


def _structure(nom: str = "Les Ateliers du Blosne") -> int:
    from acteurs_ess.models import Structure

    return Structure.objects.get(raison_sociale=nom).pk


def _collectif() -> int:
    from acteurs_ess.models import Collectif

    return Collectif.objects.get(nom="Pôle ESS Rennes Sud").pk


def _document() -> int:
    from acteurs_ess.models import DocumentStructure

    return DocumentStructure.objects.get(nom="rapport-activite.pdf").pk


STRUCTURE = "structure@demo.coville.fr"
AGENT = "agent@demo.coville.fr"

PAGES_CONNECTEES = [
    ("fiche-structure", lambda: f"/annuaire/structures/{_structure()}/", None),
    ("fiche-collectif", lambda: f"/annuaire/collectifs/{_collectif()}/", None),
    ("fiche-structure-membre", lambda: f"/annuaire/structures/{_structure()}/", STRUCTURE),
    ("modifier-structure", lambda: f"/annuaire/structures/{_structure()}/modifier/", STRUCTURE),
    ("rib-structure", lambda: f"/annuaire/structures/{_structure()}/rib/", STRUCTURE),
    ("rib-structure-agent", lambda: f"/annuaire/structures/{_structure()}/rib/", AGENT),
    ("coffre-documents", lambda: f"/annuaire/structures/{_structure()}/documents/", STRUCTURE),
    ("coffre-ajouter", lambda: f"/annuaire/structures/{_structure()}/documents/ajouter/", STRUCTURE),
    ("coffre-remplacer", lambda: f"/annuaire/structures/{_structure()}/documents/{_document()}/remplacer/", STRUCTURE),
    ("coffre-supprimer", lambda: f"/annuaire/structures/{_structure()}/documents/{_document()}/supprimer/", STRUCTURE),
    ("fiche-structure-agent", lambda: f"/annuaire/structures/{_structure('Villejean Solidaire')}/", AGENT),
    ("rejoindre-structure", lambda: f"/annuaire/structures/{_structure('Villejean Solidaire')}/rejoindre/", STRUCTURE),
    ("inscrire-structure", "/annuaire/inscrire/", "habitant@demo.coville.fr"),
    ("rattachements", "/annuaire/rattachements/", AGENT),
    ("importer", "/annuaire/importer/", AGENT),
    ("imports-lances", "/annuaire/importer/imports/", AGENT),
    ("nouveau-collectif", "/annuaire/collectifs/nouveau/", STRUCTURE),
    ("gerer-collectif", lambda: f"/annuaire/collectifs/{_collectif()}/membres/", STRUCTURE),
]
