import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from dsfr.forms import DsfrBaseForm

from acteurs_ess import identifiants
from acteurs_ess.choix import (
    TYPES_DU_COFFRE,
    Agrement,
    Domaine,
    FormeJuridique,
    RoleCollectif,
    TypeCollectif,
    domaines_par_pilier,
)
from acteurs_ess.models import Collectif, DocumentStructure, Structure
from acteurs_ess.selectors import Criteres
from comptes.models import Organisation
from territoires.models import Commune, Epci, Qpv

CHAMPS_STRUCTURE = [
    "raison_sociale",
    "sigle",
    "forme_juridique",
    "siret",
    "siren",
    "rna",
    "agrements",
    "domaines",
    "adresse",
    "description",
    "contact",
    "email",
    "telephone",
    "site_web",
]


def trouver_commune(saisie: str) -> Commune | None:
    """La commune désignée par son code INSEE, son code postal ou son nom (sans tenir compte des accents) ;
    une saisie ambiguë ou inconnue lève une erreur qui propose les communes possibles."""
    saisie = " ".join((saisie or "").split())
    if not saisie:
        return None
    code = saisie.upper()
    commune = Commune.objects.filter(code=code).first()
    if commune is not None:
        return commune
    if code.isdigit() and len(code) == 5:
        candidates = list(Commune.objects.actuelles().filter(codes_postaux__contains=[code]).order_by("nom")[:6])
        inconnue = f"Aucune commune n'a le code INSEE ou le code postal « {code} »."
    else:
        candidates = list(Commune.objects.actuelles().filter(nom__unaccent__iexact=saisie).order_by("code")[:6])
        inconnue = f"Aucune commune ne s'appelle « {saisie} » : indiquez son code postal ou son code INSEE."
    if not candidates:
        raise ValidationError(inconnue)
    if len(candidates) > 1:
        possibles = ", ".join(f"{commune.nom} ({commune.code})" for commune in candidates[:5])
        raise ValidationError(
            f"Plusieurs communes correspondent à « {saisie} » : indiquez le code INSEE ({possibles})."
        )
    return candidates[0]


def separer_codes(texte: str) -> list[str]:
    return [code for code in re.split(r"[\s,;|]+", (texte or "").upper()) if code]


