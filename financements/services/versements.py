"""L'exécution financière d'une convention signée : l'échéancier de chaque financeur (avance et solde de chaque
année), chaque versement prévu → mandaté (sur l'IBAN validé de la structure) → payé, ou annulé ; les
reversements demandés après un compte-rendu ; la part de chaque structure d'une action collective dans le
montant d'un financeur.

Chaque écriture vérifie qui agit (seuls les agents du financeur gèrent ses versements), verrouille la
convention (`select_for_update`) pour que deux agents ne dépassent pas ensemble le montant convenu, contrôle
tout avant d'écrire (rien n'est enregistré à moitié) et s'inscrit au journal de la convention, dans une entrée
réservée au financeur et à la structure. Les e-mails partent par `config.lib.courriels`, dans la transaction."""

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone

from acteurs_ess.models import Structure, iban_masque
from acteurs_ess.services import rib_valide
from comptes.models import Adhesion, Organisation, Role
from config.lib import courriels
from config.lib.etats import changer_etat
from config.lib.euros import euros
from financements.models import (
    CompteRendu,
    Convention,
    ConventionMontant,
    CoPorteur,
    JournalConvention,
    NatureVersement,
    PartBeneficiaire,
    Reversement,
    StatutConvention,
    StatutReversement,
    StatutVersement,
    Versement,
)
from financements.models.execution import (
    STATUTS_VERSEMENT_ENGAGES,
    TRANSITIONS_REVERSEMENT,
    TRANSITIONS_VERSEMENT,
    compte_rendu_accepte_par,
)
from financements.permissions import peut_gerer_versements

CENTIME = Decimal("0.01")
CENT = Decimal(100)
# L'échéancier s'établit et se modifie sur une convention signée de toutes les parties (en vigueur ou pas
# encore) ; les versements déjà prévus se mandatent et se paient aussi après son terme (le solde de la dernière
# année suit le dernier compte-rendu).
ETATS_ECHEANCIER = {StatutConvention.SIGNEE_FINANCEURS, StatutConvention.EN_VIGUEUR}
ETATS_PAIEMENT = ETATS_ECHEANCIER | {StatutConvention.TERMINEE}
# Article 4 du modèle : l'avance au plus tard à la fin du premier trimestre ; le solde à l'automne, une fois le
# compte-rendu de l'année précédente déposé (dû le 30 juin) et examiné.
JOUR_AVANCE = (3, 31)
JOUR_SOLDE = (9, 30)
REFUS_GESTION = "Seuls les agents de ce financeur gèrent ses versements."
# Une part de moins de 1 % ne s'exprime pas dans l'export SCDL (`pourcentageSubvention` : 0,01 au moins).
PART_MINIMUM = Decimal(1)


Erreurs = dict[str, list[str]]
NON_CHAMP = "__all__"


def _erreur(erreurs: Erreurs) -> None:
    """Toutes les erreurs d'un coup, chacune rattachée au champ du formulaire qu'elle concerne (`__all__` :
    au formulaire entier) ; rien n'est écrit."""
    erreurs = {champ: messages for champ, messages in erreurs.items() if messages}
    if erreurs:
        raise ValidationError(erreurs)


def _ajouter(erreurs: Erreurs, champ: str, message: str) -> None:
    erreurs.setdefault(champ, []).append(message)


def _verifier_gestion(auteur, convention: Convention, financeur_id: int) -> None:
    if not peut_gerer_versements(auteur, convention, financeur_id):
        raise PermissionDenied(REFUS_GESTION)


def verrouiller(convention: Convention) -> Convention:
    """La convention relue et verrouillée jusqu'à la fin de la transaction : deux agents qui prévoient, mandatent
    ou paient en même temps passent l'un après l'autre, le second voit ce que le premier a engagé."""
    actuelle = Convention.objects.select_for_update().get(pk=convention.pk)
    convention.statut = actuelle.statut
    return actuelle


def _nom(financeur_id: int) -> str:
    return str(Organisation.objects.only("nom").get(pk=financeur_id))


def _journal(convention: Convention, auteur, financeur_id: int, evenement: str, motif: str = "") -> JournalConvention:
    return JournalConvention.objects.create(
        convention=convention, auteur=auteur, financeur_id=financeur_id, evenement=evenement[:255], motif=motif
    )


