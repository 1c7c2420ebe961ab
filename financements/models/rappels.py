"""Les rappels par date envoyés au sujet d'un dossier (tâches périodiques de financements/taches.py)."""

from django.db import models
from django.utils import timezone

from financements.models.dossier import Dossier


class MotifRappel(models.TextChoices):
    CLOTURE_APPEL = "cloture_appel", "Clôture de l'appel proche, dossier en brouillon"
    DECISION_ATTENDUE = "decision_attendue", "Décision attendue depuis plus de 30 jours"


class RappelDossier(models.Model):
    """Un rappel envoyé une fois pour un dossier : aux membres de la structure dont le brouillon n'est pas déposé
    une semaine avant la clôture, ou aux instructeurs d'un dossier qui attend une décision depuis un mois.

    L'échéance est la date qui a déclenché le rappel (la clôture de l'appel, le dépôt du dossier) : si elle change
    (clôture repoussée, dossier redéposé après correction), un nouveau rappel peut partir. La contrainte d'unicité
    fait que deux workers ne l'envoient jamais deux fois : la ligne et ses e-mails sont écrits dans la même
    transaction."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="rappels", verbose_name="dossier")
    motif = models.CharField("motif", max_length=20, choices=MotifRappel.choices)
    echeance = models.DateField("échéance", help_text="Clôture de l'appel ou dépôt du dossier.")
    nombre_destinataires = models.PositiveIntegerField("nombre de destinataires")
    envoye_le = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "rappel d'un dossier"
        verbose_name_plural = "rappels des dossiers"
        ordering = ["-envoye_le"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "motif", "echeance"], name="rappel_dossier_unique"),
        ]

    def __str__(self):
        return f"{self.get_motif_display()} : {self.dossier}"


class MotifRappelCompteRendu(models.TextChoices):
    J30 = "j30", "Compte-rendu dû dans trente jours"
    J7 = "j7", "Compte-rendu dû dans sept jours"
    RETARD = "retard", "Compte-rendu en retard"


class RappelCompteRendu(models.Model):
    """Un rappel envoyé une fois aux membres de la structure pour le compte-rendu financier d'une année de la
    convention : trente jours et sept jours avant l'échéance (30 juin de l'année suivante), puis en retard. La
    contrainte d'unicité fait que deux workers ne l'envoient jamais deux fois (la ligne et ses e-mails sont
    écrits dans la même transaction, comme `RappelDossier`)."""

    convention = models.ForeignKey(
        "financements.Convention", on_delete=models.CASCADE, related_name="rappels_comptes_rendus"
    )
    annee = models.PositiveSmallIntegerField("année du compte-rendu")
    motif = models.CharField("motif", max_length=10, choices=MotifRappelCompteRendu.choices)
    nombre_destinataires = models.PositiveIntegerField("nombre de destinataires")
    envoye_le = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "rappel d'un compte-rendu"
        verbose_name_plural = "rappels des comptes-rendus"
        ordering = ["-envoye_le"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "annee", "motif"], name="rappel_compte_rendu_unique"),
        ]

    def __str__(self):
        return f"{self.get_motif_display()} : {self.annee}, convention {self.convention_id}"
