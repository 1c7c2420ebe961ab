"""Ce que les dossiers disent au coffre-fort des structures (registres de `acteurs_ess.registres`) : qui lit un
document joint à un dossier déposé, ce qui empêche de le supprimer, et le retrait des brouillons qui le joignent
avant sa suppression."""

from acteurs_ess.models import DocumentStructure
from comptes.contexte import Qui
from financements.models import Dossier, PieceJointe, StatutDossier
from financements.permissions import peut_voir_dossier


def _dossiers_deposes(document: DocumentStructure):
    return (
        Dossier.objects.filter(pieces__document=document)
        .exclude(statut=StatutDossier.BROUILLON)
        .select_related("appel", "appel__contrat", "structure")
        .distinct()
    )


def lecteur_du_document(qui: Qui, document: DocumentStructure) -> bool:
    """Qui voit un dossier déposé qui joint le document (ses instructeurs, ses co-porteurs) le lit aussi."""
    return any(peut_voir_dossier(qui, dossier) for dossier in _dossiers_deposes(document))


def dossiers_qui_le_joignent(document: DocumentStructure) -> list[str]:
    references = [f"{d.reference} « {d.titre} »" for d in _dossiers_deposes(document).order_by("pk")]
    if not references:
        return []
    return ["Il est joint au(x) dossier(s) déposé(s) " + ", ".join(references) + "."]


def retirer_des_brouillons(document: DocumentStructure) -> None:
    """Les brouillons perdent la pièce (le porteur en choisira une autre) ; le fichier, lui, appartient au
    coffre, qui l'efface."""
    PieceJointe.objects.filter(document=document, dossier__statut=StatutDossier.BROUILLON).delete()
