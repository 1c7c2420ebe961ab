"""L'inscription de l'économie sociale et solidaire dans le contrat (recommandations du RTES, 2022) :
services consultés, dynamiques coopératives intégrées, structures de l'ESS associées."""

from django.conf import settings
from django.db import models

from acteurs_ess.models import Collectif, Structure
from contrats.models.contrat import ContratDeVille


class ServiceConsulte(models.TextChoices):
    COHESION_SOCIALE = "cohesion_sociale", "Cohésion sociale / politique de la ville"
    DEVELOPPEMENT_ECONOMIQUE = "developpement_economique", "Développement économique / ESS"
    ACHATS = "achats", "Achats / commande publique"


class TypeDynamique(models.TextChoices):
    PTCE = "ptce", "PTCE (pôle territorial de coopération économique)"
    FABRIQUE = "fabrique", "Fabrique à initiatives"
    SCIC = "scic", "SCIC (société coopérative d'intérêt collectif)"


class ConsultationService(models.Model):
    """La consultation d'un service de la collectivité pendant l'élaboration du projet de territoire."""

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="consultations_ess", verbose_name="contrat"
    )
    service = models.CharField("service", max_length=30, choices=ServiceConsulte.choices)
    date = models.DateField("date")
    apport = models.TextField("ce que le service a apporté")
    saisie_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "consultation d'un service"
        ordering = ["service", "date"]

    def __str__(self):
        return f"{self.get_service_display()} ({self.date:%d/%m/%Y})"


class DynamiqueCooperative(models.Model):
    """Une dynamique coopérative du territoire intégrée au projet : PTCE, Fabrique à initiatives, SCIC."""

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="dynamiques_cooperatives", verbose_name="contrat"
    )
    type = models.CharField("type", max_length=20, choices=TypeDynamique.choices)
    collectif = models.ForeignKey(
        Collectif,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contrats",
        verbose_name="collectif de l'annuaire",
    )
    nom = models.CharField("nom", max_length=255, blank=True, help_text="Si le collectif n'est pas dans l'annuaire.")
    integration = models.TextField("comment elle est intégrée", blank=True)

    class Meta:
        verbose_name = "dynamique coopérative"
        ordering = ["type", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(collectif__isnull=False) | ~models.Q(nom=""), name="dynamique_nommee"
            )
        ]

    def __str__(self):
        return self.collectif.nom if self.collectif_id else self.nom


class StructureAssociee(models.Model):
    """Une structure de l'ESS associée comme partie prenante du projet de territoire."""

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="structures_ess", verbose_name="contrat"
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="contrats_associes", verbose_name="structure"
    )
    role = models.CharField("rôle dans le projet", max_length=255, blank=True)

    class Meta:
        verbose_name = "structure de l'ESS associée"
        verbose_name_plural = "structures de l'ESS associées"
        ordering = ["structure__raison_sociale"]
        constraints = [models.UniqueConstraint(fields=["contrat", "structure"], name="structure_associee_unique")]

    def __str__(self):
        return str(self.structure)
