"""L'instruction d'un dossier par tous ses co-financeurs : prise en instruction, demandes de correction,
messages avec le porteur, notes internes, avis, et décision de chaque financeur sur sa part. Quand tous les
financeurs sollicités ont décidé, le dossier passe « décidé » et son issue en découle."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from comptes import audit
from comptes.contexte import contexte
from comptes.models import ActionAudit, Organisation
from config.lib.euros import euros
from contrats.permissions import organisation_porte
from financements.models import (
    AvisInstruction,
    Convention,
    DecisionFinanceur,
    Dossier,
    Financement,
    Message,
    NoteInstruction,
    StatutConvention,
    StatutDossier,
    VisibiliteJournal,
)
from financements.models.instruction import ConditionsVersement, NatureAide, SensAvis
from financements.permissions import (
    peut_decider,
    peut_echanger,
    peut_instruire,
    profil_dossier,
)
from financements.services import conventions, notifications
from financements.services.dossiers import ajouter_piece, changer_statut, journaliser, montant_valide, recalculer

REFUS_INSTRUCTION = "Seuls les instructeurs des financeurs sollicités instruisent ce dossier."


def _organisation_instructrice(auteur, dossier: Dossier, organisation: Organisation | None) -> Organisation:
    """L'organisation au nom de laquelle l'instructeur agit (un de ses financeurs, ou la collectivité
    porteuse du contrat)."""
    profil = profil_dossier(auteur, dossier)
    possibles = list(profil.financeurs)
    if profil.agent_porteur:
        possibles += [o for o in contexte(auteur).organisations() if organisation_porte(o, dossier.appel.contrat)]
    if organisation is None:
        if not possibles:
            raise PermissionDenied(REFUS_INSTRUCTION)
        return possibles[0]
    if organisation.pk not in {o.pk for o in possibles}:
        raise PermissionDenied(f"Vous n'agissez pas au nom de {organisation} sur ce dossier.")
    return organisation


@transaction.atomic
def prendre_en_instruction(dossier: Dossier, auteur):
    if not peut_instruire(auteur, dossier):
        raise PermissionDenied(REFUS_INSTRUCTION)
    entree = changer_statut(dossier, auteur, StatutDossier.EN_INSTRUCTION, "Dossier pris en instruction")
    notifications.changement_statut(dossier, entree)
    return entree


@transaction.atomic
def demander_correction(dossier: Dossier, auteur, motif: str):
    """Renvoie le dossier au porteur, qui le corrige puis le redépose ; le motif lui est envoyé."""
    if not peut_instruire(auteur, dossier):
        raise PermissionDenied(REFUS_INSTRUCTION)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Expliquez au porteur ce qu'il doit corriger : le motif lui est envoyé.")
    entree = changer_statut(dossier, auteur, StatutDossier.CORRECTION_DEMANDEE, "Correction demandée", motif=motif)
    notifications.changement_statut(dossier, entree)
    return entree


@transaction.atomic
def ecrire_note(dossier: Dossier, auteur, texte: str, organisation: Organisation | None = None) -> NoteInstruction:
    """Une note interne, lue par les seuls instructeurs."""
    if not peut_instruire(auteur, dossier):
        raise PermissionDenied(REFUS_INSTRUCTION)
    texte = (texte or "").strip()
    if not texte:
        raise ValidationError("Écrivez la note.")
    organisation = _organisation_instructrice(auteur, dossier, organisation)
    return NoteInstruction.objects.create(dossier=dossier, auteur=auteur, organisation=organisation, texte=texte)


@transaction.atomic
def envoyer_message(dossier: Dossier, auteur, texte: str, fichiers=(), type_piece: str = "autre") -> Message:
    """Un message du fil entre instructeurs et porteurs, avec ses pièces ; l'autre partie est prévenue."""
    if not peut_echanger(auteur, dossier):
        raise PermissionDenied("Seuls les porteurs et les instructeurs du dossier échangent des messages.")
    texte = (texte or "").strip()
    if not texte:
        raise ValidationError("Écrivez votre message.")
    profil = profil_dossier(auteur, dossier)
    organisation = None
    if profil.porteur:
        organisation = dossier.structure.organisation
    elif profil.instructeur:
        organisation = _organisation_instructrice(auteur, dossier, None)
    message = Message.objects.create(dossier=dossier, auteur=auteur, organisation=organisation, texte=texte)
    for fichier in fichiers:
        ajouter_piece(dossier, auteur, fichier, type_piece, message=message)
    vers_porteur = profil.instructeur and not (profil.porteur or profil.co_porteur)
    notifications.nouveau_message(message, vers_porteur=vers_porteur)
    return message


