"""La convention qui lie une structure à ses financeurs après leurs décisions : annuelle, ou pluriannuelle
d'objectifs (CPO, modèle annexé à la circulaire du 29 septembre 2015, 2 à 4 ans), avec ses montants par année et
par financeur, ses articles, ses signatures et son journal."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from acteurs_ess.models import Structure
from comptes.models import Organisation
from config.lib.euros import euros
from financements.models.appel_a_projets import VALIDATEURS_MONTANT
from financements.models.dossier import Dossier

# Circulaire du 29 septembre 2015 : une CPO couvre au plus quatre ans.
DUREE_MAXIMUM_CPO = 4


class StatutConvention(models.TextChoices):
    PROJET = "projet", "Projet"
    ENVOYEE = "envoyee", "Envoyée à la structure"
    SIGNEE_STRUCTURE = "signee_structure", "Signée par la structure"
    SIGNEE_FINANCEURS = "signee_financeurs", "Signée par chaque financeur"
    EN_VIGUEUR = "en_vigueur", "En vigueur"
    TERMINEE = "terminee", "Terminée"
    RESILIEE = "resiliee", "Résiliée"


# Les signatures font passer de « envoyée » à « signée par la structure » puis à « signée par chaque
# financeur » ; les autres passages sont des actions d'un agent d'un financeur partie à la convention.
TRANSITIONS_CONVENTION: dict[str, set[str]] = {
    # Une convention abandonnée avant signature (financement retiré) est résiliée, avec le motif.
    StatutConvention.PROJET: {StatutConvention.ENVOYEE, StatutConvention.RESILIEE},
    # Un financeur qui revoit sa décision renvoie le projet en préparation, avec le motif.
    StatutConvention.ENVOYEE: {StatutConvention.SIGNEE_STRUCTURE, StatutConvention.PROJET, StatutConvention.RESILIEE},
    StatutConvention.SIGNEE_STRUCTURE: {StatutConvention.SIGNEE_FINANCEURS, StatutConvention.RESILIEE},
    StatutConvention.SIGNEE_FINANCEURS: {StatutConvention.EN_VIGUEUR, StatutConvention.RESILIEE},
    StatutConvention.EN_VIGUEUR: {StatutConvention.TERMINEE, StatutConvention.RESILIEE},
    StatutConvention.TERMINEE: set(),
    StatutConvention.RESILIEE: set(),
}
# Une convention signée de toutes les parties : elle compte pour l'obligation de convention (plus de 23 000 €).
STATUTS_SIGNES = {StatutConvention.SIGNEE_FINANCEURS, StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE}


class TypeSubvention(models.TextChoices):
    PROJET = "projet", "Subvention de projet (une ou plusieurs actions)"
    FONCTIONNEMENT = "fonctionnement", "Subvention de fonctionnement (le projet associatif dans son ensemble)"


class ConventionQuerySet(models.QuerySet):
    def signees(self):
        return self.filter(statut__in=STATUTS_SIGNES)


class Convention(models.Model):
    """Une convention entre une structure et un ou plusieurs financeurs : annuelle, ou CPO de 2 à 4 ans.

    Elle finance des actions (des dossiers décidés) ou le projet de la structure dans son ensemble ; ses
    montants sont donnés par année et par financeur (`ConventionMontant`). Ses articles se modifient tant
    qu'elle est en projet ; une fois signée, elle ne change plus (avenant).
    """

    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="conventions", verbose_name="structure"
    )
    dossiers = models.ManyToManyField(Dossier, blank=True, related_name="conventions", verbose_name="actions financées")
    type_subvention = models.CharField(
        "nature de la subvention", max_length=15, choices=TypeSubvention.choices, default=TypeSubvention.PROJET
    )
    objet = models.TextField("objet de la convention")
    annee_debut = models.PositiveSmallIntegerField(
        "première année", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    nombre_annees = models.PositiveSmallIntegerField(
        "durée (années)",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(DUREE_MAXIMUM_CPO)],
        help_text="1 pour une convention annuelle ; 2 à 4 pour une convention pluriannuelle d'objectifs (CPO).",
    )
    part_avance = models.DecimalField(
        "avance (part du montant annuel, %)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    solde_apres_compte_rendu = models.BooleanField(
        "solde versé après acceptation du compte-rendu financier de l'année précédente", default=True
    )
    justificatifs = models.TextField(
        "justificatifs",
        blank=True,
        default="Compte-rendu financier (CERFA 15059) dans les six mois suivant la fin de chaque exercice.",
    )
    statut = models.CharField(
        "état", max_length=20, choices=StatutConvention.choices, default=StatutConvention.PROJET, db_index=True
    )
    motif_resiliation = models.TextField("motif de la résiliation", blank=True)
    # La convention qu'elle renouvelle (article « renouvellement » du modèle de 2015).
    precedente = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suites",
        verbose_name="renouvelle la convention",
    )
    en_vigueur_le = models.DateField("en vigueur le", null=True, blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("créée le", default=timezone.now)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        ordering = ["-annee_debut", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nombre_annees__gte=1) & models.Q(nombre_annees__lte=DUREE_MAXIMUM_CPO),
                name="convention_duree",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} {self.periode} — {self.structure}"

    def get_absolute_url(self):
        return reverse("financements:convention", args=[self.pk])

    @property
    def pluriannuelle(self) -> bool:
        return self.nombre_annees > 1

    def get_type_display(self) -> str:
        return "Convention pluriannuelle d'objectifs" if self.pluriannuelle else "Convention annuelle"

    @property
    def annees(self) -> list[int]:
        return list(range(self.annee_debut, self.annee_debut + self.nombre_annees))

    @property
    def annee_fin(self) -> int:
        return self.annee_debut + self.nombre_annees - 1

    @property
    def periode(self) -> str:
        return str(self.annee_debut) if self.nombre_annees == 1 else f"{self.annee_debut}–{self.annee_fin}"

    @property
    def est_modifiable(self) -> bool:
        return self.statut == StatutConvention.PROJET


class PartieFinanceur(models.Model):
    """Un financeur partie à la convention."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="parties", verbose_name="convention"
    )
    financeur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="financeur")

    class Meta:
        verbose_name = "financeur partie"
        verbose_name_plural = "financeurs parties"
        ordering = ["financeur__nom"]
        constraints = [models.UniqueConstraint(fields=["convention", "financeur"], name="partie_unique")]

    def __str__(self):
        return str(self.financeur)


