"""Les blocs de l'évaluation sur les pages d'autres applications, qui ne l'importent pas : les lignes de base
officielles d'un QPV à côté de la distribution nationale et le lien vers sa synthèse pour les élus
(`territoires.registres.pages_territoire`), les liens vers le tableau de bord et les bilans d'un contrat et,
pour ses associés, vers ses indicateurs (`contrats.registres.page_contrat`), les indicateurs dans la synthèse
PDF du contrat (`contrats.registres.synthese_contrat`), les synthèses des quartiers d'un élu dans Mon espace
(`comptes.registres.mon_espace`). Enregistrés dans `EvaluationConfig.ready()` ; chacun lance un nombre fixe
de requêtes."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from comptes.contexte import contexte_de_requete
from comptes.models import Role
from contrats.models import ContratDeVille
from contrats.selectors import contrats_de
from evaluation.permissions import peut_lire_valeurs, peut_saisir_valeurs
from evaluation.selectors import lignes_de_base_du_qpv
from territoires.models import Qpv


def lignes_de_base_d_un_qpv(request: HttpRequest, qpv: Qpv | None = None, **autres: object) -> str:
    """Les lignes de base officielles du QPV (par commune s'il en a plusieurs) et la distribution nationale de
    chaque indicateur : une requête ; rien pour une commune ou un EPCI."""
    if qpv is None:
        return ""
    lignes = lignes_de_base_du_qpv(qpv)
    if not lignes:
        return ""
    communes = sorted({v.code_partie for ligne in lignes for v in ligne.valeurs if v.code_partie})
    return render_to_string(
        "evaluation/_lignes_de_base_qpv.html",
        {"qpv": qpv, "lignes": lignes, "par_commune": len(communes) > 1},
        request=request,
    )


def indicateurs_du_contrat(request: HttpRequest, contrat: ContratDeVille) -> str:
    """Le lien vers le tableau de bord du contrat, pour qui voit le contrat (les valeurs publiques pour les
    autres que ses associés), et vers ses indicateurs, pour ses associés : aucune requête de plus (le profil se
    calcule du contexte d'accès et des signataires déjà lus par la page)."""
    associe = peut_lire_valeurs(request.user, contrat)
    return render_to_string(
        "evaluation/_contrat.html",
        {
            "contrat": contrat,
            "associe": associe,
            "peut_saisir": associe and peut_saisir_valeurs(request.user, contrat),
        },
        request=request,
    )


def synthese_d_un_qpv(request: HttpRequest, qpv: Qpv | None = None, **autres: object) -> str:
    """Le lien vers la synthèse du QPV pour les élus (PDF public) : aucune requête ; rien pour une commune ou un
    EPCI."""
    if qpv is None:
        return ""
    return render_to_string("evaluation/_synthese_qpv.html", {"qpv": qpv}, request=request)


def indicateurs_de_la_synthese(lignes: tuple[tuple[str, str, str, str, str], ...]) -> str:
    """Le tableau des indicateurs dans la synthèse PDF du contrat (sans requête) ; "" s'il n'y en a aucun."""
    if not lignes:
        return ""
    return render_to_string("evaluation/_synthese_contrat.html", {"lignes": lignes})


def mes_syntheses(request: HttpRequest) -> str:
    """Pour les élus : la synthèse de chaque quartier des contrats de leur collectivité (portés ou signés par
    elle), à télécharger. Une requête, les adhésions venant du contexte d'accès de la page."""
    acces = contexte_de_requete(request)
    if not acces.organisations(Role.ELU):
        return ""
    quartiers = list(
        Qpv.objects.filter(contrats__in=contrats_de(acces)).only("code", "nom").distinct().order_by("nom", "code")
    )
    if not quartiers:
        return ""
    return render_to_string("evaluation/_mon_espace.html", {"quartiers": quartiers}, request=request)


def bilans_du_contrat(request: HttpRequest, contrat: ContratDeVille) -> str:
    """Le lien vers les bilans du contrat (publiés pour tous, en préparation pour ses associés) : aucune
    requête."""
    return render_to_string("evaluation/_bilans_contrat.html", {"contrat": contrat}, request=request)


def enregistrer_blocs() -> None:
    """Appelé par `EvaluationConfig.ready()`."""
    from comptes.registres import mon_espace
    from contrats.registres import BlocDeDocument, page_contrat, synthese_contrat
    from evaluation.selectors import indicateurs_pour_synthese
    from territoires.registres import pages_territoire

    pages_territoire.enregistrer("synthese_qpv", synthese_d_un_qpv, ordre=4)
    pages_territoire.enregistrer("lignes_de_base", lignes_de_base_d_un_qpv, ordre=5)
    page_contrat.enregistrer("indicateurs", indicateurs_du_contrat, ordre=20)
    synthese_contrat.enregistrer(
        "indicateurs", BlocDeDocument(indicateurs_pour_synthese, indicateurs_de_la_synthese), ordre=5
    )
    mon_espace.enregistrer("syntheses_quartiers", mes_syntheses, ordre=12)
    page_contrat.enregistrer("bilans", bilans_du_contrat, ordre=21)
