"""Inscription d'une structure, détection des doublons, demandes de rattachement, vérification, confirmation
d'un import, RIB proposés et validés."""

import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from procrastinate.exceptions import AlreadyEnqueued
from stdnum import bic as stdnum_bic
from stdnum import exceptions as stdnum_exceptions
from stdnum import iban as stdnum_iban

from acteurs_ess import taches
from acteurs_ess.choix import EtatDemande, EtatMembreCollectif, RoleCollectif, TypePiece
from acteurs_ess.models import (
    Collectif,
    DemandeRattachement,
    DocumentStructure,
    EtatRib,
    ImportStructures,
    MembreCollectif,
    Rib,
    Structure,
)
from acteurs_ess.permissions import (
    collectivites_agent,
    est_membre,
    peut_creer_collectif,
    peut_decider_rattachement,
    peut_gerer_collectif,
    peut_proposer_rib,
    peut_valider_rib,
    peut_verifier_structure,
    q_collectivites_contenant,
    q_communes_des_collectivites,
)
from comptes.audit import journaliser
from comptes.contexte import Qui, contexte
from comptes.models import ActionAudit, Adhesion, Organisation, Role, TypeOrganisation, Utilisateur, role_gestionnaire
from config.lib.courriels import envoyer_apres_validation
from config.lib.fichiers import EXTENSIONS_PDF_IMAGE, EXTENSIONS_PDF_IMAGE_LISIBLES, verifier_fichier


@dataclass(frozen=True)
class Doublon:
    """Une structure déjà inscrite qui partage un identifiant avec celle qu'on s'apprête à créer."""

    structure: Structure
    motif: str
    bloquant: bool  # même SIRET ou même RNA : c'est la même structure ; même SIREN seul : peut-être un autre
    # établissement de la même entité.


def doublons(siret: str = "", siren: str = "", rna: str = "", exclure: int | None = None) -> list[Doublon]:
    """Les structures déjà inscrites avec le même SIRET, le même numéro RNA ou le même SIREN."""
    siren = siren or siret[:9]
    condition = Q()
    if siret:
        condition |= Q(siret=siret)
    if rna:
        condition |= Q(rna=rna)
    if siren:
        condition |= Q(siren=siren)
    if not condition:
        return []
    trouvees = Structure.objects.filter(condition).select_related("commune").order_by("raison_sociale")
    if exclure:
        trouvees = trouvees.exclude(pk=exclure)
    resultat = []
    for structure in trouvees[:20]:
        if siret and structure.siret == siret:
            resultat.append(Doublon(structure, f"même SIRET ({siret})", True))
        elif rna and structure.rna == rna:
            resultat.append(Doublon(structure, f"même numéro RNA ({rna})", True))
        else:
            resultat.append(Doublon(structure, f"même SIREN ({siren}), autre établissement", False))
    return resultat


def _enregistrer_liens(structure: Structure, qpv, communes_action) -> None:
    structure.qpv.set(qpv)
    structure.communes_action.set(communes_action)


@transaction.atomic
def inscrire_structure(utilisateur: Utilisateur, donnees: dict, qpv=(), communes_action=()) -> Structure:
    """Crée la structure, son organisation, et en fait de l'utilisateur le premier membre."""
    bloquants = [
        d for d in doublons(donnees.get("siret", ""), donnees.get("siren", ""), donnees.get("rna", "")) if d.bloquant
    ]
    if bloquants:
        raise ValidationError(
            f"{bloquants[0].structure} est déjà inscrite ({bloquants[0].motif}) : demandez à la rejoindre."
        )
    organisation = Organisation.objects.create(
        nom=donnees["raison_sociale"], type=TypeOrganisation.STRUCTURE, siret=donnees.get("siret", "")
    )
    structure = Structure(organisation=organisation, **donnees)
    try:
        with transaction.atomic():
            structure.save()
    except IntegrityError:
        raise ValidationError("Une structure avec ce SIRET ou ce numéro RNA vient d'être inscrite.") from None
    _enregistrer_liens(structure, qpv, communes_action)
    Adhesion.objects.create(utilisateur=utilisateur, organisation=organisation, role=Role.STRUCTURE)
    return structure