class ConventionMontant(models.Model):
    """Le montant qu'un financeur s'engage à verser une année de la convention."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="montants")
    financeur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="financeur")
    annee = models.PositiveSmallIntegerField("année")
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2, validators=VALIDATEURS_MONTANT)

    class Meta:
        verbose_name = "montant annuel"
        verbose_name_plural = "montants annuels"
        ordering = ["annee", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "financeur", "annee"], name="montant_convention_unique"),
            models.CheckConstraint(condition=models.Q(montant__gte=0), name="montant_convention_positif"),
        ]

    def __str__(self):
        return f"{self.annee} {self.financeur_id} : {euros(self.montant)}"


class ObjectifConvention(models.Model):
    """Un objectif de la convention : un objectif (ou une orientation) du contrat de ville de l'appel, ou un
    texte libre. Le libellé garde le titre de l'objectif du contrat au moment du choix : une convention signée
    ne change pas si le contrat renomme ou retire son objectif."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="objectifs")
    libelle = models.CharField("objectif", max_length=500)
    orientation = models.ForeignKey(
        "contrats.Orientation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="objectif du contrat de ville",
    )
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "objectif de la convention"
        verbose_name_plural = "objectifs de la convention"
        ordering = ["ordre", "pk"]

    def __str__(self):
        return self.libelle


class ArticleConvention(models.Model):
    """Un article de la convention, pré-rempli d'après le modèle de CPO de 2015 et modifiable en projet."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="articles")
    numero = models.PositiveSmallIntegerField("numéro")
    titre = models.CharField("titre", max_length=200)
    texte = models.TextField("texte", blank=True)

    class Meta:
        verbose_name = "article de la convention"
        verbose_name_plural = "articles de la convention"
        ordering = ["numero"]
        constraints = [models.UniqueConstraint(fields=["convention", "numero"], name="article_convention_unique")]

    def __str__(self):
        return f"Article {self.numero} — {self.titre}"


class Signature(models.Model):
    """Ce qu'une signature enregistre, pour une convention comme pour un avenant : la partie (la structure si
    `financeur` est vide), la personne qui l'engage, l'acte qui l'habilite, le PDF signé s'il est joint."""

    financeur = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="financeur"
    )
    signataire_nom = models.CharField("nom du signataire", max_length=200)
    signataire_qualite = models.CharField("qualité du signataire", max_length=200)
    delegation = models.BooleanField("signe par délégation", default=False)
    reference_acte = models.CharField("référence de la délibération ou de l'arrêté", max_length=200, blank=True)
    date_acte = models.DateField("date de la délibération ou de l'arrêté", null=True, blank=True)
    chemin = models.CharField("PDF signé (chemin dans le stockage)", max_length=255, blank=True, editable=False)
    nom_fichier = models.CharField("nom du PDF signé", max_length=255, blank=True)
    enregistree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signee_le = models.DateTimeField("signée le", default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.signataire_nom} ({self.signataire_qualite})"


class SignatureConvention(Signature):
    """La signature d'une partie : la structure (`financeur` vide) ou un financeur, par la personne qui peut
    l'engager (représentant légal, maire ou président, préfet, ou leur délégué), enregistrée sur la plateforme
    par `enregistree_par`, avec l'acte qui l'habilite et, le cas échéant, le PDF signé (stockage privé)."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="signatures")

    class Meta:
        verbose_name = "signature"
        ordering = ["signee_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention"], condition=models.Q(financeur__isnull=True), name="signature_structure_unique"
            ),
            models.UniqueConstraint(fields=["convention", "financeur"], name="signature_financeur_unique"),
        ]