# --- Lectures -----------------------------------------------------------------------------------------------


def plafond(convention: Convention, financeur_id: int, annee: int) -> Decimal:
    """Le montant que le financeur s'est engagé à verser cette année (0 s'il n'en a pas)."""
    montant = ConventionMontant.objects.filter(convention=convention, financeur_id=financeur_id, annee=annee).first()
    return montant.montant if montant else Decimal(0)


def _engage(convention: Convention, financeur_id: int, annee: int | None = None, exclure: int | None = None):
    versements = Versement.objects.filter(
        convention=convention, financeur_id=financeur_id, statut__in=STATUTS_VERSEMENT_ENGAGES
    )
    if annee is not None:
        versements = versements.filter(annee=annee)
    if exclure is not None:
        versements = versements.exclude(pk=exclure)
    return versements


def _somme(versements) -> Decimal:
    return versements.aggregate(total=Sum("montant"))["total"] or Decimal(0)


def part_avance(convention: Convention, montant_annuel: Decimal) -> Decimal:
    """L'avance convenue d'une année : la part `part_avance` du montant annuel, arrondie au centime inférieur."""
    return (montant_annuel * convention.part_avance / CENT).quantize(CENTIME, rounding=ROUND_DOWN)


def est_un_solde(convention: Convention, nature: str) -> bool:
    """Un solde, ou un versement unique qui n'est précédé d'aucune avance (avance de 0 %) : c'est lui aussi le
    solde de l'année."""
    return nature == NatureVersement.SOLDE or (nature == NatureVersement.UNIQUE and convention.part_avance == 0)


def solde_bloque(convention: Convention, financeur_id: int, annee: int, nature: str) -> bool:
    """Le solde de l'année N (après la première) attend que CE financeur ait accepté le compte-rendu de N-1,
    quand la convention le prévoit."""
    return (
        convention.solde_apres_compte_rendu
        and est_un_solde(convention, nature)
        and annee > convention.annee_debut
        and not compte_rendu_accepte_par(convention.pk, financeur_id, annee - 1)
    )


# --- Règles ---------------------------------------------------------------------------------------------------


def _controler_montants(
    convention: Convention, financeur_id: int, annee: int, nature: str, montant: Decimal, exclure: int | None = None
) -> Erreurs:
    """Ce que les versements engagés du financeur deviendraient avec celui-ci (`exclure` : sa version d'avant) :
    jamais au-dessus du montant de l'année ni du total de la convention, l'avance jamais au-dessus de la part
    convenue."""
    erreurs: Erreurs = {}
    nom = _nom(financeur_id)
    if annee not in convention.annees:
        return {"annee": [f"{annee} n'est pas une année de la convention ({convention.periode})."]}
    if montant <= 0:
        return {"montant": ["Un versement a un montant positif."]}
    maximum = plafond(convention, financeur_id, annee)
    deja = _somme(_engage(convention, financeur_id, annee, exclure))
    if deja + montant > maximum:
        _ajouter(
            erreurs,
            "montant",
            f"Les versements de {nom} pour {annee} totaliseraient {euros(deja + montant)}, au-dessus de son montant "
            f"de cette année ({euros(maximum)}) : il reste {euros(max(maximum - deja, Decimal(0)))} à prévoir.",
        )
    total_convention = ConventionMontant.objects.filter(convention=convention, financeur_id=financeur_id).aggregate(
        total=Sum("montant")
    )["total"] or Decimal(0)
    deja_convention = _somme(_engage(convention, financeur_id, exclure=exclure))
    if not erreurs and deja_convention + montant > total_convention:
        _ajouter(
            erreurs,
            "montant",
            f"Les versements de {nom} totaliseraient {euros(deja_convention + montant)} sur la convention, au-dessus "
            f"de son montant total ({euros(total_convention)}).",
        )
    if nature == NatureVersement.AVANCE:
        convenue = part_avance(convention, maximum)
        avances = _somme(_engage(convention, financeur_id, annee, exclure).filter(nature=NatureVersement.AVANCE))
        if avances + montant > convenue:
            _ajouter(
                erreurs,
                "montant",
                f"L'avance de {annee} ne peut dépasser la part convenue, {_pourcent(convention.part_avance)} % "
                f"du montant annuel, soit {euros(convenue)} (déjà prévu en avance : {euros(avances)}).",
            )
    return erreurs


