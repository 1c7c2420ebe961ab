"""Filtres des listes de financements (django-filter) : le tableau d'instruction des dossiers, les conventions
et leurs tableaux de bord."""

import django_filters
from django import forms
from django.db.models import F, Q, Value

from acteurs_ess.models import Structure
from comptes.models import Organisation
from contrats.models import ContratDeVille, Orientation
from financements.models import (
    AppelAProjets,
    CompteRendu,
    Convention,
    Dossier,
    Issue,
    PartieFinanceur,
    StatutConvention,
    StatutDossier,
    StatutVersement,
    Versement,
)
from territoires.models import Qpv, nom_normalise


class TableauFiltre(django_filters.FilterSet):
    statut = django_filters.ChoiceFilter(label="État", choices=StatutDossier.choices, empty_label="Tous")
    issue = django_filters.ChoiceFilter(label="Issue", choices=Issue.choices, empty_label="Toutes")
    qpv = django_filters.CharFilter(label="QPV (nom ou code)", method="filtrer_qpv")
    priorite = django_filters.CharFilter(label="Priorité (mots du titre)", method="filtrer_priorite")
    porteur = django_filters.CharFilter(label="Structure porteuse", method="filtrer_porteur")
    financeur = django_filters.CharFilter(label="Financeur sollicité (nom)", method="filtrer_financeur")
    montant_min = django_filters.NumberFilter(
        label="Demandé au moins (€)", field_name="montant_demande", lookup_expr="gte"
    )
    montant_max = django_filters.NumberFilter(
        label="Demandé au plus (€)", field_name="montant_demande", lookup_expr="lte"
    )
    annee = django_filters.NumberFilter(label="Année", method="filtrer_annee")
    convention = django_filters.BooleanFilter(
        label="Convention obligatoire",
        field_name="convention_requise",
        widget=forms.Select(choices=[("", "Tous"), ("true", "Oui"), ("false", "Non")]),
    )
    collectif = django_filters.BooleanFilter(
        label="Réponse collective",
        field_name="collectif",
        widget=forms.Select(choices=[("", "Tous"), ("true", "Oui"), ("false", "Non")]),
    )

    class Meta:
        model = Dossier
        fields = []

    def filtrer_porteur(self, queryset, name, value):
        # Le nom normalisé (minuscules, sans accents) profite de l'index trigramme de l'annuaire ; la saisie est
        # normalisée par la même fonction SQL, pour que « Cœur » ou « l’atelier » se comparent de la même façon.
        structures = (
            Structure.objects.annotate(nom_recherche=nom_normalise("raison_sociale"))
            .filter(nom_recherche__contains=nom_normalise(Value(value)))
            .values("pk")
        )
        return queryset.filter(structure_id__in=structures)

    # Les filtres prennent des noms, jamais des numéros internes ; comparés sans accents ni majuscules. Par
    # identifiants de dossiers (sous-requête) : pas de doublon quand plusieurs lignes liées correspondent.
    def filtrer_qpv(self, queryset, name, value):
        qpv = Qpv.objects.annotate(nom_cherche=nom_normalise("nom")).filter(
            Q(code__iexact=value.strip()) | Q(nom_cherche__contains=nom_normalise(Value(value.strip())))
        )
        return queryset.filter(pk__in=Dossier.objects.filter(qpv__in=qpv.values("pk")).values("pk"))

    def filtrer_priorite(self, queryset, name, value):
        orientations = Orientation.objects.annotate(titre_cherche=nom_normalise("titre")).filter(
            titre_cherche__contains=nom_normalise(Value(value.strip()))
        )
        return queryset.filter(pk__in=Dossier.objects.filter(priorites__in=orientations.values("pk")).values("pk"))

    def filtrer_financeur(self, queryset, name, value):
        organisations = Organisation.objects.annotate(nom_cherche=nom_normalise("nom")).filter(
            nom_cherche__contains=nom_normalise(Value(value.strip()))
        )
        return queryset.filter(
            pk__in=Dossier.objects.filter(financements__financeur__in=organisations.values("pk")).values("pk")
        )

    def filtrer_annee(self, queryset, name, value):
        # Par identifiants d'appels plutôt que par jointure : l'ordre de la page reste lu dans l'index.
        return queryset.filter(appel_id__in=AppelAProjets.objects.filter(annee=value).values("pk"))


class ConventionFiltre(django_filters.FilterSet):
    """La liste « Conventions » : par état et par année couverte."""

    statut = django_filters.ChoiceFilter(label="État", choices=StatutConvention.choices, empty_label="Tous")
    annee = django_filters.NumberFilter(label="Année couverte", method="filtrer_annee")

    class Meta:
        model = Convention
        fields = ["statut"]

    def filtrer_annee(self, queryset, name, value):
        return queryset.filter(annee_debut__lte=value, annee_debut__gt=value - F("nombre_annees"))


# --- Tableaux de bord des conventions (financements/tableaux.py) ------------------------------------------


def _structures_nommees(valeur: str):
    """Les structures dont le nom contient la saisie (même normalisation que le tableau d'instruction)."""
    return (
        Structure.objects.annotate(nom_recherche=nom_normalise("raison_sociale"))
        .filter(nom_recherche__contains=nom_normalise(Value(valeur)))
        .values("pk")
    )


