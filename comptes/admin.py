import json

from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.html import format_html
from procrastinate.contrib.django.admin import ProcrastinateJobAdmin
from procrastinate.contrib.django.models import ProcrastinateJob

from comptes import rgpd
from comptes.audit import journaliser
from comptes.models import (
    AbonnementAlerte,
    ActionAudit,
    Adhesion,
    EntreeAudit,
    Invitation,
    Organisation,
    TacheDeFond,
    Utilisateur,
)
from config.lib.journal import masquer_arguments


class AdhesionInline(admin.TabularInline):
    model = Adhesion
    extra = 0
    autocomplete_fields = ["utilisateur", "organisation"]


class JournaliseAdhesionsMixin:
    """Les adhésions ajoutées, changées de rôle ou retirées depuis l'administration entrent au journal d'audit,
    dans la transaction de l'enregistrement."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Adhesion:
            return super().save_formset(request, form, formset, change)
        anciens_roles = {
            f.instance.pk: f.initial.get("role") for f in formset.initial_forms if "role" in f.changed_data
        }
        super().save_formset(request, form, formset, change)
        for adhesion in formset.new_objects:
            journaliser(
                ActionAudit.ADHESION_AJOUTEE,
                auteur=request.user,
                objet=adhesion,
                organisation=adhesion.organisation,
                details={"utilisateur": adhesion.utilisateur.email, "role": adhesion.role},
                request=request,
            )
        for adhesion, _ in formset.changed_objects:
            if adhesion.pk in anciens_roles and anciens_roles[adhesion.pk] != adhesion.role:
                journaliser(
                    ActionAudit.ROLE_CHANGE,
                    auteur=request.user,
                    objet=adhesion,
                    organisation=adhesion.organisation,
                    details={
                        "utilisateur": adhesion.utilisateur.email,
                        "ancien_role": anciens_roles[adhesion.pk],
                        "role": adhesion.role,
                    },
                    request=request,
                )
        for adhesion in formset.deleted_objects:
            journaliser(
                ActionAudit.ADHESION_RETIREE,
                auteur=request.user,
                organisation=adhesion.organisation,
                details={
                    "adhesion": str(adhesion),
                    "utilisateur": adhesion.utilisateur.email,
                    "role": adhesion.role,
                },
                request=request,
            )
        return None


@admin.register(Utilisateur)
class UtilisateurAdmin(JournaliseAdhesionsMixin, UserAdmin):
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

    def delete_model(self, request, obj):
        self._journaliser_effacement(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._journaliser_effacement(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _journaliser_effacement(self, request, comptes):
        # L'effacement d'une ligne (un compte créé par erreur) : la suppression à la demande d'une personne
        # passe par l'anonymisation, qui garde ce qu'elle a écrit.
        for compte in comptes:
            journaliser(
                ActionAudit.COMPTE_EFFACE,
                auteur=request.user,
                objet=compte,
                details={"adresse_email": compte.email},
                request=request,
            )

    @admin.action(description="Anonymiser le compte (demande RGPD)")
    def anonymiser(self, request, queryset):
        """La suppression d'un compte à la demande de la personne (RGPD, art. 17), comme depuis « Mon compte »."""
        comptes = [compte for compte in queryset if not compte.est_supprime and compte.pk != request.user.pk]
        for compte in comptes:
            rgpd.anonymiser(compte, par=request.user, request=request)
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
class OrganisationAdmin(JournaliseAdhesionsMixin, admin.ModelAdmin):
    list_display = ["nom", "type", "code_territoire"]
    list_filter = ["type"]
    search_fields = ["nom", "siret", "code_territoire"]
    inlines = [AdhesionInline]

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._journaliser_suppression(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # L'action « Supprimer » de la liste ne s'exécute pas dans une transaction (la page de suppression, si) :
        # les entrées et la suppression réussissent ou échouent ensemble.
        with transaction.atomic():
            self._journaliser_suppression(request, list(queryset))
            super().delete_queryset(request, queryset)

    def _journaliser_suppression(self, request, organisations):
        """Supprimer une organisation retire ses adhésions (en cascade) : chacune entre au journal comme un retrait
        fait dans l'administration, puis la suppression elle-même. Les entrées gardent le nom de l'organisation
        dans leurs détails, puisque leur lien vers elle sera vidé."""
        for organisation in organisations:
            adhesions = list(organisation.adhesions.select_related("utilisateur").order_by("pk"))
            for adhesion in adhesions:
                journaliser(
                    ActionAudit.ADHESION_RETIREE,
                    auteur=request.user,
                    objet=adhesion,
                    organisation=organisation,
                    details={
                        "adhesion": str(adhesion),
                        "utilisateur": adhesion.utilisateur.email,
                        "role": adhesion.role,
                        "organisation": organisation.nom,
                        "motif": "organisation supprimée",
                    },
                    request=request,
                )
            journaliser(
                ActionAudit.ORGANISATION_SUPPRIMEE,
                auteur=request.user,
                objet=organisation,
                organisation=organisation,
                details={
                    "nom": organisation.nom,
                    "type": organisation.type,
                    "code_territoire": organisation.code_territoire,
                    "siret": organisation.siret,
                    "adhesions_retirees": len(adhesions),
                },
                request=request,
            )

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


@admin.register(AbonnementAlerte)
class AbonnementAlerteAdmin(admin.ModelAdmin):
    """Les désabonnements (et réabonnements) aux alertes : une ligne n'existe qu'après un choix de la personne,
    qui seule le change (lien de l'e-mail ou « Mon compte ») ; lus ici pour répondre à une question."""

    list_display = ["utilisateur", "type_alerte", "abonne", "modifie_le"]
    list_filter = ["type_alerte", "abonne"]
    search_fields = ["utilisateur__email"]
    list_select_related = ["utilisateur"]
    readonly_fields = ["utilisateur", "type_alerte", "abonne", "modifie_le"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EntreeAudit)
class EntreeAuditAdmin(admin.ModelAdmin):
    """Le journal d'audit, en lecture seule pour les administrateurs de la plateforme : personne, pas même un
    superutilisateur, n'y ajoute, ne corrige ni n'efface une entrée."""

    list_display = ["cree_le", "action", "auteur_repr", "objet_repr", "organisation", "adresse_ip"]
    list_filter = ["action", "cree_le", ("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["auteur_repr", "objet_repr", "organisation__nom"]
    date_hierarchy = "cree_le"
    list_select_related = ["organisation"]
    fields = [
        "cree_le",
        "action",
        "auteur",
        "auteur_repr",
        "content_type",
        "object_id",
        "objet_repr",
        "organisation",
        "details",
        "adresse_ip",
    ]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Double authentification : les authentificateurs d'une personne (application et codes de récupération), retrouvés
# par son adresse et supprimés quand elle a perdu téléphone et codes (README, « Double authentification »).
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthentificateurAdmin(AuthenticatorAdmin):
    search_fields = ["user__email"]


# Tâches de fond (Procrastinate) : l'administration de Procrastinate, en lecture seule, avec ses actions (relancer
# une tâche en échec, annuler une tâche à faire), sur un modèle mandataire dont le libellé ne montre pas les
# arguments. Un e-mail en échec s'y retrouve par son adresse (« Mon espace » y mène, filtré sur les envois en
# échec) ; son texte n'y est pas montré : il contient parfois un lien personnel (mot de passe oublié, vérification
# d'adresse, invitation) qui donnerait accès au compte d'un autre.
admin.site.unregister(ProcrastinateJob)


@admin.register(TacheDeFond)
class TacheDeFondAdmin(ProcrastinateJobAdmin):
    search_fields = ["args__destinataire"]
    search_help_text = "Adresse du destinataire d'un e-mail"

    @admin.display(description="Arguments")
    def pretty_args(self, instance: ProcrastinateJob) -> str:
        arguments = masquer_arguments(instance.args)
        return format_html("<pre>{}</pre>", json.dumps(arguments, indent=2, ensure_ascii=False))