def _verifier_etat(convention: Convention, etats: set[str], action: str) -> None:
    if convention.statut not in etats:
        raise ValidationError(
            f"Une convention « {convention.get_statut_display()} » ne permet pas de {action} : elle doit être "
            "signée de toutes les parties."
        )


# --- Échéancier -----------------------------------------------------------------------------------------------


def _date_prevue(convention: Convention, annee: int, jour: tuple[int, int]) -> date:
    prevue = date(annee, *jour)
    if convention.en_vigueur_le and prevue < convention.en_vigueur_le:
        return convention.en_vigueur_le
    return prevue


def echeancier_type(convention: Convention, annee: int, montant: Decimal) -> list[tuple[str, Decimal, date]]:
    """L'échéancier type d'une année : l'avance (part convenue) puis le solde ; un versement unique si l'avance
    est de 0 % ou de 100 % du montant annuel. (nature, montant, date prévue)."""
    if montant <= 0:
        return []
    avance = part_avance(convention, montant)
    if avance <= 0 or avance >= montant:
        return [(NatureVersement.UNIQUE, montant, _date_prevue(convention, annee, JOUR_AVANCE))]
    return [
        (NatureVersement.AVANCE, avance, _date_prevue(convention, annee, JOUR_AVANCE)),
        (NatureVersement.SOLDE, montant - avance, _date_prevue(convention, annee, JOUR_SOLDE)),
    ]


@transaction.atomic
def generer_echeancier(convention: Convention, auteur, financeur: Organisation) -> list[Versement]:
    """L'échéancier type du financeur pour chaque année de la convention qui n'a encore aucun versement engagé :
    avance puis solde d'après ses montants annuels. Idempotent : une année déjà prévue n'est pas touchée."""
    _verifier_gestion(auteur, convention, financeur.pk)
    convention = verrouiller(convention)
    _verifier_etat(convention, ETATS_ECHEANCIER, "établir l'échéancier")
    deja = set(_engage(convention, financeur.pk).values_list("annee", flat=True))
    montants = {m.annee: m.montant for m in convention.montants.filter(financeur=financeur)}
    crees = Versement.objects.bulk_create(
        Versement(
            convention=convention,
            financeur=financeur,
            annee=annee,
            nature=nature,
            montant=montant,
            date_prevue=prevue,
            cree_par=auteur,
        )
        for annee in convention.annees
        if annee not in deja
        for nature, montant, prevue in echeancier_type(convention, annee, montants.get(annee, Decimal(0)))
    )
    if not crees:
        raise ValidationError(f"L'échéancier de {financeur} est déjà établi pour chaque année de la convention.")
    _journal(
        convention,
        auteur,
        financeur.pk,
        f"Échéancier de {financeur} établi : {len(crees)} versement(s), {euros(sum(v.montant for v in crees))}",
    )
    return crees


@transaction.atomic
def ajouter_versement(
    convention: Convention,
    auteur,
    financeur: Organisation,
    *,
    annee: int,
    nature: str,
    montant: Decimal,
    date_prevue: date,
) -> Versement:
    """Une ligne prévue ajoutée à l'échéancier du financeur, dans la limite de son montant de l'année."""
    _verifier_gestion(auteur, convention, financeur.pk)
    convention = verrouiller(convention)
    _verifier_etat(convention, ETATS_ECHEANCIER, "modifier l'échéancier")
    _erreur(_controler_montants(convention, financeur.pk, annee, nature, montant))
    versement = Versement.objects.create(
        convention=convention,
        financeur=financeur,
        annee=annee,
        nature=nature,
        montant=montant,
        date_prevue=date_prevue,
        cree_par=auteur,
    )
    _journal(convention, auteur, financeur.pk, f"Versement prévu ajouté : {versement}")
    return versement


def _verrouiller_versement(versement: Versement) -> tuple[Convention, Versement]:
    convention = verrouiller(versement.convention)
    return convention, Versement.objects.select_for_update().get(pk=versement.pk)


