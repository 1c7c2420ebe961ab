from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config import views

admin.site.site_header = "Administration de Coville"
admin.site.site_title = "Coville"
# La connexion à l'administration passe par celle d'allauth, qui demande le second facteur (comptes/mfa.py).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("sante/", views.sante, name="sante"),
    # Traductions des scripts (la barre d'outils de l'éditeur des sections), publiques comme les fichiers statiques.
    path(
        "jsi18n/",
        login_not_required(JavaScriptCatalog.as_view(packages=["django_prose_editor"])),
        name="catalogue_javascript",
    ),
    path("comptes/", include("allauth.urls")),
    path("", include("comptes.urls")),
    path("contrats/appels-a-projets/", include("financements.urls")),
    path("contrats/", include("contrats.urls")),
    path("territoires/", include("territoires.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("annuaire/", include("acteurs_ess.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "config.views.erreur_serveur"
