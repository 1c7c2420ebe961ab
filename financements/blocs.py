"""Les blocs des appels à projets et dossiers sur les pages d'autres applications, qui ne les importent pas :
les projets financés d'un QPV, d'une commune ou d'un EPCI (`territoires.blocs`), « Mes dossiers » dans Mon
espace (`comptes.espace`) et, quand l'annuaire offrira un point d'extension, les projets d'une structure.
Enregistrés dans `FinancementsConfig.ready()` ; chacun lance un nombre fixe de requêtes."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from financements.permissions import organisations_instructrices, organisations_structures
from financements.selectors import ce_qui_est_attendu, dossiers_a_instruire, dossiers_de, projets_finances

NOMBRE_MAXIMUM = 20


def projets_d_un_territoire(request: HttpRequest, qpv=None, commune=None, epci=None) -> str:
    """Les projets financés d'un QPV, d'une commune ou d'un EPCI (contrats qu'il porte) : une requête."""
    if epci is not None:
        projets = projets_finances().filter(appel__contrat__epci=epci)
    else:
        projets = projets_finances(qpv=qpv, commune=commune)
    projets = list(projets[:NOMBRE_MAXIMUM])
    if not projets:
        return ""
    return render_to_string("financements/dossiers/_projets_finances.html", {"projets": projets}, request=request)


def projets_de_la_structure(request: HttpRequest, structure) -> str:
    """Les projets financés d'une structure (portés ou co-portés), pour son profil public : une requête."""
    projets = list(projets_finances(structure=structure)[:NOMBRE_MAXIMUM])
    if not projets:
        return ""
    return render_to_string("financements/dossiers/_projets_finances.html", {"projets": projets}, request=request)


def mes_dossiers(request: HttpRequest, adhesions=None) -> str:
    """Les dossiers des structures de la personne, avec ce qui est attendu d'elle ; pour les instructeurs,
    le nombre de dossiers à instruire et le lien vers le tableau. Quatre requêtes au plus."""
    user = request.user
    if adhesions is not None and not hasattr(user, "_adhesions_dossiers"):
        user._adhesions_dossiers = list(adhesions)
    dossiers, a_instruire = [], None
    mes_structures = set(organisations_structures(user))
    if mes_structures:
        dossiers = list(dossiers_de(user).prefetch_related("co_porteurs__structure")[:50])
        for dossier in dossiers:
            a_confirmer = any(
                c.structure.organisation_id in mes_structures and not c.est_confirme for c in dossier.co_porteurs.all()
            )
            dossier.attendu = (
                f"Confirmer la participation de votre structure (invitée par {dossier.structure})"
                if a_confirmer
                else ce_qui_est_attendu(dossier)
            )
    if organisations_instructrices(user):
        a_instruire = dossiers_a_instruire(user).filter(statut__in=["depose", "en_instruction"]).count()
    if not dossiers and a_instruire is None:
        return ""
    return render_to_string(
        "financements/dossiers/_mes_dossiers.html", {"dossiers": dossiers, "a_instruire": a_instruire}, request=request
    )


def appels_du_contrat(request: HttpRequest, contrat) -> str:
    """Le lien vers les appels à projets du contrat et les projets qu'ils financent : aucune requête."""
    return render_to_string("financements/appels/_contrat.html", {"contrat": contrat}, request=request)


def enregistrer_blocs() -> None:
    """Appelé par `FinancementsConfig.ready()`."""
    from acteurs_ess import profil
    from comptes import espace
    from contrats import registres
    from territoires import blocs

    registres.page_contrat.enregistrer("appels_a_projets", appels_du_contrat, ordre=10)
    blocs.enregistrer("projets_finances", projets_d_un_territoire, ordre=15)
    profil.enregistrer("projets_finances", projets_de_la_structure, ordre=10)
    espace.enregistrer("dossiers", mes_dossiers, ordre=15)
