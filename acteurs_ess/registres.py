"""Registre des blocs que les applications de niveau supérieur (projets financés, conventions) ajoutent au
profil public d'une structure, et des valideurs de RIB, sans que l'annuaire ne les importe (voir
`config.registres`)."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from acteurs_ess.models import Collectif, DocumentStructure, Structure
from comptes.contexte import Qui
from config.registres import RegistreDeBlocs

profil_structure = RegistreDeBlocs()


def blocs(request: HttpRequest, structure: Structure) -> list[SafeString]:
    return profil_structure.rendre(request, structure=structure)


# Qui d'autre que les agents du territoire valide le RIB d'une structure : les applications qui connaissent les
# financeurs (les dossiers sont dans `financements`) y enregistrent un prédicat `(qui, structure) -> bool`.
ValideurRib = Callable[[Qui, Structure], bool]
valideurs_rib: dict[str, ValideurRib] = {}


# Ce qui empêche de supprimer un collectif parce que d'autres en dépendent (une dynamique coopérative d'un
# contrat qui le cite) : nom → fonction(collectif) qui rend les raisons, en français. Enregistrées dans
# l'`AppConfig.ready()` des applications de niveau supérieur.
obstacles_suppression_collectif: dict[str, Callable[[Collectif], list[str]]] = {}


# Le coffre-fort des structures (`acteurs_ess.coffre`) : les applications qui joignent ses documents à leurs
# dossiers y enregistrent, dans leur `AppConfig.ready()`, ce que l'annuaire ne peut pas savoir sans les importer.
# - qui d'autre qu'un membre lit un document (les instructeurs d'un dossier déposé qui le joint) :
#   nom → prédicat `(qui, document) -> bool` ;
lecteurs_document: dict[str, Callable[[Qui, DocumentStructure], bool]] = {}
# - ce qui empêche de le supprimer (un dossier déposé qui le joint) : nom → fonction(document) qui rend les
#   raisons, en français ;
obstacles_suppression_document: dict[str, Callable[[DocumentStructure], list[str]]] = {}
# - ce qui le détache avant sa suppression (les pièces des brouillons qui le joignent) : nom → fonction(document).
detacher_document: dict[str, Callable[[DocumentStructure], None]] = {}