@transaction.atomic
def modifier_versement(versement: Versement, auteur, *, nature: str, montant: Decimal, date_prevue: date) -> Versement:
    """Une ligne encore prévue se modifie (nature, montant, date), dans les mêmes limites."""
    _verifier_gestion(auteur, versement.convention, versement.financeur_id)
    convention, versement = _verrouiller_versement(versement)
    _verifier_etat(convention, ETATS_ECHEANCIER, "modifier l'échéancier")
    if versement.statut != StatutVersement.PREVU:
        raise ValidationError(f"Un versement {versement.get_statut_display().lower()} ne se modifie plus.")
    _erreur(_controler_montants(convention, versement.financeur_id, versement.annee, nature, montant, versement.pk))
    avant = str(versement)
    versement.nature, versement.montant, versement.date_prevue = nature, montant, date_prevue
    versement.save(update_fields=["nature", "montant", "date_prevue", "modifie_le"])
    _journal(convention, auteur, versement.financeur_id, f"Versement prévu modifié : {versement}", motif=avant)
    return versement


@transaction.atomic
def supprimer_versement(versement: Versement, auteur) -> None:
    """Une ligne encore prévue se retire de l'échéancier ; une ligne mandatée s'annule (avec le motif)."""
    _verifier_gestion(auteur, versement.convention, versement.financeur_id)
    convention, versement = _verrouiller_versement(versement)
    _verifier_etat(convention, ETATS_ECHEANCIER, "modifier l'échéancier")
    if versement.statut != StatutVersement.PREVU:
        raise ValidationError(
            f"Un versement {versement.get_statut_display().lower()} ne se supprime pas : annulez-le avec le motif."
        )
    _journal(convention, auteur, versement.financeur_id, f"Versement prévu retiré : {versement}")
    versement.delete()


def _changer(versement: Versement, auteur, nouveau: str, evenement: str, motif: str = "", valeurs=None):
    return changer_etat(
        versement,
        nouveau,
        transitions=TRANSITIONS_VERSEMENT,
        etats=StatutVersement,
        nom="Un versement",
        journaliser=lambda de, a: _journal(versement.convention, auteur, versement.financeur_id, evenement, motif),
        valeurs=valeurs,
    )


def _controler_date(erreurs: Erreurs, champ: str, valeur: date | None, libelle: str) -> None:
    if valeur is None:
        _ajouter(erreurs, champ, f"Indiquez la date {libelle}.")
    elif valeur > timezone.localdate():
        _ajouter(erreurs, champ, f"La date {libelle} ne peut pas être dans le futur.")


def _controler_execution(convention: Convention, versement: Versement) -> Erreurs:
    """Au mandat comme au paiement : le total engagé reste dans les montants (un avenant a pu les baisser
    depuis que la ligne a été prévue) et le solde attend le compte-rendu de l'année précédente."""
    # Les montants d'une ligne déjà prévue ne sont pas dans le formulaire du mandat ou du paiement.
    erreurs = {
        NON_CHAMP: [
            m
            for messages in _controler_montants(
                convention, versement.financeur_id, versement.annee, versement.nature, versement.montant, versement.pk
            ).values()
            for m in messages
        ]
    }
    if solde_bloque(convention, versement.financeur_id, versement.annee, versement.nature):
        _ajouter(
            erreurs,
            NON_CHAMP,
            f"Le solde de {versement.annee} attend que {_nom(versement.financeur_id)} ait accepté le compte-rendu "
            f"financier de {versement.annee - 1}.",
        )
    return erreurs


