"""La vie d'une structure et d'un collectif après leur création : corriger un collectif, le dissoudre ou le
supprimer ; indiquer qu'une structure a cessé son activité (ou l'annuler), sans rien perdre de son histoire."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from acteurs_ess.choix import EtatMembreCollectif, RoleCollectif
from acteurs_ess.models import Collectif, Structure
from acteurs_ess.permissions import peut_gerer_collectif, peut_modifier_structure
from acteurs_ess.registres import obstacles_suppression_collectif
from comptes.contexte import Qui

REFUS_COLLECTIF = "Seuls les membres d'une organisation qui anime ce collectif le modifient."


def _date_passee_ou_du_jour(jour: date | None, quoi: str) -> date:
    if jour is None:
        raise ValidationError(f"Indiquez la date {quoi}.")
    if jour > timezone.localdate():
        raise ValidationError(f"La date {quoi} ne peut pas être à venir : indiquez-la quand c'est fait.")
    return jour


@transaction.atomic
def modifier_collectif(qui: Qui, collectif: Collectif, donnees: dict) -> Collectif:
    """Le nom, le type, la description, la commune et le site d'un collectif."""
    if not peut_gerer_collectif(qui, collectif):
        raise PermissionDenied(REFUS_COLLECTIF)
    for champ in ("nom", "type", "description", "commune", "site_web"):
        setattr(collectif, champ, donnees[champ])
    collectif.save(update_fields=["nom", "type", "description", "commune", "site_web"])
    return collectif


@transaction.atomic
def dissoudre_collectif(qui: Qui, collectif: Collectif, le: date | None, motif: str) -> Collectif:
    """Le collectif est dissous à cette date : il reste lisible (ses membres, les contrats qui le citent), mais
    n'accueille plus de membres."""
    if not peut_gerer_collectif(qui, collectif):
        raise PermissionDenied(REFUS_COLLECTIF)
    collectif = Collectif.objects.select_for_update().get(pk=collectif.pk)
    if collectif.dissous_le is not None:
        raise ValidationError(f"Ce collectif est déjà dissous depuis le {collectif.dissous_le:%d/%m/%Y}.")
    collectif.dissous_le = _date_passee_ou_du_jour(le, "de la dissolution")
    collectif.motif_dissolution = (motif or "").strip()
    collectif.save(update_fields=["dissous_le", "motif_dissolution"])
    return collectif


def raisons_de_garder(collectif: Collectif) -> list[str]:
    """Pourquoi le collectif ne se supprime pas (il se dissout) : d'autres membres que ses animateurs, ou des
    objets d'autres applications qui le citent."""
    raisons = []
    autres = collectif.membres.filter(etat=EtatMembreCollectif.ACCEPTEE).exclude(role=RoleCollectif.ANIMATEUR).count()
    if autres:
        raisons.append(f"{autres} organisation(s) en sont membres.")
    raisons += [raison for verifier in obstacles_suppression_collectif.values() for raison in verifier(collectif)]
    return raisons


@transaction.atomic
def supprimer_collectif(qui: Qui, collectif: Collectif) -> None:
    """Supprime un collectif créé par erreur ; un collectif qui a une histoire se dissout."""
    if not peut_gerer_collectif(qui, collectif):
        raise PermissionDenied(REFUS_COLLECTIF)
    raisons = raisons_de_garder(collectif)
    if raisons:
        raise ValidationError(
            [f"« {collectif.nom} » ne peut pas être supprimé :", *raisons, "Dissolvez-le plutôt : il restera lisible."]
        )
    collectif.delete()


@transaction.atomic
def cesser_activite(qui: Qui, structure: Structure, le: date | None, motif: str = "") -> Structure:
    """La structure a cessé son activité à cette date : sa fiche le dit, son histoire reste."""
    if not peut_modifier_structure(qui, structure):
        raise PermissionDenied("Seuls les membres de la structure indiquent qu'elle a cessé son activité.")
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if structure.activite_cessee_le is not None:
        raise ValidationError(f"Cette structure a déjà cessé son activité le {structure.activite_cessee_le:%d/%m/%Y}.")
    structure.activite_cessee_le = _date_passee_ou_du_jour(le, "de cessation d'activité")
    structure.motif_cessation = (motif or "").strip()
    structure.save(update_fields=["activite_cessee_le", "motif_cessation"])
    return structure


@transaction.atomic
def reprendre_activite(qui: Qui, structure: Structure) -> Structure:
    """Annule une cessation d'activité indiquée par erreur (ou une reprise)."""
    if not peut_modifier_structure(qui, structure):
        raise PermissionDenied("Seuls les membres de la structure modifient sa fiche.")
    if structure.activite_cessee_le is None:
        raise ValidationError("Cette structure est déjà indiquée comme active.")
    structure.activite_cessee_le, structure.motif_cessation = None, ""
    structure.save(update_fields=["activite_cessee_le", "motif_cessation"])
    return structure
