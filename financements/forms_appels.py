"""Formulaires de la vie d'un appel à projets publié : modifier, prolonger, clore avant terme (DSFR)."""

from django import forms
from dsfr.forms import DsfrBaseForm

from financements.forms import FinanceursFormSet
from financements.models import AppelAProjets


class ModifierAppelForm(DsfrBaseForm):
    titre = forms.CharField(label="Titre", max_length=255)
    description = forms.CharField(label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    ouverture = forms.DateField(label="Ouverture des dépôts", widget=forms.DateInput(attrs={"type": "date"}))
    cloture = forms.DateField(label="Clôture des dépôts", widget=forms.DateInput(attrs={"type": "date"}))
    priorites = forms.ModelMultipleChoiceField(
        label="Priorités (orientations et objectifs du contrat)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    qpv = forms.ModelMultipleChoiceField(
        label="QPV éligibles", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, appel: AppelAProjets, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "titre": appel.titre,
                "description": appel.description,
                "ouverture": appel.ouverture,
                "cloture": appel.cloture,
                "priorites": list(appel.priorites.values_list("pk", flat=True)),
                "qpv": list(appel.qpv.values_list("pk", flat=True)),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["priorites"].queryset = appel.contrat.orientations.all()
        self.fields["qpv"].queryset = appel.contrat.qpv.all()

    def clean(self):
        donnees = super().clean()
        ouverture, cloture = donnees.get("ouverture"), donnees.get("cloture")
        if ouverture and cloture and cloture < ouverture:
            self.add_error("cloture", "La clôture des dépôts ne peut pas précéder leur ouverture.")
        return donnees


def financeurs_formset(data, appel: AppelAProjets):
    """Les financeurs actuels de l'appel, à modifier ; vider la case « Financeur » retire la ligne."""
    initial = [
        {
            "organisation": f.organisation_id,
            "enveloppe": f.enveloppe,
            "dispositif": f.dispositif,
            "programme_147": f.programme_147,
        }
        for f in appel.financeurs.all()
    ]
    return FinanceursFormSet(data, prefix="financeurs", initial=initial)


class ProlongerAppelForm(DsfrBaseForm):
    cloture = forms.DateField(label="Nouvelle clôture des dépôts", widget=forms.DateInput(attrs={"type": "date"}))
    rouvrir = forms.BooleanField(
        label="Rouvrir l'appel",
        required=False,
        help_text="Obligatoire si l'appel est clos (avant terme, ou sa date passée) : il accepte de nouveau "
        "des dépôts.",
    )
    motif = forms.CharField(label="Motif (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ClotureAppelForm(DsfrBaseForm):
    motif = forms.CharField(
        label="Motif de la clôture avant terme",
        help_text="Affiché sur la page de l'appel et envoyé aux structures qui y ont un dossier en brouillon.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Dites pourquoi l'appel est clos avant terme."},
    )
