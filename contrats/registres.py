"""Registres des blocs que les applications de niveau supérieur (les financements) ajoutent à la page d'un
contrat de ville et à sa synthèse PDF, sans que les contrats ne les importent (voir `config.registres`)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.registres import RegistreDeBlocs
from contrats.models import ContratDeVille, Orientation, Signataire

page_contrat = RegistreDeBlocs()


@dataclass(frozen=True)
class BlocDeDocument:
    """Un bloc qu'une application supérieure ajoute à un PDF du contrat, rendu par un worker (sans requête).

    `donnees(contrat)` lit ce que le bloc montre (un nombre fixe de requêtes) ; leur représentation entre dans
    l'empreinte du document (contrats.documents.empreinte), pour qu'un changement de ces données fasse rendre
    une nouvelle édition ; `rendre(donnees)` en fait le HTML, ou "" s'il n'y a rien à montrer."""

    donnees: Callable[[ContratDeVille], Any]
    rendre: Callable[[Any], str]


class RegistreDeBlocsDeDocument:
    def __init__(self) -> None:
        self._blocs: list[tuple[int, str, BlocDeDocument]] = []

    def enregistrer(self, nom: str, bloc: BlocDeDocument, ordre: int = 100) -> None:
        """Enregistre (une seule fois par nom) le bloc `nom` ; les blocs s'affichent par `ordre` croissant."""
        self._blocs = sorted(
            [entree for entree in self._blocs if entree[1] != nom] + [(ordre, nom, bloc)],
            key=lambda entree: (entree[0], entree[1]),
        )

    def retirer(self, nom: str) -> None:
        self._blocs = [entree for entree in self._blocs if entree[1] != nom]

    def noms(self) -> list[str]:
        return [nom for _, nom, _ in self._blocs]

    def donnees(self, contrat: ContratDeVille) -> list[tuple[str, Any]]:
        """Les données de chaque bloc, dans l'ordre : (nom, données)."""
        return [(nom, bloc.donnees(contrat)) for _, nom, bloc in self._blocs]

    def rendre(self, donnees: list[tuple[str, Any]]) -> list[SafeString]:
        """Le HTML des blocs qui ont quelque chose à montrer, à partir des données lues par `donnees`."""
        blocs = {nom: bloc for _, nom, bloc in self._blocs}
        rendus = (blocs[nom].rendre(valeur) for nom, valeur in donnees if nom in blocs)
        return [SafeString(html) for html in rendus if html]  # nosec B703 # HTML rendu par les gabarits des blocs (échappé)


# La synthèse du contrat pour les élus (templates/pdf/synthese_contrat.html).
synthese_contrat = RegistreDeBlocsDeDocument()


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
