"""Le compte-rendu financier annuel d'une convention (contenu du CERFA 15059), un seul pour tous les financeurs.

La structure (ses membres) le prépare : budget prévu et réalisé par compte, pré-rempli d'après le budget de
l'année des actions financées, actions réalisées, écarts, bénéficiaires, valeurs des indicateurs, difficultés
et commentaires ; elle l'enregistre en brouillon autant de fois qu'elle veut, puis le dépose. Chaque financeur
partie l'accepte ou demande des compléments (motif obligatoire) ; la structure complète et redépose ; il est
accepté quand le dernier avis de chaque financeur partie l'accepte.

Quelles années reçoivent un compte-rendu (`verifier_annee`) :
- une année couverte par la convention, déjà commencée (on ne rend pas compte d'une année à venir) ;
- d'une convention en vigueur, même après l'échéance (un compte-rendu en retard reste attendu) ;
- d'une convention terminée, tant que l'échéance de l'année (30 juin suivant) n'est pas passée ;
- jamais d'une convention qui n'est pas encore en vigueur, ni d'une convention résiliée.
Un compte-rendu dont un financeur a demandé des compléments se complète et se redépose toujours : le
financeur l'attend.

Chaque étape vérifie qui agit, passe par `changer_etat`, s'inscrit au journal de la convention et est annoncée
par e-mail (tâches de fond écrites dans la même transaction) : le dépôt aux agents des financeurs parties, un
avis aux membres de la structure.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from comptes.models import Adhesion, Organisation, Role
from config.lib import courriels
from config.lib.etats import changer_etat
from financements.models import (
    AvisCompteRendu,
    CompteRendu,
    Convention,
    IndicateurCompteRendu,
    JournalConvention,
    LigneBudget,
    LigneCompteRendu,
    SensAvisCompteRendu,
    StatutCompteRendu,
    StatutConvention,
)
from financements.models.dossier import COMPTES_CHARGES, COMPTES_PRODUITS, SensBudget, TrancheAge
from financements.models.execution import echeance_compte_rendu
from financements.permissions import (
    ROLES_INSTRUCTEURS,
    peut_donner_avis_compte_rendu,
    peut_preparer_compte_rendu,
)

# Un compte-rendu passe de la préparation au dépôt ; un avis le fait passer « compléments demandés » ou
# « accepté » ; complété, il est redéposé. Accepté, il ne change plus (il a pu débloquer un solde).
TRANSITIONS_COMPTE_RENDU: dict[str, set[str]] = {
    StatutCompteRendu.BROUILLON: {StatutCompteRendu.DEPOSE},
    StatutCompteRendu.DEPOSE: {StatutCompteRendu.COMPLEMENTS, StatutCompteRendu.ACCEPTE},
    StatutCompteRendu.COMPLEMENTS: {StatutCompteRendu.DEPOSE, StatutCompteRendu.ACCEPTE},
    StatutCompteRendu.ACCEPTE: set(),
}
# Les états où la structure modifie le compte-rendu, et ceux où les financeurs donnent leur avis.
STATUTS_MODIFIABLES = {StatutCompteRendu.BROUILLON, StatutCompteRendu.COMPLEMENTS}
STATUTS_AVIS = {StatutCompteRendu.DEPOSE, StatutCompteRendu.COMPLEMENTS}
# Les conventions dont une année peut recevoir un compte-rendu (voir la docstring du module).
STATUTS_CONVENTION_COMPTE_RENDU = {StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE}

REFUS_PREPARATION = "Seuls les membres de la structure préparent et déposent le compte-rendu de sa convention."
REFUS_AVIS = "Seuls les agents des financeurs parties à la convention donnent un avis, chacun pour son organisation."

CHAMPS_TEXTE = ("actions_realisees", "ecarts", "difficultes", "commentaires")
CHAMPS_BENEFICIAIRES = ("beneficiaires_nombre", "beneficiaires_qpv", "beneficiaires_femmes", "beneficiaires_hommes")


def _erreur(erreurs: list[str]) -> None:
    if erreurs:
        raise ValidationError(erreurs)


def verifier_annee(
    convention: Convention, annee: int, aujourd_hui: date | None = None, compte_rendu: CompteRendu | None = None
) -> None:
    """Lève `ValidationError` (message en français) si l'année ne peut pas recevoir de compte-rendu de cette
    convention aujourd'hui ; voir la règle dans la docstring du module."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    if annee not in convention.annees:
        raise ValidationError(f"La convention couvre {convention.periode} : l'année {annee} n'en fait pas partie.")
    if annee > aujourd_hui.year:
        raise ValidationError(f"L'année {annee} n'est pas commencée : son compte-rendu se prépare à partir de {annee}.")
    if compte_rendu is not None and compte_rendu.statut == StatutCompteRendu.COMPLEMENTS:
        return
    if convention.statut == StatutConvention.RESILIEE:
        raise ValidationError("La convention est résiliée : elle ne reçoit plus de compte-rendu.")
    if convention.statut not in STATUTS_CONVENTION_COMPTE_RENDU:
        raise ValidationError(
            f"La convention est « {convention.get_statut_display()} » : le compte-rendu se prépare une fois la "
            "convention en vigueur."
        )
    echeance = echeance_compte_rendu(annee)
    if convention.statut == StatutConvention.TERMINEE and aujourd_hui > echeance:
        raise ValidationError(
            f"La convention est terminée et le compte-rendu {annee} était dû le {echeance:%d/%m/%Y} : il ne se "
            "dépose plus sur la plateforme ; prenez contact avec vos financeurs."
        )


