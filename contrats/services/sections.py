"""Rédaction du projet de territoire : sections, versions, restauration, et l'arbre des orientations.

Chaque enregistrement d'une section est une nouvelle version. L'enregistrement porte le numéro de la
version sur laquelle la personne a commencé : si une autre version a été enregistrée entre-temps, il est
refusé (`VersionPerimee`) et la page montre les deux textes pour les fusionner.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from contrats.models import (
    ContratDeVille,
    Contribution,
    Etape,
    JournalContribution,
    NiveauOrientation,
    Orientation,
    Section,
    VersionSection,
)
from contrats.models.concertation import STATUTS_INTEGRES
from contrats.permissions import peut_modifier_contrat
from contrats.registres import obstacles, obstacles_suppression_orientation
from contrats.services.journal import journaliser_modification
from contrats.texte import MESSAGE_DANGEREUX, contenu_dangereux, nettoyer

REFUS_MODIFICATION = (
    "Seuls les agents de la collectivité porteuse rédigent ce contrat, et seulement avant sa signature : un "
    "contrat signé ne change plus que par avenant, créez un avenant depuis la page du contrat."
)


class VersionPerimee(Exception):
    """La section a changé depuis que la personne l'a ouverte : son texte n'est pas enregistré."""

    def __init__(self, section: Section, courante: VersionSection | None):
        self.section = section
        self.courante = courante
        auteur = f" par {courante.auteur}" if courante else ""
        super().__init__(
            f"Une autre version de « {section.titre} » (version {section.numero}{auteur}) a été enregistrée "
            "pendant que vous écriviez. Votre texte n'est pas perdu : il est ci-dessous. Reportez-y les "
            "changements de l'autre version si besoin, puis enregistrez."
        )


def _verifier_texte(texte: str) -> str:
    if contenu_dangereux(texte):
        raise ValidationError(MESSAGE_DANGEREUX)
    return nettoyer(texte)


@transaction.atomic
def creer_section(contrat: ContratDeVille, auteur, etape: str, titre: str, texte: str = "") -> Section:
    if not peut_modifier_contrat(auteur, contrat):
        raise PermissionDenied(REFUS_MODIFICATION)
    propre = _verifier_texte(texte)
    if not titre.strip():
        raise ValidationError("Donnez un titre à la section.")
    dernier = Section.toutes.filter(contrat=contrat).order_by("-ordre").values_list("ordre", flat=True).first() or 0
    section = Section.objects.create(contrat=contrat, etape=etape, titre=titre.strip(), ordre=dernier + 1)
    if propre:
        _nouvelle_version(section, auteur, propre, "Création de la section")
    return section


def _nouvelle_version(section: Section, auteur, texte: str, message: str, restauree_de: int | None = None):
    maintenant = timezone.now()
    version = VersionSection.objects.create(
        section=section,
        numero=section.numero + 1,
        texte=texte,
        auteur=auteur,
        cree_le=maintenant,
        message=message[:255],
        restauree_de=restauree_de,
    )
    section.texte = texte
    section.numero = version.numero
    section.modifiee_le = maintenant
    section.modifiee_par = auteur
    section.save(update_fields=["texte", "numero", "modifiee_le", "modifiee_par"])
    return version


def _verrouiller(section: Section, version_base: int) -> Section:
    verrouillee = Section.objects.select_for_update().select_related("contrat").get(pk=section.pk)
    if verrouillee.numero != version_base:
        courante = verrouillee.versions.select_related("auteur").filter(numero=verrouillee.numero).first()
        raise VersionPerimee(verrouillee, courante)
    return verrouillee


@transaction.atomic
def enregistrer(
    section: Section,
    auteur,
    texte: str,
    version_base: int,
    message: str = "",
    contributions: Iterable[Contribution] = (),
) -> VersionSection:
    """Enregistre une nouvelle version de la section, en y rattachant les contributions qu'elle intègre."""
    if not peut_modifier_contrat(auteur, section.contrat):
        raise PermissionDenied(REFUS_MODIFICATION)
    propre = _verifier_texte(texte)
    contributions = list(contributions)
    verrouillee = _verrouiller(section, version_base)
    if propre == verrouillee.texte and not contributions:
        raise ValidationError("Le texte n'a pas changé : aucune nouvelle version n'a été créée.")
    for contribution in contributions:
        _verifier_integrable(contribution, verrouillee.contrat)
    version = _nouvelle_version(verrouillee, auteur, propre, message.strip())
    for contribution in contributions:
        integrer(contribution, version, auteur)
    section.__dict__.update({k: getattr(verrouillee, k) for k in ("texte", "numero", "modifiee_le", "modifiee_par_id")})
    return version


