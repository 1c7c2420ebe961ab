from django.contrib import admin
from django.db import models

from acteurs_ess.models import (
    Collectif,
    DemandeRattachement,
    DocumentStructure,
    ImportStructures,
    MembreCollectif,
    Rib,
    Structure,
)


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["raison_sociale", "sigle", "forme_juridique", "siret", "rna", "commune", "verifiee_le"]
    list_filter = ["forme_juridique"]
    search_fields = ["raison_sociale", "sigle", "siret", "siren", "rna"]
    autocomplete_fields = ["organisation", "importee_par"]
    raw_id_fields = ["commune", "qpv", "communes_action", "verifiee_par"]
    readonly_fields = ["cree_le", "modifiee_le"]
    list_select_related = ["commune"]


class MembreCollectifInline(admin.TabularInline):
    model = MembreCollectif
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Collectif)
class CollectifAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["nom", "type", "commune"]
    list_filter = ["type"]
    search_fields = ["nom"]
    raw_id_fields = ["commune"]
    inlines = [MembreCollectifInline]


@admin.register(DemandeRattachement)
class DemandeRattachementAdmin(admin.ModelAdmin):
    list_display = ["structure", "demandeur", "etat", "revendication", "cree_le", "decidee_par"]
    list_filter = ["etat", "revendication"]
    search_fields = ["structure__raison_sociale", "demandeur__email"]
    raw_id_fields = ["structure", "demandeur", "decidee_par"]
    readonly_fields = ["cree_le", "decidee_le"]


@admin.register(ImportStructures)
class ImportStructuresAdmin(admin.ModelAdmin):
    """Les imports lancés depuis la page d'import, en lecture seule : leur état est celui qu'écrit la tâche."""

    list_display = ["nom_fichier", "lance_par", "etat", "lignes_faites", "lignes_total", "creees", "cree_le"]
    list_filter = ["etat"]
    search_fields = ["nom_fichier", "lance_par__email"]
    list_select_related = ["lance_par"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Rib)
class RibAdmin(admin.ModelAdmin):
    """En lecture seule : un RIB ne change que par la proposition d'un membre et la validation d'un agent d'un
    financeur (journal d'audit, membres prévenus), jamais par l'administration."""

    list_display = ["structure", "iban_masque", "etat", "propose_le", "valide_le"]
    list_filter = ["etat"]
    search_fields = ["structure__raison_sociale"]
    list_select_related = ["structure"]
    exclude = ["iban", "chemin"]
    readonly_fields = ["structure", "iban_masque", "bic", "titulaire", "nom", "etat", "propose_par", "valide_par"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentStructure)
class DocumentStructureAdmin(admin.ModelAdmin):
    """En lecture seule : un document du coffre ne se dépose, ne se remplace, ne s'archive ou ne se supprime que
    par les membres de la structure (journal d'audit ; un document joint à un dossier déposé ne se supprime pas)."""

    list_display = ["structure", "type", "nom", "valable_jusqu_au", "depose_le", "archive_le"]
    list_filter = ["type"]
    search_fields = ["structure__raison_sociale", "nom"]
    list_select_related = ["structure"]
    exclude = ["chemin"]
    readonly_fields = [
        "structure",
        "type",
        "nom",
        "taille",
        "type_mime",
        "date_document",
        "valable_jusqu_au",
        "depose_par",
        "depose_le",
        "remplace_par",
        "archive_le",
        "archive_par",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
