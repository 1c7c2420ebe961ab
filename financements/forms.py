"""Formulaires des appels à projets, des dossiers et de leur instruction (DSFR)."""

from django import forms
from django.db.models import Max
from dsfr.forms import DsfrBaseForm

from acteurs_ess.forms import libelle_document
from comptes.models import TypeOrganisation
from comptes.recherche import champ_organisation
from financements.models import Dossier, NatureVersement, StatutDossier, StatutReversement, TypePiece
from financements.models.appel_a_projets import MONTANT_MAXIMUM
from financements.models.convention import DUREE_MAXIMUM_CPO
from financements.models.dossier import Compte, TrancheAge, TypeSubvention
from financements.models.instruction import ConditionsVersement, NatureAide, SensAvis

CHAMP_MONTANT = {"max_digits": 12, "decimal_places": 2, "min_value": 0, "max_value": MONTANT_MAXIMUM}
MESSAGES_MONTANT = {
    "min_value": "Un montant ne peut pas être négatif.",
    "max_value": "Un montant de plus de 10 millions d'euros n'est pas plausible ici.",
    "invalid": "Saisissez un montant en euros, par exemple 1250,50.",
    "max_decimal_places": "Un montant s'exprime au centime près.",
}


def champ_montant(label: str, required: bool = True, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, error_messages=MESSAGES_MONTANT, localize=True, **CHAMP_MONTANT, **kwargs
    )


