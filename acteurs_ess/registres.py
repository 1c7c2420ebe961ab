"""Registre des blocs que les applications de niveau supérieur (projets financés, conventions) ajoutent au
profil public d'une structure, sans que l'annuaire ne les importe (voir `config.registres`)."""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from acteurs_ess.models import Structure
from config.registres import RegistreDeBlocs

profil_structure = RegistreDeBlocs()


def blocs(request: HttpRequest, structure: Structure) -> list[SafeString]:
    return profil_structure.rendre(request, structure=structure)
