"""Le catalogue national : les indicateurs des statistiques INSEE/ANCT des QPV 2024 (`qpv_2024_indicateurs.csv`),
chacun nommé par la colonne du fichier qui le porte. Les plages plausibles sont celles de la définition (un
taux entre 0 et 100 %) : le fichier a des taux de logements sociaux au-delà de 100 %, importés et signalés."""

from dataclasses import dataclass
from decimal import Decimal

from evaluation.models import Agregation, Frequence, Sens, Unite

SOURCE = "INSEE / ANCT, statistiques des quartiers prioritaires 2024"
PRODUCTEUR = "INSEE, ANCT (Observatoire national de la politique de la ville)"


@dataclass(frozen=True)
class DefinitionNationale:
    code: str
    nom: str
    definition: str
    unite: str
    sens: str
    agregation: str
    plage_min: Decimal | None
    plage_max: Decimal | None
    methode: str = ""


def _effectif(code: str, nom: str, definition: str, sens: str = Sens.NEUTRE) -> DefinitionNationale:
    return DefinitionNationale(code, nom, definition, Unite.NOMBRE, sens, Agregation.SOMME, Decimal(0), None)


def _taux(code: str, nom: str, definition: str, sens: str, methode: str = "") -> DefinitionNationale:
    return DefinitionNationale(
        code, nom, definition, Unite.POURCENTAGE, sens, Agregation.AUCUNE, Decimal(0), Decimal(100), methode
    )


NATIONAUX: list[DefinitionNationale] = [
    _effectif("population_municipale", "Population municipale", "Habitants du quartier (recensement)."),
    DefinitionNationale(
        "indice_jeunesse",
        "Indice de jeunesse",
        "Rapport entre les moins de 20 ans et les 60 ans et plus.",
        Unite.INDICE,
        Sens.NEUTRE,
        Agregation.AUCUNE,
        Decimal(0),
        Decimal(15),
        "Population de moins de 20 ans divisée par la population de 60 ans et plus.",
    ),
    _effectif("nombre_menages", "Nombre de ménages", "Ménages fiscaux du quartier."),
    _effectif("nombre_logements_sociaux", "Nombre de logements sociaux", "Logements du parc social du quartier."),
    _taux(
        "taux_logements_sociaux",
        "Taux de logements sociaux",
        "Part des logements sociaux dans les résidences principales du quartier.",
        Sens.NEUTRE,
        "Logements sociaux divisés par les résidences principales, en %. Les deux termes viennent de sources "
        "différentes : le taux publié peut dépasser 100 %.",
    ),
    _taux("taux_emploi", "Taux d'emploi", "Part des 15-64 ans qui ont un emploi.", Sens.HAUSSE),
    _taux(
        "taux_pauvrete_60",
        "Taux de pauvreté (seuil à 60 %)",
        "Part de la population sous le seuil de pauvreté (60 % du revenu médian).",
        Sens.BAISSE,
    ),
    _effectif(
        "personnes_couvertes_caf", "Personnes couvertes par la CAF", "Allocataires, conjoints et personnes à charge."
    ),
    _effectif("allocataires_caf", "Allocataires de la CAF", "Foyers allocataires d'au moins une prestation."),
    _effectif(
        "allocataires_rsa_socle",
        "Allocataires du RSA socle",
        "Foyers allocataires du revenu de solidarité active socle.",
        Sens.BAISSE,
    ),
]
COLONNES_INDICATEURS = [d.code for d in NATIONAUX]


def champs_indicateur(definition: DefinitionNationale) -> dict:
    return {
        "nom": definition.nom,
        "definition": definition.definition,
        "unite": definition.unite,
        "sens": definition.sens,
        "agregation": definition.agregation,
        "source": SOURCE,
        "producteur": PRODUCTEUR,
        "methode": definition.methode,
        "frequence": Frequence.PLURIANNUELLE,
        "plage_min": definition.plage_min,
        "plage_max": definition.plage_max,
    }
