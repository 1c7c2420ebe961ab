"""Registre des blocs que les applications de niveau supérieur (les financements) ajoutent à la page d'un
contrat de ville, sans que les contrats ne les importent (voir `config.registres`)."""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.registres import RegistreDeBlocs
from contrats.models import ContratDeVille

page_contrat = RegistreDeBlocs()


def blocs(request: HttpRequest, contrat: ContratDeVille) -> list[SafeString]:
    """Les blocs rendus sur la page de ce contrat."""
    return page_contrat.rendre(request, contrat=contrat)
