"""Les formulaires de l'évaluation (DSFR) : indicateur local, saisie et correction d'une valeur, liaison d'une
valeur de compte-rendu. Les règles (doublon, plage, année) sont vérifiées par les services, qui rapportent
leurs erreurs sur le champ concerné."""

from django import forms
from dsfr.forms import DsfrBaseForm

from contrats.models import ContratDeVille, Orientation
from evaluation.models import Indicateur, NatureValeur, NiveauTerritoire, Unite
from evaluation.services.indicateurs import CHAMPS
from evaluation.services.valeurs import Saisie, Territoire
from financements.models import Convention, Dossier


class IndicateurForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Indicateur
        fields = [*CHAMPS, "orientations", "dossiers", "conventions"]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "methode": forms.Textarea(attrs={"rows": 3}),
            "orientations": forms.CheckboxSelectMultiple,
            "dossiers": forms.CheckboxSelectMultiple,
            "conventions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, contrat: ContratDeVille, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orientations"].queryset = Orientation.objects.filter(contrat=contrat)
        self.fields["dossiers"].queryset = Dossier.objects.filter(appel__contrat=contrat).order_by("titre")
        self.fields["conventions"].queryset = (
            Convention.objects.filter(dossiers__appel__contrat=contrat).select_related("structure").distinct()
        )

    def _post_clean(self):
        # Les contraintes du modèle (code unique…) sont vérifiées par le service, avec un message sur le champ.
        pass


def choix_territoires(contrat: ContratDeVille) -> list[tuple[str, str]]:
    """Les territoires du contrat où saisir une valeur : le contrat entier, l'EPCI porteur, ses communes, ses
    QPV, les dossiers et conventions de ses appels à projets."""
    choix = [(NiveauTerritoire.CONTRAT.value, f"Le contrat entier ({contrat.nom})")]
    if contrat.epci_id:
        choix.append((f"epci:{contrat.epci_id}", f"Intercommunalité : {contrat.epci.nom}"))
    choix += [(f"commune:{c.code}", f"Commune : {c.nom}") for c in contrat.communes.order_by("nom")]
    choix += [(f"qpv:{q.code}", f"QPV : {q.nom} ({q.code})") for q in contrat.qpv.order_by("nom").only("code", "nom")]
    choix += [
        (f"dossier:{d.pk}", f"Projet : {d.titre}")
        for d in Dossier.objects.filter(appel__contrat=contrat).order_by("titre").only("pk", "titre")
    ]
    choix += [
        (f"convention:{c.pk}", f"Convention : {c}")
        for c in Convention.objects.filter(dossiers__appel__contrat=contrat).select_related("structure").distinct()
    ]
    return choix


def territoire_de(choix: str) -> Territoire:
    niveau, _, code = choix.partition(":")
    champ = {
        NiveauTerritoire.QPV: "qpv_id",
        NiveauTerritoire.COMMUNE: "commune_id",
        NiveauTerritoire.EPCI: "epci_id",
        NiveauTerritoire.DOSSIER: "dossier_id",
        NiveauTerritoire.CONVENTION: "convention_id",
    }.get(NiveauTerritoire(niveau))
    if champ is None:
        return Territoire(niveau=niveau)
    return Territoire(niveau=niveau, **{champ: int(code) if champ in ("dossier_id", "convention_id") else code})


class ChampsValeur(forms.Form):
    valeur = forms.DecimalField(label="Valeur", required=False, max_digits=16, decimal_places=4)
    unite = forms.ChoiceField(
        label="Unité de la valeur saisie", choices=Unite.choices, help_text="Celle de l'indicateur."
    )
    non_diffusee = forms.BooleanField(
        label="Non diffusée (secret statistique)", required=False, help_text="La valeur existe mais n'est pas publiée."
    )
    confirmer_hors_plage = forms.BooleanField(
        label="Je confirme cette valeur hors de la plage plausible", required=False
    )
    source = forms.CharField(label="Source", max_length=255, required=False)
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ValeurForm(DsfrBaseForm, ChampsValeur):
    indicateur = forms.ModelChoiceField(label="Indicateur", queryset=Indicateur.objects.none())
    territoire = forms.ChoiceField(label="Territoire ou projet")
    annee = forms.IntegerField(
        label="Année",
        required=False,
        min_value=1990,
        max_value=2100,
        help_text="Vide pour une ligne de base dont le millésime n'est pas précisé.",
    )
    nature = forms.ChoiceField(label="Nature de la valeur", choices=NatureValeur.choices)

    field_order = [
        "indicateur",
        "territoire",
        "annee",
        "nature",
        "valeur",
        "unite",
        "non_diffusee",
        "confirmer_hors_plage",
        "source",
        "commentaire",
    ]

    def __init__(self, *args, contrat: ContratDeVille, indicateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicateur"].queryset = indicateurs
        self.fields["territoire"].choices = choix_territoires(contrat)

    def saisie(self) -> Saisie:
        d = self.cleaned_data
        return Saisie(
            indicateur=d["indicateur"],
            territoire=territoire_de(d["territoire"]),
            annee=d["annee"],
            nature=d["nature"],
            valeur=d["valeur"],
            non_diffusee=d["non_diffusee"],
            unite=d["unite"],
            source=d["source"],
            commentaire=d["commentaire"],
            confirmer_hors_plage=d["confirmer_hors_plage"],
        )


class CorrectionForm(DsfrBaseForm, ChampsValeur):
    field_order = ["valeur", "unite", "non_diffusee", "confirmer_hors_plage", "source", "commentaire"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commentaire"].label = "Motif de la correction"
        self.fields["commentaire"].required = True


class LiaisonForm(DsfrBaseForm):
    """Relier une valeur d'un compte-rendu à un indicateur du catalogue. Les choix sont donnés déjà lus : la
    page affiche un formulaire par valeur sans relire le catalogue pour chacun."""

    indicateur = forms.ChoiceField(label="Indicateur du catalogue", required=False)

    def __init__(self, *args, indicateurs: list[Indicateur], **kwargs):
        super().__init__(*args, **kwargs)
        self._par_pk = {str(i.pk): i for i in indicateurs}
        self.fields["indicateur"].choices = [("", "Aucun (délier)")] + [(str(i.pk), i.nom) for i in indicateurs]

    def clean_indicateur(self) -> Indicateur | None:
        return self._par_pk.get(self.cleaned_data["indicateur"])