def annees_ouvertes(convention: Convention, aujourd_hui: date | None = None) -> list[int]:
    """Les années de la convention qui peuvent recevoir un nouveau compte-rendu aujourd'hui."""
    ouvertes = []
    for annee in convention.annees:
        try:
            verifier_annee(convention, annee, aujourd_hui)
        except ValidationError:
            continue
        ouvertes.append(annee)
    return ouvertes


def rang_dans_l_action(annee_debut_action: int, annee: int) -> int:
    """L'année de la convention exprimée en rang de l'année de l'action (`LigneBudget.annee`, 1 à 4)."""
    return annee - annee_debut_action + 1


def lignes_prevues(convention: Convention, annee: int) -> list[dict[str, Any]]:
    """Le budget prévu de l'année, repris des lignes du budget des actions financées : pour chaque dossier,
    les lignes de l'année de l'action qui correspond à `annee` (son rang depuis le début de l'action). Le
    réalisé reste à remplir. Vide pour une subvention de fonctionnement (pas de dossier)."""
    dossiers = list(convention.dossiers.select_related("appel"))
    plusieurs = len(dossiers) > 1
    rangs = {d.pk: rang_dans_l_action(d.date_debut.year if d.date_debut else d.appel.annee, annee) for d in dossiers}
    lignes = (
        LigneBudget.objects.filter(dossier__in=dossiers)
        .select_related("dossier")
        .order_by("dossier_id", "sens", "compte", "ordre", "pk")
    )
    prevues = []
    for ligne in lignes:
        if ligne.annee != rangs[ligne.dossier_id]:
            continue
        libelle = ligne.libelle
        if plusieurs:
            libelle = f"{ligne.dossier.titre} — {libelle}" if libelle else ligne.dossier.titre
        prevues.append({"compte": ligne.compte, "libelle": libelle[:255], "prevu": ligne.montant, "realise": None})
    return prevues


def _sens(compte: str) -> str:
    return SensBudget.CHARGE if compte in COMPTES_CHARGES else SensBudget.PRODUIT


