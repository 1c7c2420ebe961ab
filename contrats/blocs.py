"""Les blocs que les contrats ajoutent aux pages d'autres applications, qui ne les importent pas : les pages
des territoires (`territoires.blocs`) et Mon espace (`comptes.espace`). Enregistrés dans `ContratsConfig.ready()`.
"""

from django.http import HttpRequest
from django.template.loader import render_to_string

from contrats.permissions import peut_telecharger_contrat, profil
from contrats.selectors import contrats_de, contrats_du_territoire


def contrats_d_un_territoire(request: HttpRequest, qpv=None, commune=None, epci=None) -> str:
    """Les contrats de ville d'un QPV, d'une commune ou d'un EPCI : une requête."""
    contrats = list(contrats_du_territoire(qpv=qpv, commune=commune, epci=epci))
    if not contrats:
        return ""
    return render_to_string("contrats/_contrats_territoire.html", {"contrats": contrats}, request=request)


def mes_contrats(request: HttpRequest, adhesions=None) -> str:
    """Les contrats où la personne a un rôle (portés par sa collectivité, signés par son organisation), avec
    leurs PDF quand elle peut les télécharger : deux requêtes au plus quand Mon espace passe ses adhésions,
    quel que soit le nombre de contrats (les contrats, leurs signataires)."""
    contrats = list(contrats_de(request.user, adhesions).prefetch_related("signataires"))
    if not contrats:
        return ""
    for contrat in contrats:
        # Le profil est calculé avec les adhésions déjà lues par Mon espace et les signataires préchargés :
        # la règle de téléchargement reste celle de contrats.permissions, sans requête par contrat.
        profil(request.user, contrat, adhesions=adhesions)
        contrat.telechargeable = peut_telecharger_contrat(request.user, contrat)
    return render_to_string("contrats/_mon_espace.html", {"contrats": contrats}, request=request)
