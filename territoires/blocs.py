"""Blocs que les applications de niveau supérieur (contrats, structures, projets) ajoutent aux pages des QPV,
communes et EPCI, sans que le référentiel ne les importe (voir `config.blocs`)."""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.blocs import RegistreDeBlocs

registre = RegistreDeBlocs()
enregistrer = registre.enregistrer


def blocs(request: HttpRequest, **territoire) -> list[SafeString]:
    """Les blocs rendus pour ce territoire (`qpv=`, `commune=` ou `epci=`)."""
    return registre.rendre(request, **territoire)
