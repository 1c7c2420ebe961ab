"""Registre des blocs que les applications de niveau supérieur (les financements) ajoutent à la page d'un
contrat de ville, sans que les contrats ne les importent (voir `config.registres`)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.registres import RegistreDeBlocs
from contrats.models import ContratDeVille, Orientation, Signataire

page_contrat = RegistreDeBlocs()


def blocs(request: HttpRequest, contrat: ContratDeVille) -> list[SafeString]:
    """Les blocs rendus sur la page de ce contrat."""
    return page_contrat.rendre(request, contrat=contrat)


# Ce qui empêche de supprimer un objet du contrat parce que d'autres en dépendent, vu par les applications de
# niveau supérieur (un financeur qui a décidé sur un appel du contrat, une orientation qui porte des projets
# financés) : nom → fonction(objet) qui rend les raisons, en français (liste vide si rien n'empêche).
# Enregistrées dans l'`AppConfig.ready()` de ces applications.
obstacles_suppression_signataire: dict[str, Callable[[Signataire], list[str]]] = {}
obstacles_suppression_orientation: dict[str, Callable[[Orientation], list[str]]] = {}


def obstacles(registre: dict[str, Callable[[Any], list[str]]], objet: Any) -> list[str]:
    return [raison for verifier in registre.values() for raison in verifier(objet)]
