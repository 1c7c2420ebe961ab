"""Les modèles de l'évaluation, rangés par sous-domaine : le catalogue des indicateurs, leurs valeurs."""

from evaluation.models.indicateur import Agregation, Frequence, Indicateur, Sens, Unite
from evaluation.models.valeur import (
    DistributionNationale,
    LiaisonCompteRendu,
    NatureValeur,
    NiveauTerritoire,
    Origine,
    Valeur,
)

__all__ = [
    "Agregation",
    "DistributionNationale",
    "Frequence",
    "Indicateur",
    "LiaisonCompteRendu",
    "NatureValeur",
    "NiveauTerritoire",
    "Origine",
    "Sens",
    "Unite",
    "Valeur",
]
