"""Filtres des listes de contrats (django-filter) : la liste nationale des contrats de ville."""

import django_filters
from django.db.models import Q, Value

from contrats.models import ContratDeVille, Contribution, DispositifNational, StatutContrat, StatutContribution
from territoires.models import Departement, nom_normalise


class ContratFiltre(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom, code ou porteur", method="chercher")
    departement = django_filters.CharFilter(label="Département (nom ou code)", method="filtrer_departement")
    statut = django_filters.ChoiceFilter(label="État", choices=StatutContrat.choices, empty_label="Tous")
    dispositif = django_filters.ChoiceFilter(
        label="Dispositif national", choices=DispositifNational.choices, empty_label="Tous", method="filtrer_dispositif"
    )

    class Meta:
        model = ContratDeVille
        fields = ["q", "departement", "statut", "dispositif"]

    def filtrer_dispositif(self, queryset, name, value):
        return queryset.filter(dispositifs__contains=[value])

    def chercher(self, queryset, name, value):
        # Sans tenir compte des accents ni de la casse, comme la recherche des territoires : « reims » trouve
        # « Contrat de ville de l'agglomération de Reims », « évry » comme « EVRY ».
        value = " ".join(value.split())
        return queryset.annotate(nom_cherche=nom_normalise("nom")).filter(
            Q(nom_cherche__contains=nom_normalise(Value(value))) | Q(code__iexact=value) | Q(code_porteur=value)
        )

    def filtrer_departement(self, queryset, name, value):
        value = value.strip()
        departements = Departement.objects.annotate(nom_cherche=nom_normalise("nom")).filter(
            Q(code__iexact=value) | Q(nom_cherche=nom_normalise(Value(value)))
        )
        return queryset.filter(departement__in=departements.values("code"))


class MesContributionsFiltre(django_filters.FilterSet):
    """« Mes contributions » : par état et par contrat (nom ou code)."""

    statut = django_filters.ChoiceFilter(label="État", choices=StatutContribution.choices, empty_label="Tous")
    contrat = django_filters.CharFilter(label="Contrat (nom ou code)", method="chercher_contrat")

    class Meta:
        model = Contribution
        fields = ["statut", "contrat"]

    def chercher_contrat(self, queryset, name, value):
        # Sans tenir compte des accents ni de la casse, comme la recherche des territoires.
        return queryset.annotate(nom_contrat=nom_normalise("concertation__contrat__nom")).filter(
            Q(nom_contrat__contains=nom_normalise(Value(value))) | Q(concertation__contrat__code__iexact=value)
        )
