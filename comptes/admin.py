from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from comptes import rgpd
from comptes.models import Adhesion, Invitation, Organisation, Utilisateur


class AdhesionInline(admin.TabularInline):
    model = Adhesion
    extra = 0
    autocomplete_fields = ["utilisateur", "organisation"]


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "prenom", "nom", "is_staff", "is_active", "est_supprime", "date_joined"]
    list_filter = ["is_staff", "is_active", "est_supprime"]
    search_fields = ["email", "prenom", "nom"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["prenom", "nom"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [AdhesionInline]
    actions = ["anonymiser"]

    @admin.action(description="Anonymiser le compte (demande RGPD)")
    def anonymiser(self, request, queryset):
        """La suppression d'un compte à la demande de la personne (RGPD, art. 17), comme depuis « Mon compte »."""
        comptes = [compte for compte in queryset if not compte.est_supprime and compte.pk != request.user.pk]
        for compte in comptes:
            rgpd.anonymiser(compte)
        self.message_user(
            request,
            f"{len(comptes)} compte(s) anonymisé(s) : adresse, nom et mot de passe effacés, adhésions retirées ; "
            "ce que ces personnes ont écrit reste, signé « Compte supprimé ».",
            messages.SUCCESS,
        )
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(
                request,
                "Votre propre compte n'a pas été anonymisé : faites-le depuis « Mon compte ».",
                messages.WARNING,
            )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "code_territoire"]
    list_filter = ["type"]
    search_fields = ["nom", "siret", "code_territoire"]
    inlines = [AdhesionInline]

    def save_model(self, request, obj, form, change):
        # Le territoire d'une collectivité se lit par ses liens au référentiel, jamais par son code (les codes
        # de région et de département se recouvrent) : un code saisi sans lien relie l'organisation.
        liens = ("commune", "epci", "departement", "region")
        if "code_territoire" in form.changed_data and not any(form.cleaned_data.get(lien) for lien in liens):
            obj.lier_au_territoire()
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "invitee_par", "cree_le", "expire_le", "acceptee_le"]
    list_filter = ["role", "organisation__type"]
    search_fields = ["email", "organisation__nom"]
    readonly_fields = ["empreinte_jeton", "acceptee_le", "acceptee_par"]
    autocomplete_fields = ["organisation", "invitee_par"]


# Double authentification : les authentificateurs d'une personne (application et codes de récupération), retrouvés
# par son adresse et supprimés quand elle a perdu téléphone et codes (README, « Double authentification »).
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthentificateurAdmin(AuthenticatorAdmin):
    search_fields = ["user__email"]
