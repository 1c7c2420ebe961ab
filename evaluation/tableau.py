"""Le tableau de bord d'un contrat : pour chaque indicateur et chaque territoire (le contrat entier, chacun de ses
QPV), la ligne de base, les valeurs réalisées année par année, la cible et la tendance selon le sens de
l'indicateur.

Les valeurs sont agrégées en SQL, en deux requêtes quel que soit le nombre d'indicateurs, de QPV et d'années :
celles des QPV affichés et du contrat entier (une ligne par indicateur, territoire, année et nature), puis la
somme de tous les QPV pour le contrat entier des effectifs. Rien n'est gardé d'une requête à l'autre : une valeur
corrigée se voit à l'affichage suivant (seuls les dessins SVG sont gardés, sous un identifiant tiré de leurs
données : une donnée changée donne un autre dessin).

`tendances(contrat)` donne, pour le contrat entier, la ligne de chaque indicateur (ligne de base, dernière valeur,
cible, tendance) : les bilans et synthèses l'appellent.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, Max, Min, Q, QuerySet, Sum, When
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from config.lib.graphiques import Format, Graphique, Serie
from config.lib.graphiques import Valeur as ValeurGraphique
from contrats.models import ContratDeVille
from evaluation.models import Agregation, Indicateur, NatureValeur, NiveauTerritoire, Sens, Unite, Valeur
from territoires.models import Qpv

# Sans valeur réalisée, le tableau couvre ces années ; il s'étend aux années des valeurs saisies.
ANNEES_PAR_DEFAUT = range(2024, 2029)
CONTRAT_ENTIER = "contrat"


class Tendance:
    """Ce que dit l'écart entre la référence (ligne de base, sinon première valeur réalisée) et la dernière
    valeur réalisée, lu dans le sens de l'indicateur."""

    AMELIORATION = "s'améliore"
    DEGRADATION = "se dégrade"
    STABLE = "stable"
    HAUSSE = "en hausse"
    BAISSE = "en baisse"
    INCONNUE = "non calculable"


def tendance(sens: str, reference: Decimal | None, derniere: Decimal | None) -> str:
    if reference is None or derniere is None:
        return Tendance.INCONNUE
    if derniere == reference:
        return Tendance.STABLE
    monte = derniere > reference
    if sens == Sens.HAUSSE:
        return Tendance.AMELIORATION if monte else Tendance.DEGRADATION
    if sens == Sens.BAISSE:
        return Tendance.DEGRADATION if monte else Tendance.AMELIORATION
    return Tendance.HAUSSE if monte else Tendance.BAISSE


@dataclass
class Ligne:
    """Un indicateur sur un territoire : ligne de base, réalisé par année, cible (la plus lointaine)."""

    indicateur: Indicateur
    code: str  # CONTRAT_ENTIER ou le code du QPV
    territoire: str
    ligne_de_base: Decimal | None = None
    annee_base: int | None = None
    realises: dict[int, Decimal | None] = field(default_factory=dict)
    cible: Decimal | None = None
    annee_cible: int | None = None

    @property
    def derniere(self) -> tuple[int | None, Decimal | None]:
        """La dernière valeur réalisée connue et son année."""
        for annee in sorted(self.realises, reverse=True):
            if self.realises[annee] is not None:
                return annee, self.realises[annee]
        return None, None

    @property
    def derniere_valeur(self) -> Decimal | None:
        return self.derniere[1]

    @property
    def annee_derniere(self) -> int | None:
        return self.derniere[0]

    @property
    def reference(self) -> Decimal | None:
        if self.ligne_de_base is not None:
            return self.ligne_de_base
        return next((self.realises[a] for a in sorted(self.realises) if self.realises[a] is not None), None)

    @property
    def tendance(self) -> str:
        annee, derniere = self.derniere
        if self.ligne_de_base is None and annee == min(
            (a for a, v in self.realises.items() if v is not None), default=None
        ):
            return Tendance.INCONNUE  # une seule valeur réalisée, sans ligne de base : pas d'évolution
        return tendance(self.indicateur.sens, self.reference, derniere)

    def valeurs(self, annees: Sequence[int]) -> list[Decimal | None]:
        """Ligne de base, réalisé de chaque année, cible : les points du graphique."""
        return [self.ligne_de_base, *(self.realises.get(a) for a in annees), self.cible]


