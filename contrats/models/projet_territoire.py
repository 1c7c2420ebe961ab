"""Le projet de territoire : des sections rédigées à plusieurs, versionnées, et l'arbre des orientations."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse

from acteurs_ess.choix import AxeTransversal, Pilier
from contrats.models.contrat import ContratDeVille
from territoires.models import Qpv


class Etape(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic partagé"
    ORIENTATIONS = "orientations", "Orientations stratégiques"
    PROGRAMME = "programme", "Programme d'actions"
    GOUVERNANCE = "gouvernance", "Gouvernance"
    EVALUATION = "evaluation", "Évaluation"


class SectionManager(models.Manager):
    """Les sections en place : une section supprimée garde ses versions et se restaure, mais n'apparaît plus
    nulle part (page et PDF du contrat, concertations) ; `Section.toutes` les lit toutes."""

    def get_queryset(self):
        return super().get_queryset().filter(supprimee_le__isnull=True)


class Section(models.Model):
    """Une section du projet de territoire (par exemple « Emploi et insertion » du diagnostic partagé).

    `texte` et `numero` reprennent la dernière version, pour afficher le contrat sans relire l'historique.
    """

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="sections", verbose_name="contrat"
    )
    etape = models.CharField("étape", max_length=20, choices=Etape.choices)
    titre = models.CharField("titre", max_length=255)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    texte = models.TextField("texte", blank=True)
    numero = models.PositiveIntegerField("numéro de la version courante", default=0)
    modifiee_le = models.DateTimeField("modifiée le", null=True, blank=True)
    modifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supprimee_le = models.DateTimeField("supprimée le", null=True, blank=True)
    supprimee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    toutes = models.Manager()
    objects = SectionManager()

    class Meta:
        verbose_name = "section du projet de territoire"
        verbose_name_plural = "sections du projet de territoire"
        ordering = ["contrat", "ordre", "pk"]
        default_manager_name = "objects"
        # Les objets liés (versions, contributions) relisent leur section même supprimée.
        base_manager_name = "toutes"

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("contrats:section", args=[self.contrat.code, self.pk])

    @property
    def ancre(self) -> str:
        return f"section-{self.pk}"


class VersionSection(models.Model):
    """Un enregistrement d'une section : chaque sauvegarde crée une version, jamais modifiée ensuite."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="versions", verbose_name="section")
    numero = models.PositiveIntegerField("numéro")
    texte = models.TextField("texte", blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    cree_le = models.DateTimeField("enregistrée le")
    message = models.CharField("message", max_length=255, blank=True, help_text="Ce qui a changé, en une ligne.")
    restauree_de = models.PositiveIntegerField("restaure la version", null=True, blank=True)

    class Meta:
        verbose_name = "version de section"
        verbose_name_plural = "versions de section"
        ordering = ["section", "-numero"]
        constraints = [models.UniqueConstraint(fields=["section", "numero"], name="version_section_unique")]

    def __str__(self):
        return f"{self.section} — version {self.numero}"


class NiveauOrientation(models.TextChoices):
    ORIENTATION = "orientation", "Orientation stratégique"
    OBJECTIF = "objectif", "Objectif opérationnel"


class Orientation(models.Model):
    """Une orientation stratégique, ou un objectif opérationnel qui la décline (arbre à deux niveaux)."""

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="orientations", verbose_name="contrat"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objectifs",
        verbose_name="orientation stratégique",
    )
    niveau = models.CharField("niveau", max_length=12, choices=NiveauOrientation.choices)
    titre = models.CharField("titre", max_length=255)
    description = models.TextField("description", blank=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    piliers = ArrayField(
        models.CharField(max_length=30, choices=Pilier.choices), default=list, blank=True, verbose_name="piliers"
    )
    axes = ArrayField(
        models.CharField(max_length=20, choices=AxeTransversal.choices),
        default=list,
        blank=True,
        verbose_name="axes transversaux",
    )
    qpv = models.ManyToManyField(Qpv, blank=True, related_name="orientations", verbose_name="QPV concernés")

    class Meta:
        verbose_name = "orientation"
        ordering = ["contrat", "ordre", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(niveau="orientation", parent__isnull=True)
                | models.Q(niveau="objectif", parent__isnull=False),
                name="orientation_niveau_parent",
            )
        ]

    def __str__(self):
        return self.titre

    @property
    def libelles_piliers(self) -> list[str]:
        return [Pilier(p).label for p in self.piliers]

    @property
    def libelles_axes(self) -> list[str]:
        return [AxeTransversal(a).label for a in self.axes]
