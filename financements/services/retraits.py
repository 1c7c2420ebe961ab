"""Ce que le porteur défait : supprimer un brouillon qui n'a jamais été déposé, retirer un dossier déposé
avant toute décision (avec le motif, les instructeurs prévenus)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from financements.models import Dossier, JournalDossier, StatutDossier
from financements.models.dossier import TRANSITIONS
from financements.permissions import profil_dossier
from financements.services import notifications
from financements.services.dossiers import changer_statut, financeurs_decides


@transaction.atomic
def supprimer_brouillon(dossier: Dossier, auteur) -> None:
    """Efface un brouillon (jamais déposé : aucun financeur ne l'a vu) et ses pièces."""
    if not profil_dossier(auteur, dossier).porteur:
        raise PermissionDenied("Seuls les membres de la structure porteuse suppriment ce brouillon.")
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.statut != StatutDossier.BROUILLON:
        raise ValidationError(
            "Ce dossier a été déposé : les financeurs l'ont reçu, il ne se supprime plus. Retirez-le avec un motif."
        )
    # Les pièces prises dans le coffre de la structure gardent leur fichier : il appartient au coffre.
    chemins = [piece.chemin for piece in dossier.pieces.all() if piece.chemin and not piece.document_id]
    dossier.delete()
    # Comme au retrait d'une pièce : effacés après la validation ; un stockage en panne laisse au pire un
    # fichier orphelin (l'erreur est journalisée) sans faire échouer la suppression.
    for chemin in chemins:
        transaction.on_commit(lambda chemin=chemin: default_storage.delete(chemin), robust=True)


@transaction.atomic
def retirer(dossier: Dossier, auteur, motif: str) -> JournalDossier:
    """Retire un dossier déposé, en instruction ou à corriger, tant qu'aucun financeur n'a décidé."""
    if not profil_dossier(auteur, dossier).porteur:
        raise PermissionDenied("Seuls les membres de la structure porteuse retirent ce dossier.")
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Indiquez pourquoi vous retirez le dossier : les financeurs le liront.")
    if StatutDossier.RETIRE not in TRANSITIONS[dossier.statut]:
        if dossier.statut == StatutDossier.BROUILLON:
            raise ValidationError("Ce dossier n'est pas déposé : supprimez le brouillon.")
        raise ValidationError(
            f"Un dossier « {dossier.get_statut_display().lower()} » ne se retire plus : adressez-vous à ses "
            "financeurs par la messagerie du dossier."
        )
    decides = financeurs_decides(dossier)
    if decides:
        raise ValidationError(
            "Des financeurs ont déjà décidé ("
            + ", ".join(decides.values())
            + ") : le dossier ne se retire plus. Écrivez-leur par la messagerie du dossier."
        )
    entree = changer_statut(dossier, auteur, StatutDossier.RETIRE, "Dossier retiré par le porteur", motif=motif)
    notifications.retrait_aux_instructeurs(dossier, motif)
    return entree
