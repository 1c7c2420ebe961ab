"""La concertation sur un contrat et les contributions, avec leur réponse publique et leur devenir."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from comptes.models import Organisation
from contrats.models.contrat import STATUTS_PUBLICS, ContratDeVille
from contrats.models.projet_territoire import Orientation, Section, VersionSection


class Public(models.TextChoices):
    SIGNATAIRES = "signataires", "Signataires du contrat"
    STRUCTURES = "structures", "Structures de l'ESS et associations"
    HABITANTS = "habitants", "Habitant·es des quartiers"


class Concertation(models.Model):
    """Une période pendant laquelle des publics choisis contribuent à des sections et orientations choisies."""

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="concertations", verbose_name="contrat"
    )
    titre = models.CharField("titre", max_length=255)
    description = models.TextField("présentation", blank=True)
    debut = models.DateField("début")
    fin = models.DateField("fin")
    publics = ArrayField(models.CharField(max_length=20, choices=Public.choices), verbose_name="publics")
    sections = models.ManyToManyField(Section, blank=True, related_name="concertations", verbose_name="sections")
    orientations = models.ManyToManyField(
        Orientation, blank=True, related_name="concertations", verbose_name="orientations"
    )
    ouverte_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ouverte_le = models.DateTimeField("ouverte le", default=timezone.now)
    close_le = models.DateTimeField("close le", null=True, blank=True)
    close_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motif_cloture = models.TextField("motif de la clôture", blank=True)
    # L'e-mail d'ouverture à ses publics : envoyé à l'ouverture, ou le jour du début par la tâche horaire.
    annoncee_le = models.DateTimeField("annoncée à ses publics le", null=True, blank=True)

    class Meta:
        verbose_name = "concertation"
        ordering = ["-debut", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fin__gte=models.F("debut")), name="concertation_dates")
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("contrats:concertation", args=[self.contrat.code, self.pk])

    def est_ouverte(self, jour=None) -> bool:
        jour = jour or timezone.localdate()
        return self.close_le is None and self.debut <= jour <= self.fin

    @property
    def libelles_publics(self) -> list[str]:
        return [Public(p).label for p in self.publics]


class RappelConcertation(models.Model):
    """Le rappel envoyé une fois aux publics d'une concertation trois jours avant sa fin (contrats/taches.py).

    Si la fin est repoussée, un nouveau rappel peut partir pour la nouvelle date. La contrainte d'unicité fait que
    deux workers ne l'envoient jamais deux fois : la ligne et ses e-mails sont écrits dans la même transaction."""

    concertation = models.ForeignKey(
        Concertation, on_delete=models.CASCADE, related_name="rappels", verbose_name="concertation"
    )
    fin = models.DateField("fin annoncée")
    nombre_destinataires = models.PositiveIntegerField("nombre de destinataires")
    envoye_le = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "rappel de fin de concertation"
        verbose_name_plural = "rappels de fin de concertation"
        ordering = ["-envoye_le"]
        constraints = [models.UniqueConstraint(fields=["concertation", "fin"], name="rappel_concertation_unique")]

    def __str__(self):
        return f"Rappel : {self.concertation} se termine le {self.fin:%d/%m/%Y}"


class StatutContribution(models.TextChoices):
    DEPOSEE = "deposee", "Déposée"
    EN_ANALYSE = "en_analyse", "En analyse"
    RETENUE = "retenue", "Retenue"
    PARTIELLEMENT_RETENUE = "partiellement_retenue", "Partiellement retenue"
    NON_RETENUE = "non_retenue", "Non retenue"


STATUTS_REPONDUS = {
    StatutContribution.RETENUE,
    StatutContribution.PARTIELLEMENT_RETENUE,
    StatutContribution.NON_RETENUE,
}
STATUTS_INTEGRES = {StatutContribution.RETENUE, StatutContribution.PARTIELLEMENT_RETENUE}
TRANSITIONS_CONTRIBUTION: dict[str, list[str]] = {
    StatutContribution.DEPOSEE: [StatutContribution.EN_ANALYSE, *sorted(STATUTS_REPONDUS)],
    StatutContribution.EN_ANALYSE: sorted(STATUTS_REPONDUS),
    StatutContribution.RETENUE: [],
    StatutContribution.PARTIELLEMENT_RETENUE: [],
    StatutContribution.NON_RETENUE: [],
}


