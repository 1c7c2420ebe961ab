"""Registre des blocs que les applications de niveau supérieur (annuaire, contrats, dossiers) ajoutent à
« Mon espace », sans que les comptes ne les importent (voir `config.registres`).

Chaque bloc lit la personne dans le contexte d'accès de la requête (`comptes.contexte`), déjà lu par la page :
aucun ne relit les adhésions.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
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


@dataclass(frozen=True)
class Tache:
    """Une chose que la personne a à faire maintenant, à un clic de sa page (accueil après connexion)."""

    categorie: str  # « À signer », « À instruire », « À rendre », « À répondre », « Concertations ouvertes »
    libelle: str
    url: str
    echeance: date | None = None


# Ce que chaque application attend de la personne : fonction(request) -> liste de `Tache`, chacune en un nombre
# fixe de requêtes (les adhésions viennent du contexte d'accès de la requête).
a_faire = RegistreDeFonctions()

CATEGORIES = ["À signer", "À instruire", "À rendre", "À répondre", "Concertations ouvertes"]


def taches(request: HttpRequest) -> list[tuple[str, list[Tache]]]:
    """Les tâches de la personne, rangées par catégorie (dans l'ordre de `CATEGORIES`), échéances proches
    d'abord."""
    toutes = [tache for _, fournisseur in a_faire.items() for tache in fournisseur(request)]
    rangees = []
    for categorie in CATEGORIES + sorted({t.categorie for t in toutes} - set(CATEGORIES)):
        du_rang = [t for t in toutes if t.categorie == categorie]
        if du_rang:
            du_rang.sort(key=lambda t: (t.echeance is None, t.echeance or date.max, t.libelle))
            rangees.append((categorie, du_rang))
    return rangees
