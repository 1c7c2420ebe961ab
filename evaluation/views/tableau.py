"""Le tableau de bord d'un contrat : ses indicateurs, de la ligne de base à la cible, sur le contrat entier et
chacun de ses QPV, en petits multiples accompagnés du tableau de leurs données."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from contrats.acces import contrat_visible
from evaluation.filtres import TableauFiltre
from evaluation.permissions import peut_lire_valeurs
from evaluation.selectors import indicateurs_du_contrat
from evaluation.tableau import CONTRAT_ENTIER, tableau_de_bord
from evaluation.views.commun import fil_contrat, page

# Territoires par page (le contrat entier compte pour un) : chaque indicateur y dessine un petit graphique par
# territoire, que pygal met une dizaine de millisecondes à dessiner la première fois (graphiques.py les garde
# ensuite) ; au-delà, la page s'alourdit sans se lire mieux. Le filtre « Quartier » mène droit à un QPV.
TERRITOIRES_PAR_PAGE = 6


@login_not_required
@require_GET
def tableau(request: HttpRequest, code: str) -> HttpResponse:
    """Lisible par qui voit le contrat : ses associés y lisent toutes les valeurs, les autres les valeurs
    publiques (les lignes de base officielles de ses quartiers et les valeurs qu'un bilan publié expose)."""
    contrat = contrat_visible(request.user, code)
    associe = peut_lire_valeurs(request.user, contrat)
    indicateurs = indicateurs_du_contrat(contrat)
    filtre = TableauFiltre(request.GET, queryset=indicateurs, contrat=contrat, indicateurs=indicateurs)
    retenus = list(filtre.qs)
    tous_les_qpv = list(contrat.qpv.only("code", "nom").order_by("nom"))
    choisi = filtre.form.cleaned_data.get("qpv") if filtre.is_valid() else None
    if choisi is not None:
        territoires = page(request, [choisi], TERRITOIRES_PAR_PAGE)
    else:
        territoires = page(request, [CONTRAT_ENTIER, *tous_les_qpv], TERRITOIRES_PAR_PAGE)
    qpv = [t for t in territoires if t != CONTRAT_ENTIER]
    donnees = tableau_de_bord(
        contrat,
        retenus,
        qpv,
        publiques=not associe,
        avec_contrat=CONTRAT_ENTIER in territoires.object_list,
        tous_les_qpv=tous_les_qpv,
    )
    return render(
        request,
        "evaluation/tableau.html",
        {
            "contrat": contrat,
            "associe": associe,
            "filtre": filtre,
            "page": territoires,
            "tableau": donnees,
            "graphiques": [bloc.graphique(donnees.annees) for bloc in donnees.blocs],
            "fil_ariane": fil_contrat(contrat)[:2] + [{"titre": "Tableau de bord des indicateurs", "url": ""}],
        },
    )
