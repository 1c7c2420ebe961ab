"""Les signataires d'un contrat de ville et leurs engagements."""

from django.db import models

from comptes.models import Organisation
from contrats.models.contrat import ContratDeVille


class Signataire(models.Model):
    """Une organisation qui signe le contrat (État, EPCI, communes, département, région, bailleurs, CAF…)."""

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="signataires", verbose_name="contrat"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signatures", verbose_name="organisation"
    )
    signe_par = models.CharField("signé par", max_length=255, blank=True, help_text="Nom et qualité du signataire.")
    date_signature = models.DateField("date de signature", null=True, blank=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "signataire"
        ordering = ["ordre", "organisation__nom"]
        constraints = [models.UniqueConstraint(fields=["contrat", "organisation"], name="signataire_unique")]

    def __str__(self):
        return f"{self.organisation} — {self.contrat.code}"


class Engagement(models.Model):
    """Ce qu'un signataire s'engage à faire, avec son montant quand il est chiffré."""

    signataire = models.ForeignKey(
        Signataire, on_delete=models.CASCADE, related_name="engagements", verbose_name="signataire"
    )
    texte = models.TextField("engagement")
    montant = models.DecimalField("montant (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "engagement"
        ordering = ["ordre", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant__isnull=True) | models.Q(montant__gte=0), name="engagement_montant_positif"
            )
        ]

    def __str__(self):
        return self.texte[:80]
