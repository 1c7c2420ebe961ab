from django.contrib import admin

from evaluation.models import (
    Bilan,
    CommentaireBilan,
    DistributionNationale,
    Indicateur,
    JournalBilan,
    LiaisonCompteRendu,
    Valeur,
)

# Les indicateurs et les valeurs changent par les pages de l'évaluation et par l'import officiel, qui gardent
# l'historique des versions et vérifient les saisies : l'administration les consulte seulement.


class LectureSeuleAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Indicateur)
class IndicateurAdmin(LectureSeuleAdmin):
    list_display = ["nom", "code", "unite", "sens", "contrat"]
    list_filter = ["unite", "sens"]
    list_select_related = ["contrat"]
    search_fields = ["nom", "code"]


@admin.register(Valeur)
class ValeurAdmin(LectureSeuleAdmin):
    list_display = ["indicateur", "cle_territoire", "annee", "nature", "valeur", "origine", "version", "courante"]
    list_filter = ["nature", "origine", "courante", "hors_plage", "non_diffusee"]
    list_select_related = ["indicateur"]
    search_fields = ["cle_territoire"]
    raw_id_fields = ["qpv", "commune", "epci", "contrat", "dossier", "convention", "precedente", "saisie_par"]


@admin.register(DistributionNationale)
class DistributionNationaleAdmin(LectureSeuleAdmin):
    list_display = ["indicateur", "nombre_qpv", "premier_quartile", "mediane", "troisieme_quartile"]
    list_select_related = ["indicateur"]


@admin.register(LiaisonCompteRendu)
class LiaisonCompteRenduAdmin(LectureSeuleAdmin):
    list_display = ["indicateur_compte_rendu", "indicateur", "reliee_par", "reliee_le"]
    list_select_related = ["indicateur", "reliee_par", "indicateur_compte_rendu__compte_rendu__convention__structure"]


class CommentaireBilanInline(admin.TabularInline):
    model = CommentaireBilan
    extra = 0
    can_delete = False
    readonly_fields = ["auteur", "organisation", "texte", "cree_le"]

    def has_add_permission(self, request, obj=None):
        return False


class JournalBilanInline(admin.TabularInline):
    model = JournalBilan
    extra = 0
    can_delete = False
    readonly_fields = ["date", "auteur", "de_statut", "a_statut", "evenement", "motif"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bilan)
class BilanAdmin(LectureSeuleAdmin):
    """Les bilans changent par leurs pages (cycle de vie journalisé, chiffres figés à la validation)."""

    list_display = ["contrat", "type", "annee", "statut", "date_copil", "publie_le"]
    list_filter = ["type", "statut"]
    list_select_related = ["contrat"]
    search_fields = ["contrat__nom", "contrat__code"]
    inlines = [CommentaireBilanInline, JournalBilanInline]