@transaction.atomic
def restaurer(section: Section, auteur, numero: int, version_base: int) -> VersionSection:
    """Restaure une ancienne version : une nouvelle version qui en reprend le texte (rien n'est effacé)."""
    if not peut_modifier_contrat(auteur, section.contrat):
        raise PermissionDenied(REFUS_MODIFICATION)
    ancienne = section.versions.filter(numero=numero).first()
    if ancienne is None:
        raise ValidationError(f"La version {numero} de cette section n'existe pas.")
    verrouillee = _verrouiller(section, version_base)
    if ancienne.numero == verrouillee.numero:
        raise ValidationError("Cette version est déjà la version actuelle.")
    version = _nouvelle_version(
        verrouillee, auteur, nettoyer(ancienne.texte), f"Restauration de la version {numero}", restauree_de=numero
    )
    section.__dict__.update({k: getattr(verrouillee, k) for k in ("texte", "numero", "modifiee_le", "modifiee_par_id")})
    return version


def _verifier_integrable(contribution: Contribution, contrat: ContratDeVille) -> None:
    if contribution.concertation.contrat_id != contrat.pk:
        raise ValidationError("Cette contribution ne porte pas sur ce contrat.")
    if not contribution.est_integrable:
        raise ValidationError(
            f"La contribution n° {contribution.pk} n'est pas retenue : répondez-y (retenue ou partiellement "
            "retenue) avant de l'intégrer dans une version."
        )
    if contribution.version_integration_id:
        raise ValidationError(f"La contribution n° {contribution.pk} est déjà intégrée dans une version.")


@transaction.atomic
def integrer(contribution: Contribution, version: VersionSection, auteur) -> None:
    """Relie une contribution retenue à la version de section qui l'a prise en compte (traçabilité)."""
    contrat = version.section.contrat
    if not peut_modifier_contrat(auteur, contrat):
        raise PermissionDenied(REFUS_MODIFICATION)
    _verifier_integrable(contribution, contrat)
    contribution.version_integration = version
    contribution.save(update_fields=["version_integration"])
    JournalContribution.objects.create(
        contribution=contribution,
        auteur=auteur,
        evenement=f"Intégrée dans la version {version.numero} de la section « {version.section.titre} »",
    )


@transaction.atomic
def creer_orientation(
    contrat: ContratDeVille,
    auteur,
    titre: str,
    parent: Orientation | None = None,
    description: str = "",
    piliers: Iterable[str] = (),
    axes: Iterable[str] = (),
    qpv: Iterable = (),
) -> Orientation:
    """Ajoute une orientation stratégique, ou un objectif opérationnel sous une orientation."""
    if not peut_modifier_contrat(auteur, contrat):
        raise PermissionDenied(REFUS_MODIFICATION)
    if parent is not None and (parent.contrat_id != contrat.pk or parent.parent_id is not None):
        raise ValidationError("Un objectif opérationnel se rattache à une orientation stratégique de ce contrat.")
    qpv = list(qpv)
    codes_du_contrat = set(contrat.qpv.values_list("code", flat=True))
    if any(q.code not in codes_du_contrat for q in qpv):
        raise ValidationError("Choisissez des QPV couverts par ce contrat.")
    freres = Orientation.objects.filter(contrat=contrat, parent=parent)
    orientation = Orientation.objects.create(
        contrat=contrat,
        parent=parent,
        niveau=NiveauOrientation.OBJECTIF if parent else NiveauOrientation.ORIENTATION,
        titre=titre.strip(),
        description=description.strip(),
        ordre=(freres.order_by("-ordre").values_list("ordre", flat=True).first() or 0) + 1,
        piliers=list(piliers),
        axes=list(axes),
    )
    orientation.qpv.set(qpv)
    return orientation


# --- Renommer, ordonner, supprimer et restaurer une section ---------------------------------------------------


def _verifier_redaction(auteur, contrat: ContratDeVille) -> None:
    if not peut_modifier_contrat(auteur, contrat):
        raise PermissionDenied(REFUS_MODIFICATION)


@transaction.atomic
def renommer_section(section: Section, auteur, titre: str, etape: str) -> Section:
    """Change le titre ou l'étape d'une section ; son texte et ses versions ne bougent pas."""
    _verifier_redaction(auteur, section.contrat)
    titre = titre.strip()
    if not titre:
        raise ValidationError("Donnez un titre à la section.")
    if etape not in Etape.values:
        raise ValidationError("Cette étape n'existe pas.")
    ancien = section.titre
    section.titre, section.etape = titre, etape
    section.save(update_fields=["titre", "etape"])
    if ancien != titre:
        journaliser_modification(section.contrat, auteur, f"Section renommée : « {ancien} » devient « {titre} »")
    return section