@transaction.atomic
def mandater(versement: Versement, auteur, *, mandate_le: date | None, reference: str) -> Versement:
    """Le mandat de paiement émis : sa date, sa référence, et l'IBAN validé de la structure, recopié pour garder
    la trace du compte crédité. Refusé tant que la structure n'a pas de RIB validé par un financeur."""
    _verifier_gestion(auteur, versement.convention, versement.financeur_id)
    convention, versement = _verrouiller_versement(versement)
    _verifier_etat(convention, ETATS_PAIEMENT, "mandater un versement")
    reference = (reference or "").strip()
    erreurs: Erreurs = {}
    _controler_date(erreurs, "mandate_le", mandate_le, "du mandat")
    if not reference:
        _ajouter(erreurs, "reference", "Indiquez la référence du mandat.")
    if versement.statut == StatutVersement.PREVU:
        for champ, messages in _controler_execution(convention, versement).items():
            erreurs.setdefault(champ, []).extend(messages)
    rib = rib_valide(convention.structure)
    if rib is None:
        _ajouter(
            erreurs,
            NON_CHAMP,
            f"{convention.structure} n'a pas de RIB validé : un agent d'un financeur doit valider son RIB avant "
            "tout mandat (page « RIB » de la structure).",
        )
    _erreur(erreurs)
    if rib is None:  # déjà refusé par `_erreur` ; le test rassure mypy sans `assert` (retiré avec -O)
        raise ValidationError("Aucun RIB validé.")
    _changer(
        versement,
        auteur,
        StatutVersement.MANDATE,
        f"Versement mandaté : {versement.get_nature_display()} {versement.annee}, {euros(versement.montant)}, "
        f"mandat {reference}, sur le compte {rib.iban_masque}",
        valeurs={"mandate_le": mandate_le, "reference_mandat": reference[:100], "iban": rib.iban},
    )
    return versement


@transaction.atomic
def payer(versement: Versement, auteur, *, paye_le: date | None, reference: str) -> Versement:
    """Le paiement constaté : sa date et sa référence. La structure en est prévenue par e-mail."""
    _verifier_gestion(auteur, versement.convention, versement.financeur_id)
    convention, versement = _verrouiller_versement(versement)
    _verifier_etat(convention, ETATS_PAIEMENT, "payer un versement")
    reference = (reference or "").strip()
    erreurs: Erreurs = {}
    _controler_date(erreurs, "paye_le", paye_le, "du paiement")
    if not reference:
        _ajouter(erreurs, "reference", "Indiquez la référence du paiement.")
    if paye_le and versement.mandate_le and paye_le < versement.mandate_le:
        _ajouter(erreurs, "paye_le", "Le paiement ne peut pas précéder le mandat.")
    if versement.statut == StatutVersement.MANDATE:
        for champ, messages in _controler_execution(convention, versement).items():
            erreurs.setdefault(champ, []).extend(messages)
    elif versement.statut == StatutVersement.PREVU:
        _ajouter(erreurs, NON_CHAMP, "Un versement se mandate avant d'être payé.")
    _erreur(erreurs)
    entree = _changer(
        versement,
        auteur,
        StatutVersement.PAYE,
        f"Versement payé : {versement.get_nature_display()} {versement.annee}, {euros(versement.montant)}, "
        f"paiement {reference}",
        valeurs={"paye_le": paye_le, "reference_paiement": reference[:100]},
    )
    _prevenir_structure(
        convention,
        f"Versement de {euros(versement.montant)} payé par {versement.financeur}",
        "financements/email/versement_paye.txt",
        {"versement": versement, "entree": entree, "iban_masque": iban_masque(versement.iban)},
    )
    return versement


@transaction.atomic
def annuler(versement: Versement, auteur, *, motif: str) -> Versement:
    """Un versement prévu ou mandaté s'annule, avec le motif ; il ne compte plus dans le total engagé."""
    _verifier_gestion(auteur, versement.convention, versement.financeur_id)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": ["Donnez le motif de l'annulation : la structure le lira."]})
    convention, versement = _verrouiller_versement(versement)
    _changer(
        versement,
        auteur,
        StatutVersement.ANNULE,
        f"Versement annulé : {versement.get_nature_display()} {versement.annee}, {euros(versement.montant)}",
        motif=motif,
        valeurs={"motif_annulation": motif},
    )
    return versement


# --- Reversements ---------------------------------------------------------------------------------------------


