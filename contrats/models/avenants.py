"""Les avenants d'un contrat signé et les dispositifs nationaux auxquels un contrat participe.

Un contrat signé ne change plus que par avenant : l'avenant dit ce qui change et pourquoi, et porte le nouveau
texte des sections concernées. À son adoption (date, délibération), chaque nouveau texte devient une version de
sa section (`VersionSection`, message « Avenant n° N »).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from contrats.models.contrat import ContratDeVille
from contrats.models.projet_territoire import Section, VersionSection


class DispositifNational(models.TextChoices):
    """Les programmes nationaux de la politique de la ville auxquels un contrat peut participer.

    - Cité de l'emploi : coordination des acteurs de l'emploi autour des habitants des QPV ;
    - Quartiers productifs : développement économique et entrepreneuriat dans les QPV ;
    - Cités éducatives : alliance éducative de 0 à 25 ans autour des établissements des QPV ;
    - TZCLD : expérimentation « Territoires zéro chômeur de longue durée » ;
    - NPNRU : nouveau programme national de renouvellement urbain (ANRU) ;
    - France Services : guichets d'accès aux services publics ;
    - Programme de réussite éducative, Atelier santé ville, Contrat local de santé, Ville vie vacances,
      Bataillons de la prévention : les autres dispositifs courants des contrats de ville.
    """

    CITE_EMPLOI = "cite_emploi", "Cité de l'emploi"
    QUARTIERS_PRODUCTIFS = "quartiers_productifs", "Quartiers productifs"
    CITES_EDUCATIVES = "cites_educatives", "Cités éducatives"
    TZCLD = "tzcld", "Territoires zéro chômeur de longue durée (TZCLD)"
    NPNRU = "npnru", "Renouvellement urbain (NPNRU)"
    FRANCE_SERVICES = "france_services", "France Services"
    PRE = "pre", "Programme de réussite éducative"
    ASV = "asv", "Atelier santé ville"
    CLS = "cls", "Contrat local de santé"
    VVV = "vvv", "Ville vie vacances"
    BATAILLONS_PREVENTION = "bataillons_prevention", "Bataillons de la prévention"


def libelles_dispositifs(codes) -> list[str]:
    return [DispositifNational(code).label for code in codes if code in DispositifNational.values]


class StatutAvenant(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    ADOPTE = "adopte", "Adopté"


class Avenant(models.Model):
    contrat = models.ForeignKey(ContratDeVille, on_delete=models.CASCADE, related_name="avenants")
    numero = models.PositiveSmallIntegerField("numéro")
    objet = models.CharField("ce qui change", max_length=255)
    motif = models.TextField("pourquoi")
    statut = models.CharField("état", max_length=12, choices=StatutAvenant.choices, default=StatutAvenant.PREPARATION)
    date_adoption = models.DateField("date d'adoption", null=True, blank=True)
    reference = models.CharField("délibération ou référence", max_length=255, blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    adopte_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "avenant"
        ordering = ["contrat", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "numero"], name="avenant_contrat_numero_unique"),
            models.CheckConstraint(
                condition=models.Q(statut="preparation") | models.Q(date_adoption__isnull=False),
                name="avenant_contrat_adopte_date",
            ),
        ]

    def __str__(self):
        return f"Avenant n° {self.numero}"

    def get_absolute_url(self):
        return reverse("contrats:avenant", args=[self.contrat.code, self.numero])

    @property
    def adopte(self) -> bool:
        return self.statut == StatutAvenant.ADOPTE


class ModificationAvenant(models.Model):
    """Le nouveau texte d'une section, porté par un avenant ; `version` est créée à l'adoption."""

    avenant = models.ForeignKey(Avenant, on_delete=models.CASCADE, related_name="modifications")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+", verbose_name="section")
    texte = models.TextField("nouveau texte", blank=True)
    # Le texte remplacé, figé à l'adoption (avant, c'est celui de la section en vigueur).
    texte_avant = models.TextField("texte remplacé", blank=True)
    version = models.OneToOneField(
        VersionSection, on_delete=models.PROTECT, null=True, blank=True, related_name="avenant"
    )

    class Meta:
        verbose_name = "modification d'avenant"
        ordering = ["avenant", "section__ordre", "pk"]
        constraints = [models.UniqueConstraint(fields=["avenant", "section"], name="avenant_contrat_section_unique")]

    def __str__(self):
        return f"{self.avenant} — {self.section}"

    @property
    def ancien_texte(self) -> str:
        return self.texte_avant if self.version_id else self.section.texte
