"""Démonstration de l'évaluation : les lignes de base officielles des 21 QPV de démonstration (extrait du vrai
fichier, `evaluation/fixtures/demo/`, chargé par le même service d'import), deux indicateurs locaux du contrat
de Rennes Métropole et des valeurs 2024–2026 (réalisé) avec des cibles 2026 et 2030 ; un bilan annuel 2025
publié (il rend publiques les valeurs 2024 et 2025 et les cibles : tendance de la synthèse de chaque QPV, tableau
de bord public) et le bilan à mi-parcours 2027 en préparation. Idempotent : les valeurs saisies, les indicateurs locaux
et les bilans du contrat de démonstration sont recréés à chaque chargement."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from comptes.models import Organisation, TypeOrganisation, Utilisateur
from contrats.models import ContratDeVille, NiveauOrientation
from evaluation.models import Agregation, Bilan, Indicateur, NatureValeur, Sens, TypeBilan, Unite, Valeur
from evaluation.services import bilans
from evaluation.services.indicateurs import creer_indicateur
from evaluation.services.lignes_de_base import importer_lignes_de_base
from evaluation.services.valeurs import Saisie, Territoire, saisir_valeur

DOSSIER_DEMO = Path(__file__).resolve().parent / "fixtures" / "demo"
CODE_CONTRAT = "CN03501I"
SOURCE = "Observatoire des quartiers de Rennes Métropole (démonstration)"

# Évolution de démonstration du taux d'emploi, en points, depuis la ligne de base officielle.
EVOLUTION_EMPLOI = {2024: Decimal("0.4"), 2025: Decimal("1.1"), 2026: Decimal("1.8")}
CIBLES_EMPLOI = {2026: Decimal("2"), 2030: Decimal("5")}
JEUNES = {2024: 120, 2025: 164, 2026: 210}
CIBLES_JEUNES = {2026: 200, 2030: 400}


def charger(sortie=print) -> None:
    bilan = importer_lignes_de_base(DOSSIER_DEMO)
    sortie(
        f"Évaluation : lignes de base des QPV de démonstration ({bilan.creees} créées, {bilan.inchangees} inchangées)."
    )
    contrat = ContratDeVille.objects.filter(code=CODE_CONTRAT).first()
    agent = Utilisateur.objects.filter(email="agent@demo.coville.fr").first()
    if contrat is None or agent is None:
        sortie("Évaluation : contrat ou agent de démonstration absent, aucune valeur saisie.")
        return
    Valeur.objects.filter(contrat=contrat).update(precedente=None)
    Valeur.objects.filter(contrat=contrat).delete()
    Indicateur.objects.filter(contrat=contrat).delete()

    emploi_jeunes = contrat.orientations.filter(
        niveau=NiveauOrientation.OBJECTIF, titre="Lever les freins à l'emploi des jeunes"
    )
    jeunes = creer_indicateur(
        contrat,
        agent,
        {
            "code": "jeunes-accompagnes",
            "nom": "Jeunes des QPV accompagnés vers l'emploi",
            "definition": "Jeunes de 16 à 25 ans habitant un QPV du contrat, accompagnés dans l'année par les "
            "actions financées (missions locales, chantiers d'insertion, parrainage).",
            "unite": Unite.NOMBRE,
            "sens": Sens.HAUSSE,
            "agregation": Agregation.SOMME,
            "source": "Comptes-rendus des structures, mission locale",
            "producteur": "Rennes Métropole",
            "methode": "Somme des jeunes accompagnés déclarés dans les comptes-rendus, sans double compte.",
            "plage_min": Decimal(0),
            "plage_max": Decimal(5000),
            "orientations": list(emploi_jeunes),
        },
    )
    creer_indicateur(
        contrat,
        agent,
        {
            "code": "part-beneficiaires-qpv",
            "nom": "Part des bénéficiaires habitant un QPV",
            "unite": Unite.POURCENTAGE,
            "sens": Sens.HAUSSE,
            "agregation": Agregation.AUCUNE,
            "source": "Comptes-rendus des structures",
            "producteur": "Rennes Métropole",
            "plage_min": Decimal(0),
            "plage_max": Decimal(100),
        },
    )
    nombre = 0
    taux_emploi = Indicateur.objects.get(contrat=None, code="taux_emploi")
    lignes_de_base = {
        v.qpv_id: v.valeur
        for v in Valeur.objects.courantes().filter(
            Q(indicateur=taux_emploi), nature=NatureValeur.LIGNE_DE_BASE, qpv__in=contrat.qpv.all()
        )
        if v.valeur is not None
    }
    for qpv, base in sorted(lignes_de_base.items()):
        territoire = Territoire("qpv", qpv_id=qpv)
        for nature, ecarts in ((NatureValeur.REALISE, EVOLUTION_EMPLOI), (NatureValeur.CIBLE, CIBLES_EMPLOI)):
            for annee, ecart in ecarts.items():
                saisir_valeur(
                    contrat,
                    agent,
                    Saisie(
                        taux_emploi, territoire, annee, nature, base + ecart, unite=Unite.POURCENTAGE, source=SOURCE
                    ),
                )
                nombre += 1
    for nature, valeurs in ((NatureValeur.REALISE, JEUNES), (NatureValeur.CIBLE, CIBLES_JEUNES)):
        for annee, valeur in valeurs.items():
            saisir_valeur(
                contrat,
                agent,
                Saisie(
                    jeunes, Territoire("contrat"), annee, nature, Decimal(valeur), unite=Unite.NOMBRE, source=SOURCE
                ),
            )
            nombre += 1
    sortie(f"Évaluation : 2 indicateurs locaux et {nombre} valeurs saisies pour {contrat.nom}.")
    charger_bilans(contrat, agent, sortie)


def charger_bilans(contrat: ContratDeVille, agent: Utilisateur, sortie=print) -> None:
    """Le bilan annuel 2025, publié après son comité de pilotage, avec l'avis du conseil citoyen de Maurepas ; le
    bilan à mi-parcours 2027, en préparation. Recréés à chaque chargement."""
    Bilan.objects.filter(contrat=contrat).delete()
    conseils = list(
        Organisation.objects.filter(type=TypeOrganisation.CONSEIL_CITOYEN, nom="Conseil citoyen de Maurepas")
    )
    habitant = Utilisateur.objects.filter(email="habitant@demo.coville.fr").first()

    annuel = bilans.creer_bilan(contrat, agent, TypeBilan.ANNUEL, 2025, conseils)
    bilans.modifier_textes(
        annuel,
        agent,
        "Première année pleine du contrat : le taux d'emploi progresse dans chaque quartier et les jeunes "
        "accompagnés dépassent la cible intermédiaire.",
        "Les actions d'insertion des jeunes portent leurs fruits ; l'effort doit maintenant aller vers les "
        "femmes éloignées de l'emploi et vers les conventions pluriannuelles, encore minoritaires.",
    )
    if habitant is not None and conseils:
        bilans.ecrire_avis(
            annuel,
            habitant,
            "Le conseil citoyen a été associé à chaque étape. Il demande que les chantiers d'insertion soient "
            "ouverts aux femmes du quartier et que les réunions se tiennent en soirée.",
        )
    bilans.soumettre(annuel, agent)
    bilans.valider(
        annuel,
        agent,
        timezone.localdate() - timedelta(days=45),
        "Le comité de pilotage valide le bilan annuel 2025 et demande un point d'étape sur les CPO.",
    )
    bilans.publier(annuel, agent)
    bilans.creer_bilan(contrat, agent, TypeBilan.MI_PARCOURS, conseils_citoyens=conseils)
    sortie(f"Évaluation : bilan annuel 2025 publié et bilan à mi-parcours 2027 en préparation pour {contrat.nom}.")