def _valider_beneficiaires(donnees: Mapping[str, Any]) -> list[str]:
    erreurs = []
    nombre = donnees.get("beneficiaires_nombre")
    qpv, femmes, hommes = (donnees.get(c) for c in CHAMPS_BENEFICIAIRES[1:])
    par_age = {t: n for t, n in (donnees.get("beneficiaires_par_age") or {}).items() if n is not None}
    if any(n is not None and n < 0 for n in (nombre, qpv, femmes, hommes, *par_age.values())):
        erreurs.append("Un nombre de bénéficiaires ne peut pas être négatif.")
    if any(t not in TrancheAge.values for t in par_age):
        erreurs.append("Une tranche d'âge inconnue a été envoyée.")
    precises = qpv is not None or femmes is not None or hommes is not None or par_age
    if nombre is None:
        if precises:
            erreurs.append("Indiquez le nombre total de bénéficiaires avant d'en détailler la répartition.")
        return erreurs
    if qpv is not None and qpv > nombre:
        erreurs.append(f"Les habitants des QPV ({qpv}) ne peuvent pas dépasser le nombre de bénéficiaires ({nombre}).")
    if (femmes or 0) + (hommes or 0) > nombre:
        erreurs.append(
            f"Femmes et hommes ({(femmes or 0) + (hommes or 0)}) ne peuvent pas dépasser le nombre de bénéficiaires "
            f"({nombre})."
        )
    if sum(par_age.values()) > nombre:
        erreurs.append(
            f"Les bénéficiaires par tranche d'âge ({sum(par_age.values())}) ne peuvent pas dépasser le nombre de "
            f"bénéficiaires ({nombre})."
        )
    return erreurs


def _valider_lignes(lignes: list[Mapping[str, Any]], indicateurs: list[Mapping[str, Any]]) -> list[str]:
    erreurs = []
    for i, ligne in enumerate(lignes, 1):
        if ligne.get("compte") not in COMPTES_CHARGES + COMPTES_PRODUITS:
            erreurs.append(f"Ligne {i} du budget : choisissez un compte du CERFA.")
        if any((ligne.get(c) or Decimal(0)) < 0 for c in ("prevu", "realise")):
            erreurs.append(f"Ligne {i} du budget : un montant ne peut pas être négatif.")
    for i, indicateur in enumerate(indicateurs, 1):
        if not (indicateur.get("libelle") or "").strip():
            erreurs.append(f"Indicateur {i} : donnez son libellé.")
        if indicateur.get("valeur") is None:
            erreurs.append(f"Indicateur {i} : donnez la valeur atteinte.")
    return erreurs


def _valider_depot(compte_rendu: CompteRendu) -> list[str]:
    erreurs = []
    if not compte_rendu.actions_realisees.strip():
        erreurs.append("Décrivez les actions réalisées avant de déposer le compte-rendu.")
    if compte_rendu.beneficiaires_nombre is None:
        erreurs.append("Indiquez le nombre de bénéficiaires avant de déposer le compte-rendu.")
    if not compte_rendu.lignes.exists():
        erreurs.append("Le budget du compte-rendu n'a aucune ligne : donnez le prévu et le réalisé par compte.")
    return erreurs


def _journaliser(convention: Convention, auteur, evenement: str, motif: str = "") -> JournalConvention:
    return JournalConvention.objects.create(convention=convention, auteur=auteur, evenement=evenement, motif=motif)


def _changer(compte_rendu: CompteRendu, auteur, nouveau: str, evenement: str, motif: str = "", valeurs=None):
    return changer_etat(
        compte_rendu,
        nouveau,
        transitions=TRANSITIONS_COMPTE_RENDU,
        etats=StatutCompteRendu,
        nom="Un compte-rendu",
        journaliser=lambda de, a: _journaliser(compte_rendu.convention, auteur, evenement, motif),
        valeurs=valeurs,
    )


