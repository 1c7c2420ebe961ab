"""Les pages des appels à projets et des dossiers à passer à axe-core, valables avec la démonstration
(« Appel à projets 2027 — Rennes Métropole » du contrat CN03501I, financements/demo.py).

- `PAGES` : chemins publics (visiteur anonyme), lus dans la base de démonstration chargée ;
- `PAGES_CONNECTEES` : (nom, chemin ou fonction qui rend le chemin, compte de démonstration) ;
- `PAGES_DOUBLE_AUTHENTIFICATION` : (nom, chemin ou fonction, compte, envoyer_vide), pages qu'un agent n'ouvre
  qu'avec la double authentification (activée pour le compte par le test).
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


def _cpo_en_execution(suite: str = "") -> str:
    """La CPO 2025–2028 des Ateliers du Blosne, en vigueur (financements/demo.py)."""
    from financements.demo import TITRE_2025
    from financements.models import Convention

    convention = Convention.objects.filter(dossiers__appel__titre=TITRE_2025, nombre_annees=4).first()
    return f"/contrats/appels-a-projets/conventions/{convention.pk}/{suite}"


PAGES = [
    f"/contrats/appels-a-projets/contrat/{CODE}/",
    _appel,
    # La liste nationale des appels ouverts, et filtrée (le formulaire rempli).
    "/contrats/appels-a-projets/ouverts/",
    "/contrats/appels-a-projets/ouverts/?theme=cohesion_sociale&financeur=rennes",
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
    ("modifier-appel", lambda: _appel() + "modifier/", AGENT),
    ("prolonger-appel", lambda: _appel() + "prolonger/", AGENT),
    ("clore-appel", lambda: _appel() + "clore/", AGENT),
    ("conventions-structure", "/contrats/appels-a-projets/conventions/", STRUCTURE),
    # Les tableaux de bord des conventions (financeur : chaque liste ; État : programme 147).
    ("tableau-conventions-agent", "/contrats/appels-a-projets/conventions/tableau-de-bord/", AGENT),
    ("tableau-conventions-retards", "/contrats/appels-a-projets/conventions/tableau-de-bord/?vue=retards", AGENT),
    ("tableau-conventions-examen", "/contrats/appels-a-projets/conventions/tableau-de-bord/?vue=a_examiner", ETAT),
    ("tableau-conventions-toutes", "/contrats/appels-a-projets/conventions/tableau-de-bord/?vue=conventions", ETAT),
    ("tableau-etat", "/contrats/appels-a-projets/conventions/etat/?annee=2026", ETAT),
    ("convention-en-vigueur-structure", lambda: _convention(1), STRUCTURE),
    ("cpo-agent", lambda: _convention(3), AGENT),
    # La structure signe l'avenant qui l'attend (même formulaire que la signature de la convention) ; signer une
    # convention et préparer un avenant : PAGES_DOUBLE_AUTHENTIFICATION ci-dessous.
    ("convention-en-vigueur-agent", lambda: _convention(1), AGENT),
    ("avenant-structure", _avenant, STRUCTURE),
    ("avenant-agent", _avenant, AGENT),
    ("avenant-signature-structure", lambda: _avenant("signer/"), STRUCTURE),
]

# Signer une convention et préparer un avenant demandent la double
# authentification : activée pour l'agent de la métropole par le test. La CPO 2027–2029 attend la signature de
# la métropole ; la CPO 2025–2028 est en vigueur.
PAGES_DOUBLE_AUTHENTIFICATION = [
    ("signature-convention", lambda: _convention(3, "signer/"), AGENT, False),
    ("signature-convention-erreurs", lambda: _convention(3, "signer/"), AGENT, True),
    ("nouvel-avenant", lambda: _cpo_en_execution("avenants/nouveau/"), AGENT, False),
    ("nouvel-avenant-erreurs", lambda: _cpo_en_execution("avenants/nouveau/"), AGENT, True),
]
