"""Ce qui, dans les contrats, empêche de supprimer un objet de l'annuaire (registres de
`acteurs_ess.registres`) : un collectif cité comme dynamique coopérative d'un contrat."""

from acteurs_ess.models import Collectif
from contrats.models import DynamiqueCooperative


def collectif_cite(collectif: Collectif) -> list[str]:
    contrats = sorted(
        set(DynamiqueCooperative.objects.filter(collectif=collectif).values_list("contrat__nom", flat=True))
    )
    if not contrats:
        return []
    return [f"il est cité comme dynamique coopérative par les contrats : {', '.join(contrats)}."]
