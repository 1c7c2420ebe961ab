"""L'exécution d'une convention : l'échéancier des versements de chaque financeur (avance, solde), les
reversements demandés après un compte-rendu, la part de chaque co-porteur d'une action collective, et le
compte-rendu financier annuel (contenu du CERFA 15059), unique pour tous les financeurs, que chacun accepte ou
complète."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from acteurs_ess.models import Structure, iban_masque
from comptes.models import Organisation
from config.lib.euros import euros
from financements.models.appel_a_projets import VALIDATEURS_MONTANT
from financements.models.convention import Convention
from financements.models.dossier import Compte, SensBudget

# Le compte-rendu financier d'une année est dû dans les six mois suivant la fin de l'exercice (décret
# n° 2001-495 et article 10 de la loi du 12 avril 2000) : au 30 juin de l'année suivante.
MOIS_DELAI_COMPTE_RENDU = 6


class NatureVersement(models.TextChoices):
    AVANCE = "avance", "Avance"
    SOLDE = "solde", "Solde"
    UNIQUE = "unique", "Versement unique"


class StatutVersement(models.TextChoices):
    PREVU = "prevu", "Prévu"
    MANDATE = "mandate", "Mandaté"
    PAYE = "paye", "Payé"
    ANNULE = "annule", "Annulé"


# Un versement avance d'un état au suivant ; un versement prévu ou mandaté peut être annulé (avec le motif).
TRANSITIONS_VERSEMENT: dict[str, set[str]] = {
    StatutVersement.PREVU: {StatutVersement.MANDATE, StatutVersement.ANNULE},
    StatutVersement.MANDATE: {StatutVersement.PAYE, StatutVersement.ANNULE},
    StatutVersement.PAYE: set(),
    StatutVersement.ANNULE: set(),
}
# Les versements qui comptent dans le total engagé d'un financeur (jamais au-delà du montant de la convention).
STATUTS_VERSEMENT_ENGAGES = {StatutVersement.PREVU, StatutVersement.MANDATE, StatutVersement.PAYE}


class Versement(models.Model):
    """Une ligne de l'échéancier : ce qu'un financeur verse à la structure une année de la convention.

    Prévue, puis mandatée (date et référence du mandat), puis payée (date et référence du paiement), toujours
    sur l'IBAN validé de la structure, recopié au mandatement pour garder la trace du compte crédité."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="versements")
    financeur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="financeur")
    annee = models.PositiveSmallIntegerField("année de la convention")
    nature = models.CharField("nature", max_length=10, choices=NatureVersement.choices)
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2, validators=VALIDATEURS_MONTANT)
    date_prevue = models.DateField("date prévue")
    statut = models.CharField(
        "état", max_length=10, choices=StatutVersement.choices, default=StatutVersement.PREVU, db_index=True
    )
    mandate_le = models.DateField("mandaté le", null=True, blank=True)
    reference_mandat = models.CharField("référence du mandat", max_length=100, blank=True)
    paye_le = models.DateField("payé le", null=True, blank=True)
    reference_paiement = models.CharField("référence du paiement", max_length=100, blank=True)
    iban = models.CharField("IBAN crédité", max_length=34, blank=True)
    motif_annulation = models.TextField("motif de l'annulation", blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "versement"
        ordering = ["annee", "date_prevue", "pk"]
        indexes = [
            models.Index(fields=["financeur", "statut", "date_prevue"], name="versement_financeur_idx"),
            # La liste « à mandater et à venir » du tableau de bord d'un financeur, triée par date prévue : lue
            # dans l'ordre de cet index partiel, sans trier ses milliers de versements (16 ms, 0,4 ms avec lui, à
            # 20 000 conventions).
            models.Index(
                fields=["financeur", "date_prevue", "id"],
                condition=models.Q(statut__in=[StatutVersement.PREVU, StatutVersement.MANDATE]),
                name="versement_a_venir_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="versement_montant_positif"),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} {self.annee} : {euros(self.montant)} ({self.get_statut_display()})"

    @property
    def iban_masque(self) -> str:
        """Le compte crédité, reconnaissable sans pouvoir être recopié (pays, clé, quatre derniers caractères)."""
        return iban_masque(self.iban) if self.iban else ""


class StatutReversement(models.TextChoices):
    DEMANDE = "demande", "Demandé"
    TITRE_EMIS = "titre_emis", "Titre de recette émis"
    REMBOURSE = "rembourse", "Remboursé"
    ANNULE = "annule", "Annulé"


# Demandé, puis titre de recette émis (la créance de la collectivité ou de l'État), puis remboursé ; une demande
# ou un titre peuvent être annulés (avec le motif).
TRANSITIONS_REVERSEMENT: dict[str, set[str]] = {
    StatutReversement.DEMANDE: {StatutReversement.TITRE_EMIS, StatutReversement.ANNULE},
    StatutReversement.TITRE_EMIS: {StatutReversement.REMBOURSE, StatutReversement.ANNULE},
    StatutReversement.REMBOURSE: set(),
    StatutReversement.ANNULE: set(),
}


class Reversement(models.Model):
    """Un reversement demandé par un financeur, le plus souvent après un compte-rendu montrant une sous-
    exécution : le montant demandé, pourquoi, son état et ses dates."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="reversements")
    financeur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="financeur")
    annee = models.PositiveSmallIntegerField("année concernée")
    compte_rendu = models.ForeignKey(
        "financements.CompteRendu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reversements",
        verbose_name="compte-rendu",
    )
    montant = models.DecimalField(
        "montant demandé (€)", max_digits=12, decimal_places=2, validators=VALIDATEURS_MONTANT
    )
    motif = models.TextField("motif")
    statut = models.CharField(
        "état", max_length=10, choices=StatutReversement.choices, default=StatutReversement.DEMANDE
    )
    demande_le = models.DateField("demandé le", default=date.today)
    reference_titre = models.CharField("référence du titre de recette", max_length=100, blank=True)
    titre_emis_le = models.DateField("titre de recette émis le", null=True, blank=True)
    rembourse_le = models.DateField("remboursé le", null=True, blank=True)
    motif_annulation = models.TextField("motif de l'annulation", blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "reversement"
        ordering = ["annee", "demande_le", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="reversement_montant_positif"),
        ]

    def __str__(self):
        return f"Reversement {self.annee} : {euros(self.montant)} ({self.get_statut_display()})"


class PartBeneficiaire(models.Model):
    """Pour une action collective : la part (en %) du montant d'un financeur qui revient à chaque structure
    (porteuse ou co-porteuse). Les parts d'un financeur font 100 % ; l'export SCDL en tire une ligne par
    bénéficiaire avec son `pourcentageSubvention`."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="parts")
    financeur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="financeur")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+", verbose_name="bénéficiaire")
    pourcentage = models.DecimalField(
        "part (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = "part d'un bénéficiaire"
        verbose_name_plural = "parts des bénéficiaires"
        ordering = ["financeur__nom", "-pourcentage", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "financeur", "structure"], name="part_beneficiaire_unique"),
            models.CheckConstraint(
                condition=models.Q(pourcentage__gt=0) & models.Q(pourcentage__lte=100), name="part_beneficiaire_bornes"
            ),
        ]

    def __str__(self):
        return f"{self.structure_id} : {self.pourcentage} %"


class StatutCompteRendu(models.TextChoices):
    BROUILLON = "brouillon", "En préparation"
    DEPOSE = "depose", "Déposé"
    COMPLEMENTS = "complements", "Compléments demandés"
    ACCEPTE = "accepte", "Accepté par tous les financeurs"


def echeance_compte_rendu(annee: int) -> date:
    """Le compte-rendu de l'année `annee` est dû six mois après la fin de l'exercice : le 30 juin suivant."""
    return date(annee + 1, MOIS_DELAI_COMPTE_RENDU, 30)


class CompteRendu(models.Model):
    """Le compte-rendu financier d'une année de la convention (contenu du CERFA 15059), un seul pour tous les
    financeurs : le budget prévu et réalisé par compte, les actions menées, les bénéficiaires, les valeurs des
    indicateurs, les difficultés et les commentaires de la structure. Chaque financeur l'accepte ou demande des
    compléments (`AvisCompteRendu`) ; il est accepté quand tous l'ont accepté."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="comptes_rendus")
    annee = models.PositiveSmallIntegerField("année")
    statut = models.CharField(
        "état", max_length=12, choices=StatutCompteRendu.choices, default=StatutCompteRendu.BROUILLON, db_index=True
    )
    actions_realisees = models.TextField("actions réalisées", blank=True)
    ecarts = models.TextField("écarts entre le prévu et le réalisé, et leurs raisons", blank=True)
    beneficiaires_nombre = models.PositiveIntegerField("nombre de bénéficiaires", null=True, blank=True)
    beneficiaires_qpv = models.PositiveIntegerField("dont habitants des QPV", null=True, blank=True)
    beneficiaires_femmes = models.PositiveIntegerField("dont femmes", null=True, blank=True)
    beneficiaires_hommes = models.PositiveIntegerField("dont hommes", null=True, blank=True)
    # {tranche d'âge (TrancheAge) : nombre}
    beneficiaires_par_age = models.JSONField("bénéficiaires par tranche d'âge", default=dict, blank=True)
    difficultes = models.TextField("difficultés rencontrées", blank=True)
    commentaires = models.TextField("commentaires de la structure", blank=True)
    depose_le = models.DateTimeField("déposé le", null=True, blank=True)
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "compte-rendu financier"
        verbose_name_plural = "comptes-rendus financiers"
        ordering = ["annee"]
        constraints = [models.UniqueConstraint(fields=["convention", "annee"], name="compte_rendu_unique")]

    def __str__(self):
        return f"Compte-rendu {self.annee} — {self.convention}"

    def get_absolute_url(self):
        return reverse("financements:compte_rendu", args=[self.convention_id, self.annee])

    @property
    def echeance(self) -> date:
        return echeance_compte_rendu(self.annee)

    @property
    def est_depose(self) -> bool:
        """Déposé au moins une fois : les financeurs parties le lisent (un brouillon n'est lu que de la structure)."""
        return self.statut != StatutCompteRendu.BROUILLON


class LigneCompteRendu(models.Model):
    """Une ligne du budget du compte-rendu : le prévu (repris du budget du dossier) et le réalisé, par compte."""

    compte_rendu = models.ForeignKey(CompteRendu, on_delete=models.CASCADE, related_name="lignes")
    sens = models.CharField("charge ou produit", max_length=10, choices=SensBudget.choices)
    compte = models.CharField("compte", max_length=2, choices=Compte.choices)
    libelle = models.CharField("libellé", max_length=255, blank=True)
    prevu = models.DecimalField(
        "prévu (€)", max_digits=12, decimal_places=2, default=Decimal("0"), validators=VALIDATEURS_MONTANT
    )
    realise = models.DecimalField(
        "réalisé (€)", max_digits=12, decimal_places=2, default=Decimal("0"), validators=VALIDATEURS_MONTANT
    )
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "ligne du compte-rendu"
        verbose_name_plural = "lignes du compte-rendu"
        ordering = ["sens", "compte", "ordre", "pk"]

    def __str__(self):
        return f"{self.compte} {self.libelle} : {euros(self.prevu)} / {euros(self.realise)}"


class IndicateurCompteRendu(models.Model):
    """La valeur d'un indicateur de la convention pour l'année du compte-rendu : libellé, unité et valeur. Le
    catalogue d'indicateurs de l'évaluation s'y relie de son côté (`financements` n'importe pas `evaluation`)."""

    compte_rendu = models.ForeignKey(CompteRendu, on_delete=models.CASCADE, related_name="indicateurs")
    libelle = models.CharField("indicateur", max_length=255)
    unite = models.CharField("unité", max_length=50, blank=True)
    cible = models.DecimalField("cible", max_digits=14, decimal_places=2, null=True, blank=True)
    valeur = models.DecimalField("valeur atteinte", max_digits=14, decimal_places=2)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "valeur d'indicateur du compte-rendu"
        verbose_name_plural = "valeurs d'indicateurs du compte-rendu"
        ordering = ["ordre", "pk"]

    def __str__(self):
        return f"{self.libelle} : {self.valeur} {self.unite}".strip()


class SensAvisCompteRendu(models.TextChoices):
    ACCEPTE = "accepte", "Accepté"
    COMPLEMENTS = "complements", "Compléments demandés"


class AvisCompteRendu(models.Model):
    """L'avis d'un financeur partie sur un compte-rendu déposé : accepté, ou compléments demandés avec le motif.
    Le dernier avis de chaque financeur compte ; les précédents restent pour l'historique."""

    compte_rendu = models.ForeignKey(CompteRendu, on_delete=models.CASCADE, related_name="avis")
    financeur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="financeur")
    sens = models.CharField("avis", max_length=12, choices=SensAvisCompteRendu.choices)
    motif = models.TextField("motif", blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateTimeField("date", default=timezone.now)

    class Meta:
        verbose_name = "avis sur un compte-rendu"
        verbose_name_plural = "avis sur les comptes-rendus"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["compte_rendu", "financeur", "-date"], name="avis_cr_dernier_idx")]

    def __str__(self):
        return f"{self.financeur_id} : {self.get_sens_display()}"


def compte_rendu_accepte_par(convention_id: int, financeur_id: int, annee: int) -> bool:
    """Vrai si le dernier avis du financeur sur le compte-rendu de l'année `annee` de la convention l'accepte :
    c'est ce qui débloque le solde de l'année suivante chez ce financeur."""
    dernier = (
        AvisCompteRendu.objects.filter(
            compte_rendu__convention_id=convention_id, compte_rendu__annee=annee, financeur_id=financeur_id
        )
        .order_by("-date", "-pk")
        .values_list("sens", flat=True)
        .first()
    )
    return dernier == SensAvisCompteRendu.ACCEPTE
