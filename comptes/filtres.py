"""Filtres des listes des comptes (django-filter) : les demandes d'adhésion des collectivités."""

import django_filters
from django.db.models import Q, Value

from comptes.models import DemandeAdhesionCollectivite, EtatDemandeAdhesion
from territoires.models import nom_normalise


class DemandeAdhesionFiltre(django_filters.FilterSet):
    etat = django_filters.ChoiceFilter(label="État", choices=EtatDemandeAdhesion.choices, empty_label="Tous")
    q = django_filters.CharFilter(label="Collectivité (nom ou code)", method="chercher")

    class Meta:
        model = DemandeAdhesionCollectivite
        fields = ["etat", "q"]

    def chercher(self, queryset, name, value):
        return queryset.annotate(nom_normalise=nom_normalise("nom")).filter(
            Q(nom_normalise__contains=nom_normalise(Value(value))) | Q(code_territoire__iexact=value.strip())
        )
