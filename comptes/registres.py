"""Registre des blocs que les applications de niveau supérieur (annuaire, contrats, dossiers) ajoutent à
« Mon espace », sans que les comptes ne les importent (voir `config.registres`).

Chaque bloc lit la personne dans le contexte d'accès de la requête (`comptes.contexte`), déjà lu par la page :
aucun ne relit les adhésions.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.registres import RegistreDeBlocs

mon_espace = RegistreDeBlocs()


def blocs(request: HttpRequest) -> list[SafeString]:
    """Les blocs rendus pour la personne connectée."""
    return mon_espace.rendre(request)


class RegistreDeFonctions:
    """Des fonctions que les applications de niveau supérieur enregistrent sous un nom, dans leur
    `AppConfig.ready()`, pour que les comptes les appellent sans les importer (voir `config.registres`)."""

    def __init__(self) -> None:
        self._fonctions: dict[str, Callable[..., Any]] = {}

    def enregistrer(self, nom: str, fonction: Callable[..., Any]) -> None:
        self._fonctions[nom] = fonction

    def retirer(self, nom: str) -> None:
        self._fonctions.pop(nom, None)

    def noms(self) -> list[str]:
        return sorted(self._fonctions)

    def items(self) -> list[tuple[str, Callable[..., Any]]]:
        return sorted(self._fonctions.items())


# Les données personnelles d'une personne que chaque application garde (RGPD, droit d'accès, art. 15) :
# fonction(utilisateur) -> liste de dictionnaires sérialisables en JSON, rangée sous son nom dans l'export.
donnees_personnelles = RegistreDeFonctions()

# Ce que chaque application fait quand un compte est supprimé, avant son anonymisation (par exemple retirer
# du stockage les PDF qui nomment la personne) : fonction(utilisateur) -> None.
suppression_compte = RegistreDeFonctions()
