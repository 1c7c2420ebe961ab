"""Recherche des territoires par nom ou par code : sans accents ni majuscules, tolérante aux fautes de frappe.

Une seule requête SQL (UNION ALL) interroge communes, EPCI, QPV et départements ; chaque branche s'appuie sur
les index de `f_unaccent(lower(nom))` : trigrammes (GIN) pour les fautes et le milieu des mots, préfixe
(B-tree `text_pattern_ops`) pour les débuts de nom.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.postgres.indexes import GistIndex, OpClass
from django.db import connection, models
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Collate, Lower
from django.urls import reverse

from territoires.codes import ressemble_a_un_code
from territoires.models import SansAccent, nom_normalise

M = TypeVar("M", bound=models.Model)

LIMITE = 10
LONGUEUR_MINIMALE = 2

SORTES = {
    "departement": ("Département", "territoires:departement"),
    "epci": ("Intercommunalité", "territoires:epci"),
    "commune": ("Commune", "territoires:commune"),
    "qpv": ("Quartier prioritaire", "territoires:qpv"),
}
RANG = {"departement": 0, "epci": 1, "commune": 2, "qpv": 3}


@dataclass(frozen=True)
class Resultat:
    sorte: str
    code: str
    nom: str
    precision: str
    population: int | None
    rang: tuple

    @property
    def libelle_sorte(self) -> str:
        return SORTES[self.sorte][0]

    @property
    def url(self) -> str:
        return reverse(SORTES[self.sorte][1], args=[self.code])

    def en_json(self) -> dict:
        return {
            "sorte": self.sorte,
            "libelle_sorte": self.libelle_sorte,
            "code": self.code,
            "nom": self.nom,
            "precision": self.precision,
            "url": self.url,
        }


# Chaque branche rend : sorte, code, nom, précision, population, nom exact, score. Les expressions sur les
# paramètres (f_unaccent est IMMUTABLE) sont évaluées une fois, à la planification : les index servent.
# Le score mêle ressemblance du mot, ressemblance du nom entier, début du nom et (un peu) population : « renes »
# propose Rennes avant Renescure.
_N = "f_unaccent(lower(%(t)s))"
_PREFIXE = "(f_unaccent(lower(%(e)s)) || '%%')"


def _branche(sorte: str, table: str, cle: str, select: str, jointure: str, actuel: str, mode: str) -> str:
    """Une sorte de territoire, selon le mode : `court` (début du nom, les plus peuplés d'abord), `prefixe`
    (début du nom, classé par ressemblance) ou `flou` (ressemblance de mot, index trigrammes)."""
    population = "x.population" if sorte != "departement" else "NULL::integer"
    condition = f"{_N} <%% x.nom_recherche" if mode == "flou" else f"x.nom_recherche LIKE {_PREFIXE}"
    if mode == "court":
        score = f"0.1 * log(coalesce({population}, 0) + 1)"
    else:
        score = (
            f"word_similarity({_N}, x.nom_recherche) + 2 * similarity({_N}, x.nom_recherche)"
            f" + CASE WHEN x.nom_recherche LIKE {_PREFIXE} THEN 0.2 ELSE 0 END"
            f" + 0.1 * log(coalesce({population}, 0) + 1)"
        )
    return (
        f"(SELECT '{sorte}' AS sorte, {select}, {population} AS population, x.nom_recherche = {_N} AS exact, "  # nosec B608 # fragments SQL du code
        f"({score})::real AS score FROM {table} x {jointure} WHERE {actuel} {condition} "
        f"ORDER BY 6 DESC, 7 DESC LIMIT %(limite)s)"
    )


def _branches(mode: str) -> str:
    return " UNION ALL ".join(
        [
            _branche(
                "commune",
                "territoires_commune",
                "code",
                "x.code, x.nom, d.nom || ' (' || d.code || ')'",
                "JOIN territoires_departement d ON d.code = x.departement_id",
                "NOT x.obsolete AND",
                mode,
            ),
            _branche("epci", "territoires_epci", "siren", "x.siren, x.nom, x.nature", "", "NOT x.obsolete AND", mode),
            _branche("qpv", "territoires_qpv", "code", "x.code, x.nom, x.code", "", "", mode),
            _branche("departement", "territoires_departement", "code", "x.code, x.nom, x.code", "", "", mode),
        ]
    )


def _par_nom(court: bool) -> str:
    if court:
        return _branches("court")
    # La recherche floue (coûteuse quand la saisie partage ses trigrammes avec des milliers de noms) ne
    # s'exécute que si les débuts de noms ne suffisent pas : PostgreSQL évalue la condition une fois
    # (« One-Time Filter ») et n'entre pas dans la sous-requête quand elle est fausse. Une seule requête.
    return (
        f"WITH prefixe AS MATERIALIZED ({_branches('prefixe')}) "  # nosec B608 # fragments SQL du code
        "SELECT * FROM prefixe UNION ALL "
        f"SELECT * FROM ({_branches('flou')}) flou WHERE (SELECT count(*) FROM prefixe) < %(limite)s"
    )


_PAR_NOM = _par_nom(court=False)
_PAR_NOM_COURT = _par_nom(court=True)
LONGUEUR_COURTE = 4

_PAR_CODE = """
(SELECT 'commune', c.code, c.nom, d.nom || ' (' || d.code || ')', c.population,
        c.code = %(code)s OR %(code)s = ANY(c.codes_postaux), 1.0::real
   FROM territoires_commune c JOIN territoires_departement d ON d.code = c.departement_id
  WHERE NOT c.obsolete AND (c.code LIKE %(code_prefixe)s OR c.codes_postaux @> ARRAY[%(code)s]::varchar[])
  ORDER BY 6 DESC, c.population DESC NULLS LAST LIMIT %(limite)s)
UNION ALL
(SELECT 'epci', e.siren, e.nom, e.nature, e.population, e.siren = %(code)s, 1.0::real
   FROM territoires_epci e WHERE e.siren LIKE %(code_prefixe)s
  ORDER BY 6 DESC, e.population DESC NULLS LAST LIMIT %(limite)s)
UNION ALL
(SELECT 'qpv', q.code, q.nom, q.code, q.population, q.code = %(code)s, 1.0::real
   FROM territoires_qpv q WHERE q.code LIKE %(code_prefixe)s
  ORDER BY q.code LIMIT %(limite)s)
UNION ALL
(SELECT 'departement', d.code, d.nom, d.code, NULL::integer, true, 1.0::real
   FROM territoires_departement d WHERE d.code = %(code)s)
"""


def _echapper_like(texte: str) -> str:
    return texte.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def rechercher(texte: str, limite: int = LIMITE) -> list[Resultat]:
    """Les territoires dont le nom ou le code ressemble à `texte`, les plus pertinents d'abord."""
    texte = " ".join(texte.split())[:100]
    if len(texte) < LONGUEUR_MINIMALE:
        return []
    with connection.cursor() as cursor:
        if ressemble_a_un_code(texte):
            code = texte.upper().replace(" ", "")
            # La sous-requête des codes est plus sélective : on garde aussi les noms (« 35 » ≠ un nom).
            cursor.execute(_PAR_CODE, {"code": code, "code_prefixe": _echapper_like(code) + "%", "limite": limite})
        else:
            requete = _PAR_NOM_COURT if len(texte) <= LONGUEUR_COURTE else _PAR_NOM
            cursor.execute(requete, {"t": texte, "e": _echapper_like(texte), "limite": limite})
        lignes = cursor.fetchall()
    resultats = [
        Resultat(
            sorte=sorte,
            code=code,
            nom=nom,
            precision=precision or "",
            population=population,
            rang=(not exact, -score, RANG[sorte], -(population or 0), nom),
        )
        for sorte, code, nom, precision, population, exact, score in lignes
    ]
    resultats.sort(key=lambda resultat: resultat.rang)
    uniques = {(resultat.sorte, resultat.code): resultat for resultat in reversed(resultats)}
    return sorted(uniques.values(), key=lambda resultat: resultat.rang)[:limite]


# --- Ressemblance d'un nom, pour les autocomplétions des autres applications --------------------------------

LIMITE_AUTOCOMPLETION = 10


def nom_ordonne(champ: str) -> Collate:
    """Le nom sans accents ni majuscules, en collation « C » : l'expression de l'index B-tree des débuts de
    nom (`index_debut_de_nom`), qui sert à la fois `LIKE 'saisie%'` et l'ordre alphabétique, sans tri."""
    return Collate(nom_normalise(champ), "C")


def index_debut_de_nom(champ: str, nom_index: str, condition: Q | None = None) -> models.Index:
    """`condition` : un index partiel, pour une autocomplétion limitée à une partie de la table (ses index
    ne parcourent alors que ces lignes)."""
    return models.Index(nom_ordonne(champ), name=nom_index, condition=condition)


# Signature de 256 octets (12 par défaut) : un nom d'association compte des dizaines de trigrammes ; une
# signature courte les confond, et l'index renvoie des milliers de candidats à revérifier (mesuré : 160 ms au
# lieu de 3 ms pour « ami » sur 100 000 structures, `make bench`).
SIGNATURE_GIST = 256


def index_ressemblance(champ: str, nom_index: str, condition: Q | None = None) -> GistIndex:
    """Index GiST trigramme du nom normalisé : les plus proches voisins (`<->>`) sans lire toutes les lignes
    (partiel avec `condition`, comme `index_debut_de_nom`)."""
    return GistIndex(
        OpClass(nom_normalise(champ), name=f"gist_trgm_ops(siglen={SIGNATURE_GIST})"),
        name=nom_index,
        condition=condition,
    )


class DistanceMot(models.Func):
    """`nom <->> saisie` : 1 − word_similarity(saisie, nom) ; l'index GiST trigramme ordonne par elle."""

    arg_joiner = " <->> "
    template = "(%(expressions)s)"
    output_field = models.FloatField()


def par_ressemblance(queryset: QuerySet[M], champ: str, texte: str, limite: int = LIMITE_AUTOCOMPLETION) -> list[M]:
    """Les lignes de `queryset` dont le nom (`champ`) ressemble à `texte`, sans accents ni majuscules : d'abord
    celles dont le nom commence par le texte (ordre alphabétique), puis les plus proches par les trigrammes
    (une faute de frappe, un mot du milieu du nom).

    Une seule requête, bornée à `limite` : chaque branche suit un index sans trier les lignes trouvées (une
    saisie de deux lettres en trouve des dizaines de milliers) : B-tree du nom en collation « C »
    (`index_debut_de_nom`) pour les débuts ; GiST trigramme (`index_ressemblance`) pour les plus proches
    voisins, au-dessus du seuil de `pg_trgm.word_similarity_threshold` — et seulement si les débuts ne suffisent
    pas (PostgreSQL évalue la condition une fois et n'entre pas dans la branche quand elle est fausse, comme
    `rechercher`). Les lignes trouvées sont lues dans la même requête, par leur clé (les colonnes du
    `queryset`, `only()` compris) : un aller-retour de moins avec la base, ce qui compte sous charge (issue 14).
    """
    texte = " ".join(texte.split())[:100]
    if len(texte) < LONGUEUR_MINIMALE:
        return []
    saisie = SansAccent(Lower(Value(texte)))
    debuts = (
        queryset.annotate(nom_c=nom_ordonne(champ))
        .filter(nom_c__startswith=saisie)
        .order_by("nom_c", "pk")
        .values_list("pk", flat=True)[:limite]
    )
    proches = (
        queryset.annotate(nom_cherche=nom_normalise(champ))
        .filter(nom_cherche__trigram_word_similar=saisie)
        .annotate(distance=DistanceMot(F("nom_cherche"), saisie))
        # Par la distance seule : l'index GiST rend les lignes dans cet ordre (un second critère ferait trier).
        .order_by("distance")
        .values_list("pk", flat=True)[:limite]
    )
    sql_debuts, parametres_debuts = debuts.query.sql_with_params()
    sql_proches, parametres_proches = proches.query.sql_with_params()
    modele = queryset.model
    table = connection.ops.quote_name(modele._meta.db_table)
    cle = connection.ops.quote_name(modele._meta.pk.column)
    compilateur = queryset.query.get_compiler(connection=connection)
    compilateur.setup_query()
    colonnes = ", ".join(compilateur.compile(colonne)[0] for colonne, _, _ in compilateur.select)
    # L'ordre de chaque branche (alphabétique, puis par distance) est numéroté dans la branche : une ligne trouvée
    # par les deux garde son rang de début de nom.
    requete = (
        f"WITH debuts AS MATERIALIZED ({sql_debuts}), "  # nosec B608 # SQL compilé par l'ORM, paramètres à part
        "trouves AS (SELECT d.pk, 0 AS branche, row_number() OVER () AS rang FROM debuts d UNION ALL "
        f"SELECT p.pk, 1, row_number() OVER () FROM ({sql_proches}) p "
        "WHERE (SELECT count(*) FROM debuts) < %s) "
        f"SELECT {colonnes} FROM trouves JOIN {table} ON {table}.{cle} = trouves.pk "
        "ORDER BY trouves.branche, trouves.rang"
    )
    trouvees: dict[Any, M] = {}
    for ligne in modele._default_manager.raw(requete, [*parametres_debuts, *parametres_proches, limite]):
        trouvees.setdefault(ligne.pk, ligne)
    return list(trouvees.values())[:limite]
