from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from comptes.models import COLLECTIVITES, Role, TypeOrganisation


class InscriptionForm(forms.Form):
    """Champs ajoutés au formulaire d'inscription d'allauth (inscription libre des habitants)."""

    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)

    field_order = ["prenom", "nom", "email", "password1", "password2"]

    def signup(self, request, user):
        user.prenom = self.cleaned_data["prenom"]
        user.nom = self.cleaned_data["nom"]
        user.save(update_fields=["prenom", "nom"])


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse e-mail de la personne invitée")
    role = forms.ChoiceField(label="Rôle", choices=())

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]


class CreationCompteInvitationForm(DsfrBaseForm):
    """Création du compte d'une personne invitée : son adresse est celle de l'invitation."""

    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            from comptes.models import Utilisateur

            futur = Utilisateur(email=self.email, prenom=cleaned.get("prenom", ""), nom=cleaned.get("nom", ""))
            try:
                password_validation.validate_password(password1, futur)
            except ValidationError as erreur:
                self.add_error("password1", erreur)
        return cleaned


def _nom_valide(valeur: str, libelle: str) -> str:
    """Un prénom ou un nom : au moins une lettre, et pas d'adresse e-mail (il s'affiche sur les pages publiques)."""
    valeur = " ".join(valeur.split())
    if not any(caractere.isalpha() for caractere in valeur):
        raise ValidationError(f"Le {libelle} doit contenir au moins une lettre.")
    if "@" in valeur:
        raise ValidationError(
            f"Le {libelle} ne peut pas contenir d'adresse e-mail (il s'affiche sur les pages publiques)."
        )
    return valeur


class IdentiteForm(DsfrBaseForm):
    """Le prénom et le nom de la personne connectée (page « Mon compte »)."""

    prenom = forms.CharField(label="Prénom", max_length=150, error_messages={"required": "Indiquez votre prénom."})
    nom = forms.CharField(label="Nom", max_length=150, error_messages={"required": "Indiquez votre nom."})

    def clean_prenom(self) -> str:
        return _nom_valide(self.cleaned_data["prenom"], "prénom")

    def clean_nom(self) -> str:
        return _nom_valide(self.cleaned_data["nom"], "nom")


class SuppressionCompteForm(DsfrBaseForm):
    """La confirmation de la suppression de son compte : la personne retape son mot de passe, ou son adresse
    e-mail si elle se connecte sans mot de passe (connexion par un fournisseur d'identité)."""

    confirmation = forms.CharField(
        label="Mot de passe", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        self.utilisateur = utilisateur
        self.par_mot_de_passe = utilisateur.has_usable_password()
        champ = self.fields["confirmation"]
        if self.par_mot_de_passe:
            champ.error_messages["required"] = "Saisissez votre mot de passe pour confirmer."
        else:
            champ.label = f"Votre adresse e-mail ({utilisateur.email})"
            champ.widget = forms.EmailInput(attrs={"autocomplete": "email"})
            champ.error_messages["required"] = "Saisissez votre adresse e-mail pour confirmer."

    def clean_confirmation(self) -> str:
        saisie = self.cleaned_data["confirmation"]
        if self.par_mot_de_passe:
            if not self.utilisateur.check_password(saisie):
                raise ValidationError("Ce mot de passe n'est pas le vôtre : le compte n'a pas été supprimé.")
        elif saisie.strip().lower() != self.utilisateur.email.lower():
            raise ValidationError("Cette adresse n'est pas celle de votre compte : le compte n'a pas été supprimé.")
        return saisie


class RoleMembreForm(DsfrBaseForm):
    role = forms.ChoiceField(label="Nouveau rôle", choices=())

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]


class DemandeAdhesionCollectiviteForm(DsfrBaseForm):
    """La demande d'adhésion d'une collectivité : la collectivité est cherchée dans le référentiel par son nom
    ou son code (`comptes.adhesions_collectivites.trouver_collectivite`)."""

    type = forms.ChoiceField(
        label="Type de collectivité",
        choices=[(t.value, t.label) for t in TypeOrganisation if t in COLLECTIVITES],
    )
    collectivite = forms.CharField(
        label="Collectivité",
        max_length=100,
        help_text="Son nom ou son code : code INSEE de la commune, du département ou de la région, SIREN de l'EPCI.",
    )
    fonction = forms.CharField(label="Votre fonction dans la collectivité", max_length=200)
    justificatif = forms.CharField(
        label="Justificatif",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="En quelques lignes : votre service, qui peut confirmer votre fonction.",
    )
    piece = forms.FileField(
        label="Pièce justificative (facultative)",
        required=False,
        help_text="Arrêté de nomination, courrier à en-tête… PDF, image ou document bureautique, 10 Mo au plus.",
    )

    def clean(self):
        from comptes.adhesions_collectivites import trouver_collectivite

        donnees = super().clean()
        if donnees.get("type") and donnees.get("collectivite"):
            try:
                donnees["trouvee"] = trouver_collectivite(donnees["type"], donnees["collectivite"])
            except ValidationError as erreur:
                self.add_error("collectivite", erreur)
        piece = donnees.get("piece")
        if piece:
            from config.lib.fichiers import verifier_fichier

            try:
                verifier_fichier(piece)
            except ValidationError as erreur:
                self.add_error("piece", erreur)
        return donnees


class RefusDemandeForm(DsfrBaseForm):
    motif = forms.CharField(
        label="Motif du refus",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Transmis à la personne.",
    )
