"""Le bloc de l'annuaire dans « Mon espace » (`comptes.espace`) : mes structures, les demandes de
rattachement à décider, les miennes, et les actions de l'annuaire selon mon rôle. À enregistrer dans
`ActeursEssConfig.ready()` : `espace.enregistrer("annuaire", mon_annuaire, ordre=20)`."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from acteurs_ess.choix import EtatDemande
from acteurs_ess.models import DemandeRattachement, Structure
from acteurs_ess.services import demandes_a_decider
from comptes.models import Adhesion, Role
from comptes.permissions import est_admin_plateforme


def mon_annuaire(request: HttpRequest, adhesions=None) -> str:
    """Quatre requêtes au plus, quel que soit le nombre de structures et de demandes : les structures de la
    personne, le nombre de demandes à décider (avec ses collectivités), ses propres demandes en attente."""
    user = request.user
    if adhesions is None:
        adhesions = list(Adhesion.objects.filter(utilisateur=user).select_related("organisation"))
    roles = {adhesion.role for adhesion in adhesions}
    admin = est_admin_plateforme(user)
    structures = list(
        Structure.objects.filter(
            organisation_id__in=[a.organisation_id for a in adhesions if a.role == Role.STRUCTURE]
        ).order_by("raison_sociale")
    )
    decide = admin or bool(roles & {Role.STRUCTURE, Role.AGENT})
    a_decider = demandes_a_decider(user).count() if decide else 0
    mes_demandes = list(
        DemandeRattachement.objects.filter(demandeur=user, etat=EtatDemande.EN_ATTENTE)
        .select_related("structure")
        .order_by("-cree_le")
    )
    return render_to_string(
        "acteurs_ess/_mon_espace.html",
        {
            "structures": structures,
            "a_decider": a_decider,
            "mes_demandes": mes_demandes,
            "peut_importer": admin or Role.AGENT in roles,
        },
        request=request,
    )