@transaction.atomic
def enregistrer(
    convention: Convention,
    annee: int,
    auteur,
    *,
    donnees: Mapping[str, Any],
    lignes: Iterable[Mapping[str, Any]],
    indicateurs: Iterable[Mapping[str, Any]],
    deposer: bool = False,
) -> CompteRendu:
    """Enregistre le compte-rendu de l'année (créé au premier enregistrement) d'un coup : tout est vérifié
    avant, rien n'est écrit en cas d'erreur ; `deposer` le dépose dans la foulée (le dépôt exige les actions
    réalisées, le nombre de bénéficiaires et au moins une ligne de budget).

    `donnees` : les champs texte (`actions_realisees`, `ecarts`, `difficultes`, `commentaires`), les nombres de
    bénéficiaires et `beneficiaires_par_age` ({tranche : nombre}) ; `lignes` : {compte, libelle, prevu,
    realise} ; `indicateurs` : {libelle, unite, cible, valeur}."""
    if not peut_preparer_compte_rendu(auteur, convention):
        raise PermissionDenied(REFUS_PREPARATION)
    Convention.objects.select_for_update().filter(pk=convention.pk).first()
    convention.refresh_from_db(fields=["statut"])
    compte_rendu = CompteRendu.objects.select_for_update().filter(convention=convention, annee=annee).first()
    verifier_annee(convention, annee, compte_rendu=compte_rendu)
    if compte_rendu is not None and compte_rendu.statut not in STATUTS_MODIFIABLES:
        raise ValidationError(
            f"Le compte-rendu {annee} est « {compte_rendu.get_statut_display().lower()} » : il ne se modifie plus "
            "(sauf si un financeur demande des compléments)."
        )
    lignes, indicateurs = list(lignes), list(indicateurs)
    erreurs = _valider_beneficiaires(donnees) + _valider_lignes(lignes, indicateurs)
    _erreur(erreurs)
    if compte_rendu is None:
        compte_rendu = CompteRendu(convention=convention, annee=annee)
    for champ in CHAMPS_TEXTE:
        setattr(compte_rendu, champ, (donnees.get(champ) or "").strip())
    for champ in CHAMPS_BENEFICIAIRES:
        setattr(compte_rendu, champ, donnees.get(champ))
    compte_rendu.beneficiaires_par_age = {
        t: n for t, n in (donnees.get("beneficiaires_par_age") or {}).items() if n is not None
    }
    compte_rendu.save()
    compte_rendu.lignes.all().delete()
    LigneCompteRendu.objects.bulk_create(
        LigneCompteRendu(
            compte_rendu=compte_rendu,
            sens=_sens(ligne["compte"]),
            compte=ligne["compte"],
            libelle=(ligne.get("libelle") or "").strip()[:255],
            prevu=ligne.get("prevu") or Decimal(0),
            realise=ligne.get("realise") or Decimal(0),
            ordre=i,
        )
        for i, ligne in enumerate(lignes)
    )
    compte_rendu.indicateurs.all().delete()
    IndicateurCompteRendu.objects.bulk_create(
        IndicateurCompteRendu(
            compte_rendu=compte_rendu,
            libelle=indicateur["libelle"].strip()[:255],
            unite=(indicateur.get("unite") or "").strip()[:50],
            cible=indicateur.get("cible"),
            valeur=indicateur["valeur"],
            ordre=i,
        )
        for i, indicateur in enumerate(indicateurs)
    )
    # Un brouillon n'est pas inscrit au journal de la convention : les financeurs le lisent, le brouillon ne
    # regarde que la structure jusqu'au dépôt.
    if deposer:
        _deposer(compte_rendu, auteur)
    return compte_rendu


