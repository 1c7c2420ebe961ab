"""L'appel à projets d'un contrat de ville : ses priorités, ses QPV, ses financeurs et leur enveloppe."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

# Les types de pièces vivent dans l'annuaire : le coffre-fort des structures s'en sert aussi.
from acteurs_ess.choix import TypePiece
from comptes.models import Organisation
from config.lib.euros import euros
from contrats.models.contrat import ContratDeVille
from contrats.models.projet_territoire import Orientation
from territoires.models import Qpv

MONTANT_MAXIMUM = 10_000_000
VALIDATEURS_MONTANT = [
    MinValueValidator(0, message="Un montant ne peut pas être négatif."),
    MaxValueValidator(MONTANT_MAXIMUM, message="Un montant de plus de 10 millions d'euros n'est pas plausible ici."),
]


class AppelAProjetsQuerySet(models.QuerySet):
    def publies(self):
        return self.filter(publie_le__isnull=False)

    def ouverts_ou_a_venir(self, jour=None):
        """Les appels publiés, ni clos avant terme ni passés : ouverts aujourd'hui ou qui ouvriront."""
        jour = jour or timezone.localdate()
        return self.publies().filter(clos_le__isnull=True, cloture__gte=jour)


class AppelAProjets(models.Model):
    """Un appel à projets lancé dans le cadre d'un contrat de ville, pour une année : les structures y
    déposent des dossiers que tous les financeurs participants instruisent ensemble."""

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="appels_a_projets", verbose_name="contrat"
    )
    titre = models.CharField("titre", max_length=255)
    annee = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2024), MaxValueValidator(2040)])
    description = models.TextField("présentation", blank=True)
    ouverture = models.DateField("ouverture des dépôts")
    cloture = models.DateField("clôture des dépôts", help_text="Dernier jour pour déposer un dossier.")
    priorites = models.ManyToManyField(
        Orientation,
        blank=True,
        related_name="appels_a_projets",
        verbose_name="priorités (orientations, objectifs)",
        db_table="contrats_appelaprojets_priorites",
    )
    qpv = models.ManyToManyField(
        Qpv,
        blank=True,
        related_name="appels_a_projets",
        verbose_name="QPV éligibles",
        db_table="contrats_appelaprojets_qpv",
    )
    pieces_demandees = ArrayField(
        models.CharField(max_length=20, choices=TypePiece.choices),
        default=list,
        blank=True,
        verbose_name="pièces demandées",
    )
    reponses_collectives = models.BooleanField(
        "réponses collectives encouragées",
        default=True,
        help_text="Plusieurs structures déposent ensemble un projet (co-porteurs), comme le demande le RTES.",
    )
    modalites_collectives = models.TextField("comment les réponses collectives sont favorisées", blank=True)
    publie_le = models.DateTimeField("publié le", null=True, blank=True)
    # Une clôture avant terme : les dépôts s'arrêtent aussitôt, la date de clôture prévue reste lisible.
    clos_le = models.DateTimeField("clos avant terme le", null=True, blank=True)
    motif_cloture = models.TextField("motif de la clôture anticipée", blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="créé par"
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)

    objects = AppelAProjetsQuerySet.as_manager()

    class Meta:
        db_table = "contrats_appelaprojets"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        ordering = ["-annee", "titre"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cloture__gte=models.F("ouverture")), name="appel_periode"),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("financements:appel", args=[self.pk])

    @property
    def est_publie(self) -> bool:
        return self.publie_le is not None

    @property
    def est_clos_avant_terme(self) -> bool:
        return self.clos_le is not None

    def est_clos(self, jour=None) -> bool:
        """Plus aucun dépôt : clos avant terme, ou la date de clôture passée."""
        jour = jour or timezone.localdate()
        return self.est_clos_avant_terme or jour > self.cloture

    def est_ouvert(self, jour=None) -> bool:
        jour = jour or timezone.localdate()
        return self.est_publie and not self.est_clos_avant_terme and self.ouverture <= jour <= self.cloture

    def get_pieces_demandees_display(self) -> list[str]:
        return [TypePiece(code).label for code in self.pieces_demandees]


class FinanceurAppel(models.Model):
    """Un financeur qui participe à l'appel à projets, avec l'enveloppe qu'il y consacre ; pour l'État, si
    cette enveloppe relève du programme 147 « politique de la ville »."""

    appel = models.ForeignKey(AppelAProjets, on_delete=models.CASCADE, related_name="financeurs", verbose_name="appel")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations_appels", verbose_name="financeur"
    )
    enveloppe = models.DecimalField("enveloppe (€)", max_digits=12, decimal_places=2, validators=VALIDATEURS_MONTANT)
    dispositif = models.CharField(
        "dispositif d'aide",
        max_length=255,
        blank=True,
        help_text="Par exemple « Crédits politique de la ville (BOP 147) ».",
    )
    # Les crédits de l'État au titre du programme 147 « politique de la ville » : ceux que la circulaire du
    # 31 août 2023 veut voir aller pour moitié aux associations par des CPO (tableau de l'État).
    programme_147 = models.BooleanField(
        "programme 147 — politique de la ville",
        default=False,
        help_text="Enveloppe de l'État au titre du programme 147 « politique de la ville ».",
    )

    class Meta:
        db_table = "contrats_financeurappel"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "financeur de l'appel"
        verbose_name_plural = "financeurs de l'appel"
        ordering = ["organisation__nom"]
        constraints = [
            models.UniqueConstraint(fields=["appel", "organisation"], name="financeur_appel_unique"),
            models.CheckConstraint(condition=models.Q(enveloppe__gte=0), name="financeur_appel_enveloppe_positive"),
        ]

    def __str__(self):
        return f"{self.organisation} — {euros(self.enveloppe)}"


class EvenementAppel(models.TextChoices):
    MODIFICATION = "modification", "Modification"
    PROLONGATION = "prolongation", "Prolongation"
    CLOTURE = "cloture", "Clôture avant terme"


class JournalAppel(models.Model):
    """Une modification d'un appel publié : qui, quand, quoi (les valeurs avant et après), pourquoi."""

    appel = models.ForeignKey(AppelAProjets, on_delete=models.CASCADE, related_name="journal", verbose_name="appel")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evenement = models.CharField("événement", max_length=20, choices=EvenementAppel.choices)
    # {libellé du champ: [avant, après]}, valeurs déjà mises en texte pour la lecture.
    changements = models.JSONField("changements", default=dict, blank=True)
    motif = models.TextField("motif", blank=True)
    cree_le = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "entrée du journal de l'appel"
        verbose_name_plural = "journal de l'appel"
        ordering = ["-cree_le", "-pk"]

    def __str__(self):
        return f"{self.get_evenement_display()} — {self.appel}"