class _FiltreDuFinanceur(django_filters.FilterSet):
    """Un filtre du tableau d'un financeur : le financeur (parmi les organisations de la personne, s'il y en a
    plusieurs) et le nom de la structure."""

    financeur = django_filters.ChoiceFilter(label="Financeur", method="filtrer_financeur")
    structure = django_filters.CharFilter(label="Structure", method="filtrer_structure")
    champ_structure = "structure_id"

    def __init__(self, *args, financeurs: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        financeurs = financeurs or []
        if len(financeurs) > 1:
            self.filters["financeur"].extra.update(
                choices=[(o.pk, o.nom) for o in financeurs], empty_label="Tous mes financeurs"
            )
        else:
            del self.filters["financeur"]

    def filtrer_financeur(self, queryset, name, value):
        return queryset.filter(**{self.champ_financeur: value})

    def filtrer_structure(self, queryset, name, value):
        return queryset.filter(**{f"{self.champ_structure}__in": _structures_nommees(value)})


class VersementsTableauFiltre(_FiltreDuFinanceur):
    statut = django_filters.ChoiceFilter(
        label="État",
        choices=[(StatutVersement.PREVU, "Prévu"), (StatutVersement.MANDATE, "Mandaté")],
        empty_label="Prévus et mandatés",
    )
    echeance = django_filters.DateFilter(
        label="Date prévue jusqu'au",
        field_name="date_prevue",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    annee = django_filters.NumberFilter(label="Année de la convention", field_name="annee")
    champ_structure = "convention__structure_id"
    champ_financeur = "financeur_id"

    class Meta:
        model = Versement
        fields = []


class ConventionsTableauFiltre(_FiltreDuFinanceur):
    statut = django_filters.ChoiceFilter(label="État", choices=StatutConvention.choices, empty_label="Tous")
    annee = django_filters.NumberFilter(label="Année couverte", method="filtrer_annee")
    duree = django_filters.ChoiceFilter(
        label="Durée",
        choices=[("annuelle", "Annuelles"), ("cpo", "Pluriannuelles (CPO)")],
        empty_label="Toutes",
        method="filtrer_duree",
    )
    champ_financeur = "parties__financeur_id"

    class Meta:
        model = Convention
        fields = []

    def filtrer_financeur(self, queryset, name, value):
        return queryset.filter(pk__in=PartieFinanceur.objects.filter(financeur_id=value).values("convention_id"))

    def filtrer_annee(self, queryset, name, value):
        return queryset.filter(annee_debut__lte=value, annee_debut__gt=value - F("nombre_annees"))

    def filtrer_duree(self, queryset, name, value):
        return queryset.filter(nombre_annees__gt=1) if value == "cpo" else queryset.filter(nombre_annees=1)


class ComptesRendusTableauFiltre(_FiltreDuFinanceur):
    annee = django_filters.NumberFilter(label="Année du compte-rendu", field_name="annee")
    champ_structure = "convention__structure_id"

    class Meta:
        model = CompteRendu
        fields = []

    def filtrer_financeur(self, queryset, name, value):
        return queryset.filter(
            convention_id__in=PartieFinanceur.objects.filter(financeur_id=value).values("convention_id")
        )


class TableauEtatFiltre(django_filters.FilterSet):
    """Le tableau de l'État : l'année des crédits, le département, le contrat (nom ou code)."""

    annee = django_filters.NumberFilter(label="Année des crédits", method="garder")
    departement = django_filters.ChoiceFilter(label="Département", field_name="departement_id", empty_label="Tous")
    contrat = django_filters.CharFilter(label="Contrat (nom ou code)", method="filtrer_contrat")

    class Meta:
        model = ContratDeVille
        fields = []

    def __init__(self, *args, departements: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["departement"].extra["choices"] = [(d.pk, str(d)) for d in departements or []]

    def garder(self, queryset, name, value):
        # L'année choisit les montants, pas les contrats.
        return queryset

    def filtrer_contrat(self, queryset, name, value):
        return queryset.filter(Q(nom__icontains=value) | Q(code__iexact=value.strip()))


class ComiteFiltre(django_filters.FilterSet):
    """Le comité de programmation d'un appel : l'état des dossiers, un QPV et une priorité de l'appel (par leur
    nom)."""

    statut = django_filters.ChoiceFilter(
        label="État",
        choices=[c for c in StatutDossier.choices if c[0] != StatutDossier.BROUILLON],
        empty_label="Tous",
    )
    qpv = django_filters.ModelChoiceFilter(label="QPV", field_name="qpv", queryset=None, empty_label="Tous")
    priorite = django_filters.ModelChoiceFilter(
        label="Priorité", field_name="priorites", queryset=None, empty_label="Toutes"
    )

    class Meta:
        model = Dossier
        fields = []

    def __init__(self, *args, appel: AppelAProjets, **kwargs):
        super().__init__(*args, **kwargs)
        # Un appel sans QPV listés les accepte tous : ceux du contrat.
        qpv = appel.qpv.all() if appel.qpv.exists() else appel.contrat.qpv.all()
        self.filters["qpv"].queryset = qpv.order_by("nom")
        priorites = appel.priorites.all() if appel.priorites.exists() else appel.contrat.orientations.all()
        self.filters["priorite"].queryset = priorites.order_by("titre")
