from django.urls import path

from comptes import views, views_adhesions, views_compte, views_membres, views_supervision

app_name = "comptes"

urlpatterns = [
    path("mon-espace/", views.mon_espace, name="mon_espace"),
    path("organisations/autocompletion/", views.autocompletion_organisations, name="autocompletion_organisations"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/inviter/", views.inviter, name="inviter"),
    path(
        "organisations/<int:pk>/membres/<int:adhesion_pk>/retirer/",
        views_membres.retirer_membre,
        name="retirer_membre",
    ),
    path("organisations/<int:pk>/membres/<int:adhesion_pk>/role/", views_membres.changer_role, name="changer_role"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views_membres.annuler_invitation,
        name="annuler_invitation",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/renvoyer/",
        views_membres.renvoyer_invitation,
        name="renvoyer_invitation",
    ),
    path("organisations/<int:pk>/quitter/", views_membres.quitter, name="quitter"),
    path("collectivites/demander/", views_adhesions.demander, name="demander_adhesion"),
    path("collectivites/demandes/", views_adhesions.demandes, name="demandes_adhesion"),
    path("collectivites/demandes/<int:pk>/accepter/", views_adhesions.accepter, name="accepter_adhesion"),
    path("collectivites/demandes/<int:pk>/refuser/", views_adhesions.refuser, name="refuser_adhesion"),
    path("collectivites/demandes/<int:pk>/piece/", views_adhesions.piece, name="piece_adhesion"),
    path("invitations/<str:jeton>/", views.invitation, name="invitation"),
    path("mon-compte/", views_compte.mon_compte, name="mon_compte"),
    path("mon-compte/mes-donnees.json", views_compte.telecharger_donnees, name="telecharger_donnees"),
    path("mon-compte/mes-donnees-csv.zip", views_compte.telecharger_donnees_csv, name="telecharger_donnees_csv"),
    path("mon-compte/alertes/<str:type_alerte>/", views_compte.alerte, name="alerte"),
    path("alertes/desabonnement/<str:jeton>/", views_compte.desabonnement, name="desabonnement"),
    path("mon-compte/supprimer/", views_compte.supprimer_compte, name="supprimer_compte"),
    path("mentions-legales/", views_compte.mentions_legales, name="mentions_legales"),
    path("sante/detail/", views_supervision.etat_detaille, name="etat_detaille"),
    path("donnees-personnelles/", views_compte.donnees_personnelles, name="donnees_personnelles"),
]