@transaction.atomic
def deplacer_section(section: Section, auteur, sens: str) -> bool:
    """Monte (`sens="haut"`) ou descend (`"bas"`) la section d'un rang parmi celles de son étape. Rend False si
    elle est déjà en tête (ou en queue) : rien ne change."""
    _verifier_redaction(auteur, section.contrat)
    if sens not in ("haut", "bas"):
        raise ValidationError("Choisissez de monter ou de descendre la section.")
    # Les sections du contrat verrouillées : deux déplacements simultanés ne mélangent pas les rangs.
    freres = list(
        Section.objects.select_for_update()
        .filter(contrat_id=section.contrat_id, etape=section.etape)
        .order_by("ordre", "pk")
    )
    rang = next(i for i, s in enumerate(freres) if s.pk == section.pk)
    voisin = rang - 1 if sens == "haut" else rang + 1
    if not 0 <= voisin < len(freres):
        return False
    freres[rang], freres[voisin] = freres[voisin], freres[rang]
    for i, frere in enumerate(freres, start=1):
        frere.ordre = i
    Section.objects.bulk_update(freres, ["ordre"])
    return True


@transaction.atomic
def supprimer_section(section: Section, auteur) -> None:
    """Retire la section du contrat (page, PDF, concertations) en gardant ses versions : elle se restaure depuis
    « Sections supprimées ». Refusé si des contributions retenues s'y rattachent : elles montrent ce que la
    concertation a changé dans cette section."""
    _verifier_redaction(auteur, section.contrat)
    retenues = section.contributions.filter(statut__in=sorted(STATUTS_INTEGRES)).count()
    if retenues:
        raise ValidationError(
            f"« {section.titre} » porte {retenues} contribution(s) retenue(s) de la concertation : la supprimer "
            "effacerait de la page ce que la concertation y a changé. Renommez-la ou réécrivez son texte (une "
            "nouvelle version) plutôt que de la supprimer."
        )
    section.supprimee_le = timezone.now()
    section.supprimee_par = auteur
    section.save(update_fields=["supprimee_le", "supprimee_par"])
    journaliser_modification(section.contrat, auteur, f"Section supprimée : « {section.titre} »")


@transaction.atomic
def restaurer_section(section: Section, auteur) -> Section:
    """Remet une section supprimée à sa place (en fin de son étape), avec toutes ses versions."""
    _verifier_redaction(auteur, section.contrat)
    if section.supprimee_le is None:
        raise ValidationError("Cette section n'est pas supprimée.")
    dernier = (
        Section.objects.filter(contrat_id=section.contrat_id).order_by("-ordre").values_list("ordre", flat=True).first()
        or 0
    )
    section.supprimee_le, section.supprimee_par, section.ordre = None, None, dernier + 1
    section.save(update_fields=["supprimee_le", "supprimee_par", "ordre"])
    journaliser_modification(section.contrat, auteur, f"Section restaurée : « {section.titre} »")
    return section


# --- Modifier et supprimer une orientation ---------------------------------------------------------------------


@transaction.atomic
def modifier_orientation(
    orientation: Orientation,
    auteur,
    titre: str,
    description: str = "",
    piliers: Iterable[str] = (),
    axes: Iterable[str] = (),
    qpv: Iterable = (),
) -> Orientation:
    contrat = orientation.contrat
    _verifier_redaction(auteur, contrat)
    if not titre.strip():
        raise ValidationError("Donnez un titre.")
    qpv = list(qpv)
    codes_du_contrat = set(contrat.qpv.values_list("code", flat=True))
    if any(q.code not in codes_du_contrat for q in qpv):
        raise ValidationError("Choisissez des QPV couverts par ce contrat.")
    orientation.titre, orientation.description = titre.strip(), description.strip()
    orientation.piliers, orientation.axes = list(piliers), list(axes)
    orientation.save(update_fields=["titre", "description", "piliers", "axes"])
    orientation.qpv.set(qpv)
    journaliser_modification(
        contrat, auteur, f"{orientation.get_niveau_display()} modifié(e) : « {orientation.titre} »"
    )
    return orientation


@transaction.atomic
def supprimer_orientation(orientation: Orientation, auteur) -> None:
    """Supprime une orientation (et ses objectifs) ou un objectif, sauf si d'autres en dépendent : des appels
    à projets ou des dossiers qui l'ont choisie comme priorité, des contributions de la concertation."""
    contrat = orientation.contrat
    _verifier_redaction(auteur, contrat)
    concernees = [orientation, *orientation.objectifs.all()]
    raisons = [raison for o in concernees for raison in obstacles(obstacles_suppression_orientation, o)]
    contributions = Contribution.objects.filter(orientation__in=concernees).count()
    if contributions:
        raisons.append(f"{contributions} contribution(s) de la concertation y répondent.")
    if raisons:
        raise ValidationError(
            [
                f"« {orientation.titre} » ne peut pas être supprimée :",
                *raisons,
                "Renommez-la ou reformulez-la plutôt.",
            ]
        )
    titre, niveau = orientation.titre, orientation.get_niveau_display()
    orientation.delete()
    journaliser_modification(contrat, auteur, f"{niveau} supprimé(e) : « {titre} »")
