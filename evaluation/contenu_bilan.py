"""Le contenu d'un bilan, assemblé des données vivantes du contrat en un nombre fixe de requêtes, et sa
présentation (tableaux et graphiques) pour la page et le PDF.

`assembler(bilan)` rend un dictionnaire sérialisable en JSON (montants et valeurs en chaînes décimales) : c'est
lui qui est figé dans `Bilan.instantane` au passage en « validé » ; `contenu(bilan)` rend l'instantané d'un bilan
validé ou publié, le contenu vivant sinon. `presenter(contenu)` le met en forme (montants en euros, tendances,
graphiques avec leur tableau).

Règles de calcul :
- indicateurs : les valeurs courantes du contrat et les lignes de base officielles de ses QPV ; les valeurs
  réalisées jusqu'à l'année du bilan, toutes les cibles. Pour chaque indicateur et territoire : la ligne de base
  (la plus récente), la dernière valeur réalisée, la cible la plus lointaine, et la tendance entre les deux
  dernières valeurs connues (réalisées, ou ligne de base puis réalisée), lue selon le sens de l'indicateur ;
- financements : les montants accordés aux projets financés des appels du contrat des années jusqu'à celle du
  bilan (à l'année de leur appel), et les versements payés des conventions signées de ces projets (à l'année
  de la convention). Un projet sur plusieurs QPV ou plusieurs orientations compte en entier pour chacun : ces
  totaux-là ne s'additionnent pas ;
- CPO : la part des montants des conventions signées (années jusqu'à celle du bilan) qui sont pluriannuelles ;
- concertation : les contributions publiques et non masquées, par état, et celles retenues avec leur réponse.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Subquery, Sum
from django.utils import timezone

from config.lib.euros import euros
from config.lib.graphiques import Graphique, Serie, euros_arrondis
from contrats.models import Contribution, StatutContribution
from evaluation.models import Bilan, Indicateur, NatureValeur, Valeur
from evaluation.selectors import valeurs_du_contrat
from evaluation.tableau import Tendance, tendance
from financements.models import (
    Convention,
    ConventionMontant,
    Dossier,
    Financement,
    StatutCompteRendu,
    StatutVersement,
    Versement,
)

VERSION_CONTENU = 1
NOMBRE_CONTRIBUTIONS = 20
SERIES_PAR_GRAPHIQUE = 8
SANS_ORIENTATION = "Sans orientation indiquée"
SANS_QPV = "Sans QPV indiqué"


def _texte(valeur: Decimal | None) -> str | None:
    return None if valeur is None else f"{Decimal(valeur).normalize():f}"


def _decimal(texte: str | None) -> Decimal | None:
    return None if texte is None or texte == "" else Decimal(texte)


def _part(partie: Decimal, total: Decimal) -> str | None:
    """Un pourcentage arrondi à l'unité, en chaîne ; None sans total."""
    return None if not total else str(round(partie * 100 / total))


# --- Assemblage ------------------------------------------------------------------------------------------------


def _valeurs(bilan: Bilan) -> list[Valeur]:
    """2 requêtes (les QPV du contrat, les valeurs), plus les dossiers et conventions nommés (prefetch)."""
    return list(
        valeurs_du_contrat(bilan.contrat).filter(
            Q(nature=NatureValeur.CIBLE) | Q(annee__isnull=True) | Q(annee__lte=bilan.annee)
        )
    )


# Les mots du bilan pour la tendance calculée comme au tableau de bord (`evaluation.tableau.tendance`).
MOTS_TENDANCE = {
    Tendance.AMELIORATION: "en amélioration",
    Tendance.DEGRADATION: "en dégradation",
    Tendance.STABLE: "stable",
    Tendance.HAUSSE: "en hausse",
    Tendance.BAISSE: "en baisse",
    Tendance.INCONNUE: "non connue",
}


def _tendance(indicateur: Indicateur, avant: Decimal | None, apres: Decimal | None) -> str:
    return MOTS_TENDANCE[tendance(indicateur.sens, avant, apres)]


