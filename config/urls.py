from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "Administration de Coville"
admin.site.site_title = "Coville"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("sante/", views.sante, name="sante"),
    path("comptes/", include("allauth.urls")),
    path("", include("comptes.urls")),
    path("contrats/appels-a-projets/", include("financements.urls")),
    path("contrats/", include("contrats.urls")),
    path("territoires/", include("territoires.urls")),
    path("annuaire/", include("acteurs_ess.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "config.views.erreur_serveur"
