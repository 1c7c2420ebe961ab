from django.urls import path

from evaluation.views import indicateurs, syntheses, tableau, valeurs

app_name = "evaluation"

urlpatterns = [
    path("indicateurs/", indicateurs.catalogue, name="catalogue"),
    path("indicateurs/<int:pk>/", indicateurs.indicateur, name="indicateur"),
    path("indicateurs/<int:pk>/modifier/", indicateurs.modifier_indicateur, name="modifier_indicateur"),
    path("lignes-de-base.csv", valeurs.lignes_de_base_csv, name="lignes_de_base_csv"),
    path("quartiers/<str:code>/synthese.pdf", syntheses.synthese_qpv_pdf, name="synthese_qpv"),
    path("valeurs/<int:pk>/", valeurs.valeur, name="valeur"),
    path("valeurs/<int:pk>/corriger/", valeurs.corriger, name="corriger"),
    path("contrats/<str:code>/", valeurs.contrat, name="contrat"),
    path("contrats/<str:code>/tableau-de-bord/", tableau.tableau, name="tableau"),
    path("contrats/<str:code>/indicateurs/nouveau/", indicateurs.nouvel_indicateur, name="nouvel_indicateur"),
    path("contrats/<str:code>/valeurs/nouvelle/", valeurs.nouvelle_valeur, name="nouvelle_valeur"),
    path("contrats/<str:code>/valeurs.csv", valeurs.valeurs_csv, name="valeurs_csv"),
    path("contrats/<str:code>/comptes-rendus/<int:pk>/relier/", valeurs.relier, name="relier"),
]