def _deposer(compte_rendu: CompteRendu, auteur) -> JournalConvention:
    _erreur(_valider_depot(compte_rendu))
    redepot = compte_rendu.statut == StatutCompteRendu.COMPLEMENTS
    evenement = f"Compte-rendu {compte_rendu.annee} {'complété et redéposé' if redepot else 'déposé'}"
    entree = _changer(
        compte_rendu,
        auteur,
        StatutCompteRendu.DEPOSE,
        evenement,
        valeurs={"depose_le": timezone.now(), "depose_par": auteur},
    )
    _notifier(
        compte_rendu,
        entree,
        destinataires_financeurs(compte_rendu.convention),
        "financements/email/compte_rendu_depose.txt",
    )
    return entree


@transaction.atomic
def deposer(compte_rendu: CompteRendu, auteur) -> JournalConvention:
    """Dépose (ou redépose, après une demande de compléments) le compte-rendu enregistré : les agents des
    financeurs parties sont prévenus."""
    convention = compte_rendu.convention
    if not peut_preparer_compte_rendu(auteur, convention):
        raise PermissionDenied(REFUS_PREPARATION)
    Convention.objects.select_for_update().filter(pk=convention.pk).first()
    convention.refresh_from_db(fields=["statut"])
    compte_rendu.refresh_from_db()
    verifier_annee(convention, compte_rendu.annee, compte_rendu=compte_rendu)
    if compte_rendu.statut not in STATUTS_MODIFIABLES:
        raise ValidationError(f"Le compte-rendu {compte_rendu.annee} est déjà déposé.")
    return _deposer(compte_rendu, auteur)


def derniers_avis(compte_rendu: CompteRendu) -> dict[int, AvisCompteRendu]:
    """Le dernier avis de chaque financeur (clé : l'organisation)."""
    derniers: dict[int, AvisCompteRendu] = {}
    for avis in sorted(compte_rendu.avis.all(), key=lambda a: (a.date, a.pk), reverse=True):
        derniers.setdefault(avis.financeur_id, avis)
    return derniers


@transaction.atomic
def donner_avis(
    compte_rendu: CompteRendu, auteur, financeur: Organisation, sens: str, motif: str = ""
) -> AvisCompteRendu:
    """L'avis d'un financeur partie, donné par un de ses agents : accepté, ou compléments demandés (motif
    obligatoire, lu par la structure). Des compléments demandés font passer le compte-rendu « compléments
    demandés » ; il passe « accepté » quand le dernier avis de chaque financeur partie l'accepte."""
    convention = compte_rendu.convention
    if not peut_donner_avis_compte_rendu(auteur, convention, financeur):
        raise PermissionDenied(REFUS_AVIS)
    compte_rendu = CompteRendu.objects.select_for_update().select_related("convention").get(pk=compte_rendu.pk)
    if compte_rendu.statut not in STATUTS_AVIS:
        if compte_rendu.statut == StatutCompteRendu.ACCEPTE:
            raise ValidationError(f"Le compte-rendu {compte_rendu.annee} est déjà accepté par tous les financeurs.")
        raise ValidationError(f"Le compte-rendu {compte_rendu.annee} n'est pas déposé : il n'attend pas d'avis.")
    if sens not in SensAvisCompteRendu.values:
        raise ValidationError("Choisissez d'accepter le compte-rendu ou de demander des compléments.")
    motif = (motif or "").strip()
    if sens == SensAvisCompteRendu.COMPLEMENTS and not motif:
        raise ValidationError("Dites quels compléments vous demandez : la structure lira ce motif.")
    avis = AvisCompteRendu.objects.create(
        compte_rendu=compte_rendu, financeur=financeur, sens=sens, motif=motif, auteur=auteur
    )
    quoi = "accepté" if sens == SensAvisCompteRendu.ACCEPTE else "compléments demandés"
    evenement = f"Compte-rendu {compte_rendu.annee} : {quoi} par {financeur}"
    parties = set(convention.parties.values_list("financeur_id", flat=True))
    derniers = derniers_avis(compte_rendu)
    tous_acceptent = all(f in derniers and derniers[f].sens == SensAvisCompteRendu.ACCEPTE for f in parties)
    if sens == SensAvisCompteRendu.COMPLEMENTS and compte_rendu.statut == StatutCompteRendu.DEPOSE:
        entree = _changer(compte_rendu, auteur, StatutCompteRendu.COMPLEMENTS, evenement, motif)
    elif tous_acceptent:
        entree = _changer(compte_rendu, auteur, StatutCompteRendu.ACCEPTE, evenement, motif)
    else:
        entree = _journaliser(convention, auteur, evenement, motif)
    _notifier(compte_rendu, entree, destinataires_structure(convention), "financements/email/compte_rendu_avis.txt")
    return avis