@transaction.atomic
def modifier_structure(structure: Structure, donnees: dict, qpv=(), communes_action=()) -> Structure:
    for champ, valeur in donnees.items():
        setattr(structure, champ, valeur)
    try:
        with transaction.atomic():
            structure.save()
    except IntegrityError:
        raise ValidationError("Une autre structure utilise déjà ce SIRET ou ce numéro RNA.") from None
    if structure.organisation.nom != structure.raison_sociale or structure.organisation.siret != structure.siret:
        Organisation.objects.filter(pk=structure.organisation_id).update(
            nom=structure.raison_sociale, siret=structure.siret
        )
    _enregistrer_liens(structure, qpv, communes_action)
    return structure


def _lien(nom: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(nom, args=args)


@transaction.atomic
def demander_rattachement(utilisateur: Utilisateur, structure: Structure, message: str = "") -> DemandeRattachement:
    """Demande à rejoindre une structure inscrite ; sans membre, c'est une revendication (structure importée)."""
    if est_membre(utilisateur, structure):
        raise ValidationError(f"Vous êtes déjà membre de {structure}.")
    if structure.demandes_rattachement.filter(demandeur=utilisateur, etat=EtatDemande.EN_ATTENTE).exists():
        raise ValidationError(f"Vous avez déjà une demande en attente pour {structure}.")
    membres = list(
        Adhesion.objects.filter(organisation_id=structure.organisation_id, role=Role.STRUCTURE).values_list(
            "utilisateur__email", flat=True
        )
    )
    demande = DemandeRattachement.objects.create(
        structure=structure, demandeur=utilisateur, message=message.strip(), revendication=not membres
    )
    # Sans membre (revendication d'une structure importée), ce sont les agents du territoire qui décident.
    destinataires = membres or _emails_agents_du_territoire(structure)
    if destinataires:
        verbe = "rejoindre" if membres else "revendiquer"
        envoyer_apres_validation(
            f"{utilisateur} demande à {verbe} {structure}",
            (
                f"{utilisateur} ({utilisateur.email}) demande à {verbe} {structure} sur Coville.\n\n"
                f"{demande.message}\n\nPour accepter ou refuser : {_lien('acteurs_ess:rattachements')}\n"
            ),
            destinataires,
        )
    return demande


def _emails_agents_du_territoire(structure: Structure) -> list[str]:
    if structure.commune_id is None:
        return []
    return sorted(
        set(
            Adhesion.objects.filter(
                q_collectivites_contenant(structure.commune_id, prefixe="organisation__"), role=Role.AGENT
            ).values_list("utilisateur__email", flat=True)
        )
    )


def _decider(decideur: Utilisateur, demande: DemandeRattachement, etat: str, motif: str) -> DemandeRattachement:
    demande = DemandeRattachement.objects.select_for_update().select_related("structure").get(pk=demande.pk)
    if not peut_decider_rattachement(decideur, demande):
        raise PermissionDenied("Vous ne pouvez pas décider de cette demande.")
    if not demande.est_en_attente:
        raise ValidationError(f"Cette demande a déjà été {demande.get_etat_display().lower()}.")
    demande.etat = etat
    demande.decidee_le = timezone.now()
    demande.decidee_par = decideur
    demande.motif = motif.strip()
    demande.save(update_fields=["etat", "decidee_le", "decidee_par", "motif"])
    return demande


@transaction.atomic
def accepter_rattachement(decideur: Utilisateur, demande: DemandeRattachement, motif: str = "") -> DemandeRattachement:
    demande = _decider(decideur, demande, EtatDemande.ACCEPTEE, motif)
    adhesion, creee = Adhesion.objects.get_or_create(
        utilisateur=demande.demandeur,
        organisation_id=demande.structure.organisation_id,
        defaults={"role": Role.STRUCTURE},
    )
    journaliser(
        ActionAudit.RATTACHEMENT_ACCEPTE,
        auteur=decideur,
        objet=adhesion,
        organisation=demande.structure.organisation,
        details={
            "demandeur": demande.demandeur.email,
            "structure": str(demande.structure),
            "revendication": demande.revendication,
            "deja_membre": not creee,
        },
    )
    envoyer_apres_validation(
        f"Vous avez rejoint {demande.structure}",
        (
            f"Votre demande pour rejoindre {demande.structure} a été acceptée. Vous pouvez tenir sa fiche à "
            f"jour : {_lien('acteurs_ess:modifier', demande.structure.pk)}\n"
        ),
        [demande.demandeur.email],
    )
    return demande


@transaction.atomic
def refuser_rattachement(decideur: Utilisateur, demande: DemandeRattachement, motif: str = "") -> DemandeRattachement:
    if not motif.strip():
        raise ValidationError("Indiquez le motif du refus : il est transmis à la personne.")
    demande = _decider(decideur, demande, EtatDemande.REFUSEE, motif)
    envoyer_apres_validation(
        f"Votre demande pour rejoindre {demande.structure}",
        f"Votre demande pour rejoindre {demande.structure} a été refusée.\n\nMotif : {demande.motif}\n",
        [demande.demandeur.email],
    )
    return demande


def demandes_a_decider(qui: Qui) -> QuerySet[DemandeRattachement]:
    """Les demandes en attente que la personne peut décider : celles de ses structures, celles du territoire
    de ses collectivités (d'après leurs liens au référentiel), toutes pour un administrateur."""
    acces = contexte(qui)
    demandes = DemandeRattachement.objects.filter(etat=EtatDemande.EN_ATTENTE).exclude(
        demandeur_id=acces.utilisateur.pk
    )
    if not acces.est_admin:
        condition = Q(structure__organisation_id__in=acces.ids_organisations(Role.STRUCTURE))
        condition |= q_communes_des_collectivites(collectivites_agent(acces), prefixe="structure__commune__")
        demandes = demandes.filter(condition)
    return demandes.select_related("structure", "structure__commune", "demandeur").order_by("cree_le")


@transaction.atomic
def verifier_structure(agent: Utilisateur, structure: Structure) -> Structure:
    if not peut_verifier_structure(agent, structure):
        raise PermissionDenied("Vous ne pouvez pas vérifier cette structure.")
    structure.verifiee_le = timezone.now()
    structure.verifiee_par = agent
    structure.save(update_fields=["verifiee_le", "verifiee_par"])
    journaliser(
        ActionAudit.STRUCTURE_VERIFIEE,
        auteur=agent,
        objet=structure,
        organisation=structure.organisation,
        details={"siret": structure.siret, "rna": structure.rna},
    )
    return structure


@transaction.atomic
def creer_collectif(utilisateur: Utilisateur, organisation: Organisation, donnees: dict) -> Collectif:
    """Crée le collectif ; l'organisation de la personne qui le crée en devient l'animatrice."""
    if not peut_creer_collectif(utilisateur):
        raise PermissionDenied("Seuls les membres d'une structure et les agents des collectivités créent un collectif.")
    if not contexte(utilisateur).est_membre(organisation):
        raise PermissionDenied(f"Vous n'êtes pas membre de {organisation}.")
    collectif = Collectif.objects.create(**donnees)
    MembreCollectif.objects.create(collectif=collectif, organisation=organisation, role=RoleCollectif.ANIMATEUR)
    return collectif


def _emails_gestionnaires(organisation_ids: list[int]) -> list[str]:
    """Les adresses des personnes qui gèrent ces organisations (rôle gestionnaire de leur type)."""
    adhesions = Adhesion.objects.filter(organisation_id__in=organisation_ids).select_related(
        "organisation", "utilisateur"
    )
    return sorted({a.utilisateur.email for a in adhesions if a.role == role_gestionnaire(a.organisation.type)})


@transaction.atomic
def inviter_membre_collectif(
    utilisateur: Utilisateur, collectif: Collectif, organisation: Organisation, role: str
) -> MembreCollectif:
    """L'animateur invite une organisation ; elle ne devient membre que si l'un de ses membres accepte. Une
    invitation déclinée peut être renouvelée. Une organisation dont la personne qui invite est elle-même
    gestionnaire entre directement (elle consent en invitant)."""
    if not peut_gerer_collectif(utilisateur, collectif):
        raise PermissionDenied("Vous ne gérez pas les membres de ce collectif.")
    # Relu sous verrou : une dissolution simultanée passe avant ou après, jamais entre la vérification et l'ajout.
    collectif = Collectif.objects.select_for_update().get(pk=collectif.pk)
    if collectif.dissous_le is not None:
        raise ValidationError(
            f"{collectif} est dissous depuis le {collectif.dissous_le:%d/%m/%Y} : il n'accueille plus de membres."
        )
    membre = MembreCollectif.objects.select_for_update().filter(collectif=collectif, organisation=organisation).first()
    if membre is not None and membre.etat == EtatMembreCollectif.ACCEPTEE:
        raise ValidationError(f"{organisation} est déjà membre de {collectif} ({membre.get_role_display().lower()}).")
    if membre is not None and membre.etat == EtatMembreCollectif.INVITEE:
        raise ValidationError(f"{organisation} est déjà invitée à rejoindre {collectif} : sa réponse est attendue.")
    consent = contexte(utilisateur).gere(organisation)
    membre = membre or MembreCollectif(collectif=collectif, organisation=organisation)
    membre.role = role
    membre.etat = EtatMembreCollectif.ACCEPTEE if consent else EtatMembreCollectif.INVITEE
    membre.invitee_par, membre.invitee_le = utilisateur, timezone.now()
    membre.repondue_par = utilisateur if consent else None
    membre.repondue_le = membre.invitee_le if consent else None
    membre.save()
    if not consent:
        envoyer_apres_validation(
            f"{collectif} vous invite à rejoindre le collectif",
            (
                f"{utilisateur} invite {organisation} à rejoindre {collectif} ({membre.get_role_display().lower()}) "
                f"sur Coville.\n\nVotre organisation n'en sera membre que si vous acceptez. Pour accepter ou "
                f"décliner : {_lien('comptes:mon_espace')}\n"
            ),
            _emails_gestionnaires([organisation.pk]),
        )
    return membre


def invitations_collectifs_de(qui: Qui) -> QuerySet[MembreCollectif]:
    """Les invitations en attente des organisations que la personne gère."""
    acces = contexte(qui)
    return (
        MembreCollectif.objects.filter(
            etat=EtatMembreCollectif.INVITEE, organisation_id__in=acces.ids_organisations_gerees()
        )
        .select_related("collectif", "organisation")
        .order_by("invitee_le", "pk")
    )


@transaction.atomic
def repondre_invitation_collectif(utilisateur: Utilisateur, invitation: MembreCollectif, accepte: bool) -> None:
    """Un gestionnaire de l'organisation invitée accepte ou décline ; les animateurs en sont prévenus."""
    invitation = (
        MembreCollectif.objects.select_for_update().select_related("collectif", "organisation").get(pk=invitation.pk)
    )
    if not contexte(utilisateur).gere(invitation.organisation):
        raise PermissionDenied(f"Seuls les membres de {invitation.organisation} répondent à cette invitation.")
    if invitation.etat != EtatMembreCollectif.INVITEE:
        raise ValidationError("Cette invitation a déjà reçu une réponse.")
    invitation.etat = EtatMembreCollectif.ACCEPTEE if accepte else EtatMembreCollectif.REFUSEE
    invitation.repondue_par, invitation.repondue_le = utilisateur, timezone.now()
    invitation.save(update_fields=["etat", "repondue_par", "repondue_le"])
    collectif, organisation = invitation.collectif, invitation.organisation
    animatrices = list(
        collectif.membres.acceptes().filter(role=RoleCollectif.ANIMATEUR).values_list("organisation_id", flat=True)
    )
    verbe = "a accepté" if accepte else "a décliné"
    envoyer_apres_validation(
        f"{organisation} {verbe} de rejoindre {collectif}",
        (
            f"{utilisateur} {verbe}, pour {organisation}, l'invitation à rejoindre {collectif}.\n\n"
            f"Les membres du collectif : {_lien('acteurs_ess:gerer_collectif', collectif.pk)}\n"
        ),
        _emails_gestionnaires(animatrices),
    )


@transaction.atomic
def retirer_membre_collectif(utilisateur: Utilisateur, membre: MembreCollectif) -> None:
    collectif = Collectif.objects.select_for_update().get(pk=membre.collectif_id)
    if not peut_gerer_collectif(utilisateur, collectif):
        raise PermissionDenied("Vous ne gérez pas les membres de ce collectif.")
    autres_animateurs = collectif.membres.acceptes().filter(role=RoleCollectif.ANIMATEUR).exclude(pk=membre.pk)
    est_animateur = membre.role == RoleCollectif.ANIMATEUR and membre.etat == EtatMembreCollectif.ACCEPTEE
    if est_animateur and not autres_animateurs.exists():
        raise ValidationError(
            f"{membre.organisation} est le seul animateur de {collectif} : désignez d'abord un autre animateur."
        )
    membre.delete()


def confirmer_import(
    lance_par: Utilisateur, collectivite: Organisation | None, jeton: str, chemin: str, nom_fichier: str
) -> ImportStructures:
    """Confirme l'aperçu d'import `jeton` (son fichier `chemin` attend dans le stockage) : enregistre l'import et
    diffère la tâche qui l'écrira, dans la même transaction. Rend l'import, à suivre sur sa page.

    Un second envoi du même aperçu (double clic, deux onglets) ne lance pas un second import : il rend celui du
    premier. La tâche est différée la première, avec un verrou de file propre à l'aperçu : l'envoi simultané
    attend la validation du premier puis est refusé (AlreadyEnqueued) ; un envoi plus tardif, quand la tâche a
    déjà commencé, bute sur le jeton unique de l'import (IntegrityError). Le même verrou sert de verrou
    d'exécution : une tâche de l'import relancée ou remise dans la file attend que celle qui l'écrit encore ait
    fini ; celle d'un worker mort, remise « à faire » par `relancer_taches_bloquees`, libère le verrou et reprend
    l'import du début."""
    try:
        with transaction.atomic():
            verrou = f"importer_structures:{jeton}"
            taches.importer_structures.configure(lock=verrou, queueing_lock=verrou).defer(jeton=jeton)
            return ImportStructures.objects.create(
                jeton=jeton,
                chemin=chemin,
                nom_fichier=nom_fichier[:255],
                lance_par=lance_par,
                collectivite=collectivite,
            )
    except (AlreadyEnqueued, IntegrityError):
        return ImportStructures.objects.get(jeton=jeton)


# --- RIB ---------------------------------------------------------------------------------------------------

PREFIXE_RIB = "prive/ribs"


def iban_valide(saisie: str) -> str:
    """L'IBAN saisi, sans espaces et en majuscules, s'il est valide (pays, longueur, clé) ; sinon une
    ValidationError en français."""
    compact = stdnum_iban.compact(saisie or "")
    if not compact:
        raise ValidationError("Indiquez l'IBAN du compte.")
    try:
        return stdnum_iban.validate(compact)
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            f"L'IBAN « {saisie.strip()} » n'est pas valide : sa clé de contrôle ne correspond pas. "
            "Vérifiez-le sur le RIB de la banque."
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            f"L'IBAN « {saisie.strip()} » n'est pas valide : vérifiez le code pays, la longueur et les caractères "
            "(par exemple FR76 3000 6000 0112 3456 7890 189)."
        ) from None