class StructureForm(DsfrBaseForm):
    """La fiche d'une structure : inscription par ses membres, puis mise à jour."""

    raison_sociale = forms.CharField(label="Raison sociale", max_length=255)
    sigle = forms.CharField(label="Sigle", max_length=50, required=False)
    forme_juridique = forms.ChoiceField(label="Forme juridique", choices=FormeJuridique.choices)
    siret = forms.CharField(
        label="SIRET", required=False, help_text="14 chiffres, sur l'avis de situation SIRENE ou vos factures."
    )
    siren = forms.CharField(label="SIREN", required=False, help_text="9 chiffres ; déduit du SIRET si vous le donnez.")
    rna = forms.CharField(
        label="Numéro RNA (associations)", required=False, help_text="W suivi de 9 chiffres ou lettres."
    )
    agrements = forms.MultipleChoiceField(
        label="Agréments et labels", choices=Agrement.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    domaines = forms.MultipleChoiceField(
        label="Domaines d'action",
        choices=Domaine.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    adresse = forms.CharField(label="Adresse du siège", max_length=255, required=False)
    commune = forms.CharField(
        label="Code INSEE de la commune du siège",
        required=False,
        help_text="5 caractères, par exemple 35238 pour Rennes.",
    )
    qpv = forms.CharField(
        label="Codes des QPV où la structure agit",
        required=False,
        help_text="Séparés par des espaces ou des virgules, par exemple QN03505M QN03504M.",
    )
    communes_action = forms.CharField(
        label="Codes INSEE des autres communes où la structure agit",
        required=False,
        help_text="Séparés par des espaces ou des virgules.",
    )
    description = forms.CharField(label="Ce que fait la structure", widget=forms.Textarea, required=False)
    contact = forms.CharField(label="Personne à contacter", max_length=150, required=False)
    email = forms.EmailField(label="Adresse e-mail de contact", required=False)
    telephone = forms.CharField(label="Téléphone", max_length=20, required=False)
    site_web = forms.URLField(label="Site web", required=False, assume_scheme="https")

    def __init__(self, *args, structure: Structure | None = None, **kwargs):
        self.structure = structure
        if structure is not None and "initial" not in kwargs:
            initial = {champ: getattr(structure, champ) for champ in CHAMPS_STRUCTURE}
            initial["commune"] = structure.commune_id or ""
            initial["qpv"] = " ".join(q.pk for q in structure.qpv.all())
            initial["communes_action"] = " ".join(c.pk for c in structure.communes_action.all())
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def clean_raison_sociale(self):
        valeur = " ".join(self.cleaned_data["raison_sociale"].split())
        if not valeur:
            raise ValidationError("Indiquez la raison sociale de la structure.")
        return valeur

    def clean_siret(self):
        valeur = self.cleaned_data["siret"].strip()
        return identifiants.normaliser_siret(valeur) if valeur else ""

    def clean_siren(self):
        valeur = self.cleaned_data["siren"].strip()
        return identifiants.normaliser_siren(valeur) if valeur else ""

    def clean_rna(self):
        valeur = self.cleaned_data["rna"].strip()
        return identifiants.normaliser_rna(valeur) if valeur else ""

    def clean_commune(self):
        return trouver_commune(self.cleaned_data["commune"])

    def clean_qpv(self):
        codes = separer_codes(self.cleaned_data["qpv"])
        trouves = list(Qpv.objects.filter(code__in=codes))
        inconnus = sorted(set(codes) - {qpv.code for qpv in trouves})
        if inconnus:
            raise ValidationError(f"Code(s) QPV inconnu(s) : {', '.join(inconnus)}.")
        return trouves

    def clean_communes_action(self):
        codes = separer_codes(self.cleaned_data["communes_action"])
        trouvees = list(Commune.objects.filter(code__in=codes))
        inconnus = sorted(set(codes) - {commune.code for commune in trouvees})
        if inconnus:
            raise ValidationError(f"Code(s) INSEE de commune inconnu(s) : {', '.join(inconnus)}.")
        return trouvees

    def clean(self):
        cleaned = super().clean()
        siret, siren = cleaned.get("siret"), cleaned.get("siren")
        if siret and siren and siret[:9] != siren:
            self.add_error(
                "siren", f"Le SIREN {siren} ne correspond pas au SIRET {siret} (qui commence par {siret[:9]})."
            )
        elif siret and not siren:
            cleaned["siren"] = siret[:9]
        if self.structure is not None:
            autres = Structure.objects.exclude(pk=self.structure.pk)
            if siret and autres.filter(siret=siret).exists():
                self.add_error("siret", "Une autre structure de l'annuaire a déjà ce SIRET.")
            if cleaned.get("rna") and autres.filter(rna=cleaned["rna"]).exists():
                self.add_error("rna", "Une autre structure de l'annuaire a déjà ce numéro RNA.")
        return cleaned

    def donnees(self) -> dict:
        donnees = {champ: self.cleaned_data[champ] for champ in CHAMPS_STRUCTURE}
        donnees["commune"] = self.cleaned_data["commune"]
        return donnees


class DemandeRattachementForm(DsfrBaseForm):
    message = forms.CharField(
        label="Message pour les membres de la structure",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Votre fonction dans la structure, par exemple.",
    )


class DecisionForm(DsfrBaseForm):
    motif = forms.CharField(
        label="Motif (obligatoire pour un refus)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RechercheForm(DsfrBaseForm):
    """Les filtres de l'annuaire, lus dans l'adresse de la page (GET)."""

    q = forms.CharField(label="Rechercher", required=False, max_length=200, help_text="Nom, activité, domaine…")
    forme_juridique = forms.ChoiceField(
        label="Forme juridique", required=False, choices=[("", "Toutes")] + FormeJuridique.choices
    )
    agrement = forms.ChoiceField(label="Agrément ou label", required=False, choices=[("", "Tous")] + Agrement.choices)
    domaine = forms.ChoiceField(
        label="Domaine d'action", required=False, choices=[("", "Tous")] + domaines_par_pilier()
    )
    qpv = forms.CharField(label="Code du QPV", required=False, max_length=8, help_text="Par exemple QN03505M.")
    commune = forms.CharField(
        label="Commune", required=False, max_length=100, help_text="Nom, code postal ou code INSEE."
    )
    epci = forms.CharField(label="Intercommunalité", required=False, max_length=255, help_text="Nom exact ou SIREN.")
    collectif = forms.ChoiceField(label="Collectif", required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collectif"].choices = [("", "Tous")] + [
            (str(pk), nom) for pk, nom in Collectif.objects.order_by("nom").values_list("pk", "nom")
        ]

    def clean_qpv(self):
        return self.cleaned_data["qpv"].strip().upper()

    def clean_commune(self):
        commune = trouver_commune(self.cleaned_data["commune"])
        return commune.code if commune else ""

    def clean_epci(self):
        saisie = " ".join(self.cleaned_data["epci"].split())
        if not saisie or (saisie.isdigit() and len(saisie) == 9):
            return saisie
        sirens = list(Epci.objects.filter(nom__unaccent__iexact=saisie).values_list("siren", flat=True)[:2])
        if len(sirens) != 1:
            raise ValidationError(f"Aucune intercommunalité ne s'appelle exactement « {saisie} » : indiquez son SIREN.")
        return sirens[0]

    def criteres(self):
        donnees = self.cleaned_data if self.is_valid() else {}
        collectif = donnees.get("collectif")
        return Criteres(
            texte=donnees.get("q", ""),
            forme_juridique=donnees.get("forme_juridique", ""),
            agrement=donnees.get("agrement", ""),
            domaine=donnees.get("domaine", ""),
            qpv=donnees.get("qpv", ""),
            commune=donnees.get("commune", ""),
            epci=donnees.get("epci", ""),
            collectif=int(collectif) if collectif else None,
        )


class ImportForm(DsfrBaseForm):
    TAILLE_MAX = 10 * 1024 * 1024

    fichier = forms.FileField(
        label="Fichier CSV ou XLSX",
        help_text="Une ligne d'en-tête ; UTF-8 ou Windows-1252, séparateur virgule ou point-virgule ; 10 Mo au plus.",
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > self.TAILLE_MAX:
            raise ValidationError("Ce fichier dépasse 10 Mo : découpez-le en plusieurs fichiers.")
        if not fichier.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError("Déposez un fichier de tableur au format CSV ou XLSX.")
        return fichier


class CollectifForm(DsfrBaseForm):
    """Création d'un collectif : l'organisation choisie (celle de la personne) en devient l'animatrice."""

    nom = forms.CharField(label="Nom du collectif", max_length=255)
    type = forms.ChoiceField(label="Type", choices=TypeCollectif.choices)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    commune = forms.CharField(
        label="Commune",
        required=False,
        help_text="Son nom, son code postal ou son code INSEE : Rennes, 35000 ou 35238.",
    )
    site_web = forms.URLField(label="Site web", required=False, assume_scheme="https")
    organisation = forms.ChoiceField(label="Organisation qui anime le collectif", choices=())

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(organisation.pk): organisation for organisation in organisations}
        self.fields["organisation"].choices = [(pk, o.nom) for pk, o in self.organisations.items()]

    def clean_nom(self):
        nom = " ".join(self.cleaned_data["nom"].split())
        if not nom:
            raise ValidationError("Indiquez le nom du collectif.")
        return nom

    def clean_commune(self):
        return trouver_commune(self.cleaned_data["commune"])

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]

    def donnees(self) -> dict:
        return {champ: self.cleaned_data[champ] for champ in ("nom", "type", "description", "commune", "site_web")}


class MembreCollectifForm(DsfrBaseForm):
    organisation = forms.CharField(
        label="Organisation à ajouter",
        max_length=255,
        help_text="Son nom exact sur Coville (Ville de Rennes, Rennes Métropole…) ou, pour une structure, son SIRET.",
    )
    role = forms.ChoiceField(
        label="Rôle dans le collectif", choices=RoleCollectif.choices, initial=RoleCollectif.MEMBRE
    )

    def clean_organisation(self):
        saisie = " ".join(self.cleaned_data["organisation"].split())
        chiffres = re.sub(r"\s", "", saisie)
        if chiffres.isdigit() and len(chiffres) == 14:
            trouvees = list(Organisation.objects.filter(Q(siret=chiffres) | Q(structure__siret=chiffres)).distinct())
        else:
            trouvees = list(Organisation.objects.filter(nom__iexact=saisie)[:2])
        if not trouvees:
            raise ValidationError(f"Aucune organisation de Coville ne s'appelle « {saisie} » (ni n'a ce SIRET).")
        if len(trouvees) > 1:
            raise ValidationError(f"Plusieurs organisations s'appellent « {saisie} » : indiquez le SIRET.")
        return trouvees[0]


class RibForm(DsfrBaseForm):
    """Un nouveau RIB : l'IBAN et le titulaire tels qu'imprimés par la banque, et le document lui-même ; les
    contrôles (clé de l'IBAN, type du document) sont faits par `services.proposer_rib`, tout ou rien."""

    iban = forms.CharField(label="IBAN", max_length=50, help_text="Par exemple FR76 3000 6000 0112 3456 7890 189.")
    bic = forms.CharField(label="BIC (facultatif)", max_length=20, required=False)
    titulaire = forms.CharField(label="Titulaire du compte", max_length=255)
    document = forms.FileField(
        label="RIB délivré par la banque",
        help_text="PDF, PNG ou JPEG ; 10 Mo au plus. Inutile si vous choisissez un RIB du coffre.",
        required=False,
    )
    document_coffre = forms.ModelChoiceField(
        label="Ou un RIB du coffre de la structure",
        queryset=DocumentStructure.objects.none(),
        required=False,
        empty_label="Aucun : je téléverse le RIB",
    )

    def __init__(self, *args, ribs_du_coffre=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ribs_du_coffre is None:
            del self.fields["document_coffre"]
        else:
            self.fields["document_coffre"].queryset = ribs_du_coffre
            self.fields["document_coffre"].label_from_instance = libelle_document

    def clean(self):
        donnees = super().clean()
        if donnees.get("document") and donnees.get("document_coffre"):
            raise forms.ValidationError("Téléversez un RIB ou choisissez-en un dans le coffre, pas les deux.")
        return donnees


def libelle_document(document: DocumentStructure) -> str:
    """« rib-2026.pdf (valable jusqu'au 31/12/2026) » : ce qui distingue deux documents du même type."""
    fin = f"valable jusqu'au {document.valable_jusqu_au:%d/%m/%Y}" if document.valable_jusqu_au else "sans date de fin"
    return f"{document.nom} ({fin})"


class DocumentForm(DsfrBaseForm):
    """Un document déposé dans le coffre de la structure (ou la nouvelle version d'un document : sans le type,
    qui reste celui du document remplacé). Le type réel et la taille du fichier sont vérifiés par
    `coffre.ajouter_document`, tout ou rien."""

    type = forms.ChoiceField(label="Type de document", choices=[("", "Choisir un type")] + TYPES_DU_COFFRE)
    fichier = forms.FileField(
        label="Fichier",
        help_text="PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX (un RIB : PDF ou image) ; 10 Mo au plus.",
        allow_empty_file=False,
    )
    date_document = forms.DateField(
        label="Date du document (facultatif)",
        required=False,
        help_text="Date d'adoption des statuts, de clôture des comptes, de l'assemblée générale…",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valable_jusqu_au = forms.DateField(
        label="Valable jusqu'au (facultatif)",
        required=False,
        help_text="Laissez vide pour un document sans date de fin (des statuts, par exemple).",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, remplacement: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if remplacement:
            del self.fields["type"]


class ModificationCollectifForm(CollectifForm):
    """Correction d'un collectif : les mêmes champs, sans l'organisation animatrice (elle se gère par les
    membres)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, organisations=[], **kwargs)
        del self.fields["organisation"]


class DissolutionForm(DsfrBaseForm):
    le = forms.DateField(label="Dissous le", widget=forms.DateInput(attrs={"type": "date"}))
    motif = forms.CharField(label="Motif (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CessationForm(DsfrBaseForm):
    le = forms.DateField(label="Activité cessée le", widget=forms.DateInput(attrs={"type": "date"}))
    motif = forms.CharField(
        label="Motif (facultatif)",
        required=False,
        help_text="Par exemple : dissolution votée en assemblée générale, fusion avec une autre association.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
