"""Le dossier (projet partenarial) déposé en réponse à un appel à projets : le contenu du CERFA 12156, son
budget prévisionnel, son plan de financement, ses co-porteurs, ses pièces et le journal de son instruction."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from acteurs_ess.models import DocumentStructure, Structure
from comptes.models import Organisation
from config.lib.euros import euros
from config.lib.fichiers import taille_lisible
from contrats.models.projet_territoire import Orientation
from financements.models.appel_a_projets import VALIDATEURS_MONTANT, AppelAProjets, TypePiece
from territoires.models import Qpv

# Loi 2000-321 art. 10, décret 2001-495 : au-delà, une convention écrite est obligatoire.
SEUIL_CONVENTION = Decimal("23000")


class StatutDossier(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSE = "depose", "Déposé"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    CORRECTION_DEMANDEE = "correction_demandee", "Correction demandée"
    DECIDE = "decide", "Décidé"
    CONVENTIONNE = "conventionne", "Conventionné"
    EN_COURS = "en_cours", "En cours"
    BILAN_DEPOSE = "bilan_depose", "Bilan déposé"
    CLOS = "clos", "Clos"
    RETIRE = "retire", "Retiré par le porteur"


# Qui fait passer le dossier d'un état à l'autre : le porteur, les instructeurs, ou le calcul des décisions.
PORTEUR, INSTRUCTEUR, DECISIONS = "porteur", "instructeur", "decisions"
# Avant toute décision, le porteur retire un dossier déposé (avec le motif) : il reste lisible, « retiré ».
TRANSITIONS: dict[str, dict[str, str]] = {
    StatutDossier.BROUILLON: {StatutDossier.DEPOSE: PORTEUR},
    StatutDossier.DEPOSE: {StatutDossier.EN_INSTRUCTION: INSTRUCTEUR, StatutDossier.RETIRE: PORTEUR},
    StatutDossier.EN_INSTRUCTION: {
        StatutDossier.CORRECTION_DEMANDEE: INSTRUCTEUR,
        StatutDossier.DECIDE: DECISIONS,
        StatutDossier.RETIRE: PORTEUR,
    },
    StatutDossier.CORRECTION_DEMANDEE: {StatutDossier.DEPOSE: PORTEUR, StatutDossier.RETIRE: PORTEUR},
    # Le dossier est conventionné quand ses conventions entrent en vigueur (services.conventions), jamais à la
    # main ; sans convention obligatoire, l'action peut commencer dès la décision ; non financé, il est clos.
    StatutDossier.DECIDE: {
        StatutDossier.CONVENTIONNE: DECISIONS,
        StatutDossier.EN_COURS: INSTRUCTEUR,
        StatutDossier.CLOS: INSTRUCTEUR,
    },
    StatutDossier.CONVENTIONNE: {StatutDossier.EN_COURS: INSTRUCTEUR},
    StatutDossier.EN_COURS: {StatutDossier.BILAN_DEPOSE: PORTEUR},
    StatutDossier.BILAN_DEPOSE: {StatutDossier.CLOS: INSTRUCTEUR},
    StatutDossier.CLOS: {},
    StatutDossier.RETIRE: {},
}
# Ce que le porteur retire encore (avant toute décision ; un financeur qui a décidé bloque aussi le retrait).
STATUTS_RETIRABLES = {StatutDossier.DEPOSE, StatutDossier.EN_INSTRUCTION, StatutDossier.CORRECTION_DEMANDEE}
STATUTS_MODIFIABLES = {StatutDossier.BROUILLON, StatutDossier.CORRECTION_DEMANDEE}
STATUTS_INSTRUCTION = {StatutDossier.DEPOSE, StatutDossier.EN_INSTRUCTION, StatutDossier.CORRECTION_DEMANDEE}
# Les dossiers dont les décisions sont prises : ils comptent dans les subventions accordées.
STATUTS_DECIDES = {
    StatutDossier.DECIDE,
    StatutDossier.CONVENTIONNE,
    StatutDossier.EN_COURS,
    StatutDossier.BILAN_DEPOSE,
    StatutDossier.CLOS,
}


class Issue(models.TextChoices):
    FINANCE = "finance", "Financé"
    PARTIELLEMENT_FINANCE = "partiellement_finance", "Partiellement financé"
    NON_FINANCE = "non_finance", "Non financé"


class TrancheAge(models.TextChoices):
    ENFANTS = "enfants", "Enfants (moins de 12 ans)"
    ADOLESCENTS = "adolescents", "Adolescents (12-17 ans)"
    JEUNES = "jeunes", "Jeunes adultes (18-25 ans)"
    ADULTES = "adultes", "Adultes (26-64 ans)"
    SENIORS = "seniors", "Personnes âgées (65 ans et plus)"


class TypeSubvention(models.TextChoices):
    """CERFA 12156 : une subvention de fonctionnement soutient le projet associatif dans son ensemble (ce que le
    contrat de ville appelle le financement de l'animation locale) ; une subvention de projet, une action."""

    PROJET = "projet", "Subvention de projet (une action)"
    FONCTIONNEMENT = "fonctionnement", "Subvention de fonctionnement (le projet de la structure dans son ensemble)"


class DossierQuerySet(models.QuerySet):
    def deposes(self):
        return self.exclude(statut=StatutDossier.BROUILLON)

    def finances(self):
        return self.filter(statut__in=STATUTS_DECIDES, montant_accorde__gt=0)


class Dossier(models.Model):
    """Un projet partenarial porté par une structure (avec ses éventuels co-porteurs) en réponse à un appel à
    projets : le contenu du CERFA 12156, instruit ensemble par tous les financeurs sollicités.

    `montant_demande`, `montant_accorde`, `convention_requise` et `collectif` résument les financements et les
    co-porteurs pour le tableau d'instruction ; les services les tiennent à jour.
    """

    appel = models.ForeignKey(AppelAProjets, on_delete=models.PROTECT, related_name="dossiers", verbose_name="appel")
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="dossiers", verbose_name="structure porteuse"
    )
    titre = models.CharField("intitulé du projet", max_length=255)
    description = models.TextField("description du projet", blank=True)
    objectifs = models.TextField("objectifs", blank=True)
    # Comment l'action sera évaluée (CERFA 12156, fiche 3-1 « évaluation ») : écrit par le porteur, lu par les
    # instructeurs. Valeur par défaut en base : le générateur national écrit les dossiers par COPY sans ces colonnes.
    evaluation_methode = models.TextField(
        "méthode d'évaluation",
        blank=True,
        default="",
        db_default="",
        help_text="Qui évalue, comment (questionnaires, entretiens, comité de suivi…), avec quels participants.",
    )
    evaluation_indicateurs = models.TextField(
        "indicateurs prévus et leur cible",
        blank=True,
        default="",
        db_default="",
        help_text="Un indicateur par ligne, avec sa cible : « Personnes accompagnées : 40 ».",
    )
    evaluation_calendrier = models.TextField(
        "calendrier de l'évaluation",
        blank=True,
        default="",
        db_default="",
        help_text="Bilan intermédiaire, bilan final, comités de suivi…",
    )
    evaluation_moyens = models.TextField(
        "moyens consacrés à l'évaluation",
        blank=True,
        default="",
        db_default="",
        help_text="Temps de travail, outils, intervenant extérieur, coût.",
    )
    priorites = models.ManyToManyField(
        Orientation,
        blank=True,
        related_name="dossiers",
        verbose_name="priorités de l'appel visées",
        db_table="contrats_dossier_priorites",
    )
    qpv = models.ManyToManyField(
        Qpv, blank=True, related_name="dossiers", verbose_name="QPV concernés", db_table="contrats_dossier_qpv"
    )
    tranches_age = ArrayField(
        models.CharField(max_length=20, choices=TrancheAge.choices),
        default=list,
        blank=True,
        verbose_name="public : tranches d'âge",
    )
    part_femmes = models.PositiveSmallIntegerField(
        "part de femmes attendue (%)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    nombre_personnes = models.PositiveIntegerField(
        "nombre de personnes concernées", null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    date_debut = models.DateField("début de l'action", null=True, blank=True)
    date_fin = models.DateField("fin de l'action", null=True, blank=True)
    renouvellement = models.BooleanField("renouvellement", default=False, help_text="Sinon, première demande.")
    # Le dossier de l'an dernier dont celui-ci est la copie (services.renouvellement) ; ce qui n'en a pas été
    # repris (priorités absentes du nouvel appel, financeurs qui n'y participent pas…) est dit sur la page.
    renouvelle = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renouvellements",
        verbose_name="renouvelle le dossier",
    )
    non_repris = models.JSONField("non repris du dossier renouvelé", default=list, blank=True, editable=False)
    nombre_annees = models.PositiveSmallIntegerField(
        "durée (années)",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="1 pour une action annuelle ; jusqu'à 4 pour une action pluriannuelle (CPO).",
    )
    type_subvention = models.CharField(
        "type de subvention", max_length=15, choices=TypeSubvention.choices, default=TypeSubvention.PROJET
    )
    # Le représentant légal (CERFA 12156, fiche 1) signe la convention ; un délégataire le fait à sa place sur
    # pouvoir, joint au dossier (pièce « délégation de signature »).
    representant_nom = models.CharField("représentant légal : nom et prénom", max_length=255, blank=True)
    representant_qualite = models.CharField(
        "représentant légal : qualité", max_length=255, blank=True, help_text="Président·e, co-président·e…"
    )
    delegataire_nom = models.CharField(
        "délégataire : nom et prénom",
        max_length=255,
        blank=True,
        help_text="Seulement si une autre personne signe sur délégation ; joignez alors la délégation.",
    )
    delegataire_qualite = models.CharField("délégataire : qualité", max_length=255, blank=True)
    salaries_etp = models.DecimalField(
        "salariés (équivalents temps plein)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )
    benevoles = models.PositiveIntegerField(
        "bénévoles", null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    budget_annuel_structure = models.DecimalField(
        "budget annuel de la structure (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=VALIDATEURS_MONTANT,
        help_text="Le total des charges du dernier exercice ou du budget de l'année.",
    )
    fonds_propres = models.DecimalField(
        "fonds propres", max_digits=12, decimal_places=2, default=0, validators=VALIDATEURS_MONTANT
    )
    autres_financements = models.DecimalField(
        "autres financements (hors plateforme)",
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=VALIDATEURS_MONTANT,
        help_text="FSE+, fondations, mécénat, autres financeurs publics…",
    )
    statut = models.CharField(
        "état", max_length=20, choices=StatutDossier.choices, default=StatutDossier.BROUILLON, db_index=True
    )
    issue = models.CharField("issue", max_length=25, choices=Issue.choices, blank=True)
    montant_demande = models.DecimalField("montant demandé (€)", max_digits=12, decimal_places=2, default=0)
    montant_accorde = models.DecimalField("montant accordé (€)", max_digits=12, decimal_places=2, default=0)
    convention_requise = models.BooleanField("convention obligatoire (plus de 23 000 € par an)", default=False)
    collectif = models.BooleanField("réponse collective", default=False)
    porteur_ess = models.BooleanField(
        "porté par une structure de l'ESS",
        default=True,
        help_text="Forme juridique de l'ESS (association, coopérative, mutuelle, fondation, société de l'ESS).",
    )
    # Les organisations sollicitées (une ligne de financement chacune) : le tableau d'instruction trouve les
    # dossiers d'un financeur par l'index GIN, sans parcourir les financements.
    financeurs_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    depose_le = models.DateTimeField("déposé le", null=True, blank=True)
    decide_le = models.DateTimeField("décidé le", null=True, blank=True)
    conventionne_le = models.DateField("conventionné le", null=True, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="créé par"
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        db_table = "contrats_dossier"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "dossier"
        ordering = ["-cree_le", "-pk"]
        indexes = [
            models.Index(fields=["appel", "statut"], name="dossier_appel_statut"),
            models.Index(fields=["structure", "statut"], name="dossier_structure_statut"),
            GinIndex(fields=["financeurs_ids"], name="dossier_financeurs"),
            # L'ordre du tableau d'instruction : la page se lit dans l'index, sans trier les dossiers visibles.
            models.Index(fields=["-depose_le", "-id"], name="dossier_ordre_depot"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_fin__isnull=True)
                | models.Q(date_debut__isnull=True)
                | models.Q(date_fin__gte=models.F("date_debut")),
                name="dossier_dates",
            ),
            # Pas de délégataire sans représentant légal : c'est lui qui délègue.
            models.CheckConstraint(
                condition=models.Q(delegataire_nom="") | ~models.Q(representant_nom=""),
                name="dossier_delegation_representant",
            ),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("financements:dossier", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"AAP{self.appel.annee}-{self.pk:06d}"

    @property
    def est_modifiable(self) -> bool:
        return self.statut in STATUTS_MODIFIABLES

    @property
    def pluriannuel(self) -> bool:
        return self.nombre_annees > 1

    @property
    def signataire(self) -> str:
        """Qui signe pour la structure : le délégataire s'il y en a un, sinon le représentant légal."""
        if self.delegataire_nom:
            return f"{self.delegataire_nom} ({self.delegataire_qualite}), par délégation de {self.representant_nom}"
        return f"{self.representant_nom} ({self.representant_qualite})" if self.representant_nom else ""

    @property
    def indicateurs_prevus(self) -> list[tuple[str, str]]:
        """Les indicateurs prévus, une ligne chacun, coupés en (indicateur, cible) au dernier deux-points ; une
        ligne sans deux-points est un indicateur sans cible chiffrée."""
        indicateurs = []
        for ligne in self.evaluation_indicateurs.splitlines():
            libelle, deux_points, cible = ligne.rpartition(":")
            if not deux_points:
                libelle, cible = cible, ""
            if libelle.strip() or cible.strip():
                indicateurs.append((libelle.strip(), cible.strip()))
        return indicateurs

    @property
    def evaluation_renseignee(self) -> bool:
        return any(
            (self.evaluation_methode, self.evaluation_indicateurs, self.evaluation_calendrier, self.evaluation_moyens)
        )

    def get_tranches_age_display(self) -> list[str]:
        return [TrancheAge(code).label for code in self.tranches_age]


class CoPorteur(models.Model):
    """Une autre structure qui porte le projet avec la structure porteuse (réponse collective) ; elle
    confirme sa participation avant le dépôt."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="co_porteurs", verbose_name="dossier")
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="co_portages", verbose_name="structure"
    )
    role = models.CharField("rôle dans le projet", max_length=255, blank=True)
    invite_le = models.DateTimeField("invitée le", default=timezone.now)
    confirme_le = models.DateTimeField("confirmé le", null=True, blank=True)
    confirme_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "contrats_coporteur"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "co-porteur"
        ordering = ["structure__raison_sociale"]
        constraints = [models.UniqueConstraint(fields=["dossier", "structure"], name="co_porteur_unique")]

    def __str__(self):
        return f"{self.structure} — {self.dossier}"

    @property
    def est_confirme(self) -> bool:
        return self.confirme_le is not None


class SensBudget(models.TextChoices):
    CHARGE = "charge", "Charges"
    PRODUIT = "produit", "Produits"


class Compte(models.TextChoices):
    """Les comptes du budget prévisionnel du CERFA 12156."""

    ACHATS = "60", "60 — Achats"
    SERVICES_EXTERIEURS = "61", "61 — Services extérieurs"
    AUTRES_SERVICES = "62", "62 — Autres services extérieurs"
    IMPOTS = "63", "63 — Impôts et taxes"
    PERSONNEL = "64", "64 — Charges de personnel"
    GESTION_COURANTE = "65", "65 — Autres charges de gestion courante"
    CHARGES_FINANCIERES = "66", "66 — Charges financières"
    CHARGES_EXCEPTIONNELLES = "67", "67 — Charges exceptionnelles"
    DOTATIONS = "68", "68 — Dotations aux amortissements"
    CONTRIBUTIONS_EMPLOIS = "86", "86 — Emplois des contributions volontaires en nature"
    VENTES = "70", "70 — Ventes de produits finis, prestations de services"
    SUBVENTIONS = "74", "74 — Subventions d'exploitation"
    AUTRES_PRODUITS = "75", "75 — Autres produits de gestion courante"
    PRODUITS_FINANCIERS = "76", "76 — Produits financiers"
    PRODUITS_EXCEPTIONNELS = "77", "77 — Produits exceptionnels"
    REPRISES = "78", "78 — Reprises sur amortissements et provisions"
    CONTRIBUTIONS_RESSOURCES = "87", "87 — Contributions volontaires en nature"


COMPTES_CHARGES = ["60", "61", "62", "63", "64", "65", "66", "67", "68", "86"]
COMPTES_PRODUITS = ["70", "74", "75", "76", "77", "78", "87"]


class LigneBudget(models.Model):
    """Une ligne du budget prévisionnel de l'action : une charge ou un produit, sur un compte du CERFA.
    Les lignes 74 (subventions) désignent le financeur sollicité quand il est sur la plateforme."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="lignes_budget", verbose_name="dossier")
    # L'année de l'action (1 à `Dossier.nombre_annees`) : une action pluriannuelle a un budget par année ; une
    # action annuelle n'a que l'année 1.
    annee = models.PositiveSmallIntegerField(
        "année de l'action", default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    sens = models.CharField("charge ou produit", max_length=10, choices=SensBudget.choices)
    compte = models.CharField("compte", max_length=2, choices=Compte.choices)
    libelle = models.CharField("libellé", max_length=255, blank=True)
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2, validators=VALIDATEURS_MONTANT)
    financeur = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="financeur (ligne 74)",
    )
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        db_table = "contrats_lignebudget"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "ligne du budget"
        verbose_name_plural = "lignes du budget"
        ordering = ["annee", "sens", "compte", "ordre", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(annee__gte=1, annee__lte=4), name="ligne_budget_annee"),
            models.CheckConstraint(
                condition=models.Q(montant__gte=0) & models.Q(montant__lte=10_000_000), name="ligne_budget_montant"
            ),
        ]

    def __str__(self):
        return f"{self.compte} {self.libelle} : {euros(self.montant)}"


class Financement(models.Model):
    """Ce que le dossier demande à un financeur de l'appel (plan de financement), et la décision de ce
    financeur sur sa part."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="financements", verbose_name="dossier")
    financeur = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="financements", verbose_name="financeur"
    )
    montant_demande = models.DecimalField(
        "montant demandé (€)", max_digits=12, decimal_places=2, validators=VALIDATEURS_MONTANT
    )
    # Recopie du montant de la décision (DecisionFinanceur), pour les totaux du tableau d'instruction.
    montant_accorde = models.DecimalField(
        "montant accordé (€)", max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )

    class Meta:
        db_table = "contrats_financement"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "financement demandé"
        verbose_name_plural = "financements demandés"
        ordering = ["financeur__nom"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "financeur"], name="financement_unique"),
            models.CheckConstraint(condition=models.Q(montant_demande__gte=0), name="financement_montant_positif"),
        ]
        indexes = [models.Index(fields=["financeur", "dossier"], name="financement_financeur")]

    def __str__(self):
        return f"{self.financeur} : {euros(self.montant_demande)}"


class PieceJointe(models.Model):
    """Un document joint au dossier (statuts, RIB…) ou à un message de l'instruction. Le fichier est rangé
    dans le stockage hors de toute adresse publique et servi par une vue qui vérifie l'accès."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pieces", verbose_name="dossier")
    message = models.ForeignKey(
        "financements.Message",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pieces",
        verbose_name="message",
    )
    type = models.CharField("type de document", max_length=20, choices=TypePiece.choices)
    # Une pièce prise dans le coffre-fort de la structure au lieu d'être téléversée : elle désigne le document
    # (et son fichier, partagé, que le retrait de la pièce n'efface pas) ; le document ne se supprime plus tant
    # qu'un dossier déposé le joint (`financements.obstacles`).
    document = models.ForeignKey(
        DocumentStructure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pieces",
        verbose_name="document du coffre de la structure",
    )
    chemin = models.CharField("chemin dans le stockage", max_length=255, editable=False)
    nom = models.CharField("nom du fichier", max_length=255)
    taille = models.PositiveIntegerField("taille (octets)")
    type_mime = models.CharField("type MIME", max_length=100)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="déposée par"
    )
    deposee_le = models.DateTimeField("déposée le", default=timezone.now)

    class Meta:
        db_table = "contrats_piecejointe"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["type", "deposee_le"]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("financements:piece", args=[self.dossier_id, self.pk])

    @property
    def taille_lisible(self) -> str:
        return taille_lisible(self.taille)


class VisibiliteJournal(models.TextChoices):
    """Qui lit une entrée du journal : les instructeurs lisent tout ; le porteur (et ses co-porteurs) lit ce
    qui le concerne, jamais les avis ni le travail interne des instructeurs."""

    PORTEUR = "porteur", "Porteur et instructeurs"
    DECISION = "decision", "Instructeurs, puis porteur une fois toutes les décisions prises"
    INSTRUCTEURS = "instructeurs", "Instructeurs seulement"


class JournalDossierQuerySet(models.QuerySet):
    def pour_porteur(self, dossier: "Dossier"):
        """Ce que le porteur lit : les changements d'état et ses propres actions, les décisions des financeurs
        une fois le dossier décidé (elles lui sont alors notifiées ensemble)."""
        visibles = [VisibiliteJournal.PORTEUR]
        if dossier.statut in STATUTS_DECIDES:
            visibles.append(VisibiliteJournal.DECISION)
        return self.filter(visibilite__in=visibles)


class JournalDossier(models.Model):
    """Une entrée du journal d'un dossier : un changement d'état, une décision, un avis… qui, quand, pourquoi,
    et qui peut la lire."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="journal", verbose_name="dossier")
    date = models.DateTimeField("date", default=timezone.now)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    de_statut = models.CharField("état précédent", max_length=20, choices=StatutDossier.choices, blank=True)
    a_statut = models.CharField("nouvel état", max_length=20, choices=StatutDossier.choices, blank=True)
    evenement = models.CharField("événement", max_length=255)
    motif = models.TextField("motif", blank=True)
    # Par défaut, les seuls instructeurs : une entrée oubliée ne parvient pas au porteur.
    visibilite = models.CharField(
        "lue par", max_length=12, choices=VisibiliteJournal.choices, default=VisibiliteJournal.INSTRUCTEURS
    )

    objects = JournalDossierQuerySet.as_manager()

    class Meta:
        db_table = "contrats_journaldossier"  # table créée par l'application contrats, gardée telle quelle
        verbose_name = "entrée du journal du dossier"
        verbose_name_plural = "journal des dossiers"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.dossier_id} : {self.evenement}"