def _indicateurs(valeurs: list[Valeur]) -> tuple[list[dict], int]:
    """Une ligne par indicateur et territoire ayant une valeur réalisée ou une cible ; et le nombre de lignes de
    base seules (dans le CSV, pas dans le tableau)."""
    groupes: dict[tuple[int, str], list[Valeur]] = defaultdict(list)
    for valeur in valeurs:
        groupes[(valeur.indicateur_id, valeur.cle_territoire)].append(valeur)
    lignes = []
    seules = 0
    for groupe in groupes.values():
        indicateur = groupe[0].indicateur
        par_nature: dict[str, list[Valeur]] = defaultdict(list)
        for v in groupe:
            par_nature[v.nature].append(v)
        realises = sorted(par_nature[NatureValeur.REALISE], key=lambda v: v.annee or 0)
        cibles = sorted(par_nature[NatureValeur.CIBLE], key=lambda v: v.annee or 0)
        bases = sorted(par_nature[NatureValeur.LIGNE_DE_BASE], key=lambda v: v.annee or 0)
        if not realises and not cibles:
            seules += 1
            continue
        base = bases[-1] if bases else None
        dernier = realises[-1] if realises else None
        precedent = realises[-2] if len(realises) > 1 else base
        cible = cibles[-1] if cibles else None
        lignes.append(
            {
                "indicateur": indicateur.nom,
                "code": indicateur.code,
                "indicateur_id": indicateur.pk,
                "unite": indicateur.unite,
                "territoire": groupe[0].territoire,
                "base": _texte(base.valeur) if base else None,
                "base_annee": base.libelle_annee if base else None,
                "dernier": _texte(dernier.valeur) if dernier else None,
                "dernier_annee": dernier.annee if dernier else None,
                "cible": _texte(cible.valeur) if cible else None,
                "cible_annee": cible.annee if cible else None,
                "tendance": _tendance(
                    indicateur,
                    precedent.valeur if precedent else None,
                    dernier.valeur if dernier else None,
                ),
                "serie": {str(v.annee): _texte(v.valeur) for v in realises if v.annee},
            }
        )
    lignes.sort(key=lambda ligne: (ligne["indicateur"], ligne["territoire"]))
    return lignes, seules


def _financements(bilan: Bilan) -> dict[str, Any]:
    """5 requêtes : les parts accordées, les orientations et les QPV de leurs projets, les versements payés, les
    conventions signées (avec leurs comptes-rendus) et leurs montants."""
    dossiers = Dossier.objects.finances().filter(appel__contrat=bilan.contrat, appel__annee__lte=bilan.annee)
    parts = list(  # 1
        Financement.objects.filter(dossier__in=dossiers, montant_accorde__gt=0)
        .values_list(
            "dossier_id",
            "dossier__appel__annee",
            "financeur__nom",
            "montant_accorde",
            "dossier__porteur_ess",
            "dossier__collectif",
        )
        .order_by("dossier_id", "financeur__nom")
    )
    ids = sorted({p[0] for p in parts})
    orientations: dict[int, list[str]] = defaultdict(list)
    for dossier_id, titre in Dossier.priorites.through.objects.filter(dossier_id__in=ids).values_list(  # 2
        "dossier_id", "orientation__titre"
    ):
        orientations[dossier_id].append(titre)
    quartiers: dict[int, list[str]] = defaultdict(list)
    for dossier_id, nom, code in Dossier.qpv.through.objects.filter(dossier_id__in=ids).values_list(  # 3
        "dossier_id", "qpv__nom", "qpv_id"
    ):
        quartiers[dossier_id].append(f"{nom} ({code})")

    decide_total = Decimal(0)
    ess = collectif = Decimal(0)
    par_orientation: dict[str, Decimal] = defaultdict(Decimal)
    par_qpv: dict[str, Decimal] = defaultdict(Decimal)
    par_financeur: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    par_annee: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for dossier_id, annee, financeur, montant, porteur_ess, est_collectif in parts:
        decide_total += montant
        ess += montant if porteur_ess else 0
        collectif += montant if est_collectif else 0
        for titre in orientations.get(dossier_id) or [SANS_ORIENTATION]:
            par_orientation[titre] += montant
        for qpv in quartiers.get(dossier_id) or [SANS_QPV]:
            par_qpv[qpv] += montant
        par_financeur[financeur]["decide"] += montant
        par_annee[annee]["decide"] += montant

    conventions_ids = Convention.objects.signees().filter(dossiers__appel__contrat=bilan.contrat).values("pk")
    paye_total = Decimal(0)
    for annee, financeur, montant in (  # 4
        Versement.objects.filter(
            convention__in=Subquery(conventions_ids), statut=StatutVersement.PAYE, annee__lte=bilan.annee
        )
        .values_list("annee", "financeur__nom")
        .annotate(total=Sum("montant"))
        .order_by()
    ):
        paye_total += montant
        par_financeur[financeur]["paye"] += montant
        par_annee[annee]["paye"] += montant

    return {
        "decide": _texte(decide_total),
        "paye": _texte(paye_total),
        "projets": len(ids),
        "ess": _texte(ess),
        "part_ess": _part(ess, decide_total),
        "collectif": _texte(collectif),
        "part_collectif": _part(collectif, decide_total),
        "par_orientation": [[t, _texte(m)] for t, m in sorted(par_orientation.items())],
        "par_qpv": [[q, _texte(m)] for q, m in sorted(par_qpv.items())],
        "par_financeur": [[f, _texte(m["decide"]), _texte(m["paye"])] for f, m in sorted(par_financeur.items())],
        "par_annee": [[a, _texte(m["decide"]), _texte(m["paye"])] for a, m in sorted(par_annee.items())],
    }


