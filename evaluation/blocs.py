"""Les blocs de l'évaluation sur les pages d'autres applications, qui ne l'importent pas : les lignes de base
officielles d'un QPV à côté de la distribution nationale (`territoires.registres.pages_territoire`), le lien
vers les indicateurs d'un contrat pour ses associés (`contrats.registres.page_contrat`). Enregistrés dans
`EvaluationConfig.ready()` ; chacun lance un nombre fixe de requêtes."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from contrats.models import ContratDeVille
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
    """Le lien vers les indicateurs du contrat, pour ses associés : aucune requête de plus (le profil se calcule
    du contexte d'accès et des signataires déjà lus par la page)."""
    if not peut_lire_valeurs(request.user, contrat):
        return ""
    return render_to_string(
        "evaluation/_contrat.html",
        {"contrat": contrat, "peut_saisir": peut_saisir_valeurs(request.user, contrat)},
        request=request,
    )


def bilans_du_contrat(request: HttpRequest, contrat: ContratDeVille) -> str:
    """Le lien vers les bilans du contrat (publiés pour tous, en préparation pour ses associés) : aucune
    requête."""
    return render_to_string("evaluation/_bilans_contrat.html", {"contrat": contrat}, request=request)


def enregistrer_blocs() -> None:
    """Appelé par `EvaluationConfig.ready()`."""
    from contrats.registres import page_contrat
    from territoires.registres import pages_territoire

    pages_territoire.enregistrer("lignes_de_base", lignes_de_base_d_un_qpv, ordre=5)
    page_contrat.enregistrer("indicateurs", indicateurs_du_contrat, ordre=20)
    page_contrat.enregistrer("bilans", bilans_du_contrat, ordre=21)
