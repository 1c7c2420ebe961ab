from django.contrib import admin

from contrats.models import (
    Concertation,
    ContratDeVille,
    Contribution,
    JournalContrat,
    RappelConcertation,
    Section,
    Signataire,
    VersionSection,
)


@admin.register(ContratDeVille)
class ContratDeVilleAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "type_porteur", "code_porteur", "statut"]
    list_filter = ["statut", "type_porteur"]
    search_fields = ["code", "nom", "code_porteur"]
    raw_id_fields = ["epci", "commune", "departement"]
    filter_horizontal = []
    autocomplete_fields = []
    exclude = ["qpv", "communes"]
    # L'état change par ContratDeVille.changer_statut (journalisé), pas par l'administration.
    readonly_fields = ["statut"]


@admin.register(JournalContrat)
class JournalContratAdmin(admin.ModelAdmin):
    list_display = ["contrat", "date", "de_statut", "a_statut", "auteur"]
    raw_id_fields = ["contrat", "auteur"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["titre", "contrat", "etape", "numero"]
    raw_id_fields = ["contrat", "modifiee_par"]
    readonly_fields = ["texte", "numero"]


@admin.register(VersionSection)
class VersionSectionAdmin(admin.ModelAdmin):
    list_display = ["section", "numero", "auteur", "cree_le"]
    raw_id_fields = ["section", "auteur"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Signataire)
class SignataireAdmin(admin.ModelAdmin):
    list_display = ["organisation", "contrat", "date_signature"]
    raw_id_fields = ["contrat", "organisation"]


@admin.register(Concertation)
class ConcertationAdmin(admin.ModelAdmin):
    list_display = ["titre", "contrat", "debut", "fin"]
    raw_id_fields = ["contrat", "ouverte_par", "close_par"]
    exclude = ["sections", "orientations"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["pk", "concertation", "auteur", "statut", "masquee"]
    list_filter = ["statut", "masquee"]
    raw_id_fields = ["concertation", "section", "orientation", "auteur", "organisation", "repondue_par"]
    raw_id_fields += ["version_integration", "masquee_par"]
    # Réponses et masquages passent par les services (journal, e-mail) : lecture seule ici.
    readonly_fields = ["statut", "reponse", "repondue_le", "masquee", "motif_masquage", "masquee_le"]


@admin.register(RappelConcertation)
class RappelConcertationAdmin(admin.ModelAdmin):
    """Les rappels de fin de concertation déjà envoyés (contrats/taches.py), en lecture seule."""

    list_display = ["concertation", "fin", "nombre_destinataires", "envoye_le"]
    list_select_related = ["concertation"]
    raw_id_fields = ["concertation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
