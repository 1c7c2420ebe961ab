"""Lectures de l'annuaire : recherche plein texte avec filtres, structures d'un territoire."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils.functional import cached_property

from acteurs_ess.models import MembreCollectif, Structure
from territoires.models import Qpv, SansAccent, nom_normalise

StructureQpv = Structure.qpv.through
StructureCommune = Structure.communes_action.through


@dataclass
class Criteres:
    """Ce que cherche un visiteur de l'annuaire (tous les champs sont facultatifs)."""

    texte: str = ""
    forme_juridique: str = ""
    agrement: str = ""
    domaine: str = ""
    qpv: str = ""
    commune: str = ""
    epci: str = ""
    collectif: int | None = None


def _agit_dans_qpv(code_qpv: str) -> Q:
    return Q(pk__in=StructureQpv.objects.filter(qpv_id=code_qpv).values("structure_id"))


def _agit_dans_commune(code_commune: str) -> Q:
    """Siège dans la commune, action déclarée dans la commune, ou dans un QPV de la commune.

    Une union d'identifiants plutôt que des `OR EXISTS` : chaque branche suit son index, au lieu d'un
    parcours de tout l'annuaire.
    """
    qpv_de_la_commune = Qpv.communes.through.objects.filter(commune_id=code_commune).values("qpv_id")
    return Q(
        pk__in=Structure.objects.filter(commune_id=code_commune)
        .order_by()
        .values("pk")
        .union(
            StructureCommune.objects.filter(commune_id=code_commune).values("structure_id"),
            StructureQpv.objects.filter(qpv_id__in=qpv_de_la_commune).values("structure_id"),
        )
    )


def _agit_dans_epci(siren: str) -> Q:
    return Q(
        pk__in=Structure.objects.filter(Q(commune__epci_id=siren) | Q(commune__ept_id=siren))
        .order_by()
        .values("pk")
        .union(
            StructureCommune.objects.filter(commune__epci_id=siren).values("structure_id"),
            StructureQpv.objects.filter(qpv__epci_id=siren).values("structure_id"),
        )
    )


def filtrer(structures: QuerySet, criteres: Criteres) -> QuerySet:
    if criteres.forme_juridique:
        structures = structures.filter(forme_juridique=criteres.forme_juridique)
    if criteres.agrement:
        structures = structures.filter(agrements__contains=[criteres.agrement])
    if criteres.domaine:
        structures = structures.filter(domaines__contains=[criteres.domaine])
    if criteres.qpv:
        structures = structures.filter(_agit_dans_qpv(criteres.qpv))
    if criteres.commune:
        structures = structures.filter(_agit_dans_commune(criteres.commune))
    if criteres.epci:
        structures = structures.filter(_agit_dans_epci(criteres.epci))
    if criteres.collectif:
        structures = structures.filter(
            organisation_id__in=MembreCollectif.objects.acceptes()
            .filter(collectif_id=criteres.collectif)
            .values("organisation_id")
        )
    return structures


def rechercher_structures(criteres: Criteres) -> QuerySet:
    """Les structures qui répondent aux critères, les plus pertinentes d'abord.

    Le texte est cherché en plein texte français, sans accents, dans les noms (poids A), les libellés des
    domaines et agréments (B) et la description (C) : index GIN sur la colonne générée `recherche`.
    """
    structures = filtrer(Structure.objects.prefetch_related("commune").defer("recherche", "mots_cles"), criteres)
    texte = _texte(criteres)
    if not texte:
        return structures.order_by("raison_sociale", "pk")
    requete = SearchQuery(SansAccent(Value(texte)), config="french", search_type="websearch")
    return (
        structures.filter(recherche=requete)
        .annotate(rang=SearchRank(F("recherche"), requete))
        .order_by("-rang", "raison_sociale", "pk")
    )


def rechercher_par_nom_approche(criteres: Criteres) -> QuerySet:
    """Quand le plein texte ne trouve rien (faute de frappe), les noms qui ressemblent au texte cherché
    (similarité de trigrammes sur le nom sans accents, index GIN trigramme)."""
    texte_normalise = SansAccent(Lower(Value(_texte(criteres))))
    return (
        filtrer(Structure.objects.prefetch_related("commune").defer("recherche", "mots_cles"), criteres)
        .annotate(nom_normalise=nom_normalise("raison_sociale"))
        .filter(nom_normalise__trigram_word_similar=texte_normalise)
        .annotate(rang=TrigramWordSimilarity(texte_normalise, F("nom_normalise")))
        .order_by("-rang", "raison_sociale", "pk")
    )


def _texte(criteres: Criteres) -> str:
    return " ".join(criteres.texte.split())[:200]


SEUIL_SIMILARITE = 0.6


class PaginateurPlafonne(Paginator):
    """Compte au plus `PLAFOND` résultats : au-delà, le nombre exact n'aide personne à choisir, et le compter
    coûterait un parcours de presque tout l'annuaire."""

    PLAFOND = 1000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.PLAFOND + 1].count()

    @property
    def est_plafonne(self) -> bool:
        return self.count > self.PLAFOND


@dataclass
class Resultats:
    page: Page
    approche: bool  # aucun résultat exact : les noms approchants sont proposés


def page_de_resultats(criteres: Criteres, numero=1, par_page: int = 20) -> Resultats:
    """La page de résultats de l'annuaire : plein texte, ou noms approchants si le plein texte ne trouve rien."""
    page = PaginateurPlafonne(rechercher_structures(criteres), par_page).get_page(numero)
    if criteres.texte.strip() and page.paginator.count == 0:
        with transaction.atomic(), connection.cursor() as curseur:
            # Un seuil plus exigeant que celui de pg_trgm (0,6) : moins de candidats à relire dans l'index,
            # et seulement des noms vraiment proches.
            curseur.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [SEUIL_SIMILARITE])
            approchants = PaginateurPlafonne(rechercher_par_nom_approche(criteres), par_page).get_page(numero)
            if approchants.paginator.count:
                approchants.object_list = list(approchants.object_list)
                return Resultats(approchants, approche=True)
    return Resultats(page, approche=False)


def structures_du_territoire(qpv=None, commune=None, epci=None) -> QuerySet:
    """Les structures qui agissent dans un QPV, une commune ou un EPCI (objets ou codes), par nom.

    Pour les pages du référentiel territorial : `{% include "acteurs_ess/_structures_territoire.html" %}`
    avec `structures` = ce queryset (découpé : `[:20]`).
    """
    structures = Structure.objects.select_related("commune").order_by("raison_sociale", "pk")
    if qpv is not None:
        structures = structures.filter(_agit_dans_qpv(getattr(qpv, "pk", qpv)))
    if commune is not None:
        structures = structures.filter(_agit_dans_commune(getattr(commune, "pk", commune)))
    if epci is not None:
        structures = structures.filter(_agit_dans_epci(getattr(epci, "pk", epci)))
    return structures
