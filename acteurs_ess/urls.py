from django.urls import path

from acteurs_ess import views, views_coffre

app_name = "acteurs_ess"

urlpatterns = [
    path("", views.annuaire, name="annuaire"),
    path("export.csv", views.exporter, {"format": "csv"}, name="exporter_csv"),
    path("export.xlsx", views.exporter, {"format": "xlsx"}, name="exporter_xlsx"),
    path("inscrire/", views.inscrire, name="inscrire"),
    path("structures/<int:pk>/", views.structure, name="structure"),
    path("structures/<int:pk>/modifier/", views.modifier, name="modifier"),
    path("structures/<int:pk>/rejoindre/", views.rejoindre, name="rejoindre"),
    path("structures/<int:pk>/verifier/", views.verifier, name="verifier"),
    path("structures/<int:pk>/cessation/", views.cesser_activite, name="cesser_activite"),
    path("structures/<int:pk>/reprise/", views.reprendre_activite, name="reprendre_activite"),
    path("structures/<int:pk>/rib/", views.rib, name="rib"),
    path("structures/<int:pk>/rib/<int:rib_pk>/document/", views.document_rib, name="document_rib"),
    path("structures/<int:pk>/rib/<int:rib_pk>/valider/", views.valider_rib, name="valider_rib"),
    path("structures/<int:pk>/documents/", views_coffre.documents, name="documents"),
    path("structures/<int:pk>/documents/ajouter/", views_coffre.ajouter_document, name="ajouter_document"),
    path(
        "structures/<int:pk>/documents/<int:document_pk>/",
        views_coffre.document_structure,
        name="document_structure",
    ),
    path(
        "structures/<int:pk>/documents/<int:document_pk>/remplacer/",
        views_coffre.remplacer_document,
        name="remplacer_document",
    ),
    path(
        "structures/<int:pk>/documents/<int:document_pk>/archiver/",
        views_coffre.archiver_document,
        name="archiver_document",
    ),
    path(
        "structures/<int:pk>/documents/<int:document_pk>/supprimer/",
        views_coffre.supprimer_document,
        name="supprimer_document",
    ),
    path("rattachements/", views.rattachements, name="rattachements"),
    path("rattachements/<int:pk>/decider/", views.decider, name="decider"),
    path("structures/autocompletion/", views.autocompletion_structures, name="autocompletion_structures"),
    path("collectifs/autocompletion/", views.autocompletion_collectifs, name="autocompletion_collectifs"),
    path("collectifs/", views.collectifs, name="collectifs"),
    path("collectifs/nouveau/", views.nouveau_collectif, name="nouveau_collectif"),
    path("collectifs/<int:pk>/", views.collectif, name="collectif"),
    path("collectifs/<int:pk>/membres/", views.gerer_collectif, name="gerer_collectif"),
    path("collectifs/<int:pk>/modifier/", views.modifier_collectif, name="modifier_collectif"),
    path("collectifs/<int:pk>/dissoudre/", views.dissoudre_collectif, name="dissoudre_collectif"),
    path("collectifs/<int:pk>/supprimer/", views.supprimer_collectif, name="supprimer_collectif"),
    path("collectifs/invitations/<int:pk>/", views.repondre_invitation, name="repondre_invitation"),
    path("collectifs/<int:pk>/membres/<int:membre>/retirer/", views.retirer_membre_collectif, name="retirer_membre"),
    path("importer/", views.importer, name="importer"),
    path("importer/confirmer/", views.confirmer_import, name="confirmer_import"),
    path("importer/imports/", views.imports_lances, name="imports"),
    path("importer/imports/<int:pk>/", views.suivi_import, name="suivi_import"),
]
