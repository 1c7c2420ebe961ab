"""Les instances de gouvernance d'un contrat (comité de pilotage, comité technique, conseils citoyens) et
leurs réunions."""

from django.db import models

from contrats.models.contrat import ContratDeVille


class TypeInstance(models.TextChoices):
    COPIL = "copil", "Comité de pilotage"
    COTECH = "cotech", "Comité technique"
    CONSEIL_CITOYEN = "conseil_citoyen", "Conseil citoyen"
    AUTRE = "autre", "Autre instance"


class InstanceGouvernance(models.Model):
    """Une instance qui pilote, prépare ou accompagne le contrat."""

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="instances", verbose_name="contrat"
    )
    type = models.CharField("type", max_length=20, choices=TypeInstance.choices)
    nom = models.CharField("nom", max_length=255)
    composition = models.TextField("composition", blank=True)

    class Meta:
        verbose_name = "instance de gouvernance"
        verbose_name_plural = "instances de gouvernance"
        ordering = ["type", "nom"]

    def __str__(self):
        return self.nom


class Reunion(models.Model):
    """Une réunion d'une instance : date, participants, décisions et compte rendu."""

    instance = models.ForeignKey(
        InstanceGouvernance, on_delete=models.CASCADE, related_name="reunions", verbose_name="instance"
    )
    date = models.DateField("date")
    participants = models.TextField("participants", help_text="Une personne ou organisation par ligne.")
    decisions = models.TextField("décisions", blank=True)
    compte_rendu = models.TextField("compte rendu", blank=True)

    class Meta:
        verbose_name = "réunion"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.instance} du {self.date:%d/%m/%Y}"

    @property
    def liste_participants(self) -> list[str]:
        return [ligne.strip() for ligne in self.participants.splitlines() if ligne.strip()]