def bic_valide(saisie: str) -> str:
    """Le BIC saisi (facultatif), sans espaces et en majuscules, s'il est bien formé."""
    compact = stdnum_bic.compact(saisie or "")
    if not compact:
        return ""
    try:
        return stdnum_bic.validate(compact)
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            f"Le BIC « {saisie.strip()} » n'est pas valide : 8 ou 11 caractères (par exemple AGRIFRPP)."
        ) from None


def _emails_membres(structure: Structure) -> list[str]:
    """Les adresses des membres de la structure qui peuvent encore se connecter."""
    return Adhesion.objects.filter(organisation_id=structure.organisation_id, role=Role.STRUCTURE).adresses_actives()


@transaction.atomic
def proposer_rib(
    utilisateur: Utilisateur,
    structure: Structure,
    *,
    iban: str,
    titulaire: str,
    document=None,
    bic: str = "",
    document_coffre: DocumentStructure | None = None,
):
    """Un membre propose un nouveau RIB : il attend la validation d'un agent d'un financeur ; un RIB encore en
    attente est remplacé par celui-ci. Le RIB de la banque est téléversé (`document`) ou pris dans le coffre de
    la structure (`document_coffre`, un RIB valable). Tout ou rien : un IBAN invalide ou un document refusé
    n'enregistre rien. Chaque membre de la structure est prévenu (un RIB frauduleux proposé depuis un compte
    volé se voit ainsi)."""
    if not peut_proposer_rib(utilisateur, structure):
        raise PermissionDenied("Seuls les membres de la structure proposent son RIB.")
    erreurs = []
    try:
        iban = iban_valide(iban)
    except ValidationError as erreur:
        erreurs.extend(erreur.messages)
    try:
        bic = bic_valide(bic)
    except ValidationError as erreur:
        erreurs.extend(erreur.messages)
    if not (titulaire or "").strip():
        erreurs.append("Indiquez le titulaire du compte, tel qu'il figure sur le RIB.")
    if document_coffre is not None:
        if (
            document_coffre.structure_id != structure.pk
            or document_coffre.type != TypePiece.RIB
            or not document_coffre.est_actif
            or not document_coffre.est_valable()
        ):
            erreurs.append("Choisissez un RIB valable du coffre de la structure.")
    elif document is None:
        erreurs.append("Joignez le RIB délivré par la banque (PDF ou image).")
    else:
        try:
            nom, type_mime = verifier_fichier(
                document, extensions=EXTENSIONS_PDF_IMAGE, lisibles=EXTENSIONS_PDF_IMAGE_LISIBLES
            )
        except ValidationError as erreur:
            erreurs.extend(erreur.messages)
    if erreurs:
        raise ValidationError(erreurs)
    Structure.objects.select_for_update().filter(pk=structure.pk).first()
    Rib.objects.filter(structure=structure, etat=EtatRib.EN_ATTENTE).update(
        etat=EtatRib.REMPLACE, remplace_le=timezone.now()
    )
    if document_coffre is not None:
        # Le fichier du coffre est partagé : le RIB le désigne, et le document ne se supprime plus (il s'archive).
        chemin, nom, taille, type_mime = (
            document_coffre.chemin,
            document_coffre.nom,
            document_coffre.taille,
            document_coffre.type_mime,
        )
    else:
        extension = PurePath(nom).suffix.lower()
        chemin = default_storage.save(f"{PREFIXE_RIB}/{structure.pk}/{uuid.uuid4().hex}{extension}", document)
        taille = document.size
    try:
        rib = Rib.objects.create(
            structure=structure,
            iban=iban,
            bic=bic,
            titulaire=titulaire.strip()[:255],
            document=document_coffre,
            chemin=chemin,
            nom=nom,
            taille=taille,
            type_mime=type_mime,
            propose_par=utilisateur,
        )
    except Exception:
        if document_coffre is None:
            default_storage.delete(chemin)
        raise
    journaliser(
        ActionAudit.RIB_PROPOSE,
        auteur=utilisateur,
        objet=rib,
        organisation=structure.organisation,
        details={"structure": str(structure), "iban": rib.iban_masque},
    )
    envoyer_apres_validation(
        f"Nouveau RIB proposé pour {structure}",
        (
            f"{utilisateur} ({utilisateur.email}) a proposé un nouveau RIB pour {structure} : {rib.iban_masque}, "
            f"titulaire {rib.titulaire}.\n\nIl ne sera utilisé pour les versements qu'après sa validation par un "
            "agent d'un financeur. Si vous n'êtes pas au courant de ce changement, prévenez sans attendre les "
            f"financeurs de la structure.\n\n{_lien('acteurs_ess:rib', structure.pk)}\n"
        ),
        _emails_membres(structure),
    )
    return rib


