"""Les blocs des appels à projets et dossiers sur les pages d'autres applications, qui ne les importent pas :
les projets financés d'un QPV, d'une commune ou d'un EPCI (`territoires.registres.pages_territoire`) et d'une
structure avec ses conventions (`acteurs_ess.registres.profil_structure`), « Mes dossiers » et « Mes conventions »
dans Mon espace (`comptes.registres.mon_espace`), le lien vers les appels d'un contrat et les montants décidés pour
ses projets (`contrats.registres.page_contrat`, et `contrats.registres.synthese_contrat` pour sa synthèse PDF).
Enregistrés dans `FinancementsConfig.ready()` ; chacun lance un nombre fixe de requêtes."""

from decimal import Decimal

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from acteurs_ess.models import Structure
from comptes.contexte import contexte_de_requete
from config.lib.euros import euros
from config.lib.graphiques import Graphique, Serie, euros_arrondis
from contrats.models import ContratDeVille
from financements.models import Dossier
from financements.permissions import organisations_instructrices, organisations_structures
from financements.selectors import (
    ProjetsDuContrat,
    ce_qui_est_attendu,
    conventions_publiques,
    dossiers_a_instruire,
    dossiers_de,
    montants_decides_par_annee,
    projets_du_contrat,
    projets_finances,
)
from financements.tableaux import peut_voir_tableau_etat, suivi_structure
from territoires.models import Commune, Epci, Qpv

NOMBRE_MAXIMUM = 20


def projets_d_un_territoire(
    request: HttpRequest, qpv: Qpv | None = None, commune: Commune | None = None, epci: Epci | None = None
) -> str:
    """Les projets financés d'un QPV, d'une commune ou d'un EPCI (contrats qu'il porte) : une requête."""
    if epci is not None:
        dossiers = projets_finances().filter(appel__contrat__epci=epci)
    else:
        dossiers = projets_finances(qpv=qpv, commune=commune)
    projets = list(dossiers[:NOMBRE_MAXIMUM])
    if not projets:
        return ""
    return render_to_string("financements/dossiers/_projets_finances.html", {"projets": projets}, request=request)


def projets_de_la_structure(request: HttpRequest, structure: Structure) -> str:
    """Les projets financés d'une structure (portés ou co-portés), pour son profil public : une requête."""
    projets = list(projets_finances(structure=structure)[:NOMBRE_MAXIMUM])
    if not projets:
        return ""
    return render_to_string("financements/dossiers/_projets_finances.html", {"projets": projets}, request=request)


def conventions_de_la_structure(request: HttpRequest, structure: Structure) -> str:
    """Les conventions en vigueur ou terminées d'une structure, pour son profil public : une requête."""
    conventions = conventions_publiques(structure)
    if not conventions:
        return ""
    return render_to_string(
        "financements/conventions/_profil_structure.html", {"conventions": conventions}, request=request
    )


def mes_dossiers(request: HttpRequest) -> str:
    """Les dossiers des structures de la personne, avec ce qui est attendu d'elle ; pour les instructeurs,
    le nombre de dossiers à instruire et le lien vers le tableau. Trois requêtes au plus, les adhésions venant
    du contexte d'accès de la page."""
    acces = contexte_de_requete(request)
    lignes: list[tuple[Dossier, str]] = []
    a_instruire = None
    mes_structures = set(organisations_structures(acces))
    if mes_structures:
        for dossier in dossiers_de(acces).prefetch_related("co_porteurs__structure")[:50]:
            a_confirmer = any(
                c.structure.organisation_id in mes_structures and not c.est_confirme for c in dossier.co_porteurs.all()
            )
            attendu = (
                f"Confirmer la participation de votre structure (invitée par {dossier.structure})"
                if a_confirmer
                else ce_qui_est_attendu(dossier)
            )
            lignes.append((dossier, attendu))
    if organisations_instructrices(acces):
        a_instruire = dossiers_a_instruire(acces).filter(statut__in=["depose", "en_instruction"]).count()
    if not lignes and a_instruire is None:
        return ""
    return render_to_string(
        "financements/dossiers/_mes_dossiers.html", {"lignes": lignes, "a_instruire": a_instruire}, request=request
    )


def mes_conventions(request: HttpRequest) -> str:
    """Pour les structures : ce qu'elles doivent signer, les comptes-rendus à rendre et ce qu'elles recevront
    et quand (quatre requêtes) ; pour les agents des financeurs et de l'État, le lien vers leur tableau de bord
    (aucune requête : le contexte d'accès est déjà lu)."""
    acces = contexte_de_requete(request)
    jour = timezone.localdate()
    suivi = suivi_structure(acces, jour)
    financeur = bool(organisations_instructrices(acces))
    etat = peut_voir_tableau_etat(acces)
    if (suivi is None or suivi.vide) and not financeur and not etat:
        return ""
    return render_to_string(
        "financements/tableaux/_mon_espace.html",
        {"suivi": suivi, "financeur": financeur, "etat": etat, "jour": jour},
        request=request,
    )


