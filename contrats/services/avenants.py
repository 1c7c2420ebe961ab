"""Avenants d'un contrat signé, et dispositifs nationaux du contrat.

Un avenant se prépare (ce qui change, pourquoi, le nouveau texte des sections concernées) puis s'adopte (date,
délibération) : l'adoption crée, pour chaque section, une version au message « Avenant n° N », et s'inscrit au
journal du contrat. Tout se fait dans une transaction : rien n'est à moitié enregistré.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from config.lib.etats import changer_etat
from contrats.models import (
    Avenant,
    ContratDeVille,
    DispositifNational,
    ModificationAvenant,
    Section,
    StatutAvenant,
)
from contrats.permissions import peut_modifier_dispositifs, peut_preparer_avenant
from contrats.services.journal import journaliser_modification
from contrats.services.sections import _nouvelle_version, _verifier_texte

REFUS_AVENANT = (
    "Seuls les agents de la collectivité porteuse préparent les avenants, et seulement sur un contrat signé "
    "ou en exécution."
)
TRANSITIONS_AVENANT: dict[str, list[str]] = {
    StatutAvenant.PREPARATION: [StatutAvenant.ADOPTE],
    StatutAvenant.ADOPTE: [],
}


def _verifier(auteur, contrat: ContratDeVille) -> None:
    if not peut_preparer_avenant(auteur, contrat):
        raise PermissionDenied(REFUS_AVENANT)


def _verifier_en_preparation(avenant: Avenant) -> None:
    if avenant.statut != StatutAvenant.PREPARATION:
        raise ValidationError(f"L'avenant n° {avenant.numero} est adopté : il ne change plus.")


@transaction.atomic
def creer_avenant(contrat: ContratDeVille, auteur, objet: str, motif: str) -> Avenant:
    _verifier(auteur, contrat)
    objet, motif = (objet or "").strip(), (motif or "").strip()
    erreurs = {}
    if not objet:
        erreurs["objet"] = "Dites en une ligne ce que change l'avenant."
    if not motif:
        erreurs["motif"] = "Dites pourquoi le contrat change : le motif figure dans l'avenant."
    if erreurs:
        raise ValidationError(erreurs)
    # Le contrat verrouillé : deux avenants créés en même temps ne prennent pas le même numéro.
    ContratDeVille.objects.select_for_update().filter(pk=contrat.pk).first()
    dernier = Avenant.objects.filter(contrat=contrat).aggregate(n=Max("numero"))["n"] or 0
    avenant = Avenant.objects.create(contrat=contrat, numero=dernier + 1, objet=objet, motif=motif, cree_par=auteur)
    journaliser_modification(contrat, auteur, f"Avenant n° {avenant.numero} en préparation : {objet}")
    return avenant


@transaction.atomic
def modifier_section(avenant: Avenant, auteur, section: Section, texte: str) -> ModificationAvenant:
    """Le nouveau texte d'une section dans l'avenant (remplace celui déjà saisi pour cette section)."""
    _verifier(auteur, avenant.contrat)
    _verifier_en_preparation(avenant)
    if section.contrat_id != avenant.contrat_id:
        raise ValidationError({"section": "Cette section n'appartient pas à ce contrat."})
    propre = _verifier_texte(texte)
    if propre == section.texte:
        raise ValidationError({"texte": "Ce texte est celui de la section en vigueur : modifiez-le."})
    modification, _ = ModificationAvenant.objects.update_or_create(
        avenant=avenant, section=section, defaults={"texte": propre}
    )
    return modification


@transaction.atomic
def retirer_modification(avenant: Avenant, auteur, modification: ModificationAvenant) -> None:
    _verifier(auteur, avenant.contrat)
    _verifier_en_preparation(avenant)
    if modification.avenant_id != avenant.pk:
        raise ValidationError("Cette modification n'appartient pas à cet avenant.")
    modification.delete()


def adopter(avenant: Avenant, auteur, date_adoption: datetime.date, reference: str) -> Avenant:
    """Adopte l'avenant : chaque nouveau texte devient une version de sa section (« Avenant n° N »)."""
    contrat = avenant.contrat
    _verifier(auteur, contrat)
    reference = (reference or "").strip()
    erreurs = {}
    if not date_adoption:
        erreurs["date_adoption"] = "Indiquez la date d'adoption de l'avenant."
    if not reference:
        erreurs["reference"] = "Indiquez la délibération ou la référence qui adopte l'avenant."
    if erreurs:
        raise ValidationError(erreurs)
    with transaction.atomic():
        modifications = list(
            avenant.modifications.select_related("section").select_for_update(of=("self",)).order_by("pk")
        )
        if not modifications:
            raise ValidationError(
                "Cet avenant est vide : ajoutez le nouveau texte d'au moins une section avant de l'adopter."
            )
        message = f"Avenant n° {avenant.numero}"

        def journaliser(de, a):
            for modification in modifications:
                section = Section.toutes.select_for_update().get(pk=modification.section_id)
                modification.texte_avant = section.texte
                modification.version = _nouvelle_version(section, auteur, modification.texte, message)
                modification.save(update_fields=["version", "texte_avant"])
            titres = ", ".join(f"« {m.section.titre} »" for m in modifications)
            return journaliser_modification(
                contrat,
                auteur,
                f"Avenant n° {avenant.numero} adopté le {date_adoption:%d/%m/%Y} ({reference}) : {avenant.objet}. "
                f"Sections modifiées : {titres}.",
            )

        changer_etat(
            avenant,
            StatutAvenant.ADOPTE,
            transitions=TRANSITIONS_AVENANT,
            etats=StatutAvenant,
            nom="Un avenant",
            journaliser=journaliser,
            valeurs={"date_adoption": date_adoption, "reference": reference, "adopte_par": auteur},
        )
    return avenant


@transaction.atomic
def modifier_dispositifs(contrat: ContratDeVille, auteur, dispositifs: list[str]) -> None:
    if not peut_modifier_dispositifs(auteur, contrat):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse indiquent les dispositifs du contrat.")
    inconnus = set(dispositifs) - set(DispositifNational.values)
    if inconnus:
        raise ValidationError({"dispositifs": "Choisissez des dispositifs de la liste."})
    nouveaux = [d for d in DispositifNational.values if d in dispositifs]
    if nouveaux == list(contrat.dispositifs):
        return
    contrat.dispositifs = nouveaux
    contrat.save(update_fields=["dispositifs", "modifie_le"])
    libelles = ", ".join(contrat.libelles_dispositifs) or "aucun"
    journaliser_modification(contrat, auteur, f"Dispositifs nationaux : {libelles}.")
