from django.urls import path

from comptes import views

app_name = "comptes"

urlpatterns = [
    path("mon-espace/", views.mon_espace, name="mon_espace"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/inviter/", views.inviter, name="inviter"),
    path("invitations/<str:jeton>/", views.invitation, name="invitation"),
]
