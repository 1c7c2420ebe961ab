"""L'inscription de l'ESS dans un contrat : ce que la collectivité porteuse consigne, et ce qui manque encore
au regard des recommandations du RTES (services consultés, dynamiques coopératives, acteurs associés)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from contrats.models import (
    ConsultationService,
    ContratDeVille,
    DynamiqueCooperative,
    ServiceConsulte,
    StructureAssociee,
    TypeDynamique,
)
from contrats.permissions import peut_modifier_contrat

REFUS = "Seuls les agents de la collectivité porteuse renseignent l'inscription de l'ESS dans le contrat."


@dataclass
class BilanEss:
    consultations: list[ConsultationService]
    dynamiques: list[DynamiqueCooperative]
    structures: list[StructureAssociee]

    def manques(self) -> list[str]:
        """Ce qui manque encore, en phrases à afficher telles quelles."""
        manques = []
        consultes = {c.service for c in self.consultations}
        for service in ServiceConsulte:
            if service not in consultes:
                manques.append(f"Le service « {service.label} » n'a pas été consulté.")
        types = {d.type for d in self.dynamiques}
        if not types:
            manques.append("Aucune dynamique coopérative (PTCE, Fabrique à initiatives, SCIC) n'est intégrée.")
        else:
            absents = [t.label for t in TypeDynamique if t not in types]
            if absents:
                manques.append("Pas encore de dynamique de type : " + ", ".join(absents) + ".")
        if not self.structures:
            manques.append("Aucune structure de l'ESS n'est associée comme partie prenante.")
        return manques


def bilan(contrat: ContratDeVille) -> BilanEss:
    return BilanEss(
        consultations=list(contrat.consultations_ess.all()),
        dynamiques=list(contrat.dynamiques_cooperatives.select_related("collectif")),
        structures=list(contrat.structures_ess.select_related("structure")),
    )


def _verifier(auteur, contrat) -> None:
    if not peut_modifier_contrat(auteur, contrat):
        raise PermissionDenied(REFUS)


@transaction.atomic
def consigner_consultation(contrat, auteur, service: str, date, apport: str) -> ConsultationService:
    _verifier(auteur, contrat)
    if not (apport or "").strip():
        raise ValidationError("Indiquez ce que le service a apporté au projet de territoire.")
    return ConsultationService.objects.create(
        contrat=contrat, service=service, date=date, apport=apport.strip(), saisie_par=auteur
    )


@transaction.atomic
def integrer_dynamique(contrat, auteur, type_: str, collectif=None, nom: str = "", integration: str = ""):
    _verifier(auteur, contrat)
    if collectif is None and not nom.strip():
        raise ValidationError("Choisissez un collectif de l'annuaire ou donnez le nom de la dynamique.")
    return DynamiqueCooperative.objects.create(
        contrat=contrat, type=type_, collectif=collectif, nom=nom.strip(), integration=integration.strip()
    )


@transaction.atomic
def associer_structure(contrat, auteur, structure, role: str = "") -> StructureAssociee:
    _verifier(auteur, contrat)
    if contrat.structures_ess.filter(structure=structure).exists():
        raise ValidationError(f"{structure} est déjà associée à ce contrat.")
    return StructureAssociee.objects.create(contrat=contrat, structure=structure, role=role.strip())
