"""Les bilans d'un contrat : création, textes, commentaires des partenaires, avis du conseil citoyen, et le
cycle de vie en préparation → soumis aux partenaires → validé en comité de pilotage → publié, chaque étape
inscrite au journal du bilan (config.lib.etats.changer_etat). Une saisie refusée lève `ValidationError` en
français sans rien enregistrer ; une personne qui n'en a pas le droit, `PermissionDenied`."""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from comptes.contexte import contexte
from comptes.models import Organisation, TypeOrganisation, Utilisateur
from config.lib.etats import changer_etat
from config.lib.fichiers import verifier_fichier
from contrats.models import ContratDeVille
from contrats.permissions import signataires_du_contrat
from evaluation.contenu_bilan import assembler
from evaluation.models import (
    ANNEE_MI_PARCOURS,
    TRANSITIONS_BILAN,
    Bilan,
    CommentaireBilan,
    JournalBilan,
    StatutBilan,
    TypeBilan,
)
from evaluation.permissions import peut_commenter_bilan, peut_ecrire_avis, peut_preparer_bilan

PREFIXE_COMPTES_RENDUS = "prive/bilans"
REFUS_PREPARATION = "Seuls les agents de la collectivité porteuse du contrat préparent ses bilans."
REFUS_FIGE = "Ce bilan est validé : ses textes ne changent plus."


def _verifier_preparation(auteur: Utilisateur, contrat: ContratDeVille) -> None:
    if not peut_preparer_bilan(auteur, contrat):
        raise PermissionDenied(REFUS_PREPARATION)


def annee_du_bilan(contrat: ContratDeVille, type_bilan: str, annee: int | None) -> int:
    """L'année de référence : celle choisie pour un bilan annuel (dans la période du contrat), 2027 pour la
    mi-parcours, la dernière année du contrat pour le bilan final."""
    if type_bilan == TypeBilan.MI_PARCOURS:
        annee = ANNEE_MI_PARCOURS
    elif type_bilan == TypeBilan.FINAL:
        annee = contrat.annee_fin
    elif annee is None:
        raise ValidationError({"annee": "Indiquez l'année du bilan annuel."})
    if not contrat.annee_debut <= annee <= contrat.annee_fin:
        raise ValidationError({"annee": f"L'année {annee} est hors de la période du contrat ({contrat.periode})."})
    return annee


def conseils_citoyens_possibles():
    return Organisation.objects.filter(type=TypeOrganisation.CONSEIL_CITOYEN).order_by("nom")


def creer_bilan(
    contrat: ContratDeVille,
    auteur: Utilisateur,
    type_bilan: str,
    annee: int | None = None,
    conseils_citoyens: list[Organisation] | None = None,
) -> Bilan:
    _verifier_preparation(auteur, contrat)
    if type_bilan not in TypeBilan.values:
        raise ValidationError({"type": "Choisissez le type de bilan."})
    annee = annee_du_bilan(contrat, type_bilan, annee)
    existant = Bilan.objects.filter(contrat=contrat, type=type_bilan)
    if type_bilan == TypeBilan.ANNUEL:
        existant = existant.filter(annee=annee)
    if existant.exists():
        libelle = TypeBilan(type_bilan).label.lower()
        libelle = f"un bilan annuel {annee}" if type_bilan == TypeBilan.ANNUEL else f"un {libelle}"
        raise ValidationError({"type": f"Ce contrat a déjà {libelle} : ouvrez-le plutôt que d'en créer un second."})
    try:
        with transaction.atomic():
            bilan = Bilan.objects.create(contrat=contrat, type=type_bilan, annee=annee, cree_par=auteur)
            bilan.conseils_citoyens.set(conseils_citoyens or [])
            JournalBilan.objects.create(
                bilan=bilan, auteur=auteur, a_statut=StatutBilan.PREPARATION, evenement="Bilan créé"
            )
    except IntegrityError:
        # Deux créations simultanées du même bilan : la contrainte d'unicité tranche.
        raise ValidationError({"type": "Ce bilan vient d'être créé par quelqu'un d'autre : ouvrez-le."}) from None
    return bilan


def modifier_textes(
    bilan: Bilan,
    auteur: Utilisateur,
    synthese: str,
    analyse: str,
    conseils_citoyens: list[Organisation] | None = None,
) -> Bilan:
    _verifier_preparation(auteur, bilan.contrat)
    if not bilan.textes_modifiables:
        raise ValidationError(REFUS_FIGE)
    with transaction.atomic():
        bilan.synthese, bilan.analyse = synthese.strip(), analyse.strip()
        bilan.save(update_fields=["synthese", "analyse", "modifie_le"])
        if conseils_citoyens is not None:
            bilan.conseils_citoyens.set(conseils_citoyens)
        JournalBilan.objects.create(bilan=bilan, auteur=auteur, evenement="Synthèse et analyse modifiées")
    return bilan


