"""Les blocs que les contrats ajoutent aux pages d'autres applications, qui ne les importent pas : les pages
des territoires (`territoires.registres.pages_territoire`) et Mon espace (`comptes.registres.mon_espace`).
Enregistrés dans `ContratsConfig.ready()`.
"""

from django.http import HttpRequest
from django.template.loader import render_to_string

from comptes.contexte import contexte_de_requete
from contrats.models import Contribution
from contrats.permissions import peut_telecharger_contrat
from contrats.selectors import concertations_ouvertes_au_public, contrats_de, contrats_du_territoire
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


def concertations_d_un_territoire(
    request: HttpRequest, qpv: Qpv | None = None, commune: Commune | None = None, epci: Epci | None = None
) -> str:
    """Les concertations ouvertes au public sur les contrats de ce territoire : une requête."""
    contrats = contrats_du_territoire(qpv=qpv, commune=commune, epci=epci)
    concertations = list(concertations_ouvertes_au_public(contrats))
    if not concertations:
        return ""
    return render_to_string(
        "contrats/_concertations_ouvertes.html",
        {"concertations": concertations, "niveau_titre": 2},
        request=request,
    )


def mes_contributions(request: HttpRequest) -> str:
    """Mon espace : le lien vers « Mes contributions », avec leur nombre (une requête), pour qui en a déposé."""
    if not request.user.is_authenticated:
        return ""
    nombre = Contribution.objects.filter(auteur_id=request.user.pk).count()
    if not nombre:
        return ""
    return render_to_string("contrats/_mon_espace_contributions.html", {"nombre": nombre}, request=request)