def _formats() -> dict[str, Format]:
    """Une fonction de format nommée par unité : le nom (et non l'adresse) entre dans l'identifiant stable des
    graphiques (config/lib/graphiques.py), qui restent mémorisés d'un affichage à l'autre."""
    formats: dict[str, Format] = {}
    for unite in Unite:
        modele = Indicateur(unite=unite)

        def formater(valeur: ValeurGraphique, modele: Indicateur = modele) -> str:
            return "—" if valeur is None else modele.formater(Decimal(str(valeur)))

        formater.__qualname__ = f"formater_{unite.value}"
        formats[unite.value] = formater
    return formats


FORMATS = _formats()


@dataclass
class BlocIndicateur:
    """Un indicateur du tableau de bord : une ligne par territoire."""

    indicateur: Indicateur
    lignes: list[Ligne]

    def graphique(self, annees: Sequence[int], codes: Iterable[str] | None = None) -> "GraphiqueIndicateur":
        """Les petits multiples (une courbe par territoire, même échelle) des territoires `codes`."""
        retenus = set(codes) if codes is not None else None
        lignes = [ligne for ligne in self.lignes if retenus is None or ligne.code in retenus]
        return GraphiqueIndicateur(self.indicateur, lignes, list(annees))


@dataclass
class GraphiqueIndicateur:
    indicateur: Indicateur
    lignes: list[Ligne]
    annees: list[int]

    @property
    def etiquettes(self) -> list[str]:
        return ["Ligne de base", *(str(a) for a in self.annees), "Cible"]

    @property
    def resume(self) -> str:
        comptes: dict[str, int] = defaultdict(int)
        for ligne in self.lignes:
            comptes[ligne.tendance] += 1
        detail = ", ".join(f"{libelle} ({nombre})" for libelle, nombre in sorted(comptes.items()))
        pluriel = "s" if len(self.lignes) > 1 else ""
        return (
            f"{self.indicateur.nom} ({self.indicateur.get_sens_display().lower()}), de la ligne de base à la cible, "
            f"pour {len(self.lignes)} territoire{pluriel}. Tendance : {detail}."
        )

    @property
    def graphique(self) -> Graphique:
        return Graphique(
            "petits_multiples",
            f"{self.indicateur.nom} ({Unite(self.indicateur.unite).label.lower()})",
            self.resume,
            [Serie(ligne.territoire, ligne.valeurs(self.annees)) for ligne in self.lignes],
            self.etiquettes,
            format_valeur=FORMATS[self.indicateur.unite],
            entete_series="Territoire",
        )

    def lignes_tableau(self) -> list[tuple[Ligne, SafeString, str]]:
        """Par territoire : les cellules du graphique (la cible avec son année), déjà écrites (des centaines par
        page : une boucle de gabarit par cellule coûte plus que la page entière), et la dernière valeur réalisée."""
        formater = FORMATS[self.indicateur.unite]
        resultat = []
        for ligne in self.lignes:
            textes = [formater(v) for v in ligne.valeurs(self.annees)]
            if ligne.cible is not None and ligne.annee_cible:
                textes[-1] += f" ({ligne.annee_cible})"
            cellules = format_html_join("", '<td class="nombre">{}</td>', ((texte,) for texte in textes))
            annee, derniere = ligne.derniere
            resultat.append((ligne, cellules, f"{formater(derniere)} ({annee})" if annee else "—"))
        return resultat


@dataclass
class Tableau:
    annees: list[int]
    territoires: list[tuple[str, str]]  # (code, nom), le contrat entier d'abord
    blocs: list[BlocIndicateur]


def _valeur_du_groupe(groupe: dict[str, Any], agregation: str) -> Decimal | None:
    """Un groupe réunit les valeurs d'un indicateur pour un territoire, une année et une nature : une seule le plus
    souvent, une par commune pour la ligne de base officielle d'un QPV sur plusieurs communes. Le fichier officiel
    y répète souvent le chiffre du quartier entier : des parties égales donnent ce chiffre ; des parties qui
    diffèrent se somment pour un effectif connu partout, et ne se combinent pas pour un taux (sans son numérateur
    ni son dénominateur). Comme pour la distribution nationale (services/lignes_de_base.py)."""
    if groupe["diffusees"] < groupe["nombre"]:
        return None
    if groupe["minimum"] == groupe["maximum"]:
        return groupe["minimum"]
    return groupe["somme"] if agregation == Agregation.SOMME else None