# --- E-mails ----------------------------------------------------------------------------------------------


def destinataires_structure(convention: Convention) -> list[str]:
    """Les membres actifs de la structure."""
    return Adhesion.objects.filter(
        organisation_id=convention.structure.organisation_id, role=Role.STRUCTURE
    ).adresses_actives()


def destinataires_financeurs(convention: Convention) -> list[str]:
    """Les agents actifs des financeurs parties."""
    return Adhesion.objects.filter(
        organisation_id__in=convention.parties.values("financeur_id"), role__in=ROLES_INSTRUCTEURS
    ).adresses_actives()


def lien(compte_rendu: CompteRendu) -> str:
    return settings.SITE_URL.rstrip("/") + compte_rendu.get_absolute_url()


def _notifier(compte_rendu: CompteRendu, entree: JournalConvention, adresses: list[str], gabarit: str) -> None:
    corps = render_to_string(gabarit, {"compte_rendu": compte_rendu, "entree": entree, "lien": lien(compte_rendu)})
    courriels.envoyer(f"{entree.evenement} — {compte_rendu.convention.structure}", corps, adresses)


# --- Lecture : la section « Comptes-rendus » de la page de la convention -----------------------------------


@dataclass
class AnneeCompteRendu:
    """Une année de la convention vue par une personne : l'échéance, le compte-rendu s'il lui est lisible, son
    état dit pour elle, le dernier avis de chaque financeur partie, et si elle peut le préparer maintenant."""

    annee: int
    echeance: date
    compte_rendu: CompteRendu | None
    etat: str
    avis: list[tuple[Organisation, AvisCompteRendu | None]]
    preparable: bool
    en_retard: bool


def annees_comptes_rendus(
    qui, convention: Convention, parties: list[Organisation], aujourd_hui: date | None = None
) -> list[AnneeCompteRendu]:
    """Chaque année de la convention et son compte-rendu, en deux requêtes quel que soit leur nombre (les
    comptes-rendus, leurs avis). Un brouillon n'est montré qu'à la structure ; les autres lisent « non déposé »."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    structure = peut_preparer_compte_rendu(qui, convention)
    existants = {cr.annee: cr for cr in convention.comptes_rendus.prefetch_related("avis")}
    ouvertes = set(annees_ouvertes(convention, aujourd_hui)) if structure else set()
    annees = []
    for annee in convention.annees:
        cr = existants.get(annee)
        echeance = echeance_compte_rendu(annee)
        visible = cr is not None and (structure or cr.est_depose)
        derniers = derniers_avis(cr) if visible and cr is not None else {}
        if visible and cr is not None:
            etat = cr.get_statut_display()
        elif annee > aujourd_hui.year:
            etat = "Année pas commencée"
        else:
            etat = "Non déposé"
        annees.append(
            AnneeCompteRendu(
                annee=annee,
                echeance=echeance,
                compte_rendu=cr if visible else None,
                etat=etat,
                avis=[(f, derniers.get(f.pk)) for f in parties],
                preparable=structure
                and (
                    (cr is not None and cr.statut == StatutCompteRendu.COMPLEMENTS)
                    or (annee in ouvertes and (cr is None or cr.statut == StatutCompteRendu.BROUILLON))
                ),
                en_retard=aujourd_hui > echeance and (cr is None or not cr.est_depose),
            )
        )
    return annees
