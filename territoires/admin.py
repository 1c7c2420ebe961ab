from django.contrib import admin

from territoires.models import Commune, Departement, Epci, Qpv, Region

# Le référentiel vient des imports officiels (`importer_territoires`) : consultation seulement.


class LectureSeuleAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(LectureSeuleAdmin):
    list_display = ["code", "nom", "zone"]
    search_fields = ["code", "nom"]


@admin.register(Departement)
class DepartementAdmin(LectureSeuleAdmin):
    list_display = ["code", "nom", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "nom"]


@admin.register(Epci)
class EpciAdmin(LectureSeuleAdmin):
    list_display = ["siren", "nom", "nature", "population", "obsolete"]
    list_filter = ["nature", "obsolete"]
    search_fields = ["siren", "nom"]


@admin.register(Commune)
class CommuneAdmin(LectureSeuleAdmin):
    list_display = ["code", "nom", "departement", "epci", "population", "obsolete"]
    list_select_related = ["departement", "epci"]
    list_filter = ["obsolete"]
    search_fields = ["code", "nom"]
    exclude = ["nom_recherche"]


@admin.register(Qpv)
class QpvAdmin(LectureSeuleAdmin):
    list_display = ["code", "nom", "departement", "epci", "population"]
    list_select_related = ["departement", "epci"]
    search_fields = ["code", "nom"]
    exclude = ["nom_recherche", "perimetre"]