def appels_du_contrat(request: HttpRequest, contrat: ContratDeVille) -> str:
    """Le lien vers les appels à projets du contrat et les projets qu'ils financent : aucune requête."""
    return render_to_string("financements/appels/_contrat.html", {"contrat": contrat}, request=request)


def graphique_montants_decides(lignes: list[tuple[int, str, Decimal]]) -> Graphique | None:
    """Les montants décidés (`selectors.montants_decides_par_annee`) en barres groupées par année, une couleur par
    financeur, avec leur résumé ; None s'il n'y en a aucun."""
    if not lignes:
        return None
    annees = sorted({annee for annee, _, _ in lignes})
    montants: dict[str, dict[int, Decimal]] = {}
    for annee, financeur, total in lignes:
        montants.setdefault(financeur, {})[annee] = total
    totaux = {financeur: sum(par_annee.values(), Decimal(0)) for financeur, par_annee in montants.items()}
    total = sum(totaux.values(), Decimal(0))
    premier = max(totaux, key=lambda financeur: (totaux[financeur], financeur))
    periode = f"en {annees[0]}" if len(annees) == 1 else f"de {annees[0]} à {annees[-1]}"
    part = round(totaux[premier] * 100 / total) if total else 0
    nombre = len(montants)
    resume = (
        f"{euros(total)} décidés {periode} pour les projets du contrat par {nombre} "
        f"financeur{'s' if nombre > 1 else ''} ; {premier} en apporte la plus grande part ({part} %)."
    )
    return Graphique(
        "barres",
        "Montants décidés par année et par financeur",
        resume,
        [Serie(financeur, [par_annee.get(annee) for annee in annees]) for financeur, par_annee in montants.items()],
        [str(annee) for annee in annees],
        format_valeur=euros,
        format_axe=euros_arrondis,
        entete_series="Financeur",
    )


def rendre_montants_decides(lignes: list[tuple[int, str, Decimal]], request: HttpRequest | None = None) -> str:
    """Le bloc des montants décidés (page du contrat, ou synthèse PDF sans requête) ; "" s'il n'y en a aucun."""
    graphique = graphique_montants_decides(lignes)
    if graphique is None:
        return ""
    return render_to_string("financements/contrats/_montants_decides.html", {"graphique": graphique}, request=request)


def montants_decides_du_contrat(request: HttpRequest, contrat: ContratDeVille) -> str:
    """Les montants décidés pour les projets des appels du contrat, par année et par financeur, en graphique
    avec son tableau : une requête."""
    return rendre_montants_decides(montants_decides_par_annee(contrat), request)


def rendre_projets_du_contrat(projets: ProjetsDuContrat) -> str:
    """Le bloc des projets financés et des conventions dans la synthèse PDF du contrat (sans requête) ; "" s'il
    n'y a aucun projet financé."""
    if not projets.nombre:
        return ""
    part_cpo = round(projets.montant_cpo * 100 / projets.montant_conventions) if projets.montant_conventions else None
    return render_to_string("financements/contrats/_projets_synthese.html", {"projets": projets, "part_cpo": part_cpo})


def enregistrer_blocs() -> None:
    """Appelé par `FinancementsConfig.ready()`."""
    from acteurs_ess.registres import profil_structure
    from comptes.registres import mon_espace
    from contrats.registres import BlocDeDocument, page_contrat, synthese_contrat
    from territoires.registres import pages_territoire

    page_contrat.enregistrer("appels_a_projets", appels_du_contrat, ordre=10)
    page_contrat.enregistrer("montants_decides", montants_decides_du_contrat, ordre=20)
    synthese_contrat.enregistrer(
        "montants_decides", BlocDeDocument(montants_decides_par_annee, rendre_montants_decides), ordre=10
    )
    synthese_contrat.enregistrer(
        "projets_finances", BlocDeDocument(projets_du_contrat, rendre_projets_du_contrat), ordre=15
    )
    pages_territoire.enregistrer("projets_finances", projets_d_un_territoire, ordre=15)
    profil_structure.enregistrer("projets_finances", projets_de_la_structure, ordre=10)
    profil_structure.enregistrer("conventions", conventions_de_la_structure, ordre=20)
    mon_espace.enregistrer("dossiers", mes_dossiers, ordre=15)
    mon_espace.enregistrer("conventions", mes_conventions, ordre=16)
