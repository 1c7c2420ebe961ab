"""Ce que l'annuaire garde d'une personne dans l'export de ses données (registre
`comptes.registres.donnees_personnelles`) : les documents qu'elle a déposés dans le coffre d'une structure. Son
compte supprimé, ils restent à la structure (`depose_par` est alors vidé)."""

from typing import Any

from acteurs_ess.models import DocumentStructure
from comptes.models import Utilisateur


def documents_deposes(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les documents déposés par la personne dans le coffre d'une structure (sans leur contenu)."""
    return [
        {
            "structure": document.structure.raison_sociale,
            "type": document.get_type_display(),
            "nom": document.nom,
            "depose_le": document.depose_le.isoformat(),
            "valable_jusqu_au": document.valable_jusqu_au.isoformat() if document.valable_jusqu_au else None,
        }
        for document in DocumentStructure.objects.filter(depose_par=utilisateur)
        .select_related("structure")
        .order_by("pk")
    ]
