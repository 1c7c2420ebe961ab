"""Les pages des appels à projets et des dossiers à passer à axe-core, valables avec la démonstration
(« Appel à projets 2027 — Rennes Métropole » du contrat CN03501I, financements/demo.py).

- `PAGES` : chemins publics (visiteur anonyme), lus dans la base de démonstration chargée ;
- `PAGES_CONNECTEES` : (nom, chemin ou fonction qui rend le chemin, compte de démonstration).
"""

CODE = "CN03501I"
STRUCTURE = "structure@demo.coville.fr"
AGENT = "agent@demo.coville.fr"
ETAT = "etat@demo.coville.fr"


def _appel() -> str:
    from financements.demo import TITRE
    from financements.models import AppelAProjets

    return f"/contrats/appels-a-projets/{AppelAProjets.objects.get(titre=TITRE).pk}/"


def _dossier(titre: str, suite: str = "") -> str:
    from financements.models import Dossier

    return f"/contrats/appels-a-projets/dossiers/{Dossier.objects.get(titre=titre).pk}/{suite}"


def _convention(nombre_annees: int, suite: str = "", financeur: str = "Rennes Métropole") -> str:
    from financements.demo import TITRE
    from financements.models import Convention

    convention = Convention.objects.filter(
        dossiers__appel__titre=TITRE, nombre_annees=nombre_annees, parties__financeur__nom=financeur
    ).first()
    return f"/contrats/appels-a-projets/conventions/{convention.pk}/{suite}"


def _avenant(suite: str = "") -> str:
    from financements.demo import TITRE
    from financements.models import Avenant

    avenant = Avenant.objects.get(convention__dossiers__appel__titre=TITRE, statut="projet")
    return f"/contrats/appels-a-projets/conventions/{avenant.convention_id}/avenants/{avenant.pk}/{suite}"


PAGES = [
    f"/contrats/appels-a-projets/contrat/{CODE}/",
    _appel,
]

PAGES_CONNECTEES = [
    ("appel-structure", _appel, STRUCTURE),
    ("nouveau-dossier", lambda: _appel() + "repondre/", STRUCTURE),
    ("dossier-brouillon", lambda: _dossier("Repair café itinérant"), STRUCTURE),
    ("dossier-modifier", lambda: _dossier("Repair café itinérant", "modifier/"), STRUCTURE),
    ("dossier-budget", lambda: _dossier("Repair café itinérant", "budget/"), STRUCTURE),
    ("dossier-pieces", lambda: _dossier("Repair café itinérant", "pieces/"), STRUCTURE),
    ("dossier-co-porteurs", lambda: _dossier("Repair café itinérant", "co-porteurs/"), STRUCTURE),
    ("dossier-conventionne-structure", lambda: _dossier("Recyclerie solidaire du Blosne et de Villejean"), STRUCTURE),
    (
        "dossier-renouveler",
        lambda: _dossier("Recyclerie solidaire du Blosne et de Villejean", "renouveler/"),
        STRUCTURE,
    ),
    ("comite-programmation", lambda: _appel() + "comite/", AGENT),
    ("dossier-instruction-agent", lambda: _dossier("Permanences d'accès aux droits"), AGENT),
    ("dossier-instruction-etat", lambda: _dossier("Chantier d'insertion espaces verts"), ETAT),
    ("tableau-instruction", "/contrats/appels-a-projets/instruction/", AGENT),
    ("nouvel-appel", f"/contrats/appels-a-projets/contrat/{CODE}/nouveau/", AGENT),
    ("conventions-structure", "/contrats/appels-a-projets/conventions/", STRUCTURE),
    # Les tableaux de bord des conventions (financeur : chaque liste ; État : programme 147).
    ("tableau-conventions-agent", "/contrats/appels-a-projets/conventions/tableau-de-bord/", AGENT),
    ("tableau-conventions-retards", "/contrats/appels-a-projets/conventions/tableau-de-bord/?vue=retards", AGENT),
    ("tableau-conventions-examen", "/contrats/appels-a-projets/conventions/tableau-de-bord/?vue=a_examiner", ETAT),
    ("tableau-conventions-toutes", "/contrats/appels-a-projets/conventions/tableau-de-bord/?vue=conventions", ETAT),
    ("tableau-etat", "/contrats/appels-a-projets/conventions/etat/?annee=2026", ETAT),
    ("convention-en-vigueur-structure", lambda: _convention(1), STRUCTURE),
    ("cpo-agent", lambda: _convention(3), AGENT),
    # Préparer un avenant et signer pour un financeur demandent la double authentification, que les comptes de
    # démonstration n'ont pas : ces formulaires sont vérifiés par les tests des pages (tests/financements). La
    # structure, elle, signe l'avenant qui l'attend (même formulaire que la signature de la convention).
    ("convention-en-vigueur-agent", lambda: _convention(1), AGENT),
    ("avenant-structure", _avenant, STRUCTURE),
    ("avenant-agent", _avenant, AGENT),
    ("avenant-signature-structure", lambda: _avenant("signer/"), STRUCTURE),
]
