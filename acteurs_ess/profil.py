"""Blocs que les applications de niveau supérieur (projets financés, conventions) ajoutent au profil public
d'une structure, sans que l'annuaire ne les importe (voir `config.blocs`)."""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.blocs import RegistreDeBlocs

registre = RegistreDeBlocs()
enregistrer = registre.enregistrer


def blocs(request: HttpRequest, structure) -> list[SafeString]:
    return registre.rendre(request, structure=structure)
