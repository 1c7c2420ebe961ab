"""Les modèles de l'évaluation, rangés par sous-domaine : le catalogue des indicateurs, leurs valeurs."""

from evaluation.models.bilan import (
    ANNEE_MI_PARCOURS,
    TRANSITIONS_BILAN,
    Bilan,
    CommentaireBilan,
    JournalBilan,
    StatutBilan,
    TypeBilan,
)
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
    "ANNEE_MI_PARCOURS",
    "TRANSITIONS_BILAN",
    "Bilan",
    "CommentaireBilan",
    "JournalBilan",
    "StatutBilan",
    "TypeBilan",
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