def _groupes(
    contrat: ContratDeVille,
    indicateurs: Iterable[int],
    codes: list[str],
    publiques: bool,
    avec_contrat: bool = True,
) -> QuerySet:
    """Les valeurs courantes agrégées par indicateur, territoire, année, nature et origine : lignes de base
    officielles des QPV `codes` et valeurs saisies pour le contrat sur ces QPV et sur le contrat entier ; pour
    qui n'est pas associé (`publiques`), celles-là seulement que la règle commune rend publiques
    (`ValeurQuerySet.publiques` : exposées par un bilan publié)."""
    territoires = Q(niveau=NiveauTerritoire.QPV, qpv_id__in=codes)
    if avec_contrat:
        territoires |= Q(niveau=NiveauTerritoire.CONTRAT)
    condition = Q(contrat=None, niveau=NiveauTerritoire.QPV, qpv_id__in=codes, nature=NatureValeur.LIGNE_DE_BASE)
    condition |= Q(contrat=contrat) & territoires
    valeurs = Valeur.objects.courantes().publiques() if publiques else Valeur.objects.courantes()
    return (
        valeurs.filter(condition, indicateur_id__in=list(indicateurs))
        .annotate(officielle=ExpressionWrapper(Q(contrat__isnull=True), output_field=BooleanField()))
        .values("indicateur_id", "niveau", "qpv_id", "annee", "nature", "officielle")
        .annotate(
            somme=Sum("valeur"),
            minimum=Min("valeur"),
            maximum=Max("valeur"),
            nombre=Count("id"),
            diffusees=Count("valeur"),
        )
        .order_by()
    )


def _sommes_du_contrat(
    contrat: ContratDeVille, indicateurs: list[int], codes: list[str], publiques: bool
) -> dict[tuple[int, str], dict[str, dict[int | None, Decimal | None]]]:
    """Le contrat entier des effectifs sans valeur saisie pour lui : la somme de ses QPV, par année et nature,
    calculée en SQL (une requête, quelques dizaines de lignes quel que soit le nombre de QPV), seulement quand
    chaque QPV a sa valeur (une somme partielle tromperait). Par QPV, la valeur saisie l'emporte sur la ligne de
    base officielle ; les parties égales d'un QPV sur plusieurs communes comptent une fois."""
    if not indicateurs or not codes:
        return {}
    groupes = _groupes(contrat, indicateurs, codes, publiques, avec_contrat=False).annotate(
        valeur_qpv=Case(
            When(diffusees__lt=F("nombre"), then=None),
            When(minimum=F("maximum"), then=F("minimum")),
            default=F("somme"),
        )
    )
    interieure, parametres = groupes.query.sql_with_params()
    requete = f"""
        SELECT indicateur_id, annee, nature, SUM(valeur_qpv), COUNT(valeur_qpv), COUNT(*)
        FROM (
            SELECT DISTINCT ON (indicateur_id, qpv_id, annee, nature) indicateur_id, annee, nature, valeur_qpv
            FROM ({interieure}) AS groupes
            ORDER BY indicateur_id, qpv_id, annee, nature, officielle
        ) AS par_qpv
        GROUP BY indicateur_id, annee, nature
    """  # nosec B608 # la requête intérieure et ses paramètres viennent de l'ORM
    sommes: dict = defaultdict(lambda: defaultdict(dict))
    with connection.cursor() as curseur:
        curseur.execute(requete, parametres)
        for indicateur, annee, nature, somme, diffusees, nombre in curseur.fetchall():
            complete = nombre == len(codes) and diffusees == nombre
            sommes[(indicateur, CONTRAT_ENTIER)][nature][annee] = somme if complete else None
    return sommes


# (indicateur, territoire) → nature → année → valeur ; une valeur saisie pour le contrat l'emporte sur la ligne de
# base officielle de la même année.
Index = dict[tuple[int, str], dict[str, dict[int | None, Decimal | None]]]


def _indexer(groupes: Iterable[dict[str, Any]], agregations: dict[int, str]) -> Index:
    index: Index = defaultdict(lambda: defaultdict(dict))
    vues: set[tuple] = set()
    for groupe in groupes:
        code = CONTRAT_ENTIER if groupe["niveau"] == NiveauTerritoire.CONTRAT else groupe["qpv_id"]
        cle = (groupe["indicateur_id"], code, groupe["nature"], groupe["annee"])
        if cle in vues and groupe["officielle"]:
            continue
        vues.add(cle)
        valeur = _valeur_du_groupe(groupe, agregations[groupe["indicateur_id"]])
        index[(groupe["indicateur_id"], code)][groupe["nature"]][groupe["annee"]] = valeur
    return index