def ecrire_avis(bilan: Bilan, auteur: Utilisateur, texte: str) -> Bilan:
    """L'avis du conseil citoyen, écrit par l'un de ses membres (il remplace le précédent, signé de son auteur)."""
    if not peut_ecrire_avis(auteur, bilan):
        if not bilan.textes_modifiables:
            raise ValidationError(REFUS_FIGE)
        raise PermissionDenied("Seuls les membres des conseils citoyens associés au bilan écrivent leur avis.")
    texte = texte.strip()
    if not texte:
        raise ValidationError({"texte": "Écrivez l'avis du conseil citoyen."})
    with transaction.atomic():
        bilan.avis_conseil_citoyen, bilan.avis_par, bilan.avis_le = texte, auteur, timezone.now()
        bilan.save(update_fields=["avis_conseil_citoyen", "avis_par", "avis_le", "modifie_le"])
        JournalBilan.objects.create(bilan=bilan, auteur=auteur, evenement="Avis du conseil citoyen écrit")
    return bilan


def commenter(bilan: Bilan, auteur: Utilisateur, texte: str) -> CommentaireBilan:
    """Le commentaire d'un partenaire signataire, au nom de son organisation signataire."""
    if not peut_commenter_bilan(auteur, bilan):
        if bilan.statut != StatutBilan.SOUMIS:
            raise ValidationError("Les partenaires commentent un bilan quand il leur est soumis.")
        raise PermissionDenied("Seuls les partenaires signataires du contrat commentent ses bilans.")
    texte = texte.strip()
    if not texte:
        raise ValidationError({"texte": "Écrivez votre commentaire."})
    signataires = signataires_du_contrat(bilan.contrat)
    organisation = next((o for o in contexte(auteur).organisations() if o.pk in signataires), None)
    return CommentaireBilan.objects.create(bilan=bilan, auteur=auteur, organisation=organisation, texte=texte)


def _changer(bilan: Bilan, auteur: Utilisateur, nouveau: str, evenement: str, motif: str = "", **valeurs):
    return changer_etat(
        bilan,
        nouveau,
        transitions=TRANSITIONS_BILAN,
        etats=StatutBilan,
        nom="Un bilan",
        valeurs=valeurs,
        journaliser=lambda de, a: JournalBilan.objects.create(
            bilan=bilan, auteur=auteur, de_statut=de, a_statut=a, evenement=evenement, motif=motif
        ),
    )


def soumettre(bilan: Bilan, auteur: Utilisateur) -> JournalBilan:
    _verifier_preparation(auteur, bilan.contrat)
    return _changer(bilan, auteur, StatutBilan.SOUMIS, "Soumis aux partenaires")


def reprendre(bilan: Bilan, auteur: Utilisateur, motif: str = "") -> JournalBilan:
    _verifier_preparation(auteur, bilan.contrat)
    return _changer(bilan, auteur, StatutBilan.PREPARATION, "Repris en préparation", motif.strip())


def valider(
    bilan: Bilan,
    auteur: Utilisateur,
    date_copil: date | None,
    compte_rendu: str = "",
    fichier: File | None = None,
) -> JournalBilan:
    """Validé en comité de pilotage : la date du comité est obligatoire, son compte rendu aussi (texte, fichier
    ou les deux). Les chiffres du bilan sont figés à cet instant (instantané)."""
    _verifier_preparation(auteur, bilan.contrat)
    erreurs: dict[str, str] = {}
    if date_copil is None:
        erreurs["date_copil"] = "Indiquez la date du comité de pilotage qui a validé le bilan."
    elif date_copil > timezone.localdate():
        erreurs["date_copil"] = "La date du comité de pilotage ne peut pas être dans le futur."
    compte_rendu = compte_rendu.strip()
    if not compte_rendu and fichier is None:
        erreurs["compte_rendu_copil"] = "Joignez le compte rendu du comité de pilotage (texte ou fichier)."
    nom = type_mime = ""
    if fichier is not None:
        try:
            nom, type_mime = verifier_fichier(fichier)
        except ValidationError as erreur:
            erreurs["fichier"] = " ".join(erreur.messages)
    if erreurs:
        raise ValidationError(erreurs)
    chemin = ""
    if fichier is not None:
        chemin = default_storage.save(f"{PREFIXE_COMPTES_RENDUS}/{bilan.pk}/{uuid.uuid4().hex}", fichier)
    try:
        return _changer(
            bilan,
            auteur,
            StatutBilan.VALIDE,
            "Validé en comité de pilotage",
            f"Comité de pilotage du {date_copil:%d/%m/%Y}",
            date_copil=date_copil,
            compte_rendu_copil=compte_rendu,
            compte_rendu_chemin=chemin,
            compte_rendu_nom=nom,
            compte_rendu_type=type_mime,
            instantane=assembler(bilan),
            valide_le=timezone.now(),
        )
    except Exception:
        if chemin:
            default_storage.delete(chemin)
        raise


def publier(bilan: Bilan, auteur: Utilisateur) -> JournalBilan:
    _verifier_preparation(auteur, bilan.contrat)
    return _changer(bilan, auteur, StatutBilan.PUBLIE, "Publié", publie_le=timezone.now())
