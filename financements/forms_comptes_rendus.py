"""Formulaires du compte-rendu financier annuel (CERFA 15059) et de l'avis des financeurs (DSFR).

Les lignes du budget et les indicateurs sont des jeux de formulaires dont les lignes s'ajoutent et se retirent
une à une par des boutons d'envoi (`reindexer`) : tout fonctionne sans JavaScript, et la saisie revient telle
quelle, rien n'étant enregistré avant « Enregistrer » ou « Déposer »."""

from typing import Any

from django import forms
from django.forms import formsets
from django.http import QueryDict
from dsfr.forms import DsfrBaseForm

from financements.forms import champ_montant
from financements.models import SensAvisCompteRendu
from financements.models.dossier import Compte, TrancheAge

NOMBRE_MAXIMUM = 10_000_000
MESSAGES_NOMBRE = {
    "min_value": "Un nombre de personnes ne peut pas être négatif.",
    "max_value": "Ce nombre n'est pas plausible.",
    "invalid": "Saisissez un nombre entier, par exemple 120.",
}
MESSAGES_VALEUR = {
    "invalid": "Saisissez un nombre, par exemple 12,5.",
    "max_digits": "Ce nombre est trop grand.",
    "max_decimal_places": "Deux décimales au plus.",
}


def _nombre(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=NOMBRE_MAXIMUM, error_messages=MESSAGES_NOMBRE
    )


def champ_tranche(tranche: str) -> str:
    return f"age_{tranche}"


