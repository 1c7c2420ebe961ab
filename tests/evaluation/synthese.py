"""Un quartier rempli de tout ce que sa synthèse pour les élus affiche, sur le contrat de Rennes Métropole
(tests/contrats/fixtures.py) et son dossier décidé (tests/financements/conftest.py) : une ligne de base
officielle de chaque indicateur national et sa distribution nationale, trois années de taux d'emploi réalisé
(2024-2026) et une cible saisies pour le contrat (en exécution), rendues publiques par son bilan annuel 2026
publié, le périmètre du quartier, et un brouillon qui ne doit jamais s'y voir. `charger` ajoute ce qui remplit la
page au plus : deux autres indicateurs suivis sur cinq ans, que le bilan final publié expose."""

from decimal import Decimal

from contrats.models import ContratDeVille, StatutContrat
from evaluation.catalogue import NATIONAUX, champs_indicateur
from evaluation.models import DistributionNationale, Indicateur, NatureValeur, Origine, TypeBilan, Unite, Valeur
from evaluation.services import valeurs as services_valeurs
from evaluation.services.valeurs import Saisie, Territoire
from financements.services import dossiers as services_dossiers
from territoires.models import Qpv
from tests.evaluation.bilans_publies import publier_bilan

PERIMETRE = {
    "type": "MultiPolygon",
    "coordinates": [[[[-1.66, 48.12], [-1.64, 48.12], [-1.65, 48.13], [-1.66, 48.12]]]],
}
BROUILLON = "Projet secret encore en brouillon"


def remplir_quartier(decide, agent, membre_structure) -> Qpv:
    contrat = decide.appel.contrat
    ContratDeVille.objects.filter(pk=contrat.pk).update(statut=StatutContrat.EXECUTION)
    contrat.refresh_from_db()
    qpv = decide.qpv.get()
    Qpv.objects.filter(pk=qpv.pk).update(perimetre=PERIMETRE, emprise=[-1.66, 48.12, -1.64, 48.13])
    qpv.refresh_from_db()
    indicateurs = {
        d.code: Indicateur.objects.get_or_create(code=d.code, contrat=None, defaults=champs_indicateur(d))[0]
        for d in NATIONAUX
    }
    taux_emploi = indicateurs["taux_emploi"]
    for code, indicateur in indicateurs.items():
        base = Decimal("41.5") if code == "taux_emploi" else Decimal("12")
        Valeur.objects.create(
            indicateur=indicateur,
            niveau="qpv",
            qpv=qpv,
            cle_territoire=f"qpv:{qpv.code}",
            nature=NatureValeur.LIGNE_DE_BASE,
            valeur=base,
            origine=Origine.IMPORT,
        )
        DistributionNationale.objects.create(
            indicateur=indicateur,
            nombre_qpv=1300,
            premier_quartile=Decimal("38.2") if code == "taux_emploi" else Decimal("8"),
            mediane=Decimal("46.7") if code == "taux_emploi" else Decimal("11"),
            troisieme_quartile=Decimal("53.1") if code == "taux_emploi" else Decimal("14"),
        )
    for annee, valeur in ((2024, "41.5"), (2025, "43"), (2026, "44.5")):
        saisir(contrat, agent, qpv, taux_emploi, annee, NatureValeur.REALISE, valeur)
    saisir(contrat, agent, qpv, taux_emploi, 2030, NatureValeur.CIBLE, "50")
    publier_bilan(contrat, agent, TypeBilan.ANNUEL, 2026)
    brouillon = services_dossiers.creer_dossier(decide.appel, decide.structure, membre_structure, BROUILLON)
    brouillon.qpv.set([qpv])
    return qpv


def charger(qpv: Qpv, contrat, agent) -> None:
    """Deux autres indicateurs suivis cinq ans, avec leur cible : trois graphiques de tendance, la page pleine."""
    for code in ("taux_pauvrete_60", "taux_logements_sociaux"):
        indicateur = Indicateur.objects.get(code=code, contrat=None)
        for annee in range(2024, 2029):
            saisir(contrat, agent, qpv, indicateur, annee, NatureValeur.REALISE, str(30 + annee - 2024))
        saisir(contrat, agent, qpv, indicateur, 2030, NatureValeur.CIBLE, "25")
    publier_bilan(contrat, agent, TypeBilan.FINAL)


def saisir(contrat, agent, qpv, indicateur, annee, nature, valeur) -> Valeur:
    return services_valeurs.saisir_valeur(
        contrat,
        agent,
        Saisie(indicateur, Territoire("qpv", qpv_id=qpv.code), annee, nature, Decimal(valeur), unite=Unite.POURCENTAGE),
    )
