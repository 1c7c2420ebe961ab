"""Les pages des contrats de ville à passer à axe-core, valables avec la démonstration (contrat CN03501I de
Rennes Métropole, en concertation).

- `PAGES` : chemins publics (visiteur anonyme) ;
- `PAGES_CONNECTEES` : (nom, chemin ou fonction qui rend le chemin, compte de démonstration) — les fonctions
  lisent la base de démonstration chargée (identifiants des sections et des contributions).
"""

CODE = "CN03501I"

PAGES = [
    "/contrats/",
    f"/contrats/{CODE}/",
    f"/contrats/{CODE}/ce-que-vous-avez-dit/",
]


def _section(titre: str = "Emploi et insertion") -> int:
    from contrats.models import Section

    return Section.objects.get(contrat__code=CODE, titre=titre).pk


def _concertation() -> int:
    from contrats.models import Concertation

    return Concertation.objects.filter(contrat__code=CODE).first().pk


def _contribution_en_analyse() -> int:
    from contrats.models import Contribution

    return Contribution.objects.filter(concertation__contrat__code=CODE, statut="en_analyse").first().pk


AGENT = "agent@demo.coville.fr"

PAGES_CONNECTEES = [
    ("contrat-agent", f"/contrats/{CODE}/", AGENT),
    ("contrat-elu", f"/contrats/{CODE}/", "elu@demo.coville.fr"),
    ("section", lambda: f"/contrats/{CODE}/sections/{_section()}/", AGENT),
    ("section-modifier", lambda: f"/contrats/{CODE}/sections/{_section()}/modifier/", AGENT),
    ("section-historique", lambda: f"/contrats/{CODE}/sections/{_section()}/historique/", AGENT),
    ("section-version", lambda: f"/contrats/{CODE}/sections/{_section()}/versions/1/", AGENT),
    ("section-comparer", lambda: f"/contrats/{CODE}/sections/{_section()}/comparer/", AGENT),
    ("nouvelle-concertation", f"/contrats/{CODE}/concertations/nouvelle/", AGENT),
    (
        "concertation-structure",
        lambda: f"/contrats/{CODE}/concertations/{_concertation()}/",
        "structure@demo.coville.fr",
    ),
    ("contributions", f"/contrats/{CODE}/contributions/", AGENT),
    ("repondre", lambda: f"/contrats/{CODE}/contributions/{_contribution_en_analyse()}/repondre/", AGENT),
    ("nouvelle-orientation", f"/contrats/{CODE}/orientations/nouvelle/", AGENT),
    ("ess-consultation", f"/contrats/{CODE}/ess/consultation/", AGENT),
    ("ess-structure", f"/contrats/{CODE}/ess/structure/", AGENT),
    ("ess-dynamique", f"/contrats/{CODE}/ess/dynamique/", AGENT),
    ("nouveau-signataire", f"/contrats/{CODE}/signataires/nouveau/", AGENT),
]