class JournalConvention(models.Model):
    """Une entrée du journal de la convention : changement d'état, signature, modification ; qui, quand, pourquoi.
    Toutes les parties la lisent."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="journal")
    date = models.DateTimeField("date", default=timezone.now)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    de_statut = models.CharField("état précédent", max_length=20, choices=StatutConvention.choices, blank=True)
    a_statut = models.CharField("nouvel état", max_length=20, choices=StatutConvention.choices, blank=True)
    evenement = models.CharField("événement", max_length=255)
    motif = models.TextField("motif", blank=True)
    # Une entrée sur les versements d'un financeur (échéancier, mandat, paiement, reversement, parts) ne se lit
    # que par ce financeur et la structure : un financeur ne voit jamais les versements d'un autre.
    financeur = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="réservée au financeur",
    )

    class Meta:
        verbose_name = "entrée du journal de la convention"
        verbose_name_plural = "journal des conventions"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.convention_id} : {self.evenement}"


class StatutAvenant(models.TextChoices):
    PROJET = "projet", "En signature"
    SIGNE = "signe", "Signé et appliqué"


class Avenant(models.Model):
    """Un avenant à une convention en vigueur : ce qui change, pourquoi, les nouveaux montants par année et par
    financeur et, le cas échéant, la nouvelle durée (4 ans au plus). Préparé par un financeur partie, il est
    signé par chaque partie dans l'ordre de la convention (la structure, puis chaque financeur) et s'applique à
    la dernière signature ; il garde les montants et la durée d'avant, pour montrer ce qui a changé."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="avenants")
    numero = models.PositiveSmallIntegerField("numéro")
    objet = models.TextField("ce qui change")
    motif = models.TextField("pourquoi")
    # {"<financeur>:<année>": "montant"} : les montants d'avant (à la signature) et ceux que l'avenant fixe.
    montants_avant = models.JSONField("montants avant", default=dict, blank=True)
    montants_apres = models.JSONField("montants après", default=dict)
    nombre_annees_avant = models.PositiveSmallIntegerField("durée avant (années)", null=True, blank=True)
    nombre_annees_apres = models.PositiveSmallIntegerField(
        "durée après (années)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(DUREE_MAXIMUM_CPO)],
    )
    statut = models.CharField("état", max_length=10, choices=StatutAvenant.choices, default=StatutAvenant.PROJET)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("préparé le", default=timezone.now)
    signe_le = models.DateTimeField("signé le", null=True, blank=True)

    class Meta:
        verbose_name = "avenant"
        ordering = ["numero"]
        constraints = [models.UniqueConstraint(fields=["convention", "numero"], name="avenant_numero_unique")]

    def __str__(self):
        return f"Avenant n° {self.numero} — {self.convention}"

    def get_absolute_url(self):
        return reverse("financements:avenant", args=[self.convention_id, self.pk])

    @property
    def change_la_duree(self) -> bool:
        return self.nombre_annees_apres is not None and self.nombre_annees_apres != self.nombre_annees_avant


class SignatureAvenant(Signature):
    """La signature d'une partie à un avenant, comme celle de la convention."""

    avenant = models.ForeignKey(Avenant, on_delete=models.CASCADE, related_name="signatures")

    class Meta:
        verbose_name = "signature d'un avenant"
        verbose_name_plural = "signatures des avenants"
        ordering = ["signee_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["avenant"], condition=models.Q(financeur__isnull=True), name="signature_avenant_structure"
            ),
            models.UniqueConstraint(fields=["avenant", "financeur"], name="signature_avenant_financeur"),
        ]
