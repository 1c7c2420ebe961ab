"""Le filtre de la liste nationale des appels à projets ouverts (django-filter) : territoire, QPV, thème,
financeur, date de clôture. Les noms se comparent en minuscules et sans accents (`nom_recherche`, indexé)."""

import django_filters
from django import forms
from django.db.models import Q, Value

from acteurs_ess.choix import Pilier
from comptes.models import Organisation
from contrats.models import ContratDeVille
from financements.models import AppelAProjets
from territoires.models import Commune, Departement, Epci, Qpv, Region, nom_normalise


def _par_nom_ou_code(modele, valeur: str):
    """Les lignes dont le code est la saisie, ou dont le nom la contient (sans accents ni majuscules)."""
    return modele.objects.filter(
        Q(pk=valeur.strip()) | Q(nom_recherche__contains=nom_normalise(Value(valeur.strip())))
    ).values("pk")


class AppelsOuvertsFiltre(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label="Région", queryset=Region.objects.order_by("nom"), field_name="contrat__departement__region"
    )
    departement = django_filters.ModelChoiceFilter(
        label="Département", queryset=Departement.objects.order_by("code"), field_name="contrat__departement"
    )
    epci = django_filters.CharFilter(label="EPCI (nom ou SIREN)", method="filtrer_epci")
    commune = django_filters.CharFilter(label="Commune (nom ou code INSEE)", method="filtrer_commune")
    qpv = django_filters.CharFilter(label="Quartier prioritaire (nom ou code)", method="filtrer_qpv")
    theme = django_filters.ChoiceFilter(
        label="Thème (pilier du contrat de ville)", choices=Pilier.choices, method="filtrer_theme", empty_label="Tous"
    )
    priorite = django_filters.CharFilter(label="Priorité (mot de son intitulé)", method="filtrer_priorite")
    financeur = django_filters.CharFilter(label="Financeur (nom)", method="filtrer_financeur")
    cloture_apres = django_filters.DateFilter(
        label="Clôture au plus tôt le",
        field_name="cloture",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    cloture_avant = django_filters.DateFilter(
        label="Clôture au plus tard le",
        field_name="cloture",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AppelAProjets
        fields: list[str] = []

    def filtrer_epci(self, queryset, name, value):
        return queryset.filter(contrat__epci__in=_par_nom_ou_code(Epci, value))

    def filtrer_commune(self, queryset, name, value):
        communes = _par_nom_ou_code(Commune, value)
        contrats = ContratDeVille.objects.filter(Q(commune__in=communes) | Q(communes__in=communes)).values("pk")
        return queryset.filter(contrat__in=contrats)

    def filtrer_qpv(self, queryset, name, value):
        # Un appel sans QPV nommé vaut pour tous les QPV de son contrat.
        qpv = _par_nom_ou_code(Qpv, value)
        nommes = AppelAProjets.qpv.through.objects.filter(qpv__in=qpv).values("appelaprojets_id")
        contrats = ContratDeVille.qpv.through.objects.filter(qpv__in=qpv).values("contratdeville_id")
        # Des sous-requêtes plutôt qu'une jointure sur les QPV de l'appel : une ligne par appel, jamais une par QPV.
        sans_qpv = AppelAProjets.objects.filter(qpv__isnull=True).values("pk")
        return queryset.filter(Q(pk__in=nommes) | Q(pk__in=sans_qpv, contrat__in=contrats))

    def filtrer_theme(self, queryset, name, value):
        return queryset.filter(pk__in=AppelAProjets.objects.filter(priorites__piliers__contains=[value]).values("pk"))

    def filtrer_priorite(self, queryset, name, value):
        return queryset.filter(
            pk__in=AppelAProjets.objects.filter(priorites__titre__unaccent__icontains=value.strip()).values("pk")
        )

    def filtrer_financeur(self, queryset, name, value):
        organisations = Organisation.objects.filter(nom__unaccent__icontains=value.strip()).values("pk")
        return queryset.filter(
            pk__in=AppelAProjets.objects.filter(financeurs__organisation__in=organisations).values("pk")
        )