@transaction.atomic
def donner_avis(
    dossier: Dossier,
    auteur,
    sens: str,
    montant_propose=None,
    commentaire: str = "",
    organisation: Organisation | None = None,
) -> AvisInstruction:
    """L'avis d'un service instructeur, avec le montant qu'il propose ; un nouvel avis remplace le sien."""
    if not peut_instruire(auteur, dossier) or dossier.statut not in (
        StatutDossier.DEPOSE,
        StatutDossier.EN_INSTRUCTION,
    ):
        raise PermissionDenied("Les avis se donnent pendant l'instruction, par les instructeurs du dossier.")
    if sens not in SensAvis.values:
        raise ValidationError("Choisissez un avis : favorable, réservé ou défavorable.")
    montant = None
    if montant_propose not in (None, ""):
        montant = montant_valide(montant_propose, "Le montant proposé")
    organisation = _organisation_instructrice(auteur, dossier, organisation)
    avis, _ = AvisInstruction.objects.update_or_create(
        dossier=dossier,
        organisation=organisation,
        defaults={
            "auteur": auteur,
            "sens": sens,
            "montant_propose": montant,
            "commentaire": (commentaire or "").strip(),
        },
    )
    detail = f" ({euros(montant)} proposés)" if montant is not None else ""
    journaliser(
        dossier,
        auteur,
        f"Avis {SensAvis(sens).label.lower()} de {organisation}{detail}",
        visibilite=VisibiliteJournal.INSTRUCTEURS,
    )
    return avis


@transaction.atomic
def decider(
    dossier: Dossier,
    auteur,
    financeur: Organisation,
    montant,
    reference: str = "",
    motif: str = "",
    nature: str = NatureAide.NUMERAIRE,
    conditions_versement: str = ConditionsVersement.UNIQUE,
) -> DecisionFinanceur:
    """Un financeur décide de sa part (0 € pour un refus). Un financeur ne décide jamais pour un autre.
    Quand tous les financeurs sollicités ont décidé, le dossier passe « décidé » et son issue est calculée.

    La ligne du dossier est verrouillée d'abord : deux financeurs qui décident au même moment passent l'un
    après l'autre, et le second voit la décision du premier (sinon chacun voit l'autre « pas encore décidé »
    et le dossier ne passe jamais « décidé »)."""
    dossier.statut = Dossier.objects.select_for_update().values_list("statut", flat=True).get(pk=dossier.pk)
    if dossier.statut != StatutDossier.EN_INSTRUCTION:
        raise ValidationError(
            f"Un dossier « {dossier.get_statut_display()} » ne reçoit pas de décision : il doit être en instruction."
        )
    if not peut_decider(auteur, dossier, financeur):
        raise PermissionDenied(f"Seuls les agents de {financeur} décident de la part de {financeur}.")
    try:
        financement = Financement.objects.select_for_update().get(dossier=dossier, financeur=financeur)
    except Financement.DoesNotExist:
        raise ValidationError(f"Ce dossier ne demande rien à {financeur}.") from None
    if DecisionFinanceur.objects.filter(financement=financement).exists():
        raise ValidationError(f"{financeur} a déjà décidé de sa part sur ce dossier.")
    montant = montant_valide(montant, "Le montant accordé")
    if nature not in NatureAide.values or conditions_versement not in ConditionsVersement.values:
        raise ValidationError("Choisissez la nature de l'aide et ses conditions de versement.")
    motif = (motif or "").strip()
    if montant < financement.montant_demande and not motif:
        raise ValidationError("Motivez une décision inférieure au montant demandé : le porteur la lira.")
    decision = DecisionFinanceur.objects.create(
        financement=financement,
        montant=montant,
        reference=(reference or "").strip()[:100] or f"{dossier.appel.annee}-{dossier.pk}-{financeur.pk}",
        motif=motif,
        nature=nature,
        conditions_versement=conditions_versement,
        decide_par=auteur,
    )
    financement.montant_accorde = montant
    financement.save(update_fields=["montant_accorde"])
    audit.journaliser(
        ActionAudit.DECISION_FINANCEUR,
        auteur=auteur,
        objet=decision,
        organisation=financeur,
        details={"dossier": dossier.pk, "montant_accorde": montant, "montant_demande": financement.montant_demande},
    )
    libelle = f"{euros(montant)} accordés" if montant > 0 else "refus"
    journaliser(
        dossier,
        auteur,
        f"Décision de {financeur} : {libelle} (demandé : {euros(financement.montant_demande)})",
        motif,
        visibilite=VisibiliteJournal.DECISION,
    )
    restants = Financement.objects.filter(dossier=dossier, decision__isnull=True).exists()
    recalculer(dossier)
    if not restants:
        entree = changer_statut(
            dossier,
            auteur,
            StatutDossier.DECIDE,
            f"Tous les financeurs ont décidé : {dossier.get_issue_display().lower()}",
        )
        notifications.changement_statut(dossier, entree)
        # Chaque financeur qui accorde un montant reçoit un projet de convention à préparer.
        conventions.generer_conventions(dossier, auteur)
    return decision


