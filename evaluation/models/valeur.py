"""Les valeurs des indicateurs : par année et par territoire (QPV, commune, EPCI, contrat) ou par projet
(dossier, convention) ; ligne de base, cible ou réalisé. Une correction ne modifie jamais une valeur : elle en
crée une nouvelle version, l'ancienne reste consultable."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from contrats.models import ContratDeVille
from evaluation.models.bilan import Bilan, TypeBilan
from evaluation.models.indicateur import Indicateur
from financements.models import Convention, Dossier, IndicateurCompteRendu
from territoires.models import Commune, Epci, Qpv


class NatureValeur(models.TextChoices):
    LIGNE_DE_BASE = "ligne_de_base", "Ligne de base"
    CIBLE = "cible", "Cible"
    REALISE = "realise", "Réalisé"


class Origine(models.TextChoices):
    IMPORT = "import", "Import officiel"
    SAISIE = "saisie", "Saisie"


class NiveauTerritoire(models.TextChoices):
    QPV = "qpv", "Quartier prioritaire"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Intercommunalité"
    CONTRAT = "contrat", "Contrat de ville"
    DOSSIER = "dossier", "Projet (dossier)"
    CONVENTION = "convention", "Convention"


class ValeurQuerySet(models.QuerySet):
    def courantes(self):
        return self.filter(courante=True)

    def lignes_de_base_officielles(self):
        return self.filter(courante=True, origine=Origine.IMPORT, nature=NatureValeur.LIGNE_DE_BASE)

    def publiques(self):
        """Les valeurs que tout le monde lit (une seule règle, partout : tableau de bord, synthèses, page d'une
        valeur) : une ligne de base officielle (sans contrat), ou une valeur d'un contrat qu'un bilan publié expose.
        Un bilan publié couvre les années jusqu'à la sienne (annuel : son année et les précédentes ;
        mi-parcours : jusqu'à 2027), toutes pour le bilan final. Une valeur sans année et les cibles d'un contrat
        sont publiques dès son premier bilan publié. Deux sous-requêtes EXISTS dans la même requête."""
        publies = Bilan.objects.publies().filter(contrat_id=OuterRef("contrat_id"))
        couvrant_l_annee = publies.filter(Q(type=TypeBilan.FINAL) | Q(annee__gte=OuterRef("annee")))
        return self.filter(
            Q(contrat__isnull=True)
            | (Q(Exists(publies)) & (Q(annee__isnull=True) | Q(nature=NatureValeur.CIBLE)))
            | Q(Exists(couvrant_l_annee))
        )


class Valeur(models.Model):
    """Une valeur d'un indicateur pour un territoire (ou un projet), une année et une nature.

    `cle_territoire` résume le territoire (« qpv:QN03501M », « qpv:QN00201M|commune:02571 »,
    « contrat:12 ») : une seule valeur courante par (indicateur, territoire, année, nature). L'année est vide
    quand la source ne la donne pas (millésime « non précisé »). `valeur` vide : non diffusée (secret
    statistique), jamais zéro. `contrat` : le contrat dans le cadre duquel la valeur a été saisie (vide pour un
    import officiel) ; c'est lui qui dit qui la lit et qui la corrige.
    """

    indicateur = models.ForeignKey(
        Indicateur, on_delete=models.PROTECT, related_name="valeurs", verbose_name="indicateur"
    )
    niveau = models.CharField("territoire", max_length=12, choices=NiveauTerritoire.choices)
    qpv = models.ForeignKey(Qpv, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    contrat = models.ForeignKey(
        ContratDeVille, on_delete=models.CASCADE, null=True, blank=True, related_name="valeurs_indicateurs"
    )
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cle_territoire = models.CharField("clé du territoire", max_length=60)
    annee = models.PositiveSmallIntegerField("année", null=True, blank=True, help_text="Vide : non précisée.")
    nature = models.CharField("nature", max_length=15, choices=NatureValeur.choices)
    valeur = models.DecimalField("valeur", max_digits=16, decimal_places=4, null=True, blank=True)
    non_diffusee = models.BooleanField("non diffusée (secret statistique)", default=False)
    hors_plage = models.BooleanField("hors de la plage plausible", default=False)
    source = models.CharField("source", max_length=255, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    origine = models.CharField("origine", max_length=10, choices=Origine.choices, default=Origine.SAISIE)
    saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisie par",
    )
    saisie_le = models.DateTimeField("saisie le", default=timezone.now)
    version = models.PositiveSmallIntegerField("version", default=1)
    courante = models.BooleanField("version courante", default=True)
    precedente = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suivante",
        verbose_name="version précédente",
    )

    objects = ValeurQuerySet.as_manager()

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        ordering = ["indicateur", "cle_territoire", "annee", "nature", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicateur", "cle_territoire", "annee", "nature"],
                condition=models.Q(courante=True),
                nulls_distinct=False,
                name="valeur_courante_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(non_diffusee=True, valeur__isnull=True)
                | models.Q(non_diffusee=False, valeur__isnull=False),
                name="valeur_ou_non_diffusee",
            ),
        ]
        indexes = [
            models.Index(fields=["qpv", "indicateur"], condition=models.Q(courante=True), name="valeur_qpv"),
            models.Index(fields=["contrat", "indicateur"], condition=models.Q(courante=True), name="valeur_contrat"),
        ]

    def __str__(self):
        return f"{self.indicateur} — {self.territoire} — {self.libelle_annee} — {self.get_nature_display()}"

    def get_absolute_url(self):
        return reverse("evaluation:valeur", args=[self.pk])

    @property
    def libelle_annee(self) -> str:
        return str(self.annee) if self.annee else "non précisé"

    @property
    def territoire(self) -> str:
        """Le territoire en clair (« Le Blosne (QN03501M), partie Rennes »)."""
        if self.niveau == NiveauTerritoire.QPV and self.qpv_id:
            texte = self.qpv.nom if self.qpv else self.qpv_id
            return f"{texte}, {self.partie}" if self.partie else texte
        objet = {
            NiveauTerritoire.COMMUNE: self.commune,
            NiveauTerritoire.EPCI: self.epci,
            NiveauTerritoire.CONTRAT: self.contrat,
            NiveauTerritoire.DOSSIER: self.dossier,
            NiveauTerritoire.CONVENTION: self.convention,
        }.get(NiveauTerritoire(self.niveau))
        return str(objet) if objet else self.cle_territoire

    @property
    def code_partie(self) -> str:
        """Le code de la commune (ou de l'arrondissement municipal) d'une ligne par commune d'un QPV, sinon « »."""
        return self.cle_territoire.partition("|commune:")[2]

    @property
    def partie(self) -> str:
        """« partie Rennes », « arrondissement 75113 (Paris) » pour une ligne par commune d'un QPV, sinon « »."""
        code = self.code_partie
        if not code:
            return ""
        nom = self.commune.nom if self.commune else self.commune_id
        return f"partie {nom}" if code == self.commune_id else f"arrondissement {code} ({nom})"

    @property
    def code_territoire(self) -> str:
        """Le code officiel du territoire pour les exports (code QPV, code INSEE, SIREN, code du contrat)."""
        if self.niveau == NiveauTerritoire.QPV:
            return self.qpv_id or ""
        if self.niveau == NiveauTerritoire.COMMUNE:
            return self.commune_id or ""
        if self.niveau == NiveauTerritoire.EPCI:
            return self.epci_id or ""
        if self.niveau == NiveauTerritoire.CONTRAT:
            return self.contrat.code if self.contrat else ""
        return self.cle_territoire

    @property
    def texte(self) -> str:
        return self.indicateur.formater(self.valeur)


def cle_territoire(
    niveau: str,
    *,
    qpv: str | None = None,
    commune: str | None = None,
    epci: str | None = None,
    contrat: int | None = None,
    dossier: int | None = None,
    convention: int | None = None,
    partie_de_commune: bool = False,
) -> str:
    """La clé d'unicité du territoire. Un QPV sur plusieurs communes a une valeur par commune
    (`partie_de_commune`), comme dans le fichier officiel."""
    if niveau == NiveauTerritoire.QPV:
        return f"qpv:{qpv}|commune:{commune}" if partie_de_commune else f"qpv:{qpv}"
    valeurs = {
        NiveauTerritoire.COMMUNE: commune,
        NiveauTerritoire.EPCI: epci,
        NiveauTerritoire.CONTRAT: contrat,
        NiveauTerritoire.DOSSIER: dossier,
        NiveauTerritoire.CONVENTION: convention,
    }
    return f"{niveau}:{valeurs[NiveauTerritoire(niveau)]}"


class DistributionNationale(models.Model):
    """La distribution d'un indicateur national sur tous les QPV (quartiles), recalculée à chaque import des
    lignes de base officielles : les pages des QPV la lisent sans parcourir 1 500 valeurs."""

    indicateur = models.OneToOneField(Indicateur, on_delete=models.CASCADE, related_name="distribution")
    nombre_qpv = models.PositiveIntegerField("nombre de QPV pris en compte")
    non_diffuses = models.PositiveIntegerField("QPV dont la valeur n'est pas diffusée", default=0)
    premier_quartile = models.DecimalField("premier quartile", max_digits=16, decimal_places=4)
    mediane = models.DecimalField("médiane", max_digits=16, decimal_places=4)
    troisieme_quartile = models.DecimalField("troisième quartile", max_digits=16, decimal_places=4)
    calculee_le = models.DateTimeField("calculée le", default=timezone.now)

    class Meta:
        verbose_name = "distribution nationale"
        verbose_name_plural = "distributions nationales"

    def __str__(self):
        return f"{self.indicateur} : médiane {self.mediane}"


class LiaisonCompteRendu(models.Model):
    """Une valeur qu'une structure a donnée dans le compte-rendu annuel de sa convention (libellé, unité,
    valeur), reliée à un indicateur du catalogue : elle est alors comptée pour cet indicateur et attribuée à la
    convention."""

    indicateur_compte_rendu = models.OneToOneField(
        IndicateurCompteRendu, on_delete=models.CASCADE, related_name="liaison", verbose_name="valeur du compte-rendu"
    )
    indicateur = models.ForeignKey(
        Indicateur, on_delete=models.PROTECT, related_name="liaisons", verbose_name="indicateur du catalogue"
    )
    reliee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reliee_le = models.DateTimeField("reliée le", default=timezone.now)

    class Meta:
        verbose_name = "liaison d'un compte-rendu à un indicateur"
        verbose_name_plural = "liaisons des comptes-rendus aux indicateurs"

    def __str__(self):
        return f"{self.indicateur_compte_rendu} → {self.indicateur}"
