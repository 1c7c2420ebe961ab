"""Récupération des objets de l'annuaire avec contrôle d'accès : 404 pour qui ne doit pas les voir, 403 pour
qui les voit sans pouvoir agir (comme `comptes/acces.py`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from acteurs_ess.models import Collectif, DemandeRattachement, DocumentStructure, ImportStructures, Rib, Structure
from acteurs_ess.permissions import (
    peut_decider_rattachement,
    peut_gerer_coffre,
    peut_gerer_collectif,
    peut_importer,
    peut_lire_document,
    peut_lire_rib,
    peut_modifier_structure,
    peut_proposer_rib,
    peut_suivre_import,
    peut_valider_rib,
    peut_verifier_structure,
    peut_voir_page_rib,
)
from comptes.contexte import Qui, contexte


def structure_pour_modifier(qui: Qui, pk: int) -> Structure:
    """Les fiches sont publiques : qui n'en est pas membre la voit, mais ne la modifie pas (403)."""
    structure = get_object_or_404(Structure.objects.select_related("commune"), pk=pk)
    if not peut_modifier_structure(qui, structure):
        raise PermissionDenied("Seuls les membres de la structure peuvent modifier sa fiche.")
    return structure


def structure_pour_verifier(qui: Qui, pk: int) -> Structure:
    structure = get_object_or_404(Structure, pk=pk)
    if not peut_verifier_structure(qui, structure):
        raise PermissionDenied(
            "Seuls les agents d'une collectivité du territoire de la structure peuvent la marquer vérifiée."
        )
    return structure


def demande_pour_decider(qui: Qui, pk: int) -> DemandeRattachement:
    """Le demandeur voit sa demande sans pouvoir la décider (403) ; les autres personnes ne la voient pas."""
    demande = get_object_or_404(DemandeRattachement.objects.select_related("structure", "demandeur"), pk=pk)
    if peut_decider_rattachement(qui, demande):
        return demande
    if demande.demandeur_id == contexte(qui).utilisateur.pk:
        raise PermissionDenied("Votre demande doit être décidée par un membre de la structure ou un agent.")
    raise Http404("Demande introuvable.")


def collectif_pour_gerer(qui: Qui, pk: int) -> Collectif:
    """La page d'un collectif est publique : qui ne l'anime pas la voit, mais n'en gère pas les membres (403)."""
    collectif = get_object_or_404(Collectif, pk=pk)
    if not peut_gerer_collectif(qui, collectif):
        raise PermissionDenied("Seuls les membres d'une organisation qui anime ce collectif en gèrent les membres.")
    return collectif


def import_pour_suivre(qui: Qui, pk: int) -> ImportStructures:
    """L'import de structures d'une autre personne n'existe pas pour qui n'est pas administrateur (404) ; qui ne
    peut plus importer (plus agent) ne suit plus les siens (403, comme la page d'import)."""
    suivi = get_object_or_404(ImportStructures.objects.select_related("lance_par", "collectivite"), pk=pk)
    if not peut_importer(qui):
        raise PermissionDenied("L'import de structures est réservé aux agents des collectivités.")
    if not peut_suivre_import(qui, suivi):
        raise Http404("Import introuvable.")
    return suivi


def structure_pour_rib(qui: Qui, pk: int) -> Structure:
    """La page du RIB n'existe que pour ses lecteurs (membres, qui peut le valider) et les administrateurs (404 pour
    les autres)."""
    structure = get_object_or_404(Structure, pk=pk)
    if not peut_voir_page_rib(qui, structure):
        raise Http404("Structure introuvable.")
    return structure


def structure_pour_proposer_rib(qui: Qui, pk: int) -> Structure:
    structure = structure_pour_rib(qui, pk)
    if not peut_proposer_rib(qui, structure):
        raise PermissionDenied("Seuls les membres de la structure proposent son RIB.")
    return structure


def rib_pour_lire(qui: Qui, pk: int, rib_pk: int) -> Rib:
    structure = structure_pour_rib(qui, pk)
    if not peut_lire_rib(qui, structure):
        raise PermissionDenied("Seuls les membres de la structure et les agents qui valident son RIB le lisent.")
    return get_object_or_404(Rib.objects.select_related("structure"), pk=rib_pk, structure=structure)


def rib_pour_valider(qui: Qui, pk: int, rib_pk: int) -> Rib:
    structure = structure_pour_rib(qui, pk)
    if not peut_valider_rib(qui, structure):
        raise PermissionDenied(
            "Seul un agent d'un financeur de la structure (hors membres de la structure) valide son RIB."
        )
    return get_object_or_404(Rib.objects.select_related("structure"), pk=rib_pk, structure=structure)


def structure_pour_coffre(qui: Qui, pk: int) -> Structure:
    """Le coffre-fort n'existe que pour les membres de la structure (404 pour les autres : la fiche est publique,
    ses documents non)."""
    structure = get_object_or_404(Structure, pk=pk)
    if not peut_gerer_coffre(qui, structure):
        raise Http404("Structure introuvable.")
    return structure


def document_pour_gerer(qui: Qui, pk: int, document_pk: int) -> DocumentStructure:
    """Un document du coffre à remplacer, archiver ou supprimer : 404 hors de la structure ; 403 pour qui le lit
    sans en être membre (l'instructeur d'un dossier qui le joint)."""
    document = get_object_or_404(DocumentStructure.objects.select_related("structure"), pk=document_pk, structure_id=pk)
    if peut_gerer_coffre(qui, document.structure):
        return document
    if peut_lire_document(qui, document):
        raise PermissionDenied("Seuls les membres de la structure gèrent les documents de son coffre.")
    raise Http404("Document introuvable.")


def document_pour_lire(qui: Qui, pk: int, document_pk: int) -> DocumentStructure:
    document = get_object_or_404(DocumentStructure.objects.select_related("structure"), pk=document_pk, structure_id=pk)
    if not peut_lire_document(qui, document):
        raise Http404("Document introuvable.")
    return document
