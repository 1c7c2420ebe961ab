"""Registre des blocs que les applications de niveau supérieur (contrats, structures, projets) ajoutent aux
pages des QPV, communes et EPCI, sans que le référentiel ne les importe (voir `config.registres`)."""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.registres import RegistreDeBlocs

pages_territoire = RegistreDeBlocs()


def blocs(request: HttpRequest, **territoire: object) -> list[SafeString]:
    """Les blocs rendus pour ce territoire (`qpv=`, `commune=` ou `epci=`)."""
    return pages_territoire.rendre(request, **territoire)
