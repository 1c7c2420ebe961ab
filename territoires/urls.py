from django.urls import path

from territoires import views

app_name = "territoires"

urlpatterns = [
    path("", views.recherche, name="recherche"),
    path("autocompletion/", views.autocompletion, name="autocompletion"),
    path("regions/", views.regions, name="regions"),
    path("regions/<str:code>/", views.region, name="region"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("epci/", views.epcis, name="epcis"),
    path("epci/<str:siren>/", views.epci, name="epci"),
    path("communes/", views.communes, name="communes"),
    path("communes/<str:code>/", views.commune, name="commune"),
    path("qpv/", views.qpvs, name="qpvs"),
    path("qpv/<str:code>/", views.qpv, name="qpv"),
]
