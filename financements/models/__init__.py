"""Les modèles des financements, rangés par sous-domaine : appels à projets, dossiers, instruction."""

from financements.models.appel_a_projets import AppelAProjets, FinanceurAppel, TypePiece
from financements.models.convention import (
    ArticleConvention,
    Avenant,
    Convention,
    ConventionMontant,
    JournalConvention,
    ObjectifConvention,
    PartieFinanceur,
    SignatureConvention,
    StatutAvenant,
    StatutConvention,
    TypeSubvention,
)
from financements.models.dossier import (
    CoPorteur,
    Dossier,
    Financement,
    Issue,
    JournalDossier,
    LigneBudget,
    PieceJointe,
    StatutDossier,
    VisibiliteJournal,
)
from financements.models.instruction import AvisInstruction, DecisionFinanceur, Message, NoteInstruction
from financements.models.rappels import MotifRappel, RappelDossier

__all__ = [
    "Avenant",
    "StatutAvenant",
    "ArticleConvention",
    "Convention",
    "ConventionMontant",
    "JournalConvention",
    "ObjectifConvention",
    "PartieFinanceur",
    "SignatureConvention",
    "StatutConvention",
    "TypeSubvention",
    "AppelAProjets",
    "AvisInstruction",
    "CoPorteur",
    "DecisionFinanceur",
    "Dossier",
    "Financement",
    "FinanceurAppel",
    "Issue",
    "JournalDossier",
    "LigneBudget",
    "Message",
    "MotifRappel",
    "NoteInstruction",
    "PieceJointe",
    "RappelDossier",
    "StatutDossier",
    "TypePiece",
    "VisibiliteJournal",
]
