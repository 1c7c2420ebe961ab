"""Trouver une organisation par son nom : l'autocomplétion des signataires et des financeurs."""

from typing import Any

from django.db.models import QuerySet

from comptes.models import Organisation
from config.lib.autocompletion import ChampAutocompletion
from territoires.recherche import par_ressemblance


def libelle_organisation(organisation: Organisation) -> str:
    """Le nom et le type, qui distinguent la commune de Rennes de la métropole (« Rennes — Commune »)."""
    return f"{organisation.nom} — {organisation.get_type_display()}"


def chercher_organisations(organisations: QuerySet[Organisation], texte: str) -> list[Organisation]:
    return par_ressemblance(organisations, "nom", texte)


def champ_organisation(**kwargs: Any) -> ChampAutocompletion:
    """Un champ de formulaire qui choisit une organisation partenaire (signataire, financeur) par son nom."""
    return ChampAutocompletion(
        Organisation.objects.partenaires(),
        url="comptes:autocompletion_organisations",
        chercher=chercher_organisations,
        libelle=libelle_organisation,
        noms=lambda organisation: [organisation.nom],
        **kwargs,
    )
