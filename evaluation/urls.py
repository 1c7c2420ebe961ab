from django.urls import path

from evaluation.views import bilans, indicateurs, syntheses, tableau, valeurs

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
    path("contrats/<str:code>/bilans/", bilans.liste, name="bilans"),
    path("contrats/<str:code>/bilans/nouveau/", bilans.nouveau, name="nouveau_bilan"),
    path("bilans/<int:pk>/", bilans.bilan, name="bilan"),
    path("bilans/<int:pk>/textes/", bilans.textes, name="textes_bilan"),
    path("bilans/<int:pk>/avis/", bilans.avis, name="avis_bilan"),
    path("bilans/<int:pk>/commenter/", bilans.commenter, name="commenter_bilan"),
    path("bilans/<int:pk>/soumettre/", bilans.soumettre, name="soumettre_bilan"),
    path("bilans/<int:pk>/reprendre/", bilans.reprendre, name="reprendre_bilan"),
    path("bilans/<int:pk>/valider/", bilans.valider, name="valider_bilan"),
    path("bilans/<int:pk>/publier/", bilans.publier, name="publier_bilan"),
    path("bilans/<int:pk>/bilan.pdf", bilans.pdf, name="pdf_bilan"),
    path("bilans/<int:pk>/valeurs.csv", bilans.valeurs_csv, name="valeurs_bilan_csv"),
    path("bilans/<int:pk>/compte-rendu-copil/", bilans.compte_rendu_copil, name="compte_rendu_copil"),
]
