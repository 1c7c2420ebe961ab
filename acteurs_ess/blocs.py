"""Les blocs que l'annuaire de l'ESS ajoute aux pages d'autres applications, qui ne l'importent pas : les
structures d'un territoire (`territoires.registres.pages_territoire`) et l'annuaire dans « Mon espace »
(`comptes.registres.mon_espace`). Enregistrés dans `ActeursEssConfig.ready()`."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from acteurs_ess.choix import EtatDemande
from acteurs_ess.models import DemandeRattachement, Structure
from acteurs_ess.selectors import structures_du_territoire
from acteurs_ess.services import demandes_a_decider, invitations_collectifs_de
from comptes.contexte import contexte_de_requete
from comptes.models import Role
from territoires.models import Commune, Epci, Qpv

NOMBRE_MAXIMUM = 20


def structures_d_un_territoire(
    request: HttpRequest, qpv: Qpv | None = None, commune: Commune | None = None, epci: Epci | None = None
) -> str:
    """Les structures qui agissent dans un QPV, une commune ou un EPCI : une requête. Au-delà des
    `NOMBRE_MAXIMUM` premières, un lien mène à l'annuaire filtré sur ce territoire (la liste complète)."""
    structures = list(structures_du_territoire(qpv=qpv, commune=commune, epci=epci)[: NOMBRE_MAXIMUM + 1])
    if not structures:
        return ""
    if qpv is not None:
        filtre = {"qpv": qpv.pk}
    elif commune is not None:
        filtre = {"commune": commune.pk}
    else:
        filtre = {"epci": getattr(epci, "pk", "")}
    return render_to_string(
        "acteurs_ess/_structures_territoire.html",
        {
            "structures": structures[:NOMBRE_MAXIMUM],
            "liste_complete": reverse("acteurs_ess:annuaire") + "?" + urlencode(filtre)
            if len(structures) > NOMBRE_MAXIMUM
            else "",
        },
        request=request,
    )


def mon_annuaire(request: HttpRequest) -> str:
    """Quatre requêtes au plus, quel que soit le nombre de structures et de demandes, les adhésions étant lues
    par le contexte d'accès de la page : les structures de la personne, le nombre de demandes à décider, les
    invitations des collectifs adressées aux organisations qu'elle gère, ses propres demandes en attente."""
    acces = contexte_de_requete(request)
    admin = acces.est_admin
    structures = list(
        Structure.objects.filter(organisation_id__in=acces.ids_organisations(Role.STRUCTURE)).order_by("raison_sociale")
    )
    decide = admin or acces.a_role(Role.STRUCTURE, Role.AGENT)
    a_decider = demandes_a_decider(acces).count() if decide else 0
    invitations = list(invitations_collectifs_de(acces))
    mes_demandes = list(
        DemandeRattachement.objects.filter(demandeur_id=acces.utilisateur.pk, etat=EtatDemande.EN_ATTENTE)
        .select_related("structure")
        .order_by("-cree_le")
    )
    return render_to_string(
        "acteurs_ess/_mon_espace.html",
        {
            "structures": structures,
            "a_decider": a_decider,
            "mes_demandes": mes_demandes,
            "invitations": invitations,
            "peut_importer": admin or acces.a_role(Role.AGENT),
        },
        request=request,
    )