def reversable(convention: Convention, financeur_id: int, annee: int, exclure: int | None = None) -> Decimal:
    """Ce que le financeur peut encore demander en reversement pour l'année : ce qu'il a payé, moins les
    reversements déjà demandés (hors annulés)."""
    paye = _somme(
        Versement.objects.filter(
            convention=convention, financeur_id=financeur_id, annee=annee, statut=StatutVersement.PAYE
        )
    )
    demandes = Reversement.objects.filter(convention=convention, financeur_id=financeur_id, annee=annee).exclude(
        statut=StatutReversement.ANNULE
    )
    if exclure is not None:
        demandes = demandes.exclude(pk=exclure)
    return paye - (demandes.aggregate(total=Sum("montant"))["total"] or Decimal(0))


@transaction.atomic
def demander_reversement(
    convention: Convention, auteur, financeur: Organisation, *, annee: int, montant: Decimal, motif: str
) -> Reversement:
    """Un financeur demande le reversement de tout ou partie de ce qu'il a payé une année (sous-exécution
    constatée au compte-rendu, le plus souvent) ; relié au compte-rendu de cette année s'il existe."""
    _verifier_gestion(auteur, convention, financeur.pk)
    convention = verrouiller(convention)
    motif = (motif or "").strip()
    erreurs: Erreurs = {}
    if annee not in convention.annees:
        _ajouter(erreurs, "annee", f"{annee} n'est pas une année de la convention ({convention.periode}).")
    if not motif:
        _ajouter(erreurs, "motif", "Donnez le motif du reversement : la structure le lira.")
    if montant is None or montant <= 0:
        _ajouter(erreurs, "montant", "Le montant demandé est positif.")
    elif annee in convention.annees:
        possible = reversable(convention, financeur.pk, annee)
        if montant > possible:
            _ajouter(
                erreurs,
                "montant",
                f"Le reversement demandé ({euros(montant)}) dépasse ce que {financeur} a payé en {annee}, moins les "
                f"reversements déjà demandés : {euros(max(possible, Decimal(0)))} au plus.",
            )
    _erreur(erreurs)
    reversement = Reversement.objects.create(
        convention=convention,
        financeur=financeur,
        annee=annee,
        compte_rendu=CompteRendu.objects.filter(convention=convention, annee=annee).first(),
        montant=montant,
        motif=motif,
        demande_le=timezone.localdate(),
        cree_par=auteur,
    )
    entree = _journal(convention, auteur, financeur.pk, f"Reversement demandé par {financeur} : {reversement}", motif)
    _prevenir_structure(
        convention,
        f"Reversement de {euros(montant)} demandé par {financeur}",
        "financements/email/reversement.txt",
        {"reversement": reversement, "entree": entree},
    )
    return reversement


@transaction.atomic
def suivre_reversement(
    reversement: Reversement,
    auteur,
    nouveau: str,
    *,
    le: date | None = None,
    reference: str = "",
    motif: str = "",
) -> Reversement:
    """Titre de recette émis (date, référence), remboursé (date), ou annulé (motif)."""
    _verifier_gestion(auteur, reversement.convention, reversement.financeur_id)
    convention = verrouiller(reversement.convention)
    reversement = Reversement.objects.select_for_update().get(pk=reversement.pk)
    reference, motif = (reference or "").strip(), (motif or "").strip()
    valeurs: dict = {}
    erreurs: Erreurs = {}
    if nouveau == StatutReversement.TITRE_EMIS:
        _controler_date(erreurs, "le", le, "du titre de recette")
        if not reference:
            _ajouter(erreurs, "reference", "Indiquez la référence du titre de recette.")
        valeurs = {"titre_emis_le": le, "reference_titre": reference[:100]}
        evenement = f"Titre de recette {reference} émis pour le reversement de {euros(reversement.montant)}"
    elif nouveau == StatutReversement.REMBOURSE:
        _controler_date(erreurs, "le", le, "du remboursement")
        if le and reversement.titre_emis_le and le < reversement.titre_emis_le:
            _ajouter(erreurs, "le", "Le remboursement ne peut pas précéder le titre de recette.")
        valeurs = {"rembourse_le": le}
        evenement = f"Reversement de {euros(reversement.montant)} remboursé"
    elif nouveau == StatutReversement.ANNULE:
        if not motif:
            _ajouter(erreurs, "motif", "Donnez le motif de l'annulation : la structure le lira.")
        valeurs = {"motif_annulation": motif}
        evenement = f"Reversement de {euros(reversement.montant)} annulé"
    else:
        _ajouter(erreurs, "statut", "Choisissez une étape possible du reversement.")
        evenement = ""
    _erreur(erreurs)
    entree = changer_etat(
        reversement,
        nouveau,
        transitions=TRANSITIONS_REVERSEMENT,
        etats=StatutReversement,
        nom="Un reversement",
        journaliser=lambda de, a: _journal(convention, auteur, reversement.financeur_id, evenement, motif),
        valeurs=valeurs,
    )
    _prevenir_structure(
        convention,
        f"Reversement demandé par {reversement.financeur} : {reversement.get_statut_display().lower()}",
        "financements/email/reversement.txt",
        {"reversement": reversement, "entree": entree},
    )
    return reversement


