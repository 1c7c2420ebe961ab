"""Les modèles des contrats de ville, rangés par sous-domaine."""

from contrats.models.avenants import (
    Avenant,
    DispositifNational,
    ModificationAvenant,
    StatutAvenant,
)
from contrats.models.concertation import (
    Concertation,
    Contribution,
    JournalContribution,
    Public,
    RappelConcertation,
    StatutContribution,
)
from contrats.models.contrat import ContratDeVille, JournalContrat, StatutContrat
from contrats.models.ess import (
    ConsultationService,
    DynamiqueCooperative,
    ServiceConsulte,
    StructureAssociee,
    TypeDynamique,
)
from contrats.models.gouvernance import InstanceGouvernance, Reunion, TypeInstance
from contrats.models.projet_territoire import (
    AxeTransversal,
    Etape,
    NiveauOrientation,
    Orientation,
    Pilier,
    Section,
    VersionSection,
)
from contrats.models.signataires import Engagement, Signataire

__all__ = [
    "Avenant",
    "DispositifNational",
    "ModificationAvenant",
    "StatutAvenant",
    "ConsultationService",
    "DynamiqueCooperative",
    "ServiceConsulte",
    "StructureAssociee",
    "TypeDynamique",
    "AxeTransversal",
    "Concertation",
    "ContratDeVille",
    "Contribution",
    "Engagement",
    "Etape",
    "InstanceGouvernance",
    "JournalContrat",
    "JournalContribution",
    "NiveauOrientation",
    "Orientation",
    "Pilier",
    "Public",
    "RappelConcertation",
    "Reunion",
    "Section",
    "Signataire",
    "StatutContrat",
    "StatutContribution",
    "TypeInstance",
    "VersionSection",
]
