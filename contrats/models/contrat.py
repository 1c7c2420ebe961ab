"""Le contrat de ville et le journal de ses changements d'état."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from config.lib.etats import changer_etat
from territoires.models import Commune, Departement, Epci, Qpv


class StatutContrat(models.TextChoices):
    ELABORATION = "elaboration", "En élaboration"
    CONCERTATION = "concertation", "En concertation"
    VALIDATION = "validation", "En validation"
    SIGNE = "signe", "Signé"
    EXECUTION = "execution", "En exécution"
    CLOS = "clos", "Clos"


# Les transitions permises : on avance d'une étape, ou l'on revient en arrière avant la signature
# (une concertation qui fait reprendre la rédaction, une validation qui renvoie en concertation).
TRANSITIONS: dict[str, list[str]] = {
    StatutContrat.ELABORATION: [StatutContrat.CONCERTATION, StatutContrat.VALIDATION],
    StatutContrat.CONCERTATION: [StatutContrat.VALIDATION, StatutContrat.ELABORATION],
    StatutContrat.VALIDATION: [StatutContrat.SIGNE, StatutContrat.CONCERTATION, StatutContrat.ELABORATION],
    StatutContrat.SIGNE: [StatutContrat.EXECUTION],
    StatutContrat.EXECUTION: [StatutContrat.CLOS],
    StatutContrat.CLOS: [],
}
# Un contrat signé est public ; son texte ne change plus que par avenant.
STATUTS_PUBLICS = {StatutContrat.SIGNE, StatutContrat.EXECUTION, StatutContrat.CLOS}
STATUTS_REDACTION = {StatutContrat.ELABORATION, StatutContrat.CONCERTATION, StatutContrat.VALIDATION}


class TypePorteur(models.TextChoices):
    EPCI = "epci", "Intercommunalité (EPCI, EPT)"
    COMMUNE = "commune", "Commune"


class ContratDeVilleQuerySet(models.QuerySet):
    def publics(self):
        return self.filter(statut__in=STATUTS_PUBLICS)

    def avec_porteur(self):
        return self.select_related("epci", "commune", "departement")


class ContratDeVille(models.Model):
    """Un contrat de ville « Engagements Quartiers 2030 », porté par un EPCI (ou un EPT) ou une commune.

    Le code est celui de l'ANCT (`CN…`, ou `CV…` pour d'anciens contrats d'outre-mer). Le porteur est
    désigné par son code officiel (`code_porteur`, toujours connu) et, quand le référentiel le contient,
    par son territoire (`epci` ou `commune`) : c'est ce territoire qui désigne les agents qui rédigent.
    """

    code = models.CharField("code", max_length=10, unique=True)
    nom = models.CharField("nom", max_length=255)
    libelle_anct = models.CharField("libellé ANCT", max_length=255, blank=True)
    type_porteur = models.CharField("type de porteur", max_length=10, choices=TypePorteur.choices)
    code_porteur = models.CharField(
        "code du porteur", max_length=9, help_text="SIREN de l'EPCI ou code INSEE de la commune."
    )
    epci = models.ForeignKey(
        Epci,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contrats_portes",
        verbose_name="EPCI porteur",
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contrats_portes",
        verbose_name="commune porteuse",
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contrats",
        verbose_name="département",
    )
    communes = models.ManyToManyField(Commune, blank=True, related_name="contrats", verbose_name="communes couvertes")
    qpv = models.ManyToManyField(Qpv, blank=True, related_name="contrats", verbose_name="QPV couverts")
    annee_debut = models.PositiveSmallIntegerField("première année", default=2024)
    annee_fin = models.PositiveSmallIntegerField("dernière année", default=2030)
    population_qpv = models.PositiveIntegerField("population des QPV (ANCT)", null=True, blank=True)
    statut = models.CharField("état", max_length=20, choices=StatutContrat.choices, default=StatutContrat.ELABORATION)
    # Les dispositifs nationaux auxquels le contrat participe (`contrats.models.avenants.DispositifNational`).
    dispositifs = ArrayField(
        models.CharField(max_length=30), default=list, blank=True, verbose_name="dispositifs nationaux"
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = ContratDeVilleQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat de ville"
        verbose_name_plural = "contrats de ville"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(annee_fin__gte=models.F("annee_debut")), name="contrat_periode"),
        ]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    def get_absolute_url(self):
        return reverse("contrats:contrat", args=[self.code])

    @property
    def porteur(self):
        """Le territoire porteur, ou None s'il n'est pas (encore) dans le référentiel."""
        return self.epci if self.type_porteur == TypePorteur.EPCI else self.commune

    @property
    def nom_porteur(self) -> str:
        porteur = self.porteur
        return porteur.nom if porteur else f"{self.get_type_porteur_display()} {self.code_porteur}"

    @property
    def periode(self) -> str:
        return f"{self.annee_debut}–{self.annee_fin}"

    @property
    def libelles_dispositifs(self) -> list[str]:
        from contrats.models.avenants import libelles_dispositifs

        return libelles_dispositifs(self.dispositifs)

    @property
    def est_public(self) -> bool:
        return self.statut in STATUTS_PUBLICS

    @property
    def en_redaction(self) -> bool:
        return self.statut in STATUTS_REDACTION

    def transitions_possibles(self) -> list[StatutContrat]:
        return [StatutContrat(statut) for statut in TRANSITIONS[self.statut]]

    def changer_statut(self, auteur, nouveau: str, motif: str) -> "JournalContrat":
        """Fait passer le contrat à l'état `nouveau`, si l'auteur le peut et si la transition est permise,
        et l'inscrit au journal (qui, quand, pourquoi)."""
        from contrats.permissions import peut_changer_statut

        if not peut_changer_statut(auteur, self):
            raise PermissionDenied("Seuls les agents de la collectivité porteuse font avancer le contrat.")
        motif = (motif or "").strip()
        if not motif:
            raise ValidationError("Indiquez le motif du changement d'état : il figure au journal du contrat.")
        return changer_etat(
            self,
            nouveau,
            transitions=TRANSITIONS,
            etats=StatutContrat,
            nom="Un contrat",
            journaliser=lambda de, a: JournalContrat.objects.create(
                contrat=self, auteur=auteur, de_statut=de, a_statut=a, motif=motif, date=timezone.now()
            ),
        )


class JournalContrat(models.Model):
    """Une entrée du journal d'un contrat : un changement d'état, ou un autre événement (import)."""

    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, related_name="journal", verbose_name="contrat"
    )
    date = models.DateTimeField("date", default=timezone.now)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
        help_text="Vide pour un import de la liste nationale.",
    )
    de_statut = models.CharField("état précédent", max_length=20, choices=StatutContrat.choices, blank=True)
    # Vide pour une modification qui ne change pas l'état (signataire, engagement, instance, réunion) : le
    # motif dit ce qui a changé.
    a_statut = models.CharField("nouvel état", max_length=20, choices=StatutContrat.choices, blank=True)
    motif = models.TextField("motif")

    class Meta:
        verbose_name = "entrée du journal du contrat"
        verbose_name_plural = "journal des contrats"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.contrat.code} : {self.de_statut or '—'} → {self.a_statut}"
