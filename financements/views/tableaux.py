"""Les tableaux de bord des conventions : celui des agents d'un financeur (ses conventions, ses versements,
les comptes-rendus en retard ou à examiner, les fins proches) et celui de l'État (programme 147 : part aux
associations par des CPO face à la cible de 50 %). Lectures dans `financements/tableaux.py`."""

from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from comptes.contexte import contexte_de_requete
from financements import tableaux
from financements.filtres import (
    ComptesRendusTableauFiltre,
    ConventionsTableauFiltre,
    TableauEtatFiltre,
    VersementsTableauFiltre,
)
from financements.models import CompteRendu
from financements.permissions import organisations_instructrices
from territoires.models import Departement

PAR_PAGE = 30
CONTRATS_PAR_PAGE = 50

VUES = {
    "versements": "Versements à mandater et à venir",
    "retards": "Comptes-rendus en retard",
    "a_examiner": "Comptes-rendus à examiner",
    "fin": "Conventions qui se terminent dans les six mois",
    "conventions": "Toutes mes conventions",
}


def _habiller(filtre) -> None:
    """Les classes du DSFR, et chaque erreur de saisie reliée à son champ (lue par les lecteurs d'écran)."""
    erreurs = filtre.form.errors if filtre.is_bound else {}
    for nom, champ in filtre.form.fields.items():
        champ.widget.attrs.setdefault("class", "fr-select" if isinstance(champ.widget, forms.Select) else "fr-input")
        if nom in erreurs:
            champ.widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{nom}-erreur"})


def _parametres(request: HttpRequest) -> str:
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()


@require_GET
def tableau_financeur(request: HttpRequest) -> HttpResponse:
    """Le tableau de bord des conventions d'un financeur : compteurs, puis la liste choisie (`vue`), filtrée
    et paginée. Un nombre fixe de requêtes, quel que soit le nombre de conventions."""
    acces = contexte_de_requete(request)
    mes_financeurs = organisations_instructrices(acces)
    if not mes_financeurs:
        raise PermissionDenied(
            "Le tableau de bord des conventions est réservé aux agents des financeurs (collectivités, État, "
            "partenaires)."
        )
    ids = [o.pk for o in mes_financeurs]
    jour = timezone.localdate()
    vue = request.GET.get("vue", "versements")
    if vue not in VUES:
        vue = "versements"
    donnees = request.GET or None
    if vue == "versements":
        filtre = VersementsTableauFiltre(
            donnees,
            queryset=tableaux.versements_du_financeur(ids)
            .select_related("financeur", "convention__structure")
            .order_by("date_prevue", "pk"),
            financeurs=mes_financeurs,
        )
    elif vue == "a_examiner":
        filtre = ComptesRendusTableauFiltre(
            donnees,
            queryset=tableaux.comptes_rendus_a_examiner(ids)
            .select_related("convention__structure")
            .order_by("depose_le", "pk"),
            financeurs=mes_financeurs,
        )
    else:
        if vue == "retards":
            conventions = tableaux.conventions_en_retard(ids, jour).prefetch_related(
                Prefetch("comptes_rendus", queryset=CompteRendu.objects.only("pk", "convention_id", "annee", "statut"))
            )
        elif vue == "fin":
            conventions = tableaux.conventions_fin_proche(ids, jour)
        else:
            conventions = tableaux.conventions_du_financeur(ids)
        filtre = ConventionsTableauFiltre(
            donnees,
            # La structure préchargée après la page plutôt que jointe : PostgreSQL joindrait ses lignes (larges)
            # pour toutes les conventions du financeur avant de trier (155 ms au lieu de 20 à 20 000 conventions).
            queryset=conventions.prefetch_related("structure", "parties__financeur").order_by("annee_debut", "pk"),
            financeurs=mes_financeurs,
        )
    _habiller(filtre)
    page = Paginator(filtre.qs, PAR_PAGE).get_page(request.GET.get("page"))
    if vue == "retards":
        for convention in page.object_list:
            convention.annees_en_retard = tableaux.annees_en_retard(convention, jour)
    return render(
        request,
        "financements/tableaux/financeur.html",
        {
            "filtre": filtre,
            "page": page,
            "parametres": _parametres(request),
            "vue": vue,
            "titre_vue": VUES[vue],
            "vues": VUES.items(),
            "chiffres": tableaux.chiffres_financeur(ids, jour),
            "mes_financeurs": mes_financeurs,
            "jour": jour,
            "limite_a_mandater": jour + timedelta(days=tableaux.JOURS_A_MANDATER),
        },
    )


@require_GET
def tableau_etat(request: HttpRequest) -> HttpResponse:
    """Le tableau de l'État : par contrat et par département, les crédits du programme 147 de l'année et leur
    part allant aux associations par des CPO, face à la cible de la circulaire ; les autres financeurs pour
    information."""
    acces = contexte_de_requete(request)
    if not tableaux.peut_voir_tableau_etat(acces):
        raise PermissionDenied(
            "Le tableau de l'État est réservé aux agents de l'État (préfecture, délégués du préfet)."
        )
    contrats = tableaux.contrats_de_l_etat(acces).select_related("departement").order_by("departement_id", "nom")
    departements = Departement.objects.filter(contrats__in=contrats.values("pk")).distinct().order_by("code")
    filtre = TableauEtatFiltre(request.GET or None, queryset=contrats, departements=list(departements))
    _habiller(filtre)
    annee = filtre.form.cleaned_data.get("annee") if filtre.is_valid() else None
    annee = int(annee or timezone.localdate().year)
    choisis = list(filtre.qs)
    tableau = tableaux.tableau_etat(choisis, annee)
    page = Paginator(tableau.contrats, CONTRATS_PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "financements/tableaux/etat.html",
        {
            "filtre": filtre,
            "page": page,
            "parametres": _parametres(request),
            "annee": annee,
            "tableau": tableau,
            "cible": tableaux.CIBLE_CPO_ASSOCIATIONS,
        },
    )
