"""Filtres des listes de contrats (django-filter) : la liste nationale des contrats de ville."""

import django_filters
from django.db.models import Q

from contrats.models import ContratDeVille, StatutContrat


class ContratFiltre(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom, code ou porteur", method="chercher")
    departement = django_filters.CharFilter(label="Département (code)", field_name="departement_id")
    statut = django_filters.ChoiceFilter(label="État", choices=StatutContrat.choices, empty_label="Tous")

    class Meta:
        model = ContratDeVille
        fields = ["q", "departement", "statut"]

    def chercher(self, queryset, name, value):
        return queryset.filter(Q(nom__icontains=value) | Q(code__iexact=value) | Q(code_porteur=value))
