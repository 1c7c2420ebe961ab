"""Le référentiel territorial officiel : régions, départements, EPCI (et EPT), communes, QPV 2024.

Les clés primaires sont les codes officiels (INSEE, SIREN, code QPV) : ils sont stables, figurent dans les
adresses des pages et permettent aux imports de tout écrire en masse sans traduire des identifiants.
Aucune ligne n'est jamais supprimée : une commune qui disparaît devient obsolète, avec son successeur.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class SansAccent(models.Func):
    """`f_unaccent`, version IMMUTABLE d'`unaccent` créée par la migration 0002 (indexable)."""

    function = "f_unaccent"
    output_field = models.TextField()


def nom_normalise(champ: str = "nom") -> SansAccent:
    """Le nom en minuscules et sans accents : `f_unaccent(lower(nom))`."""
    return SansAccent(Lower(champ))


def champ_nom_recherche() -> models.GeneratedField:
    # Colonne générée (stockée) plutôt qu'index d'expression seul : la recherche relit le nom normalisé
    # de milliers de candidats (tri par similarité) ; le lire sur disque évite de recalculer unaccent.
    return models.GeneratedField(
        expression=nom_normalise(), output_field=models.TextField(), db_persist=True, editable=False
    )


def index_trigramme(nom_index: str) -> GinIndex:
    return GinIndex(OpClass("nom_recherche", name="gin_trgm_ops"), name=nom_index)


class Zone(models.TextChoices):
    METRO = "metro", "Métropole"
    DROM = "drom", "Outre-mer (DROM)"
    COM = "com", "Collectivité d'outre-mer"


class Region(models.Model):
    """Une région (ou, pour l'outre-mer, la collectivité que le COG range parmi les régions)."""

    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    nom_recherche = champ_nom_recherche()
    zone = models.CharField("zone", max_length=5, choices=Zone.choices)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]
        indexes = [index_trigramme("region_nom_trgm")]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("territoires:region", args=[self.code])


class Departement(models.Model):
    """Un département (code `01`…`95`, `2A`, `2B`, `971`…), ou une collectivité d'outre-mer."""

    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    nom_recherche = champ_nom_recherche()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements", verbose_name="région")
    zone = models.CharField("zone", max_length=5, choices=Zone.choices)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]
        indexes = [index_trigramme("departement_nom_trgm")]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    def get_absolute_url(self):
        return reverse("territoires:departement", args=[self.code])


class NatureEpci(models.TextChoices):
    CC = "CC", "Communauté de communes"
    CA = "CA", "Communauté d'agglomération"
    CU = "CU", "Communauté urbaine"
    METRO = "METRO", "Métropole"
    MET69 = "MET69", "Métropole de Lyon"
    EPT = "EPT", "Établissement public territorial"


class Epci(models.Model):
    """Un EPCI à fiscalité propre, ou un établissement public territorial (EPT) de la Métropole du Grand Paris.

    Une commune appartient à un seul EPCI à fiscalité propre ; celles de la Métropole du Grand Paris
    appartiennent en plus à un EPT (`Commune.ept`).
    """

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    nom = models.CharField("nom", max_length=255)
    nom_recherche = champ_nom_recherche()
    nature = models.CharField("nature", max_length=5, choices=NatureEpci.choices)
    mode_financement = models.CharField("mode de financement", max_length=10, blank=True)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    obsolete = models.BooleanField("obsolète", default=False)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]
        indexes = [index_trigramme("epci_nom_trgm")]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("territoires:epci", args=[self.siren])

    @property
    def est_ept(self) -> bool:
        return self.nature == NatureEpci.EPT


class CommuneQuerySet(models.QuerySet):
    def actuelles(self):
        return self.filter(obsolete=False)


class Commune(models.Model):
    """Une commune du Code officiel géographique, actuelle ou disparue (fusion, commune nouvelle)."""

    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=255)
    nom_recherche = champ_nom_recherche()
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    epci = models.ForeignKey(
        Epci,
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
        verbose_name="EPCI",
        limit_choices_to=~models.Q(nature=NatureEpci.EPT),
    )
    ept = models.ForeignKey(
        Epci,
        on_delete=models.PROTECT,
        related_name="communes_ept",
        null=True,
        blank=True,
        verbose_name="EPT",
        limit_choices_to={"nature": NatureEpci.EPT},
    )
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    codes_postaux = ArrayField(models.CharField(max_length=5), default=list, blank=True, verbose_name="codes postaux")
    siren = models.CharField("SIREN", max_length=9, blank=True)
    obsolete = models.BooleanField("obsolète", default=False)
    remplacee_par = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="anciennes_communes",
        null=True,
        blank=True,
        verbose_name="remplacée par",
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["nom", "code"]
        indexes = [
            index_trigramme("commune_nom_trgm"),
            # Débuts de nom (autocomplétion) : LIKE 'ren%' sur le nom normalisé.
            models.Index(OpClass("nom_recherche", name="text_pattern_ops"), name="commune_nom_prefixe"),
            models.Index(fields=["code"], name="commune_code_prefixe", opclasses=["varchar_pattern_ops"]),
            GinIndex(fields=["codes_postaux"], name="commune_codes_postaux"),
        ]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    def get_absolute_url(self):
        return reverse("territoires:commune", args=[self.code])


class Qpv(models.Model):
    """Un quartier prioritaire de la politique de la ville (géographie 2024, code `QN…`).

    Un QPV peut s'étendre sur plusieurs communes. Son périmètre est un `MultiPolygon` GeoJSON en WGS84
    (longitude, latitude) ; l'emprise (`[lon_min, lat_min, lon_max, lat_max]`) sert au dessin des cartes.
    """

    code = models.CharField("code", max_length=8, primary_key=True)
    nom = models.CharField("nom", max_length=255)
    nom_recherche = champ_nom_recherche()
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="qpv", verbose_name="département"
    )
    communes = models.ManyToManyField(Commune, related_name="qpv", verbose_name="communes", blank=True)
    epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, related_name="qpv", null=True, blank=True, verbose_name="EPCI"
    )
    porteurs_contrat = ArrayField(
        models.CharField(max_length=9),
        default=list,
        blank=True,
        verbose_name="SIREN des porteurs du contrat de ville",
        help_text="EPCI, EPT ou commune (Ville de Paris) qui portent le contrat de ville.",
    )
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    perimetre = models.JSONField("périmètre (GeoJSON)", null=True, blank=True)
    emprise = ArrayField(models.FloatField(), size=4, null=True, blank=True, verbose_name="emprise")

    class Meta:
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"
        ordering = ["code"]
        indexes = [
            index_trigramme("qpv_nom_trgm"),
            models.Index(fields=["code"], name="qpv_code_prefixe", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    def get_absolute_url(self):
        return reverse("territoires:qpv", args=[self.code])
