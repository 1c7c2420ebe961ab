"""L'instruction d'un dossier par ses co-financeurs : messages avec le porteur, notes internes, avis et
décisions de chaque financeur sur sa part."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from comptes.models import Organisation
from config.lib.euros import euros
from financements.models.appel_a_projets import VALIDATEURS_MONTANT
from financements.models.dossier import Dossier, Financement


class Message(models.Model):
    """Un message du fil d'échanges entre les instructeurs et le porteur (pièces jointes possibles)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages", verbose_name="dossier")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="au nom de"
    )
    texte = models.TextField("message")
    cree_le = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        db_table = "contrats_message"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "message"
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return self.texte[:80]


class NoteInstruction(models.Model):
    """Une note interne, lue par les seuls instructeurs du dossier (jamais par le porteur)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notes", verbose_name="dossier")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="service")
    texte = models.TextField("note")
    cree_le = models.DateTimeField("écrite le", default=timezone.now)

    class Meta:
        db_table = "contrats_noteinstruction"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "note d'instruction"
        verbose_name_plural = "notes d'instruction"
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return self.texte[:80]


class SensAvis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVE = "reserve", "Réservé"
    DEFAVORABLE = "defavorable", "Défavorable"


class AvisInstruction(models.Model):
    """L'avis d'un financeur (ou de la collectivité porteuse) sur le dossier, avec le montant qu'il propose.
    Un avis par organisation ; le modifier remplace le précédent (le journal garde la trace)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="avis", verbose_name="dossier")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="service")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sens = models.CharField("avis", max_length=12, choices=SensAvis.choices)
    montant_propose = models.DecimalField(
        "montant proposé (€)", max_digits=12, decimal_places=2, null=True, blank=True, validators=VALIDATEURS_MONTANT
    )
    commentaire = models.TextField("motivation", blank=True)
    cree_le = models.DateTimeField("donné le", default=timezone.now)

    class Meta:
        db_table = "contrats_avisinstruction"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "avis d'instruction"
        verbose_name_plural = "avis d'instruction"
        ordering = ["organisation__nom"]
        constraints = [models.UniqueConstraint(fields=["dossier", "organisation"], name="avis_unique")]

    def __str__(self):
        return f"{self.organisation} : {self.get_sens_display()}"


class NatureAide(models.TextChoices):
    NUMERAIRE = "aide en numéraire", "Aide en numéraire"
    NATURE = "aide en nature", "Aide en nature"


class ConditionsVersement(models.TextChoices):
    UNIQUE = "unique", "Versement unique"
    ECHELONNE = "échelonné", "Versement échelonné"


class DecisionFinanceur(models.Model):
    """La décision d'un financeur sur sa part : le montant qu'il accorde (0 pour un refus).

    Une décision n'est jamais effacée : sa ligne de financement (et donc le dossier) ne se supprime plus, et le
    porteur ne peut ni modifier ni retirer la demande faite à ce financeur."""

    financement = models.OneToOneField(
        Financement, on_delete=models.PROTECT, related_name="decision", verbose_name="financement"
    )
    montant = models.DecimalField(
        "montant accordé (€)", max_digits=12, decimal_places=2, validators=VALIDATEURS_MONTANT
    )
    reference = models.CharField("référence de la décision", max_length=100, blank=True)
    nature = models.CharField(
        "nature de l'aide", max_length=20, choices=NatureAide.choices, default=NatureAide.NUMERAIRE
    )
    conditions_versement = models.CharField(
        "conditions de versement",
        max_length=10,
        choices=ConditionsVersement.choices,
        default=ConditionsVersement.UNIQUE,
    )
    motif = models.TextField("motivation", blank=True)
    decide_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decide_le = models.DateTimeField("décidé le", default=timezone.now)

    class Meta:
        db_table = "contrats_decisionfinanceur"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "décision d'un financeur"
        verbose_name_plural = "décisions des financeurs"
        constraints = [models.CheckConstraint(condition=models.Q(montant__gte=0), name="decision_montant_positif")]

    def __str__(self):
        return f"{self.financement.financeur_id} : {euros(self.montant)}"
