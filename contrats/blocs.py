"""Les blocs que les contrats ajoutent aux pages d'autres applications, qui ne les importent pas : les pages
des territoires (`territoires.registres.pages_territoire`) et Mon espace (`comptes.registres.mon_espace`).
Enregistrés dans `ContratsConfig.ready()`.
"""

from django.http import HttpRequest
from django.template.loader import render_to_string

from comptes.contexte import contexte_de_requete
from contrats.permissions import peut_telecharger_contrat
from contrats.selectors import contrats_de, contrats_du_territoire
from territoires.models import Commune, Epci, Qpv


def contrats_d_un_territoire(
    request: HttpRequest, qpv: Qpv | None = None, commune: Commune | None = None, epci: Epci | None = None
) -> str:
    """Les contrats de ville d'un QPV, d'une commune ou d'un EPCI : une requête."""
    contrats = list(contrats_du_territoire(qpv=qpv, commune=commune, epci=epci))
    if not contrats:
        return ""
    return render_to_string("contrats/_contrats_territoire.html", {"contrats": contrats}, request=request)


def mes_contrats(request: HttpRequest) -> str:
    """Les contrats où la personne a un rôle (portés par sa collectivité, signés par son organisation), avec
    leurs PDF quand elle peut les télécharger : deux requêtes, quel que soit le nombre de contrats (les
    contrats, leurs signataires), les adhésions venant du contexte d'accès de la page."""
    acces = contexte_de_requete(request)
    if not acces.adhesions:
        return ""
    # Les signataires préchargés servent la règle de téléchargement, sans requête par contrat.
    lignes = [
        (contrat, peut_telecharger_contrat(acces, contrat))
        for contrat in contrats_de(acces).prefetch_related("signataires")
    ]
    if not lignes:
        return ""
    return render_to_string("contrats/_mon_espace.html", {"lignes": lignes}, request=request)
