"""Filtres des listes de financements (django-filter) : le tableau d'instruction des dossiers."""

import django_filters
from django import forms
from django.db.models import F, Q, Value

from acteurs_ess.models import Structure
from comptes.models import Organisation
from contrats.models import Orientation
from financements.models import AppelAProjets, Convention, Dossier, Issue, StatutConvention, StatutDossier
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