@transaction.atomic
def valider_rib(agent: Utilisateur, rib: Rib) -> Rib:
    """Un agent d'un financeur valide le RIB proposé : il devient le RIB de la structure, l'ancien est gardé
    comme « remplacé ». Chaque membre de la structure est prévenu."""
    rib = Rib.objects.select_for_update().select_related("structure", "structure__organisation").get(pk=rib.pk)
    structure = rib.structure
    if not peut_valider_rib(agent, structure):
        raise PermissionDenied(
            "Seul un agent d'un financeur de la structure (hors membres de la structure) valide son RIB."
        )
    if rib.etat != EtatRib.EN_ATTENTE:
        raise ValidationError(f"Ce RIB n'est plus en attente : il est {rib.get_etat_display().lower()}.")
    maintenant = timezone.now()
    Rib.objects.filter(structure=structure, etat=EtatRib.VALIDE).update(etat=EtatRib.REMPLACE, remplace_le=maintenant)
    rib.etat, rib.valide_par, rib.valide_le = EtatRib.VALIDE, agent, maintenant
    rib.save(update_fields=["etat", "valide_par", "valide_le"])
    journaliser(
        ActionAudit.RIB_VALIDE,
        auteur=agent,
        objet=rib,
        organisation=structure.organisation,
        details={"structure": str(structure), "iban": rib.iban_masque},
    )
    envoyer_apres_validation(
        f"RIB de {structure} validé",
        (
            f"Le RIB {rib.iban_masque} (titulaire {rib.titulaire}) a été validé par {agent} : les subventions de "
            f"{structure} seront désormais versées sur ce compte.\n\n{_lien('acteurs_ess:rib', structure.pk)}\n"
        ),
        _emails_membres(structure),
    )
    return rib


def rib_valide(structure: Structure) -> Rib | None:
    """Le RIB validé de la structure, où lui verser ses subventions ; aucun tant qu'aucun n'est validé."""
    return Rib.objects.filter(structure=structure, etat=EtatRib.VALIDE).first()
