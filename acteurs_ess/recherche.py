"""Trouver une structure ou un collectif de l'annuaire par son nom : les autocomplétions des formulaires."""

from typing import Any

from django.db.models import QuerySet

from acteurs_ess.models import Collectif, Structure
from config.lib.autocompletion import ChampAutocompletion
from territoires.recherche import par_ressemblance


def libelle_structure(structure: Structure) -> str:
    """Le nom, et le SIRET qui distingue deux associations homonymes."""
    return f"{structure} — SIRET {structure.siret}" if structure.siret else str(structure)


def libelle_collectif(collectif: Collectif) -> str:
    return f"{collectif.nom} — {collectif.get_type_display()}"


def chercher_structures(structures: QuerySet[Structure], texte: str) -> list[Structure]:
    """Par la raison sociale ; un SIRET ou un SIREN saisi en entier retrouve sa structure."""
    chiffres = texte.replace(" ", "")
    if chiffres.isdigit() and len(chiffres) in (9, 14):
        champ = "siret" if len(chiffres) == 14 else "siren"
        return list(structures.filter(**{champ: chiffres}).order_by("raison_sociale", "pk")[:10])
    return par_ressemblance(structures.only("pk", "raison_sociale", "sigle", "siret"), "raison_sociale", texte)


def chercher_collectifs(collectifs: QuerySet[Collectif], texte: str) -> list[Collectif]:
    return par_ressemblance(collectifs, "nom", texte)


def champ_structure(**kwargs: Any) -> ChampAutocompletion:
    return ChampAutocompletion(
        Structure.objects.all(),
        url="acteurs_ess:autocompletion_structures",
        chercher=chercher_structures,
        libelle=libelle_structure,
        noms=lambda structure: [structure.raison_sociale, str(structure), structure.siret],
        **kwargs,
    )


def champ_collectif(**kwargs: Any) -> ChampAutocompletion:
    return ChampAutocompletion(
        Collectif.objects.all(),
        url="acteurs_ess:autocompletion_collectifs",
        chercher=chercher_collectifs,
        libelle=libelle_collectif,
        noms=lambda collectif: [collectif.nom],
        **kwargs,
    )