@transaction.atomic
def reviser_decision(dossier: Dossier, auteur, financeur: Organisation, montant, motif: str) -> DecisionFinanceur:
    """Un financeur revoit sa décision (montant, ou accord devenu refus et inversement) avant la convention, avec
    un motif que le porteur lit au journal du dossier. Ses conventions non signées du dossier suivent
    (`conventions.suivre_revision`) ; une convention signée refuse la révision : elle change par avenant."""
    dossier.statut = Dossier.objects.select_for_update().values_list("statut", flat=True).get(pk=dossier.pk)
    if not any(o.pk == financeur.pk for o in profil_dossier(auteur, dossier).financeurs):
        raise PermissionDenied(f"Seuls les agents de {financeur} revoient la décision de {financeur}.")
    try:
        decision = DecisionFinanceur.objects.select_for_update().get(
            financement__dossier=dossier, financement__financeur=financeur
        )
    except DecisionFinanceur.DoesNotExist:
        raise ValidationError(f"{financeur} n'a pas encore décidé sur ce dossier : rien à revoir.") from None
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Donnez le motif de la révision : le porteur et les autres financeurs le liront.")
    montant = montant_valide(montant, "Le nouveau montant accordé")
    if montant == decision.montant:
        raise ValidationError(f"Le montant accordé est déjà de {euros(montant)} : rien ne change.")
    # Les conventions d'abord : une convention signée refuse la révision avant que rien ne soit écrit.
    signees = Convention.objects.filter(dossiers=dossier, parties__financeur=financeur).exclude(
        statut__in=(StatutConvention.PROJET, StatutConvention.ENVOYEE, StatutConvention.RESILIEE)
    )
    if signees.exists():
        raise ValidationError(
            f"Une convention de {financeur} sur ce dossier est déjà signée : la décision ne se revoit plus, "
            "le montant change par un avenant à la convention."
        )
    if dossier.statut != StatutDossier.DECIDE:
        raise ValidationError(
            f"Un dossier « {dossier.get_statut_display()} » : une décision se revoit une fois le dossier décidé, "
            "avant que sa convention soit signée."
        )
    avant = decision.montant
    decision.montant, decision.motif, decision.decide_par = montant, motif, auteur
    decision.save(update_fields=["montant", "motif", "decide_par"])
    audit.journaliser(
        ActionAudit.DECISION_FINANCEUR,
        auteur=auteur,
        objet=decision,
        organisation=financeur,
        details={"dossier": dossier.pk, "montant_accorde": montant, "montant_avant": avant, "revision": True},
    )
    libelle = f"{euros(montant)} accordés" if montant > 0 else "refus"
    journaliser(
        dossier,
        auteur,
        f"Décision de {financeur} revue : {libelle} (auparavant : {euros(avant)})",
        motif,
        visibilite=VisibiliteJournal.DECISION,
    )
    recalculer(dossier)
    conventions.suivre_revision(dossier, auteur, financeur, motif)
    # Un refus devenu accord : le financeur reçoit son projet de convention.
    conventions.generer_conventions(dossier, auteur)
    return decision


def total_decide(dossier: Dossier) -> Decimal:
    return dossier.montant_accorde
