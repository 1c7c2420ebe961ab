"""Lectures de l'évaluation, chacune en un nombre fixe de requêtes."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from contrats.models import ContratDeVille, StatutContrat
from evaluation.models import Indicateur, NatureValeur, NiveauTerritoire, Valeur
from financements.models import IndicateurCompteRendu
from financements.models.execution import StatutCompteRendu
from territoires.models import Qpv


def catalogue() -> QuerySet[Indicateur]:
    """Le catalogue public : les indicateurs nationaux et les indicateurs locaux des contrats signés."""
    publics = [StatutContrat.SIGNE, StatutContrat.EXECUTION, StatutContrat.CLOS]
    return Indicateur.objects.select_related("contrat").filter(Q(contrat=None) | Q(contrat__statut__in=publics))


def indicateurs_du_contrat(contrat: ContratDeVille) -> QuerySet[Indicateur]:
    """Les indicateurs nationaux et ceux du contrat."""
    return (
        Indicateur.objects.filter(Q(contrat=None) | Q(contrat=contrat))
        .select_related("contrat")
        .order_by("contrat_id", "nom")
    )


def _avec_territoires(valeurs: QuerySet[Valeur]) -> QuerySet[Valeur]:
    """Avec ce qu'il faut pour nommer le territoire. Les dossiers et conventions, rares, sont lus à part
    (une requête chacun, aucune s'il n'y en a pas) : les joindre alourdit le plan de chaque page."""
    return (
        valeurs.select_related("indicateur", "qpv", "commune", "epci", "contrat")
        .prefetch_related("dossier", "convention__structure")
        .defer("qpv__perimetre", "qpv__emprise")
    )


def valeurs_du_contrat(contrat: ContratDeVille) -> QuerySet[Valeur]:
    """Les valeurs courantes saisies pour le contrat et les lignes de base officielles de ses QPV.

    Les codes des QPV sont lus d'abord (une requête) : écrits dans la condition, ils laissent PostgreSQL unir
    deux parcours d'index (BitmapOr) ; en sous-requête, il parcourt toute la table (60 ms pour 17 000 valeurs
    contre moins d'une)."""
    codes = list(contrat.qpv.values_list("code", flat=True))
    return _avec_territoires(
        Valeur.objects.courantes().filter(Q(contrat=contrat) | Q(contrat=None, qpv_id__in=codes))
    ).order_by("indicateur__nom", "cle_territoire", "annee", "nature")


def lignes_de_base_officielles() -> QuerySet[Valeur]:
    """Les lignes de base officielles courantes (importées, ou corrigées depuis) des indicateurs nationaux :
    publiques."""
    return (
        Valeur.objects.courantes()
        .filter(contrat=None, indicateur__contrat=None, nature=NatureValeur.LIGNE_DE_BASE, annee=None, niveau="qpv")
        .select_related("indicateur", "qpv", "commune")
        .defer("qpv__perimetre")
        .order_by("qpv_id", "cle_territoire", "indicateur__nom")
    )


@dataclass
class LigneDeBase:
    """Un indicateur national sur la page d'un QPV : ses valeurs (une par commune si le QPV en a plusieurs)
    et la distribution nationale."""

    indicateur: Indicateur
    valeurs: list[Valeur] = field(default_factory=list)

    @property
    def distribution(self):
        return getattr(self.indicateur, "distribution", None)

    @property
    def position(self) -> str:
        """Où se place le quartier dans la distribution nationale (première valeur diffusée)."""
        distribution = self.distribution
        valeur = next((v.valeur for v in self.valeurs if v.valeur is not None), None)
        if distribution is None or valeur is None:
            return ""
        if valeur < distribution.premier_quartile:
            return "dans le quart des QPV aux valeurs les plus basses"
        if valeur > distribution.troisieme_quartile:
            return "dans le quart des QPV aux valeurs les plus hautes"
        return "dans la moitié centrale des QPV"


def lignes_de_base_du_qpv(qpv: Qpv) -> list[LigneDeBase]:
    """Les lignes de base officielles du QPV avec la distribution nationale : une requête."""
    valeurs = (
        lignes_de_base_officielles()
        .filter(qpv=qpv)
        .select_related("indicateur__distribution")
        .order_by("indicateur__id", "cle_territoire")
    )
    lignes: dict[int, LigneDeBase] = {}
    for valeur in valeurs:
        lignes.setdefault(valeur.indicateur_id, LigneDeBase(valeur.indicateur)).valeurs.append(valeur)
    return list(lignes.values())