class CompteRenduForm(DsfrBaseForm):
    """Le contenu du compte-rendu hors budget et indicateurs : actions, écarts, bénéficiaires, difficultés."""

    actions_realisees = forms.CharField(
        label="Actions réalisées",
        help_text="Ce qui a été fait dans l'année : actions, lieux, dates, partenaires.",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    ecarts = forms.CharField(
        label="Écarts entre le prévu et le réalisé, et leurs raisons",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    beneficiaires_nombre = _nombre("Nombre de bénéficiaires")
    beneficiaires_qpv = _nombre("Dont habitants des quartiers prioritaires (QPV)")
    beneficiaires_femmes = _nombre("Dont femmes")
    beneficiaires_hommes = _nombre("Dont hommes")
    difficultes = forms.CharField(
        label="Difficultés rencontrées", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    commentaires = forms.CharField(
        label="Commentaires de la structure",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for tranche in TrancheAge:
            self.fields[champ_tranche(tranche.value)] = _nombre(f"Dont {tranche.label[0].lower()}{tranche.label[1:]}")

    @classmethod
    def initial_de(cls, compte_rendu) -> dict[str, Any]:
        initial = {
            nom: getattr(compte_rendu, nom)
            for nom in (
                "actions_realisees",
                "ecarts",
                "beneficiaires_nombre",
                "beneficiaires_qpv",
                "beneficiaires_femmes",
                "beneficiaires_hommes",
                "difficultes",
                "commentaires",
            )
        }
        for tranche, nombre in (compte_rendu.beneficiaires_par_age or {}).items():
            initial[champ_tranche(tranche)] = nombre
        return initial

    def champs_ages(self):
        return [self[champ_tranche(t.value)] for t in TrancheAge]

    def clean(self):
        donnees = super().clean()
        nombre = donnees.get("beneficiaires_nombre")
        par_age = {t.value: donnees.get(champ_tranche(t.value)) for t in TrancheAge}
        donnees["beneficiaires_par_age"] = {t: n for t, n in par_age.items() if n is not None}
        if nombre is None:
            precises = [
                c for c in ("beneficiaires_qpv", "beneficiaires_femmes", "beneficiaires_hommes") if donnees.get(c)
            ]
            if precises or donnees["beneficiaires_par_age"]:
                self.add_error(
                    "beneficiaires_nombre",
                    "Indiquez le nombre total de bénéficiaires avant d'en détailler la répartition.",
                )
            return donnees
        qpv = donnees.get("beneficiaires_qpv")
        if qpv is not None and qpv > nombre:
            self.add_error(
                "beneficiaires_qpv", f"Les habitants des QPV ne peuvent pas dépasser les {nombre} bénéficiaires."
            )
        femmes, hommes = donnees.get("beneficiaires_femmes") or 0, donnees.get("beneficiaires_hommes") or 0
        if femmes + hommes > nombre:
            self.add_error(
                "beneficiaires_hommes",
                f"Femmes et hommes ({femmes + hommes}) ne peuvent pas dépasser les {nombre} bénéficiaires.",
            )
        total_ages = sum(donnees["beneficiaires_par_age"].values())
        if total_ages > nombre:
            self.add_error(
                champ_tranche(TrancheAge.SENIORS.value),
                f"Les tranches d'âge ({total_ages} personnes) ne peuvent pas dépasser les {nombre} bénéficiaires.",
            )
        return donnees


class LigneCompteRenduForm(DsfrBaseForm):
    compte = forms.ChoiceField(label="Compte", choices=[("", "—"), *Compte.choices], required=False)
    libelle = forms.CharField(label="Libellé", required=False, max_length=255)
    prevu = champ_montant("Prévu (€)", required=False)
    realise = champ_montant("Réalisé (€)", required=False)

    def clean(self):
        donnees = super().clean()
        if not donnees.get("compte") and any(donnees.get(c) not in (None, "") for c in ("libelle", "prevu", "realise")):
            self.add_error("compte", "Choisissez le compte de cette ligne.")
        return donnees


class IndicateurCompteRenduForm(DsfrBaseForm):
    libelle = forms.CharField(label="Indicateur", required=False, max_length=255)
    unite = forms.CharField(label="Unité", required=False, max_length=50)
    cible = forms.DecimalField(
        label="Cible", required=False, max_digits=14, decimal_places=2, localize=True, error_messages=MESSAGES_VALEUR
    )
    valeur = forms.DecimalField(
        label="Valeur atteinte",
        required=False,
        max_digits=14,
        decimal_places=2,
        localize=True,
        error_messages=MESSAGES_VALEUR,
    )

    def clean(self):
        donnees = super().clean()
        rempli = any(donnees.get(c) not in (None, "") for c in ("libelle", "unite", "cible", "valeur"))
        if rempli and not (donnees.get("libelle") or "").strip():
            self.add_error("libelle", "Donnez le libellé de l'indicateur.")
        if rempli and donnees.get("valeur") is None:
            self.add_error("valeur", "Donnez la valeur atteinte.")
        return donnees


LignesCompteRenduFormSet = forms.formset_factory(LigneCompteRenduForm, extra=0, max_num=150, absolute_max=150)
IndicateursFormSet = forms.formset_factory(IndicateurCompteRenduForm, extra=0, max_num=60, absolute_max=60)

PREFIXE_LIGNES = "lignes"
PREFIXE_INDICATEURS = "indicateurs"
CHAMPS_LIGNE = ("compte", "libelle", "prevu", "realise")
CHAMPS_INDICATEUR = ("libelle", "unite", "cible", "valeur")


def reindexer(
    donnees: QueryDict, prefixe: str, champs: tuple[str, ...], *, ajouter: bool = False, retirer: int | None = None
) -> QueryDict:
    """Les données envoyées, avec une ligne vide de plus à la fin du jeu `prefixe` (`ajouter`) ou sans sa ligne
    `retirer` (les suivantes renumérotées) : le jeu de formulaires se réaffiche ainsi, sans rien enregistrer."""
    copie = donnees.copy()
    try:
        total = int(donnees.get(f"{prefixe}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    # Un nombre envoyé, jamais cru sans borne : au plus ce qu'un jeu de formulaires de Django accepte.
    total = max(0, min(total, formsets.DEFAULT_MAX_NUM))
    lignes = [{c: donnees.get(f"{prefixe}-{i}-{c}", "") for c in champs} for i in range(total)]
    for i in range(total):
        for c in champs:
            copie.pop(f"{prefixe}-{i}-{c}", None)
    if retirer is not None and 0 <= retirer < len(lignes):
        del lignes[retirer]
    if ajouter:
        lignes.append(dict.fromkeys(champs, ""))
    for i, ligne in enumerate(lignes):
        for c, valeur in ligne.items():
            copie[f"{prefixe}-{i}-{c}"] = valeur
    copie[f"{prefixe}-TOTAL_FORMS"] = str(len(lignes))
    copie[f"{prefixe}-INITIAL_FORMS"] = "0"
    return copie


def lignes_saisies(formset: forms.BaseFormSet, cle: str) -> list[dict[str, Any]]:
    """Les lignes remplies d'un jeu valide (une ligne sans `cle` est vide : ignorée)."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get(cle) not in (None, "")]


class AvisCompteRenduForm(DsfrBaseForm):
    """L'avis d'un financeur partie : accepter, ou demander des compléments (motif obligatoire)."""

    financeur = forms.ChoiceField(label="Au nom de", choices=())
    sens = forms.ChoiceField(label="Avis", choices=SensAvisCompteRendu.choices, widget=forms.RadioSelect)
    motif = forms.CharField(
        label="Motif (obligatoire pour demander des compléments)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.financeurs = {str(f.pk): f for f in financeurs}
        self.fields["financeur"].choices = [(str(f.pk), str(f)) for f in financeurs]
        if len(financeurs) == 1:
            self.fields["financeur"].widget = forms.HiddenInput()
            self.fields["financeur"].initial = str(financeurs[0].pk)

    def clean(self):
        donnees = super().clean()
        if donnees.get("sens") == SensAvisCompteRendu.COMPLEMENTS and not (donnees.get("motif") or "").strip():
            self.add_error("motif", "Dites quels compléments vous demandez : la structure lira ce motif.")
        if donnees.get("financeur"):
            donnees["organisation"] = self.financeurs[donnees["financeur"]]
        return donnees
