"""Registre des blocs que les applications de niveau supérieur (annuaire, contrats, dossiers) ajoutent à
« Mon espace », sans que les comptes ne les importent (voir `config.registres`).

Chaque bloc lit la personne dans le contexte d'accès de la requête (`comptes.contexte`), déjà lu par la page :
aucun ne relit les adhésions.
"""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.registres import RegistreDeBlocs

mon_espace = RegistreDeBlocs()


def blocs(request: HttpRequest) -> list[SafeString]:
    """Les blocs rendus pour la personne connectée."""
    return mon_espace.rendre(request)
