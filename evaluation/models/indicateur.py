"""Le catalogue des indicateurs : nationaux (partagés par tous les contrats) ou locaux (ceux d'un contrat)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from contrats.models import ContratDeVille, Orientation
from financements.models import Convention, Dossier


class Unite(models.TextChoices):
    NOMBRE = "nombre", "Nombre (effectif)"
    POURCENTAGE = "pourcentage", "Pourcentage (%)"
    INDICE = "indice", "Indice (rapport sans unité)"
    EUROS = "euros", "Euros (€)"


# Le symbole écrit après une valeur (« 52,3 % ») ; rien pour un effectif.
SYMBOLES = {Unite.NOMBRE: "", Unite.POURCENTAGE: "%", Unite.INDICE: "", Unite.EUROS: "€"}


class Sens(models.TextChoices):
    HAUSSE = "hausse", "Plus haut, c'est mieux"
    BAISSE = "baisse", "Plus bas, c'est mieux"
    NEUTRE = "neutre", "Ni l'un ni l'autre (donnée de contexte)"


class Agregation(models.TextChoices):
    """Comment des valeurs de plusieurs territoires se combinent : un effectif se somme ; un taux ou un indice
    ne se somme ni ne se moyenne (il faudrait ses numérateur et dénominateur)."""

    SOMME = "somme", "Effectif : se somme entre territoires"
    AUCUNE = "aucune", "Taux ou indice : ne se combine pas"


class Frequence(models.TextChoices):
    ANNUELLE = "annuelle", "Annuelle"
    PLURIANNUELLE = "pluriannuelle", "Pluriannuelle (recensement…)"
    PONCTUELLE = "ponctuelle", "Ponctuelle"
    INFRA_ANNUELLE = "infra_annuelle", "Plusieurs fois par an"


class Indicateur(models.Model):
    """Un indicateur de suivi, avec sa définition : ce qu'il mesure, son unité, son sens, d'où il vient et
    la plage où une valeur est plausible (une valeur hors de cette plage est signalée, pas refusée).

    Sans contrat, il est national (catalogue partagé, tenu par les imports officiels) ; avec un contrat, il
    est local et tenu par les agents des signataires de ce contrat.
    """

    code = models.SlugField("code", max_length=60, help_text="Identifiant court, sans espace (taux_emploi).")
    nom = models.CharField("nom", max_length=255)
    definition = models.TextField("définition", blank=True)
    unite = models.CharField("unité", max_length=12, choices=Unite.choices)
    sens = models.CharField("sens", max_length=10, choices=Sens.choices, default=Sens.NEUTRE)
    agregation = models.CharField("agrégation", max_length=10, choices=Agregation.choices, default=Agregation.AUCUNE)
    source = models.CharField("source", max_length=255, blank=True)
    methode = models.TextField("méthode de calcul", blank=True)
    producteur = models.CharField("producteur", max_length=255, blank=True)
    frequence = models.CharField("fréquence", max_length=15, choices=Frequence.choices, default=Frequence.ANNUELLE)
    plage_min = models.DecimalField("minimum plausible", max_digits=16, decimal_places=4, null=True, blank=True)
    plage_max = models.DecimalField("maximum plausible", max_digits=16, decimal_places=4, null=True, blank=True)
    contrat = models.ForeignKey(
        ContratDeVille,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicateurs",
        verbose_name="contrat",
        help_text="Vide pour un indicateur national.",
    )
    orientations = models.ManyToManyField(
        Orientation, blank=True, related_name="indicateurs", verbose_name="orientations et objectifs"
    )
    dossiers = models.ManyToManyField(Dossier, blank=True, related_name="indicateurs", verbose_name="dossiers")
    conventions = models.ManyToManyField(Convention, blank=True, related_name="indicateurs", verbose_name="conventions")
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["contrat_id", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(contrat__isnull=True), name="indicateur_national_unique"
            ),
            models.UniqueConstraint(fields=["contrat", "code"], name="indicateur_local_unique"),
            models.CheckConstraint(
                condition=models.Q(plage_min__isnull=True)
                | models.Q(plage_max__isnull=True)
                | models.Q(plage_min__lte=models.F("plage_max")),
                name="indicateur_plage",
            ),
        ]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("evaluation:indicateur", args=[self.pk])

    @property
    def est_national(self) -> bool:
        return self.contrat_id is None

    @property
    def symbole(self) -> str:
        return SYMBOLES.get(self.unite, "")

    @property
    def plage(self) -> str:
        """« de 0 à 100 % », « au moins 0 », ou « » sans plage."""
        if self.plage_min is None and self.plage_max is None:
            return ""
        bornes = [format_nombre(b) for b in (self.plage_min, self.plage_max)]
        suffixe = f" {self.symbole}" if self.symbole else ""
        if self.plage_max is None:
            return f"au moins {bornes[0]}{suffixe}"
        if self.plage_min is None:
            return f"au plus {bornes[1]}{suffixe}"
        return f"de {bornes[0]} à {bornes[1]}{suffixe}"

    def hors_plage(self, valeur: Decimal | None) -> bool:
        if valeur is None:
            return False
        return (self.plage_min is not None and valeur < self.plage_min) or (
            self.plage_max is not None and valeur > self.plage_max
        )

    def formater(self, valeur: Decimal | None) -> str:
        """La valeur écrite à la française avec son unité (« 52,3 % », « 1 204 ») ; absente : « non diffusé »."""
        if valeur is None:
            return "non diffusé"
        if self.unite == Unite.EUROS:
            from config.lib.euros import euros

            return euros(valeur)
        texte = format_nombre(valeur)
        return f"{texte} {self.symbole}" if self.symbole else texte


def format_nombre(valeur: Decimal | None) -> str:
    """1234.50 → « 1 234,5 » (espace fine insécable entre les milliers, zéros inutiles retirés)."""
    if valeur is None:
        return ""
    valeur = Decimal(valeur)
    normalisee = valeur.quantize(Decimal(1)) if valeur == valeur.to_integral_value() else valeur.normalize()
    entier, _, decimales = f"{normalisee:f}".partition(".")
    signe = "-" if entier.startswith("-") else ""
    entier = entier.lstrip("-")
    groupes = []
    while len(entier) > 3:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    groupes.insert(0, entier)
    texte = signe + "\u202f".join(groupes)
    return f"{texte},{decimales}" if decimales else texte