def _conventions(bilan: Bilan) -> dict[str, Any]:
    """2 requêtes : les conventions signées des projets du contrat avec leurs comptes-rendus comptés, puis leurs
    montants par année jusqu'à celle du bilan."""
    ids = Convention.objects.signees().filter(dossiers__appel__contrat=bilan.contrat).values("pk")
    conventions = list(  # 1
        Convention.objects.filter(pk__in=Subquery(ids))
        .select_related("structure")
        .annotate(
            cr_deposes=Count("comptes_rendus", filter=~Q(comptes_rendus__statut=StatutCompteRendu.BROUILLON)),
            cr_acceptes=Count("comptes_rendus", filter=Q(comptes_rendus__statut=StatutCompteRendu.ACCEPTE)),
        )
        .order_by("structure__raison_sociale", "annee_debut", "pk")
    )
    montants: dict[int, Decimal] = defaultdict(Decimal)
    for convention_id, total in (  # 2
        ConventionMontant.objects.filter(convention__in=[c.pk for c in conventions], annee__lte=bilan.annee)
        .values_list("convention_id")
        .annotate(total=Sum("montant"))
        .order_by()
    ):
        montants[convention_id] = total
    total = sum(montants.values(), Decimal(0))
    cpo = sum((montants[c.pk] for c in conventions if c.pluriannuelle), Decimal(0))
    return {
        "total": _texte(total),
        "cpo": _texte(cpo),
        "part_cpo": _part(cpo, total),
        "liste": [
            {
                "structure": str(c.structure),
                "type": c.get_type_display(),
                "periode": c.periode,
                "statut": c.get_statut_display(),
                "montant": _texte(montants[c.pk]),
                "cr_deposes": c.cr_deposes,
                "cr_acceptes": c.cr_acceptes,
            }
            for c in conventions
        ],
    }


def _concertation(bilan: Bilan) -> dict[str, Any]:
    """2 requêtes : les contributions publiques et visibles par état, puis les retenues avec leur réponse."""
    contributions = Contribution.objects.publiques().visibles().filter(concertation__contrat=bilan.contrat)
    statuts = dict(contributions.values_list("statut").annotate(n=Count("pk")).order_by())  # 1
    retenues = contributions.filter(
        statut__in=[StatutContribution.RETENUE, StatutContribution.PARTIELLEMENT_RETENUE]
    ).order_by("-repondue_le", "pk")[:NOMBRE_CONTRIBUTIONS]
    return {
        "total": sum(statuts.values()),
        "par_statut": [[s.label, statuts.get(s.value, 0)] for s in StatutContribution],
        "retenues": [  # 2
            {"texte": c.texte, "statut": c.get_statut_display(), "reponse": c.reponse} for c in retenues
        ],
    }


def assembler(bilan: Bilan) -> dict[str, Any]:
    """Le contenu du bilan d'après les données du moment : 13 requêtes, quel que soit le volume du contrat."""
    valeurs = _valeurs(bilan)  # 1 à 4
    indicateurs, seules = _indicateurs(valeurs)
    return {
        "version": VERSION_CONTENU,
        "assemble_le": timezone.now().isoformat(),
        "annee": bilan.annee,
        "indicateurs": indicateurs,
        "lignes_de_base_seules": seules,
        "valeurs": sorted(v.pk for v in valeurs),
        "financements": _financements(bilan),  # 5 à 8
        "conventions": _conventions(bilan),  # 9, 10
        "concertation": _concertation(bilan),  # 11, 12
    }


def contenu(bilan: Bilan) -> dict[str, Any]:
    """Les chiffres figés d'un bilan validé ou publié ; sinon, ceux du moment."""
    if bilan.est_fige and bilan.instantane:
        return bilan.instantane
    return assembler(bilan)


def valeurs_du_bilan(bilan: Bilan):
    """Les valeurs d'indicateurs que le bilan montre (les versions figées à sa validation), pour le CSV."""
    ids = contenu(bilan)["valeurs"]
    return (
        Valeur.objects.filter(pk__in=ids)
        .select_related("indicateur", "qpv", "commune", "epci", "contrat")
        .prefetch_related("dossier", "convention__structure")
        .defer("qpv__perimetre", "qpv__emprise")
        .order_by("indicateur__nom", "cle_territoire", "annee", "nature")
    )


# --- Présentation ----------------------------------------------------------------------------------------------


def _formater(unite: str, texte: str | None) -> str:
    if texte is None:
        return "—"
    indicateur = Indicateur(unite=unite)
    return indicateur.formater(Decimal(texte))


