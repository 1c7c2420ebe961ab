from django import forms
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import ProseEditorWidget
from dsfr.forms import DsfrBaseForm

from acteurs_ess.recherche import champ_collectif, champ_structure
from comptes.recherche import champ_organisation
from contrats.models import (
    AxeTransversal,
    DispositifNational,
    Etape,
    Pilier,
    Public,
    ServiceConsulte,
    StatutContrat,
    StatutContribution,
    TypeDynamique,
    TypeInstance,
)
from contrats.models.concertation import STATUTS_REPONDUS
from contrats.texte import EXTENSIONS_EDITEUR


class TransitionForm(DsfrBaseForm):
    statut = forms.ChoiceField(label="Nouvel état", choices=())
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, statuts: list[StatutContrat], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [(s.value, s.label) for s in statuts]


class SectionForm(DsfrBaseForm):
    """La rédaction d'une section. `version_base` est le numéro de la version ouverte : l'enregistrement est
    refusé si une autre version a été enregistrée depuis."""

    # L'éditeur (django-prose-editor) remplace la zone de texte quand JavaScript est là ; sinon elle reste, pour
    # du HTML simple. Le texte n'est pas nettoyé ici : le service refuse d'abord, avec un message, ce qui serait
    # dangereux (contrats/texte.py), puis nettoie.
    texte = ProseEditorFormField(
        label="Texte de la section",
        required=False,
        help_text=(
            "Titres, listes, liens et tableaux. Sans JavaScript, saisissez du HTML simple : balises p, h2 à h4, "
            "ul, ol et li, a, strong, em, table, blockquote."
        ),
        extensions=EXTENSIONS_EDITEUR,
        widget=ProseEditorWidget(attrs={"rows": 20}),
    )
    message = forms.CharField(
        label="Ce qui change", required=False, max_length=255, help_text="En une ligne, pour l'historique."
    )
    version_base = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    contributions = forms.ModelMultipleChoiceField(
        label="Contributions retenues prises en compte dans cette version",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, contributions_integrables=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributions"].queryset = contributions_integrables
        self.fields["contributions"].label_from_instance = lambda c: f"n° {c.pk} — {c.auteur} : {c.texte[:120]}"
        if not contributions_integrables.exists():
            del self.fields["contributions"]


class NouvelleSectionForm(DsfrBaseForm):
    etape = forms.ChoiceField(label="Étape", choices=Etape.choices)
    titre = forms.CharField(label="Titre", max_length=255)


class OrientationForm(DsfrBaseForm):
    parent = forms.ModelChoiceField(
        label="Orientation stratégique de rattachement",
        queryset=None,
        required=False,
        empty_label="— Aucune : c'est une orientation stratégique —",
    )
    titre = forms.CharField(label="Titre", max_length=255)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    piliers = forms.MultipleChoiceField(
        label="Piliers", choices=Pilier.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    axes = forms.MultipleChoiceField(
        label="Axes transversaux", choices=AxeTransversal.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    qpv = forms.ModelMultipleChoiceField(
        label="QPV concernés", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = contrat.orientations.filter(parent__isnull=True)
        self.fields["qpv"].queryset = contrat.qpv.all()


class ConcertationForm(DsfrBaseForm):
    titre = forms.CharField(label="Titre", max_length=255)
    description = forms.CharField(label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    debut = forms.DateField(label="Début", widget=forms.DateInput(attrs={"type": "date"}))
    fin = forms.DateField(label="Fin", widget=forms.DateInput(attrs={"type": "date"}))
    publics = forms.MultipleChoiceField(label="Publics", choices=Public.choices, widget=forms.CheckboxSelectMultiple)
    sections = forms.ModelMultipleChoiceField(
        label="Sections soumises", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    orientations = forms.ModelMultipleChoiceField(
        label="Orientations soumises", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].queryset = contrat.sections.all()
        self.fields["orientations"].queryset = contrat.orientations.all()


class ContributionForm(DsfrBaseForm):
    cible = forms.ChoiceField(label="Sur quoi porte votre contribution ?", choices=())
    texte = forms.CharField(label="Votre contribution", widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    proposition = forms.CharField(
        label="Rédaction proposée",
        required=False,
        help_text="Si vous le souhaitez, le texte que vous proposez d'écrire dans le contrat.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    organisation = forms.ChoiceField(label="Vous contribuez", choices=(), required=False)

    def __init__(self, *args, concertation, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        choix = [(f"section-{s.pk}", f"Section : {s.titre}") for s in concertation.sections.all()]
        choix += [(f"orientation-{o.pk}", f"Orientation : {o.titre}") for o in concertation.orientations.all()]
        self.fields["cible"].choices = choix
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [("", "À titre personnel")] + [
            (str(o.pk), f"Au nom de {o.nom}") for o in organisations
        ]


class ReponseForm(DsfrBaseForm):
    statut = forms.ChoiceField(
        label="Décision",
        choices=[(s.value, s.label) for s in StatutContribution if s in STATUTS_REPONDUS],
        widget=forms.RadioSelect,
    )
    reponse = forms.CharField(
        label="Réponse publique",
        help_text="Publiée sur la page du contrat et envoyée par e-mail à l'auteur.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )


class MasquageForm(DsfrBaseForm):
    motif = forms.CharField(label="Motif du masquage", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SignataireForm(DsfrBaseForm):
    organisation = champ_organisation(label="Organisation")
    signe_par = forms.CharField(label="Signé par (nom et qualité)", required=False, max_length=255)
    date_signature = forms.DateField(
        label="Date de signature", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class SignatureSignataireForm(DsfrBaseForm):
    signe_par = forms.CharField(label="Signé par (nom et qualité)", required=False, max_length=255)
    date_signature = forms.DateField(
        label="Date de signature", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EngagementForm(DsfrBaseForm):
    texte = forms.CharField(label="Engagement", widget=forms.Textarea(attrs={"rows": 3}))
    montant = forms.DecimalField(label="Montant (€)", required=False, min_value=0, max_digits=14, decimal_places=2)


class InstanceForm(DsfrBaseForm):
    type = forms.ChoiceField(label="Type", choices=TypeInstance.choices)
    nom = forms.CharField(label="Nom", max_length=255)
    composition = forms.CharField(label="Composition", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReunionForm(DsfrBaseForm):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.CharField(
        label="Participants",
        help_text="Une personne ou organisation par ligne.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decisions = forms.CharField(label="Décisions", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    compte_rendu = forms.CharField(label="Compte rendu", required=False, widget=forms.Textarea(attrs={"rows": 6}))


class ConsultationForm(DsfrBaseForm):
    service = forms.ChoiceField(label="Service consulté", choices=ServiceConsulte.choices)
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    apport = forms.CharField(label="Ce que le service a apporté", widget=forms.Textarea(attrs={"rows": 4}))


class DynamiqueForm(DsfrBaseForm):
    type = forms.ChoiceField(label="Type", choices=TypeDynamique.choices)
    collectif = champ_collectif(label="Collectif de l'annuaire", required=False)
    nom = forms.CharField(label="Nom (s'il n'est pas dans l'annuaire)", required=False, max_length=255)
    integration = forms.CharField(
        label="Comment elle est intégrée", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StructureForm(DsfrBaseForm):
    structure = champ_structure(label="Structure de l'annuaire")
    role = forms.CharField(label="Rôle dans le projet", required=False, max_length=255)


class ModificationContributionForm(DsfrBaseForm):
    texte = forms.CharField(label="Votre contribution", widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    proposition = forms.CharField(
        label="Rédaction proposée",
        required=False,
        help_text="Si vous le souhaitez, le texte que vous proposez d'écrire dans le contrat.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class ClotureConcertationForm(DsfrBaseForm):
    motif = forms.CharField(label="Motif de la clôture", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class DatesConcertationForm(DsfrBaseForm):
    debut = forms.DateField(label="Début", widget=forms.DateInput(attrs={"type": "date"}))
    fin = forms.DateField(label="Fin", widget=forms.DateInput(attrs={"type": "date"}))


class AvenantForm(DsfrBaseForm):
    objet = forms.CharField(label="Ce qui change", max_length=255, help_text="En une ligne.")
    motif = forms.CharField(label="Pourquoi", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ModificationAvenantForm(DsfrBaseForm):
    section = forms.ModelChoiceField(label="Section modifiée", queryset=None, empty_label="— Choisissez —")
    texte = forms.CharField(
        label="Nouveau texte de la section",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="HTML simple : balises p, h2 à h4, ul, ol et li, a, strong, em, table, blockquote.",
    )

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = contrat.sections.all()


class AdoptionAvenantForm(DsfrBaseForm):
    date_adoption = forms.DateField(label="Date d'adoption", widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label="Délibération ou référence", max_length=255, help_text="Par exemple : délibération n° 2026-42."
    )


class DispositifsForm(DsfrBaseForm):
    dispositifs = forms.MultipleChoiceField(
        label="Dispositifs nationaux auxquels le contrat participe",
        choices=DispositifNational.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
