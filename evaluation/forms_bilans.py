"""Les formulaires des bilans (DSFR) : création, textes, avis du conseil citoyen, commentaire d'un partenaire,
validation en comité de pilotage, reprise en préparation. Les règles (année dans la période, doublon, date du
comité) sont vérifiées par les services (evaluation.services.bilans), qui rapportent leurs erreurs sur le champ
concerné."""

from django import forms
from dsfr.forms import DsfrBaseForm

from evaluation.models import TypeBilan
from evaluation.services.bilans import conseils_citoyens_possibles


class ConseilsCitoyensMixin(forms.Form):
    conseils_citoyens = forms.ModelMultipleChoiceField(
        label="Conseils citoyens associés",
        help_text="Leurs membres lisent le bilan en préparation et y écrivent leur avis.",
        queryset=conseils_citoyens_possibles(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BilanForm(DsfrBaseForm, ConseilsCitoyensMixin):
    type = forms.ChoiceField(label="Type de bilan", choices=TypeBilan.choices, widget=forms.RadioSelect)
    annee = forms.IntegerField(
        label="Année (bilan annuel)",
        help_text="Pour un bilan annuel seulement : la mi-parcours porte sur 2027, le bilan final sur la "
        "dernière année du contrat.",
        required=False,
        min_value=2000,
        max_value=2100,
    )


class TextesBilanForm(DsfrBaseForm, ConseilsCitoyensMixin):
    synthese = forms.CharField(
        label="Synthèse", required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text="Ce qu'il faut retenir."
    )
    analyse = forms.CharField(
        label="Analyse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Ce que disent les indicateurs et les financements, ce qui reste à faire.",
    )


class AvisForm(DsfrBaseForm):
    texte = forms.CharField(label="Avis du conseil citoyen", widget=forms.Textarea(attrs={"rows": 8}))


class CommentaireForm(DsfrBaseForm):
    texte = forms.CharField(label="Votre commentaire", widget=forms.Textarea(attrs={"rows": 4}))


class ValidationForm(DsfrBaseForm):
    date_copil = forms.DateField(
        label="Date du comité de pilotage",
        required=False,  # vérifiée par le service, avec son message
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    compte_rendu_copil = forms.CharField(
        label="Compte rendu du comité de pilotage",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Le texte, le fichier, ou les deux.",
    )
    fichier = forms.FileField(
        label="Compte rendu en fichier (facultatif)",
        required=False,
        help_text="PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX, 10 Mo au plus.",
    )


class ReprendreForm(DsfrBaseForm):
    motif = forms.CharField(label="Pourquoi le reprendre ?", required=False, widget=forms.Textarea(attrs={"rows": 3}))