def _derniere_annee(par_annee: dict[int | None, Decimal | None]) -> tuple[int | None, Decimal | None]:
    """La valeur de l'année la plus récente (une valeur sans année passe après toute année)."""
    if not par_annee:
        return None, None
    annee = max(par_annee, key=lambda a: -1 if a is None else a)
    return annee, par_annee[annee]


def _ligne(indicateur: Indicateur, code: str, nom: str, natures: dict) -> Ligne:
    annee_base, base = _derniere_annee(natures.get(NatureValeur.LIGNE_DE_BASE, {}))
    annee_cible, cible = _derniere_annee(natures.get(NatureValeur.CIBLE, {}))
    realises = {a: v for a, v in natures.get(NatureValeur.REALISE, {}).items() if a is not None}
    return Ligne(indicateur, code, nom, base, annee_base, realises, cible, annee_cible)


def tableau_de_bord(
    contrat: ContratDeVille,
    indicateurs: list[Indicateur],
    qpv: list[Qpv],
    *,
    publiques: bool = False,
    avec_contrat: bool = True,
    tous_les_qpv: list[Qpv] | None = None,
) -> Tableau:
    """Le tableau de bord des `indicateurs` sur les `qpv` (et le contrat entier si `avec_contrat`) : deux requêtes.

    `tous_les_qpv` (par défaut `qpv`) : les QPV du contrat, dont la somme fait le contrat entier d'un effectif.
    `publiques` : les seules valeurs publiques (lignes de base officielles, valeurs exposées par un bilan publié),
    pour qui n'est pas associé."""
    tous = tous_les_qpv if tous_les_qpv is not None else qpv
    ids = [i.pk for i in indicateurs]
    groupes = _groupes(contrat, ids, [q.code for q in qpv], publiques, avec_contrat) if ids else []
    index = _indexer(groupes, {i.pk: i.agregation for i in indicateurs})
    sommes: dict = {}
    if avec_contrat:
        effectifs = [i.pk for i in indicateurs if i.agregation == Agregation.SOMME]
        sommes = _sommes_du_contrat(contrat, effectifs, [q.code for q in tous], publiques)
    annees_realisees = {a for natures in index.values() for a in natures.get(NatureValeur.REALISE, {}) if a}
    annees_realisees |= {a for natures in sommes.values() for a in natures.get(NatureValeur.REALISE, {}) if a}
    annees = list(
        range(
            min([ANNEES_PAR_DEFAUT.start, *annees_realisees]), max([ANNEES_PAR_DEFAUT.stop - 1, *annees_realisees]) + 1
        )
    )
    territoires = ([(CONTRAT_ENTIER, "Contrat entier")] if avec_contrat else []) + [
        (q.code, f"{q.nom} ({q.code})") for q in qpv
    ]
    blocs = []
    for indicateur in indicateurs:
        lignes = [
            _ligne(indicateur, q.code, f"{q.nom} ({q.code})", index.get((indicateur.pk, q.code), {})) for q in qpv
        ]
        if avec_contrat:
            cle = (indicateur.pk, CONTRAT_ENTIER)
            natures = index.get(cle) or sommes.get(cle, {})
            lignes.insert(0, _ligne(indicateur, CONTRAT_ENTIER, "Contrat entier", natures))
        blocs.append(BlocIndicateur(indicateur, lignes))
    return Tableau(annees, territoires, blocs)


def tendances(contrat: ContratDeVille, *, publiques: bool = False) -> list[Ligne]:
    """Pour chaque indicateur du contrat (nationaux et locaux), sur le contrat entier : ligne de base, dernière
    valeur réalisée (`derniere`), cible et tendance. Quatre requêtes, quel que soit le nombre de valeurs."""
    from evaluation.selectors import indicateurs_du_contrat

    qpv = list(contrat.qpv.only("code", "nom").order_by("code"))
    indicateurs = list(indicateurs_du_contrat(contrat))
    tableau = tableau_de_bord(contrat, indicateurs, [], publiques=publiques, tous_les_qpv=qpv)
    return [bloc.lignes[0] for bloc in tableau.blocs]
