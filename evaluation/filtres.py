"""Filtres des listes de l'évaluation (django-filter), rendus en DSFR."""

import django_filters
from django.db.models import Q

from config.lib.menus import MenuRapide
from evaluation.models import Indicateur, NatureValeur, NiveauTerritoire, Unite, Valeur
from territoires.filtres import FormulaireFiltres


class IndicateurFiltre(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou code", method="filtrer_texte")
    portee = django_filters.ChoiceFilter(
        label="Portée",
        choices=[("national", "Nationaux"), ("local", "Locaux (d'un contrat)")],
        empty_label="Tous",
        method="filtrer_portee",
    )
    unite = django_filters.ChoiceFilter(label="Unité", choices=Unite.choices, empty_label="Toutes")

    class Meta:
        model = Indicateur
        fields = ["q", "portee", "unite"]
        form = FormulaireFiltres

    def filtrer_texte(self, queryset, name, value):
        texte = value.strip()
        return queryset.filter(Q(nom__icontains=texte) | Q(code__icontains=texte)) if texte else queryset

    def filtrer_portee(self, queryset, name, value):
        return queryset.filter(contrat__isnull=value == "national")


class ValeurFiltre(django_filters.FilterSet):
    indicateur = django_filters.ModelChoiceFilter(
        label="Indicateur", queryset=Indicateur.objects.none(), empty_label="Tous"
    )
    nature = django_filters.ChoiceFilter(label="Nature", choices=NatureValeur.choices, empty_label="Toutes")
    niveau = django_filters.ChoiceFilter(label="Territoire", choices=NiveauTerritoire.choices, empty_label="Tous")
    annee = django_filters.NumberFilter(label="Année")

    class Meta:
        model = Valeur
        fields = ["indicateur", "nature", "niveau", "annee"]
        form = FormulaireFiltres

    def __init__(self, *args, indicateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["indicateur"].queryset = indicateurs


class TableauFiltre(django_filters.FilterSet):
    """Les filtres du tableau de bord d'un contrat : sur les indicateurs (l'un d'eux, ceux d'une orientation), et
    le QPV affiché (sans QPV : le contrat entier et tous ses QPV)."""

    # Des menus écrits d'un trait (config/lib/menus.py) : celui des QPV en compte 65 pour le plus grand contrat.
    indicateur = django_filters.ModelChoiceFilter(
        label="Indicateur",
        queryset=Indicateur.objects.none(),
        empty_label="Tous",
        method="filtrer_indicateur",
        widget=MenuRapide,
    )
    orientation = django_filters.ModelChoiceFilter(
        label="Orientation ou objectif",
        queryset=None,
        empty_label="Toutes",
        method="filtrer_orientation",
        widget=MenuRapide,
    )
    qpv = django_filters.ModelChoiceFilter(
        label="Quartier",
        queryset=None,
        empty_label="Le contrat entier et tous ses QPV",
        method="garder",
        widget=MenuRapide,
    )

    class Meta:
        model = Indicateur
        fields = ["indicateur", "orientation", "qpv"]
        form = FormulaireFiltres

    def __init__(self, *args, contrat, indicateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["indicateur"].queryset = indicateurs
        self.filters["orientation"].queryset = contrat.orientations.order_by("ordre", "pk")
        self.filters["qpv"].queryset = contrat.qpv.only("code", "nom").order_by("nom")

    def filtrer_indicateur(self, queryset, name, value):
        return queryset.filter(pk=value.pk)

    def filtrer_orientation(self, queryset, name, value):
        # Une orientation stratégique réunit ses indicateurs et ceux des objectifs qui la déclinent.
        return queryset.filter(Q(orientations=value) | Q(orientations__parent=value)).distinct()

    def garder(self, queryset, name, value):
        # Le QPV ne filtre pas les indicateurs : la vue lit le choix pour ne montrer que ce quartier.
        return queryset
