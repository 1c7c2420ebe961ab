"""Le compte-rendu financier des tests : une CPO de deux ans en vigueur (l'an dernier et cette année) et un
contenu cohérent (fixtures `convention_cr` et `cr_depose` de tests/financements/conftest.py)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from financements.models import Convention, StatutConvention
from financements.services import comptes_rendus as services
from financements.services.conventions import creer_convention

ANNEE = timezone.localdate().year - 1

DONNEES = {
    "actions_realisees": "Quarante ateliers de réparation au pied des immeubles.",
    "ecarts": "Dix ateliers de moins : local indisponible en août.",
    "beneficiaires_nombre": 120,
    "beneficiaires_qpv": 90,
    "beneficiaires_femmes": 60,
    "beneficiaires_hommes": 55,
    "beneficiaires_par_age": {"jeunes": 40, "adultes": 70},
    "difficultes": "Recrutement de l'animateur.",
    "commentaires": "",
}
LIGNES = [
    {"compte": "64", "libelle": "Animateur", "prevu": Decimal("42000"), "realise": Decimal("39000")},
    {"compte": "74", "libelle": "État", "prevu": Decimal("30000"), "realise": Decimal("30000")},
]
INDICATEURS = [{"libelle": "Vélos réparés", "unite": "vélos", "cible": Decimal("500"), "valeur": Decimal("430")}]


def creer_convention_cr(decide, agent, epci, prefecture, structure):
    """Une CPO de deux ans (l'an dernier et cette année) en vigueur, entre les Ateliers, la métropole et l'État,
    pour l'action décidée, qui commence l'an dernier."""
    decide.date_debut = date(ANNEE, 1, 1)
    decide.save(update_fields=["date_debut"])
    convention = creer_convention(
        structure,
        agent,
        financeurs={epci: [Decimal("5000")] * 2, prefecture: [Decimal("15000")] * 2},
        annee_debut=ANNEE,
        nombre_annees=2,
        objet="la réalisation de l'action « Vélos solidaires »",
        dossiers=[decide],
    )
    Convention.objects.filter(pk=convention.pk).update(statut=StatutConvention.EN_VIGUEUR)
    convention.refresh_from_db()
    return convention


def enregistrer(convention, auteur, annee=ANNEE, deposer=False, **changements):
    return services.enregistrer(
        convention,
        annee,
        auteur,
        donnees={**DONNEES, **changements},
        lignes=LIGNES,
        indicateurs=INDICATEURS,
        deposer=deposer,
    )