@dataclass
class ValeursCompteRendu:
    """Les valeurs des comptes-rendus reliées à un indicateur, comptées et attribuées à leur convention."""

    indicateur: Indicateur
    par_convention: dict = field(default_factory=lambda: defaultdict(list))

    @property
    def nombre(self) -> int:
        return sum(len(valeurs) for valeurs in self.par_convention.values())

    def lignes(self) -> list[tuple]:
        """(convention, [(année, valeur)], total si l'indicateur se somme)."""
        resultat = []
        for convention, valeurs in self.par_convention.items():
            total = sum((v.valeur for v in valeurs), Decimal(0)) if self.indicateur.agregation == "somme" else None
            resultat.append((convention, sorted(valeurs, key=lambda v: v.compte_rendu.annee), total))
        return resultat


def indicateurs_des_comptes_rendus(contrat: ContratDeVille) -> QuerySet[IndicateurCompteRendu]:
    """Les valeurs données par les structures dans les comptes-rendus déposés des conventions du contrat."""
    return (
        IndicateurCompteRendu.objects.filter(
            compte_rendu__convention__dossiers__appel__contrat=contrat,
        )
        .exclude(compte_rendu__statut=StatutCompteRendu.BROUILLON)
        .select_related("compte_rendu__convention__structure", "liaison__indicateur")
        .distinct()
        .order_by("compte_rendu__convention_id", "compte_rendu__annee", "ordre", "pk")
    )


def valeurs_des_comptes_rendus(indicateurs_cr: list[IndicateurCompteRendu]) -> list[ValeursCompteRendu]:
    """Regroupe par indicateur du catalogue, puis par convention, les valeurs reliées."""
    groupes: dict[int, ValeursCompteRendu] = {}
    for valeur in indicateurs_cr:
        liaison = getattr(valeur, "liaison", None)
        if liaison is None:
            continue
        groupe = groupes.setdefault(liaison.indicateur_id, ValeursCompteRendu(liaison.indicateur))
        groupe.par_convention[valeur.compte_rendu.convention].append(valeur)
    return list(groupes.values())


INDICATEURS_SYNTHESE = 12


def indicateurs_pour_synthese(contrat: ContratDeVille) -> tuple[tuple[str, str, str, str, str], ...]:
    """Pour la synthèse PDF du contrat : chaque indicateur suivi dans le cadre du contrat, par territoire, avec sa
    ligne de base, sa dernière valeur réalisée et sa cible la plus lointaine, écrites avec leur unité et leur
    année : (indicateur, territoire, ligne de base, dernier réalisé, cible). Des chaînes : leur représentation
    entre dans l'empreinte du document (contrats.documents.empreinte). Une requête.

    Le document est le même pour tous ses lecteurs : public une fois le contrat signé, il ne montre alors que les
    valeurs publiques (`ValeurQuerySet.publiques` : exposées par un bilan publié) ; avant, seuls les associés le
    téléchargent (contrats.permissions.peut_telecharger_contrat), et il montre toutes les valeurs saisies."""
    valeurs = Valeur.objects.courantes().filter(contrat=contrat)
    if contrat.est_public:
        valeurs = valeurs.publiques()
    valeurs = (
        valeurs.select_related("indicateur", "qpv", "commune", "epci", "contrat")
        .defer("qpv__perimetre", "qpv__emprise")
        .order_by("indicateur__nom", "cle_territoire", "annee")
    )
    lignes: dict[tuple[int, str], dict[str, Valeur]] = {}
    for valeur in valeurs:
        if valeur.niveau in (NiveauTerritoire.DOSSIER, NiveauTerritoire.CONVENTION):
            continue
        ligne = lignes.setdefault((valeur.indicateur_id, valeur.cle_territoire), {})
        # Les valeurs viennent par année croissante (les années non précisées d'abord) : la dernière gagne.
        ligne[valeur.nature] = valeur

    def texte(valeur: Valeur | None) -> str:
        if valeur is None:
            return "—"
        return f"{valeur.texte} ({valeur.libelle_annee})" if valeur.annee else valeur.texte

    resultat = []
    for par_nature in list(lignes.values())[:INDICATEURS_SYNTHESE]:
        premiere = next(iter(par_nature.values()))
        resultat.append(
            (
                premiere.indicateur.nom,
                premiere.territoire,
                texte(par_nature.get(NatureValeur.LIGNE_DE_BASE)),
                texte(par_nature.get(NatureValeur.REALISE)),
                texte(par_nature.get(NatureValeur.CIBLE)),
            )
        )
    return tuple(resultat)
