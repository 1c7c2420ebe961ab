"""Filtres des listes de territoires (django-filter), rendus en DSFR."""

import django_filters
from django.db.models import Q, Value
from dsfr.forms import DsfrBaseForm

from territoires.models import Commune, Departement, Epci, NatureEpci, Qpv, nom_normalise


def _par_nom_ou_code(champ_code: str):
    def filtrer(queryset, name, value):
        texte = " ".join(value.split())
        if not texte:
            return queryset
        # Même normalisation que la colonne `nom_recherche` : sans accents ni majuscules (index trigrammes).
        return queryset.filter(
            Q(nom_recherche__contains=nom_normalise(Value(texte))) | Q(**{f"{champ_code}__startswith": texte.upper()})
        )

    return filtrer


def _epci_par_nom_ou_siren(queryset, name, value):
    """L'intercommunalité par son SIREN ou par son nom (sans accents ni majuscules), jamais un numéro interne."""
    texte = " ".join(value.split())
    if not texte:
        return queryset
    epci = Epci.objects.filter(Q(siren=texte.replace(" ", "")) | Q(nom_recherche=nom_normalise(Value(texte))))
    return queryset.filter(epci__in=epci.values("siren"))


class FormulaireFiltres(DsfrBaseForm):
    pass


class CommuneFiltre(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou code INSEE", method=_par_nom_ou_code("code"))
    departement = django_filters.ModelChoiceFilter(
        label="Département", queryset=Departement.objects.all(), empty_label="Tous les départements"
    )
    epci = django_filters.CharFilter(label="Intercommunalité (nom ou SIREN)", method=_epci_par_nom_ou_siren)
    obsolete = django_filters.ChoiceFilter(
        label="État",
        choices=[("non", "Communes actuelles"), ("oui", "Communes disparues")],
        empty_label="Toutes",
        method="filtrer_obsolete",
    )

    class Meta:
        model = Commune
        fields = ["q", "departement", "epci", "obsolete"]
        form = FormulaireFiltres

    def filtrer_obsolete(self, queryset, name, value):
        return queryset.filter(obsolete=value == "oui")


class EpciFiltre(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou SIREN", method=_par_nom_ou_code("siren"))
    nature = django_filters.ChoiceFilter(label="Nature", choices=NatureEpci.choices, empty_label="Toutes")
    departement = django_filters.ModelChoiceFilter(
        label="Département",
        queryset=Departement.objects.all(),
        empty_label="Tous les départements",
        method="filtrer_departement",
    )

    class Meta:
        model = Epci
        fields = ["q", "nature", "departement"]
        form = FormulaireFiltres

    def filtrer_departement(self, queryset, name, value):
        return queryset.filter(communes__departement=value).distinct()


class QpvFiltre(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou code QPV", method=_par_nom_ou_code("code"))
    departement = django_filters.ModelChoiceFilter(
        label="Département", queryset=Departement.objects.all(), empty_label="Tous les départements"
    )
    epci = django_filters.CharFilter(label="Intercommunalité (nom ou SIREN)", method=_epci_par_nom_ou_siren)

    class Meta:
        model = Qpv
        fields = ["q", "departement", "epci"]
        form = FormulaireFiltres
