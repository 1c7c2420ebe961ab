"""Les bilans d'un contrat de ville : annuels, à mi-parcours (2027) et final. Un bilan s'assemble des données
vivantes (indicateurs, financements, conventions, concertation) tant qu'il est en préparation ou soumis aux
partenaires ; validé en comité de pilotage, ses chiffres sont figés dans un instantané, que le bilan publié
montre sans plus jamais bouger."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from comptes.models import Organisation
from contrats.models import ContratDeVille

ANNEE_MI_PARCOURS = 2027


class TypeBilan(models.TextChoices):
    ANNUEL = "annuel", "Bilan annuel"
    MI_PARCOURS = "mi_parcours", "Bilan à mi-parcours (2027)"
    FINAL = "final", "Bilan final"


class StatutBilan(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    SOUMIS = "soumis", "Soumis aux partenaires"
    VALIDE = "valide", "Validé en comité de pilotage"
    PUBLIE = "publie", "Publié"


# Soumis aux partenaires, un bilan peut revenir en préparation (pour tenir compte de leurs commentaires) ; validé,
# il ne change plus qu'en étant publié.
TRANSITIONS_BILAN: dict[str, set[str]] = {
    StatutBilan.PREPARATION: {StatutBilan.SOUMIS},
    StatutBilan.SOUMIS: {StatutBilan.PREPARATION, StatutBilan.VALIDE},
    StatutBilan.VALIDE: {StatutBilan.PUBLIE},
    StatutBilan.PUBLIE: set(),
}
STATUTS_FIGES = {StatutBilan.VALIDE, StatutBilan.PUBLIE}


class BilanQuerySet(models.QuerySet):
    def publies(self):
        return self.filter(statut=StatutBilan.PUBLIE)


class Bilan(models.Model):
    """Le bilan d'un contrat pour une année (annuel), à mi-parcours (2027) ou en fin de contrat.

    `annee` est l'année de référence : celle du bilan annuel, 2027 pour la mi-parcours, la dernière année du
    contrat pour le bilan final ; les valeurs réalisées retenues vont jusqu'à elle. `instantane` : le contenu
    assemblé (evaluation.bilans.assembler), figé au passage en « validé » ; vide avant.
    """

    contrat = models.ForeignKey(ContratDeVille, on_delete=models.CASCADE, related_name="bilans", verbose_name="contrat")
    type = models.CharField("type de bilan", max_length=12, choices=TypeBilan.choices)
    annee = models.PositiveSmallIntegerField("année")
    statut = models.CharField("état", max_length=12, choices=StatutBilan.choices, default=StatutBilan.PREPARATION)
    synthese = models.TextField("synthèse", blank=True, help_text="Ce qu'il faut retenir, en quelques lignes.")
    analyse = models.TextField(
        "analyse", blank=True, help_text="Ce que disent les indicateurs et les financements, ce qui reste à faire."
    )
    conseils_citoyens = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="bilans",
        verbose_name="conseils citoyens associés",
        help_text="Leurs membres écrivent l'avis du conseil citoyen dans le bilan.",
    )
    avis_conseil_citoyen = models.TextField("avis du conseil citoyen", blank=True)
    avis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    avis_le = models.DateTimeField("avis écrit le", null=True, blank=True)
    date_copil = models.DateField("date du comité de pilotage", null=True, blank=True)
    compte_rendu_copil = models.TextField("compte rendu du comité de pilotage", blank=True)
    compte_rendu_chemin = models.CharField("compte rendu (chemin dans le stockage)", max_length=255, blank=True)
    compte_rendu_nom = models.CharField("compte rendu (nom du fichier)", max_length=255, blank=True)
    compte_rendu_type = models.CharField("compte rendu (type MIME)", max_length=100, blank=True)
    instantane = models.JSONField("chiffres figés", null=True, blank=True, editable=False)
    valide_le = models.DateTimeField("validé le", null=True, blank=True)
    publie_le = models.DateTimeField("publié le", null=True, blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = BilanQuerySet.as_manager()

    class Meta:
        verbose_name = "bilan"
        ordering = ["contrat", "-annee", "type"]
        constraints = [
            # Un bilan annuel par année ; un seul bilan à mi-parcours et un seul final (leur année est fixée).
            models.UniqueConstraint(fields=["contrat", "type", "annee"], name="bilan_unique"),
            models.UniqueConstraint(
                fields=["contrat", "type"], condition=~models.Q(type="annuel"), name="bilan_unique_hors_annuel"
            ),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("evaluation:bilan", args=[self.pk])

    @property
    def titre(self) -> str:
        if self.type == TypeBilan.ANNUEL:
            return f"Bilan annuel {self.annee}"
        if self.type == TypeBilan.MI_PARCOURS:
            return f"Bilan à mi-parcours {self.annee}"
        return f"Bilan final {self.annee}"

    @property
    def est_publie(self) -> bool:
        return self.statut == StatutBilan.PUBLIE

    @property
    def est_fige(self) -> bool:
        return self.statut in STATUTS_FIGES

    @property
    def textes_modifiables(self) -> bool:
        return self.statut in (StatutBilan.PREPARATION, StatutBilan.SOUMIS)


class CommentaireBilan(models.Model):
    """Le commentaire d'un partenaire signataire sur un bilan soumis."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="commentaires")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="au nom de"
    )
    texte = models.TextField("commentaire")
    cree_le = models.DateTimeField("écrit le", default=timezone.now)

    class Meta:
        verbose_name = "commentaire sur un bilan"
        verbose_name_plural = "commentaires sur les bilans"
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return f"{self.bilan} — {self.auteur}"


class JournalBilan(models.Model):
    """Chaque changement d'état d'un bilan (et l'écriture de l'avis du conseil citoyen) : qui, quand, pourquoi."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="journal")
    date = models.DateTimeField("date", default=timezone.now)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    de_statut = models.CharField("état précédent", max_length=12, choices=StatutBilan.choices, blank=True)
    a_statut = models.CharField("nouvel état", max_length=12, choices=StatutBilan.choices, blank=True)
    evenement = models.CharField("événement", max_length=255)
    motif = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "entrée du journal d'un bilan"
        verbose_name_plural = "journal des bilans"
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.bilan} — {self.evenement}"