class AppelForm(DsfrBaseForm):
    titre = forms.CharField(label="Titre", max_length=255)
    annee = forms.IntegerField(label="Année", min_value=2024, max_value=2040)
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
    pieces_demandees = forms.MultipleChoiceField(
        label="Pièces demandées", choices=TypePiece.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reponses_collectives = forms.BooleanField(label="Réponses collectives encouragées", required=False, initial=True)
    modalites_collectives = forms.CharField(
        label="Comment les réponses collectives sont favorisées",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    publier = forms.BooleanField(label="Publier tout de suite", required=False)

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorites"].queryset = contrat.orientations.all()
        self.fields["qpv"].queryset = contrat.qpv.all()


class FinanceurAppelForm(DsfrBaseForm):
    organisation = champ_organisation(label="Financeur", required=False)
    enveloppe = champ_montant("Enveloppe (€)", required=False)
    dispositif = forms.CharField(label="Dispositif d'aide", required=False, max_length=255)
    programme_147 = forms.BooleanField(
        label="Crédits de l'État du programme 147 « politique de la ville »",
        required=False,
        help_text="Comptés dans le tableau de l'État (cible de 50 % aux associations par des CPO).",
    )

    def clean(self):
        donnees = super().clean()
        organisation = donnees.get("organisation")
        if donnees.get("programme_147") and organisation and organisation.type != TypeOrganisation.ETAT:
            self.add_error(
                "programme_147",
                f"Seule une enveloppe d'un service de l'État relève du programme 147 ; {organisation} n'en est pas un.",
            )
        return donnees


FinanceursFormSet = forms.formset_factory(FinanceurAppelForm, extra=4, max_num=20)


class NouveauDossierForm(DsfrBaseForm):
    structure = forms.ModelChoiceField(label="Structure porteuse", queryset=None, empty_label=None)
    titre = forms.CharField(label="Intitulé du projet", max_length=255)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


CHAMPS_EVALUATION = ("evaluation_methode", "evaluation_indicateurs", "evaluation_calendrier", "evaluation_moyens")


class DossierForm(DsfrBaseForm, forms.ModelForm):
    """Le contenu du CERFA 12156 (hors budget) : enregistrable en plusieurs fois, même incomplet."""

    tranches_age = forms.MultipleChoiceField(
        label="Public : tranches d'âge", choices=TrancheAge.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    budget_annuel_structure = champ_montant("Budget annuel de la structure (€)", required=False)

    class Meta:
        model = Dossier
        fields = [
            "titre",
            "description",
            "objectifs",
            "priorites",
            "qpv",
            "tranches_age",
            "part_femmes",
            "nombre_personnes",
            "date_debut",
            "date_fin",
            "renouvellement",
            "nombre_annees",
            "type_subvention",
            "representant_nom",
            "representant_qualite",
            "delegataire_nom",
            "delegataire_qualite",
            "salaries_etp",
            "benevoles",
            "budget_annuel_structure",
            "evaluation_methode",
            "evaluation_indicateurs",
            "evaluation_calendrier",
            "evaluation_moyens",
        ]
        # « 14,5 » salariés en ETP, comme on l'écrit en français.
        localized_fields = ["salaries_etp"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "objectifs": forms.Textarea(attrs={"rows": 4}),
            "priorites": forms.CheckboxSelectMultiple,
            "qpv": forms.CheckboxSelectMultiple,
            "date_debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "evaluation_methode": forms.Textarea(attrs={"rows": 3}),
            "evaluation_indicateurs": forms.Textarea(attrs={"rows": 4}),
            "evaluation_calendrier": forms.Textarea(attrs={"rows": 2}),
            "evaluation_moyens": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        appel = self.instance.appel
        # Sans choix (formulaire d'avant ce champ), le dossier reste une subvention de projet.
        self.fields["type_subvention"].required = False
        self.fields["priorites"].queryset = appel.priorites.all()
        self.fields["qpv"].queryset = appel.qpv.all() if appel.qpv.exists() else appel.contrat.qpv.all()

    def champs_projet(self) -> list[forms.BoundField]:
        return [champ for champ in self if champ.name not in CHAMPS_EVALUATION]

    def champs_evaluation(self) -> list[forms.BoundField]:
        """Comment l'action sera évaluée (CERFA 12156, fiche 3-1), en un groupe à part dans la page."""
        return [self[nom] for nom in CHAMPS_EVALUATION]

    def save(self, commit: bool = True) -> Dossier:
        """N'écrit que les champs du formulaire (et « modifié le ») : un changement d'état, une décision ou un
        total recalculé entre l'ouverture du formulaire et son envoi ne sont pas écrasés."""
        dossier = super().save(commit=False)
        if commit:
            champs = [f.name for f in Dossier._meta.concrete_fields if f.name in self.fields]
            dossier.save(update_fields=[*champs, "modifie_le"])
            self._save_m2m()
        return dossier

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error("date_fin", "La fin de l'action doit suivre son début.")
        annees = donnees.get("nombre_annees")
        if annees and self.instance.pk:
            # Le budget d'une année retirée ne disparaît pas en silence : le porteur le retire d'abord lui-même.
            derniere = self.instance.lignes_budget.aggregate(derniere=Max("annee"))["derniere"] or 1
            if derniere > annees:
                self.add_error(
                    "nombre_annees",
                    f"Le budget a des lignes pour l'année {derniere} : retirez-les du budget avant de raccourcir "
                    "l'action.",
                )
        if not donnees.get("type_subvention"):
            donnees["type_subvention"] = self.instance.type_subvention or TypeSubvention.PROJET
        if (donnees.get("delegataire_nom") or "").strip() and not (donnees.get("representant_nom") or "").strip():
            self.add_error("representant_nom", "Indiquez le représentant légal : c'est lui qui délègue sa signature.")
        if (donnees.get("delegataire_nom") or "").strip() and not (donnees.get("delegataire_qualite") or "").strip():
            self.add_error("delegataire_qualite", "Indiquez la qualité du délégataire.")
        return donnees


class LigneBudgetForm(DsfrBaseForm):
    annee = forms.TypedChoiceField(label="Année", coerce=int, required=False, empty_value=1)
    compte = forms.ChoiceField(label="Compte", choices=[("", "—")] + list(Compte.choices), required=False)
    libelle = forms.CharField(label="Libellé", required=False, max_length=255)
    montant = champ_montant("Montant (€)", required=False)
    financeur = forms.ModelChoiceField(label="Financeur (compte 74)", queryset=None, required=False)

    def __init__(self, *args, financeurs=None, nombre_annees: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        # Une action annuelle n'a qu'un budget (année 1) : le choix de l'année n'est montré qu'en pluriannuel.
        self.fields["annee"].choices = [(n, f"Année {n}") for n in range(1, max(nombre_annees, 1) + 1)]
        if nombre_annees <= 1:
            self.fields["annee"].widget = forms.HiddenInput()
            self.fields["annee"].initial = 1
        self.fields["financeur"].queryset = financeurs
        self.fields["financeur"].empty_label = "—"

    def clean(self):
        donnees = super().clean()
        if donnees.get("compte") and donnees.get("montant") is None:
            self.add_error("montant", "Indiquez le montant de cette ligne.")
        if donnees.get("montant") is not None and not donnees.get("compte"):
            self.add_error("compte", "Choisissez le compte de cette ligne.")
        return donnees


class BaseLignesFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # Une ligne reprise telle quelle du budget enregistré reste une ligne : on ne l'ignore pas comme
        # « inchangée » (tout le budget est réenregistré à chaque fois).
        return {
            **super().get_form_kwargs(index),
            "financeurs": self.form_kwargs["financeurs"],
            "nombre_annees": self.form_kwargs.get("nombre_annees", 1),
            "empty_permitted": False,
        }


MAXIMUM_LIGNES_BUDGET = 80
LignesBudgetFormSet = forms.formset_factory(
    LigneBudgetForm, formset=BaseLignesFormSet, extra=3, max_num=MAXIMUM_LIGNES_BUDGET
)
CHAMPS_LIGNE_BUDGET = ("annee", "compte", "libelle", "montant", "financeur")


class PlanFinancementForm(DsfrBaseForm):
    """Le montant demandé à chaque financeur de l'appel (un champ par financeur), fonds propres et autres."""

    fonds_propres = champ_montant("Fonds propres (€)", required=False)
    autres_financements = champ_montant(
        "Autres financements hors plateforme (€)", required=False, help_text="FSE+, fondations, mécénat…"
    )

    def __init__(self, *args, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.financeurs = list(financeurs)
        for organisation in self.financeurs:
            self.fields[f"financeur_{organisation.pk}"] = champ_montant(
                f"Montant demandé à {organisation.nom} (€)", required=False
            )

    def demandes(self) -> dict:
        return {o: self.cleaned_data.get(f"financeur_{o.pk}") or 0 for o in self.financeurs}


class PieceForm(DsfrBaseForm):
    type = forms.ChoiceField(label="Type de document", choices=TypePiece.choices)
    fichier = forms.FileField(
        label="Fichier", help_text="PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX ; 10 Mo au plus.", allow_empty_file=False
    )


class DocumentDuCoffreForm(DsfrBaseForm):
    """Une pièce demandée prise dans le coffre de la structure : le choix parmi ses documents valables de ce type
    (les contrôles — structure, validité, version en usage — sont faits par `services.joindre_document`)."""

    document = forms.TypedChoiceField(label="Document du coffre", coerce=int, choices=())

    def __init__(self, *args, documents=(), type_piece: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [(d.pk, libelle_document(d)) for d in documents]
        if type_piece:
            # DsfrBaseForm a déjà lu les champs (et leurs libellés) à sa construction : le libellé est changé aussi
            # sur le champ lié.
            libelle = f"{TypePiece(type_piece).label} : document du coffre"
            self.fields["document"].label = self["document"].label = libelle


class CoPorteurForm(DsfrBaseForm):
    structure = forms.CharField(
        label="Structure co-porteuse",
        help_text="Son SIRET, son numéro RNA ou sa raison sociale exacte, telle qu'inscrite dans l'annuaire.",
        max_length=255,
    )
    role = forms.CharField(label="Son rôle dans le projet", required=False, max_length=255)


class MotifForm(DsfrBaseForm):
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)


class TransitionDossierForm(DsfrBaseForm):
    statut = forms.ChoiceField(label="Nouvel état", choices=())
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, statuts: list[StatutDossier], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [(s.value, s.label) for s in statuts]


class MessageForm(DsfrBaseForm):
    texte = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    fichier = forms.FileField(label="Pièce jointe (facultative)", required=False)


class NoteForm(DsfrBaseForm):
    texte = forms.CharField(
        label="Note interne (lue par les seuls instructeurs)", widget=forms.Textarea(attrs={"rows": 3})
    )


class AvisForm(DsfrBaseForm):
    organisation = forms.ChoiceField(label="Au nom de", choices=())
    sens = forms.ChoiceField(label="Avis", choices=SensAvis.choices, widget=forms.RadioSelect)
    montant_propose = champ_montant("Montant proposé (€)", required=False)
    commentaire = forms.CharField(label="Motivation", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.nom) for o in organisations]


class DecisionForm(DsfrBaseForm):
    financeur = forms.ChoiceField(label="Financeur", choices=())
    montant = champ_montant("Montant accordé (€)", help_text="0 pour un refus.")
    reference = forms.CharField(label="Référence de la décision (délibération, arrêté)", required=False, max_length=100)
    nature = forms.ChoiceField(label="Nature de l'aide", choices=NatureAide.choices)
    conditions_versement = forms.ChoiceField(label="Conditions de versement", choices=ConditionsVersement.choices)
    motif = forms.CharField(
        label="Motivation",
        required=False,
        help_text="Obligatoire si vous accordez moins que le montant demandé.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].choices = [(o.pk, o.nom) for o in financeurs]


# --- Conventions ------------------------------------------------------------------------------------------


class ConventionForm(DsfrBaseForm):
    """Le projet de convention : objet, durée, conditions, objectifs, articles et montants par année et par
    financeur. Les colonnes de montants couvrent les quatre années possibles depuis la première année."""

    objet = forms.CharField(label="Objet de la convention", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    annee_debut = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    nombre_annees = forms.IntegerField(
        label="Durée (années)",
        min_value=1,
        max_value=99,
        help_text="1 pour une convention annuelle ; 2 à 4 pour une convention pluriannuelle d'objectifs (CPO).",
    )
    part_avance = forms.DecimalField(label="Avance (part du montant annuel, %)", min_value=0, max_value=100)
    solde_apres_compte_rendu = forms.BooleanField(
        label="Solde versé après acceptation du compte-rendu financier de l'année précédente", required=False
    )
    justificatifs = forms.CharField(label="Justificatifs", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    objectifs_contrat = forms.MultipleChoiceField(
        label="Objectifs du contrat de ville poursuivis",
        help_text="Les orientations et objectifs du contrat de ville de l'appel à projets.",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    objectifs = forms.CharField(
        label="Autres objectifs (un par ligne)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )

    def __init__(self, *args, convention, orientations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.convention = convention
        self.orientations = {str(o.pk): o for o in orientations}
        self.fields["objectifs_contrat"].choices = [
            (str(o.pk), o.titre if o.parent_id is None else f"{o.parent.titre} — {o.titre}") for o in orientations
        ]
        if not orientations:
            del self.fields["objectifs_contrat"]
        self.annees = list(range(convention.annee_debut, convention.annee_debut + 4))
        self.parties = [p.financeur for p in convention.parties.all()]
        self.grille = []
        for financeur in self.parties:
            ligne = []
            for annee in self.annees:
                nom = f"montant_{financeur.pk}_{annee}"
                self.fields[nom] = forms.DecimalField(
                    label=f"{financeur} — {annee} (€)",
                    required=False,
                    min_value=0,
                    max_value=MONTANT_MAXIMUM,
                    decimal_places=2,
                )
                ligne.append(nom)
            self.grille.append((financeur, ligne))
        self.articles = list(convention.articles.all())
        for article in self.articles:
            self.fields[f"article_{article.numero}"] = forms.CharField(
                label=f"Article {article.numero} — {article.titre}",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=20000,
            )

    def champs_montants(self):
        return [(financeur, [self[nom] for nom in noms]) for financeur, noms in self.grille]

    def champs_articles(self):
        return [self[f"article_{a.numero}"] for a in self.articles]

    def clean(self):
        donnees = super().clean()
        debut, duree = donnees.get("annee_debut"), donnees.get("nombre_annees")
        if debut is None or duree is None:
            return donnees
        periode = set(range(debut, debut + duree))
        montants = {}
        for financeur, noms in self.grille:
            for nom, annee in zip(noms, self.annees, strict=True):
                valeur = donnees.get(nom)
                if annee in periode:
                    if valeur is not None:
                        montants[financeur.pk, annee] = valeur
                elif valeur:
                    self.add_error(nom, f"{annee} est hors de la période de la convention : laissez ce montant vide.")
        donnees["montants"] = montants
        donnees["articles"] = {a.numero: donnees.get(f"article_{a.numero}", "") for a in self.articles}
        donnees["orientations"] = [self.orientations[pk] for pk in donnees.get("objectifs_contrat") or []]
        return donnees

    @classmethod
    def initial_de(cls, convention) -> dict:
        initial = {
            "objet": convention.objet,
            "annee_debut": convention.annee_debut,
            "nombre_annees": convention.nombre_annees,
            "part_avance": convention.part_avance,
            "solde_apres_compte_rendu": convention.solde_apres_compte_rendu,
            "justificatifs": convention.justificatifs,
            "objectifs": "\n".join(o.libelle for o in convention.objectifs.all() if o.orientation_id is None),
            "objectifs_contrat": [str(o.orientation_id) for o in convention.objectifs.all() if o.orientation_id],
        }
        initial.update({f"montant_{m.financeur_id}_{m.annee}": m.montant for m in convention.montants.all()})
        initial.update({f"article_{a.numero}": a.texte for a in convention.articles.all()})
        return initial


class EtatConventionForm(DsfrBaseForm):
    statut = forms.ChoiceField(label="Nouvel état", choices=())
    motif = forms.CharField(
        label="Motif (obligatoire pour un renvoi en projet ou une résiliation)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, etats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [(e.value, e.label) for e in etats]


class SignatureForm(DsfrBaseForm):
    """La signature d'une partie, par la personne qui peut l'engager (ou son délégué)."""

    partie = forms.ChoiceField(label="Partie qui signe", choices=())
    signataire_nom = forms.CharField(label="Nom du signataire", max_length=200)
    signataire_qualite = forms.CharField(
        label="Qualité du signataire",
        max_length=200,
        help_text="Président·e, maire, président·e du conseil, préfet·e… ou sa fonction de délégué·e.",
    )
    delegation = forms.BooleanField(label="Le signataire signe par délégation", required=False)
    representant_declare = forms.BooleanField(
        label="Je déclare que le signataire est le représentant légal de la structure ou son délégué",
        required=False,
    )
    reference_acte = forms.CharField(
        label="Référence de la délibération ou de l'arrêté (obligatoire pour une collectivité)",
        max_length=200,
        required=False,
    )
    date_acte = forms.DateField(
        label="Date de la délibération ou de l'arrêté",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    fichier = forms.FileField(label="Convention signée (PDF, facultatif)", required=False)

    def __init__(self, *args, parties, document="Convention", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fichier"].label = f"{document} signé{'e' if document == 'Convention' else ''} (PDF, facultatif)"
        self.parties = {("structure" if p is None else str(p.pk)): p for p in parties}
        self.fields["partie"].choices = [
            (cle, "La structure" if p is None else str(p)) for cle, p in self.parties.items()
        ]

    def clean_partie(self):
        return self.parties[self.cleaned_data["partie"]]


class AvenantForm(DsfrBaseForm):
    """Un avenant : ce qui change, pourquoi, la durée et les nouveaux montants de chaque financeur pour chaque
    année. Les colonnes couvrent les quatre années possibles depuis la première année de la convention."""

    objet = forms.CharField(label="Ce qui change", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    motif = forms.CharField(label="Pourquoi", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    nombre_annees = forms.IntegerField(
        label="Durée de la convention après l'avenant (années)",
        min_value=1,
        max_value=99,
        help_text="4 ans au plus pour une convention pluriannuelle d'objectifs.",
    )

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nombre_annees"].initial = convention.nombre_annees
        self.annees = list(range(convention.annee_debut, convention.annee_debut + DUREE_MAXIMUM_CPO))
        self.grille = []
        actuels = {(m.financeur_id, m.annee): m.montant for m in convention.montants.all()}
        for partie in convention.parties.all():
            noms = []
            for annee in self.annees:
                nom = f"montant_{partie.financeur_id}_{annee}"
                self.fields[nom] = champ_montant(
                    f"{partie.financeur} — {annee} (€)",
                    required=False,
                    initial=actuels.get((partie.financeur_id, annee)),
                )
                noms.append((nom, partie.financeur_id, annee))
            self.grille.append((partie.financeur, noms))

    def champs_montants(self):
        return [(financeur, [self[nom] for nom, _, _ in noms]) for financeur, noms in self.grille]

    def clean(self):
        donnees = super().clean()
        duree = donnees.get("nombre_annees")
        if duree is None:
            return donnees
        if duree > DUREE_MAXIMUM_CPO:
            self.add_error(
                "nombre_annees",
                f"Une convention pluriannuelle d'objectifs couvre au plus {DUREE_MAXIMUM_CPO} ans ({duree} demandés).",
            )
            return donnees
        periode = set(self.annees[:duree])
        montants = {}
        for _, noms in self.grille:
            for nom, financeur_id, annee in noms:
                valeur = donnees.get(nom)
                if annee in periode:
                    if valeur is None:
                        self.add_error(nom, f"Donnez le montant de {annee} (0 si rien n'est versé cette année-là).")
                    else:
                        montants[financeur_id, annee] = valeur
                elif valeur:
                    self.add_error(nom, f"{annee} est hors de la nouvelle durée : laissez ce montant vide.")
        donnees["montants"] = montants
        return donnees


# --- Versements -------------------------------------------------------------------------------------------

CHAMP_DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class VersementForm(DsfrBaseForm):
    """Une ligne prévue de l'échéancier d'un financeur : année, nature, montant, date prévue."""

    annee = forms.TypedChoiceField(label="Année de la convention", coerce=int, choices=())
    nature = forms.ChoiceField(label="Nature", choices=NatureVersement.choices)
    montant = champ_montant("Montant (€)")
    date_prevue = forms.DateField(label="Date prévue", **CHAMP_DATE)

    def __init__(self, *args, convention, modification: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(a, str(a)) for a in convention.annees]
        if modification:
            # L'année d'une ligne ne change pas : on la retire et on en prévoit une autre.
            del self.fields["annee"]

    def clean_montant(self):
        montant = self.cleaned_data["montant"]
        if montant is not None and montant <= 0:
            raise forms.ValidationError("Un versement a un montant positif.")
        return montant


class MandatForm(DsfrBaseForm):
    mandate_le = forms.DateField(label="Date du mandat", **CHAMP_DATE)
    reference = forms.CharField(label="Référence du mandat", max_length=100)


class PaiementForm(DsfrBaseForm):
    paye_le = forms.DateField(label="Date du paiement", **CHAMP_DATE)
    reference = forms.CharField(label="Référence du paiement", max_length=100)


class AnnulationForm(DsfrBaseForm):
    motif = forms.CharField(label="Motif de l'annulation", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class EcheancierForm(DsfrBaseForm):
    """Le financeur dont générer l'échéancier type (parmi ceux que la personne gère)."""

    financeur = forms.TypedChoiceField(label="Financeur", coerce=int, choices=())


class AjoutFinanceurForm(DsfrBaseForm):
    """Un autre financeur ayant décidé sur une des actions rejoint la convention en projet, avec ses montants de
    chaque année."""

    financeur = forms.ChoiceField(label="Financeur", choices=())

    def __init__(self, *args, convention, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.financeurs = {str(o.pk): o for o in financeurs}
        self.fields["financeur"].choices = [(pk, o.nom) for pk, o in self.financeurs.items()]
        self.annees = convention.annees
        for annee in self.annees:
            self.fields[f"montant_{annee}"] = champ_montant(f"Montant {annee} (€)")

    def champs_montants(self):
        return [self[f"montant_{annee}"] for annee in self.annees]

    def clean(self):
        donnees = super().clean()
        if donnees.get("financeur"):
            donnees["organisation"] = self.financeurs[donnees["financeur"]]
        donnees["montants"] = [donnees.get(f"montant_{annee}") for annee in self.annees]
        return donnees


class RevisionDecisionForm(DsfrBaseForm):
    """Un financeur revoit sa décision avant la convention : nouveau montant (0 pour un refus) et motif."""

    # Sur la page du dossier, à côté d'autres formulaires qui ont aussi un motif : des identifiants distincts.
    prefix = "revision"

    financeur = forms.ChoiceField(label="Financeur", choices=())
    montant = champ_montant("Nouveau montant accordé (€, 0 pour un refus)")
    motif = forms.CharField(
        label="Motif de la révision",
        help_text="Le porteur et les autres financeurs le liront ; les parties de la convention aussi.",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, financeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].choices = [(o.pk, o.nom) for o in financeurs]


class ReversementForm(DsfrBaseForm):
    annee = forms.TypedChoiceField(label="Année concernée", coerce=int, choices=())
    montant = champ_montant("Montant demandé (€)")
    motif = forms.CharField(
        label="Motif",
        help_text="Par exemple : sous-exécution constatée au compte-rendu financier.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(a, str(a)) for a in convention.annees]


class SuiviReversementForm(DsfrBaseForm):
    """L'étape suivante d'un reversement : titre de recette émis, remboursé, ou annulé."""

    statut = forms.ChoiceField(label="Étape", choices=())
    le = forms.DateField(label="Date (du titre de recette ou du remboursement)", required=False, **CHAMP_DATE)
    reference = forms.CharField(label="Référence du titre de recette", max_length=100, required=False)
    motif = forms.CharField(
        label="Motif (pour une annulation)", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def __init__(self, *args, etats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [(e, StatutReversement(e).label) for e in etats]


class PartsForm(DsfrBaseForm):
    """La part (%) de chaque structure bénéficiaire dans le montant d'un financeur."""

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.structures = structures
        for structure in structures:
            self.fields[f"part_{structure.pk}"] = forms.DecimalField(
                label=f"Part de {structure} (%)",
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
                localize=True,
                error_messages={
                    "min_value": "Une part ne peut pas être négative.",
                    "max_value": "Une part ne dépasse pas 100 %.",
                    "invalid": "Saisissez un pourcentage, par exemple 40 ou 33,33.",
                    "max_decimal_places": "Une part s'exprime au centième de point près.",
                },
            )

    def clean(self):
        donnees = super().clean()
        donnees["parts"] = {s.pk: donnees.get(f"part_{s.pk}") for s in self.structures}
        return donnees


class RetraitDossierForm(DsfrBaseForm):
    motif = forms.CharField(
        label="Pourquoi retirez-vous le dossier ?",
        help_text="Les financeurs sollicités le liront (par exemple : l'action est abandonnée, financée autrement).",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RenouvellementForm(DsfrBaseForm):
    """Choisir l'appel ouvert pour lequel renouveler un dossier (du même contrat ou d'un autre)."""

    appel = forms.ModelChoiceField(
        label="Appel à projets",
        queryset=None,
        help_text="Les appels ouverts aujourd'hui ; le nouveau dossier sera un brouillon à relire et compléter.",
        error_messages={"required": "Choisissez l'appel pour lequel renouveler le dossier."},
    )

    def __init__(self, *args, appels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appel"].queryset = appels
        self.fields["appel"].label_from_instance = lambda a: (
            f"{a.titre} — {a.contrat.nom} (clôture le {a.cloture:%d/%m/%Y})"
        )