# Les publics au-delà des signataires : ce qui se dit dans une concertation qui leur est ouverte est public dès
# le dépôt ; ce qui se dit entre signataires ne l'est qu'à la signature du contrat.
PUBLICS_OUVERTS = [Public.STRUCTURES, Public.HABITANTS]


class ContributionQuerySet(models.QuerySet):
    def publiques(self):
        """La règle unique de ce que le public voit des contributions (même règle que
        `Contribution.est_publique`) : celles d'un contrat signé (public), ou d'une concertation ouverte à
        d'autres publics que les signataires. Une contribution masquée y reste, sans son texte ni son auteur
        (les pages qui montrent des textes ajoutent `visibles()`)."""
        return self.filter(
            models.Q(concertation__contrat__statut__in=sorted(STATUTS_PUBLICS))
            | models.Q(concertation__publics__overlap=PUBLICS_OUVERTS)
        )

    def visibles(self):
        """Non masquées par la modération : leur texte peut être montré."""
        return self.filter(masquee=False)

    def repondues(self):
        return self.filter(statut__in=STATUTS_REPONDUS)


class Contribution(models.Model):
    """Ce qu'un participant propose sur une section ou une orientation, et ce que le porteur en a fait."""

    concertation = models.ForeignKey(
        Concertation, on_delete=models.CASCADE, related_name="contributions", verbose_name="concertation"
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="contributions", verbose_name="section"
    )
    orientation = models.ForeignKey(
        Orientation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name="orientation",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributions", verbose_name="auteur"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name="au nom de",
    )
    texte = models.TextField("contribution")
    proposition = models.TextField("rédaction proposée", blank=True)
    deposee_le = models.DateTimeField("déposée le", default=timezone.now)
    statut = models.CharField(
        "état", max_length=25, choices=StatutContribution.choices, default=StatutContribution.DEPOSEE
    )
    reponse = models.TextField("réponse publique", blank=True)
    repondue_le = models.DateTimeField("répondue le", null=True, blank=True)
    repondue_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version_integration = models.ForeignKey(
        VersionSection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions_integrees",
        verbose_name="version qui l'a intégrée",
    )
    masquee = models.BooleanField("masquée", default=False)
    motif_masquage = models.TextField("motif du masquage", blank=True)
    masquee_le = models.DateTimeField("masquée le", null=True, blank=True)
    masquee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = "contribution"
        ordering = ["-deposee_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(section__isnull=False) | models.Q(orientation__isnull=False),
                name="contribution_cible",
            ),
            models.CheckConstraint(
                condition=~models.Q(statut__in=sorted(STATUTS_REPONDUS)) | ~models.Q(reponse=""),
                name="contribution_reponse_publique",
                violation_error_message="Une contribution analysée a toujours une réponse publique.",
            ),
            models.CheckConstraint(
                condition=models.Q(masquee=False) | ~models.Q(motif_masquage=""),
                name="contribution_motif_masquage",
            ),
        ]
        indexes = [models.Index(fields=["concertation", "statut"])]

    def __str__(self):
        return f"Contribution {self.pk} de {self.auteur}"

    @property
    def est_publique(self) -> bool:
        """La règle de `ContributionQuerySet.publiques`, pour une contribution."""
        concertation = self.concertation
        return concertation.contrat.est_public or any(p in PUBLICS_OUVERTS for p in concertation.publics)

    @property
    def cible(self):
        return self.section or self.orientation

    @property
    def est_repondue(self) -> bool:
        return self.statut in STATUTS_REPONDUS

    @property
    def est_integrable(self) -> bool:
        return self.statut in STATUTS_INTEGRES

    def statuts_suivants(self) -> list[StatutContribution]:
        return [StatutContribution(s) for s in TRANSITIONS_CONTRIBUTION[self.statut]]


class JournalContribution(models.Model):
    """Une étape de la vie d'une contribution : changement d'état, masquage, intégration dans une version."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="journal", verbose_name="contribution"
    )
    date = models.DateTimeField("date", default=timezone.now)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    de_statut = models.CharField("état précédent", max_length=25, choices=StatutContribution.choices, blank=True)
    a_statut = models.CharField("nouvel état", max_length=25, choices=StatutContribution.choices, blank=True)
    evenement = models.CharField("événement", max_length=255)

    class Meta:
        verbose_name = "entrée du journal de la contribution"
        ordering = ["date", "pk"]

    def __str__(self):
        return self.evenement
