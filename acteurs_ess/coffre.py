"""Le coffre-fort des documents d'une structure : ajout (ou nouvelle version d'un document), archivage,
suppression. Chaque action est tout ou rien et entre au journal d'audit ; les dossiers (`financements`) joignent
ces documents au lieu de les faire téléverser de nouveau (registres de `acteurs_ess.registres`)."""

import uuid
from datetime import date
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from acteurs_ess.choix import TYPES_DU_COFFRE, TypePiece
from acteurs_ess.models import DocumentStructure, Structure
from acteurs_ess.permissions import peut_gerer_coffre
from acteurs_ess.registres import detacher_document, obstacles_suppression_document
from comptes.audit import journaliser
from comptes.models import ActionAudit, Utilisateur
from config.lib.fichiers import EXTENSIONS_PDF_IMAGE, EXTENSIONS_PDF_IMAGE_LISIBLES, verifier_fichier

# Préfixe des documents des coffres dans le stockage ; jamais servi sous MEDIA_URL (voir config/urls.py).
PREFIXE_COFFRE = "prive/coffres"
REFUS = "Seuls les membres de la structure gèrent les documents de son coffre."


def _details(document: DocumentStructure) -> dict[str, str]:
    return {"structure": str(document.structure), "type": document.get_type_display(), "nom": document.nom}


@transaction.atomic
def ajouter_document(
    utilisateur: Utilisateur,
    structure: Structure,
    *,
    type: str,
    fichier,
    date_document: date | None = None,
    valable_jusqu_au: date | None = None,
    remplace: DocumentStructure | None = None,
) -> DocumentStructure:
    """Dépose un document dans le coffre ; avec `remplace`, c'est la nouvelle version de ce document (du même
    type), qui cesse d'être proposé aux dossiers mais reste lisible de ceux qui le joignent déjà.
    Tout ou rien : un fichier refusé (type, taille, contenu) ou des dates incohérentes n'enregistrent rien."""
    if not peut_gerer_coffre(utilisateur, structure):
        raise PermissionDenied(REFUS)
    erreurs = []
    if remplace is not None:
        remplace = DocumentStructure.objects.select_for_update().get(pk=remplace.pk)
        if remplace.structure_id != structure.pk:
            raise PermissionDenied(REFUS)
        if not remplace.est_actif:
            erreurs.append("Ce document a déjà été remplacé ou archivé : partez de sa version en usage.")
        type = remplace.type
    if type not in dict(TYPES_DU_COFFRE):
        erreurs.append("Choisissez le type du document.")
    if date_document and valable_jusqu_au and valable_jusqu_au < date_document:
        erreurs.append("La date de fin de validité ne peut pas précéder la date du document.")
    if fichier is None:
        erreurs.append("Choisissez le fichier à déposer.")
    else:
        # Un RIB est imprimé par la banque : PDF ou image, comme sur la page du RIB (`services.proposer_rib`).
        restreint = type == TypePiece.RIB
        try:
            nom, type_mime = verifier_fichier(
                fichier,
                extensions=EXTENSIONS_PDF_IMAGE if restreint else None,
                **({"lisibles": EXTENSIONS_PDF_IMAGE_LISIBLES} if restreint else {}),
            )
        except ValidationError as erreur:
            erreurs.extend(erreur.messages)
    if erreurs:
        raise ValidationError(erreurs)
    extension = PurePath(nom).suffix.lower()
    chemin = default_storage.save(f"{PREFIXE_COFFRE}/{structure.pk}/{uuid.uuid4().hex}{extension}", fichier)
    try:
        document = DocumentStructure.objects.create(
            structure=structure,
            type=type,
            chemin=chemin,
            nom=nom,
            taille=fichier.size,
            type_mime=type_mime,
            date_document=date_document,
            valable_jusqu_au=valable_jusqu_au,
            depose_par=utilisateur,
        )
        if remplace is not None:
            remplace.remplace_par = document
            remplace.save(update_fields=["remplace_par"])
    except Exception:
        default_storage.delete(chemin)
        raise
    details = _details(document)
    if remplace is not None:
        details["remplace"] = remplace.nom
    journaliser(
        ActionAudit.DOCUMENT_AJOUTE,
        auteur=utilisateur,
        objet=document,
        organisation=structure.organisation,
        details=details,
    )
    return document


def obstacles_suppression(document: DocumentStructure) -> list[str]:
    """Pourquoi ce document ne peut pas être supprimé (un dossier déposé ou un RIB le désigne) ; vide sinon."""
    raisons = [raison for obstacle in obstacles_suppression_document.values() for raison in obstacle(document)]
    if document.ribs.exists():
        raisons.append("Il est le document d'un RIB proposé à la validation des financeurs.")
    return raisons


@transaction.atomic
def supprimer_document(utilisateur: Utilisateur, document: DocumentStructure) -> None:
    """Supprime un document qu'aucun dossier déposé ne joint (il est retiré des brouillons qui le joignent) ;
    sinon, rien n'est supprimé et le message dit quoi faire : le remplacer ou l'archiver."""
    document = DocumentStructure.objects.select_for_update().select_related("structure").get(pk=document.pk)
    if not peut_gerer_coffre(utilisateur, document.structure):
        raise PermissionDenied(REFUS)
    raisons = obstacles_suppression(document)
    if raisons:
        raise ValidationError(
            [f"« {document.nom} » ne peut pas être supprimé : " + " ".join(raisons)]
            + ["Remplacez-le par une version à jour, ou archivez-le : les dossiers qui le joignent le gardent."]
        )
    for detacher in detacher_document.values():
        detacher(document)
    chemin = document.chemin
    journaliser(
        ActionAudit.DOCUMENT_RETIRE,
        auteur=utilisateur,
        objet=document,
        organisation=document.structure.organisation,
        details=_details(document),
    )
    # La version qu'il remplaçait redevient celle en usage (`remplace_par` : SET_NULL), sauf si elle est archivée.
    document.delete()
    # Comme au retrait d'une pièce d'un dossier : effacé après la validation ; un stockage en panne laisse au
    # pire un fichier orphelin (l'erreur est journalisée) sans faire échouer la suppression.
    transaction.on_commit(lambda: default_storage.delete(chemin), robust=True)


@transaction.atomic
def archiver_document(utilisateur: Utilisateur, document: DocumentStructure) -> DocumentStructure:
    """Retire le document du coffre en usage sans l'effacer : les dossiers qui le joignent le lisent encore,
    aucun nouveau dossier ne le joint."""
    document = DocumentStructure.objects.select_for_update().select_related("structure").get(pk=document.pk)
    if not peut_gerer_coffre(utilisateur, document.structure):
        raise PermissionDenied(REFUS)
    if document.archive_le is not None:
        raise ValidationError("Ce document est déjà archivé.")
    document.archive_le, document.archive_par = timezone.now(), utilisateur
    document.save(update_fields=["archive_le", "archive_par"])
    journaliser(
        ActionAudit.DOCUMENT_ARCHIVE,
        auteur=utilisateur,
        objet=document,
        organisation=document.structure.organisation,
        details=_details(document),
    )
    return document