# --- Parts des bénéficiaires ----------------------------------------------------------------------------------


def beneficiaires(convention: Convention) -> list[Structure]:
    """La structure porteuse puis les co-porteuses confirmées des actions de la convention."""
    co_porteuses = (
        Structure.objects.filter(
            pk__in=CoPorteur.objects.filter(dossier__in=convention.dossiers.all(), confirme_le__isnull=False).values(
                "structure_id"
            )
        )
        .exclude(pk=convention.structure_id)
        .order_by("raison_sociale")
    )
    return [convention.structure, *co_porteuses]


def _pourcent(valeur: Decimal) -> str:
    return f"{valeur.normalize():f}".replace(".", ",")


@transaction.atomic
def enregistrer_parts(
    convention: Convention, auteur, financeur: Organisation, parts: Mapping[int, Decimal | None]
) -> list[PartBeneficiaire]:
    """La part (en %) de chaque structure d'une action collective dans le montant du financeur : elles font
    100 % ensemble ; une part vide ou nulle retire la structure. Remplace les parts précédentes du financeur."""
    _verifier_gestion(auteur, convention, financeur.pk)
    convention = verrouiller(convention)
    structures = {s.pk: s for s in beneficiaires(convention)}
    erreurs: list[str] = []
    if len(structures) < 2:
        erreurs.append(
            "Cette convention ne finance pas d'action collective (aucun co-porteur confirmé) : la structure reçoit "
            "tout le montant."
        )
    retenues = {pk: Decimal(p) for pk, p in parts.items() if p}
    if set(retenues) - set(structures):
        erreurs.append("Une part ne peut revenir qu'à la structure porteuse ou à une co-porteuse confirmée.")
    for pk, part in retenues.items():
        if pk in structures and not PART_MINIMUM <= part <= CENT:
            erreurs.append(
                f"La part de {structures[pk]} doit être comprise entre 1 et 100 % ({_pourcent(part)} % saisis)."
            )
    total = sum(retenues.values(), Decimal(0))
    if total != CENT:
        erreurs.append(
            f"Les parts de {financeur} totalisent {_pourcent(total)} % : elles doivent faire 100 % ensemble."
        )
    _erreur({NON_CHAMP: erreurs})
    PartBeneficiaire.objects.filter(convention=convention, financeur=financeur).delete()
    crees = PartBeneficiaire.objects.bulk_create(
        PartBeneficiaire(convention=convention, financeur=financeur, structure_id=pk, pourcentage=part)
        for pk, part in retenues.items()
    )
    _journal(
        convention,
        auteur,
        financeur.pk,
        f"Parts des bénéficiaires de {financeur} : "
        + ", ".join(f"{structures[p.structure_id]} {_pourcent(p.pourcentage)} %" for p in crees),
    )
    return crees


def _prevenir_structure(convention: Convention, sujet: str, gabarit: str, contexte: dict) -> None:
    """Les membres de la structure, et eux seuls (les autres financeurs n'en savent rien)."""
    lien = settings.SITE_URL.rstrip("/") + convention.get_absolute_url() + "#versements"
    corps = render_to_string(gabarit, {"convention": convention, "lien": lien, **contexte})
    destinataires = Adhesion.objects.filter(
        organisation_id=convention.structure.organisation_id, role=Role.STRUCTURE
    ).adresses_actives()
    courriels.envoyer(f"{sujet} — convention {convention.periode}", corps, destinataires)