def _graphiques_indicateurs(lignes: list[dict]) -> list[Graphique]:
    """Une courbe par indicateur : ses valeurs réalisées par année, une série par territoire (au plus huit)."""
    par_indicateur: dict[str, list[dict]] = defaultdict(list)
    for ligne in lignes:
        if ligne["serie"]:
            par_indicateur[ligne["indicateur"]].append(ligne)
    graphiques = []
    for nom, groupe in par_indicateur.items():
        groupe = groupe[:SERIES_PAR_GRAPHIQUE]
        annees = sorted({a for ligne in groupe for a in ligne["serie"]})
        unite = groupe[0]["unite"]
        series = [Serie(ligne["territoire"], [_decimal(ligne["serie"].get(a)) for a in annees]) for ligne in groupe]
        tendances = defaultdict(int)
        for ligne in groupe:
            tendances[ligne["tendance"]] += 1
        resume = (
            f"Valeurs réalisées de {annees[0]} à {annees[-1]} pour {len(groupe)} territoire"
            f"{'s' if len(groupe) > 1 else ''} : " + ", ".join(f"{n} {t}" for t, n in sorted(tendances.items())) + "."
        )
        graphiques.append(
            Graphique(
                "lignes",
                f"{nom} : valeurs réalisées",
                resume,
                series,
                annees,
                format_valeur=lambda v, unite=unite: "—" if v is None else _formater(unite, _texte(Decimal(v))),
                entete_series="Territoire",
            )
        )
    return graphiques


def _graphique_financements(financements: dict) -> Graphique | None:
    lignes = financements["par_annee"]
    if not lignes:
        return None
    annees = [str(a) for a, _, _ in lignes]
    resume = (
        f"{euros(financements['decide'])} accordés aux projets du contrat, {euros(financements['paye'])} payés "
        f"par les conventions signées, de {annees[0]} à {annees[-1]}."
    )
    return Graphique(
        "barres",
        "Montants accordés et payés par année",
        resume,
        [
            Serie("Accordé", [_decimal(d) for _, d, _ in lignes]),
            Serie("Payé", [_decimal(p) for _, _, p in lignes]),
        ],
        annees,
        format_valeur=euros,
        format_axe=euros_arrondis,
        entete_series="Montant",
    )


def _graphique_orientations(financements: dict) -> Graphique | None:
    lignes = financements["par_orientation"]
    if not lignes:
        return None
    premier = max(lignes, key=lambda ligne: Decimal(ligne[1]))
    resume = (
        f"Montants accordés par orientation du contrat ; la plus financée : {premier[0]} ({euros(premier[1])}). "
        "Un projet qui vise plusieurs orientations compte pour chacune."
    )
    return Graphique(
        "barres",
        "Montants accordés par orientation",
        resume,
        [Serie("Accordé", [_decimal(m) for _, m in lignes])],
        [t for t, _ in lignes],
        format_valeur=euros,
        format_axe=euros_arrondis,
        entete_series="Montant",
    )


def presenter(donnees: dict[str, Any]) -> dict[str, Any]:
    """Le contenu mis en forme pour les gabarits (page et PDF) : aucune requête."""
    indicateurs = [
        {
            **ligne,
            "base_texte": _formater(ligne["unite"], ligne["base"]),
            "dernier_texte": _formater(ligne["unite"], ligne["dernier"]),
            "cible_texte": _formater(ligne["unite"], ligne["cible"]),
        }
        for ligne in donnees["indicateurs"]
    ]
    financements = donnees["financements"]
    conventions = donnees["conventions"]
    return {
        "indicateurs": indicateurs,
        "lignes_de_base_seules": donnees["lignes_de_base_seules"],
        "nombre_valeurs": len(donnees["valeurs"]),
        "graphiques_indicateurs": _graphiques_indicateurs(donnees["indicateurs"]),
        "financements": {
            **financements,
            "decide_texte": euros(financements["decide"]),
            "paye_texte": euros(financements["paye"]),
            "ess_texte": euros(financements["ess"]),
            "collectif_texte": euros(financements["collectif"]),
            "par_qpv": [(q, euros(m)) for q, m in financements["par_qpv"]],
            "par_financeur": [(f, euros(d), euros(p)) for f, d, p in financements["par_financeur"]],
        },
        "graphique_financements": _graphique_financements(financements),
        "graphique_orientations": _graphique_orientations(financements),
        "conventions": {
            **conventions,
            "total_texte": euros(conventions["total"]),
            "cpo_texte": euros(conventions["cpo"]),
            "liste": [{**c, "montant_texte": euros(c["montant"])} for c in conventions["liste"]],
        },
        "concertation": donnees["concertation"],
        "assemble_le": donnees["assemble_le"],
    }
