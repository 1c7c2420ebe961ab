"""Blocs que les applications de niveau supérieur (annuaire, contrats, dossiers) ajoutent à « Mon espace »,
sans que les comptes ne les importent (voir `config.blocs`).

Chaque fournisseur reçoit `adhesions=` : celles que Mon espace a déjà lues avec leur organisation, qu'un bloc
n'a pas à relire.
"""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.blocs import RegistreDeBlocs

registre = RegistreDeBlocs()
enregistrer = registre.enregistrer


def blocs(request: HttpRequest, **contexte) -> list[SafeString]:
    """Les blocs rendus pour la personne connectée (`contexte` : `adhesions=`)."""
    return registre.rendre(request, **contexte)
