"""Les appels à projets et les dossiers côté porteur : création, budget et plan de financement, pièces,
co-porteurs, dépôt. Chaque changement d'état vérifie qui agit et s'inscrit au journal du dossier."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from acteurs_ess.models import DocumentStructure, Structure
from comptes.models import Organisation, TypeOrganisation
from config.lib.etats import changer_etat
from config.lib.euros import euros
from contrats.models import ContratDeVille
from financements import alertes
from financements.fichiers import ranger, verifier_fichier
from financements.models import (
    AppelAProjets,
    CoPorteur,
    DecisionFinanceur,
    Dossier,
    Financement,
    FinanceurAppel,
    JournalDossier,
    LigneBudget,
    PieceJointe,
    StatutDossier,
    TypePiece,
    VisibiliteJournal,
)
from financements.models.appel_a_projets import MONTANT_MAXIMUM
from financements.models.dossier import (
    COMPTES_CHARGES,
    COMPTES_PRODUITS,
    INSTRUCTEUR,
    PORTEUR,
    SEUIL_CONVENTION,
    STATUTS_DECIDES,
    TRANSITIONS,
    Issue,
    SensBudget,
)
from financements.permissions import (
    organisations_structures,
    peut_confirmer_co_portage,
    peut_deposer,
    peut_gerer_appel,
    peut_instruire,
    peut_modifier_dossier,
    peut_repondre_appel,
    profil_dossier,
)
from financements.services import conventions, notifications

REFUS_MODIFICATION = "Seuls les membres de la structure porteuse modifient ce dossier, en brouillon ou en correction."


def montant_valide(valeur, libelle: str = "Le montant") -> Decimal:
    """Un montant en euros : décimal, positif ou nul, plausible (10 M€ au plus), au centime."""
    try:
        montant = Decimal(str(valeur).replace(" ", "").replace("\u202f", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{libelle} « {valeur} » n'est pas un nombre.") from None
    if not montant.is_finite():
        raise ValidationError(f"{libelle} « {valeur} » n'est pas un nombre.")
    if montant < 0:
        raise ValidationError(f"{libelle} ne peut pas être négatif ({euros(montant)}).")
    if montant > MONTANT_MAXIMUM:
        raise ValidationError(f"{libelle} de {euros(montant)} n'est pas plausible : le maximum est de 10 millions €.")
    if montant != montant.quantize(Decimal("0.01")):
        raise ValidationError(f"{libelle} s'exprime au centime près ({valeur}).")
    return montant.quantize(Decimal("0.01"))


def journaliser(
    dossier: Dossier, auteur, evenement: str, motif: str = "", de: str = "", a: str = "", *, visibilite: str
) -> JournalDossier:
    """Inscrit un événement au journal du dossier ; chaque appelant dit qui le lit (`VisibiliteJournal`)."""
    return JournalDossier.objects.create(
        dossier=dossier,
        auteur=auteur,
        evenement=evenement,
        motif=motif,
        de_statut=de,
        a_statut=a,
        visibilite=visibilite,
    )


# --- Appels à projets -------------------------------------------------------------------------------------


@transaction.atomic
def creer_appel(
    contrat: ContratDeVille,
    auteur,
    *,
    titre: str,
    annee: int,
    ouverture: date,
    cloture: date,
    financeurs: Iterable[tuple[Organisation, Decimal, str] | tuple[Organisation, Decimal, str, bool]],
    description: str = "",
    priorites: Iterable = (),
    qpv: Iterable = (),
    pieces_demandees: Iterable[str] = (),
    reponses_collectives: bool = True,
    modalites_collectives: str = "",
    publier: bool = False,
) -> AppelAProjets:
    """Lance un appel à projets du contrat, avec ses financeurs et leur enveloppe : (financeur, enveloppe,
    dispositif) et, en quatrième, vrai si l'enveloppe relève du programme 147 (État seulement)."""
    if not peut_gerer_appel(auteur, contrat):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse lancent les appels à projets du contrat.")
    financeurs, priorites, qpv = list(financeurs), list(priorites), list(qpv)
    erreurs = []
    if not titre.strip():
        erreurs.append("Donnez un titre à l'appel à projets.")
    if cloture < ouverture:
        erreurs.append("La clôture des dépôts doit suivre leur ouverture.")
    if not financeurs:
        erreurs.append("Indiquez au moins un financeur participant et son enveloppe.")
    organisations = [f[0].pk for f in financeurs]
    if len(set(organisations)) != len(organisations):
        erreurs.append("Chaque financeur ne figure qu'une fois.")
    if any(p.contrat_id != contrat.pk for p in priorites):
        erreurs.append("Les priorités doivent être des orientations ou objectifs de ce contrat.")
    if any(p not in TypePiece.values for p in pieces_demandees):
        erreurs.append("Une pièce demandée n'existe pas.")
    enveloppes = []
    for organisation, enveloppe, *suite in financeurs:
        try:
            enveloppes.append(montant_valide(enveloppe, f"L'enveloppe de {organisation}"))
        except ValidationError as erreur:
            erreurs.extend(erreur.messages)
        if suite[1:] and suite[1] and organisation.type != TypeOrganisation.ETAT:
            erreurs.append(
                f"Seule une enveloppe d'un service de l'État relève du programme 147 ; {organisation} n'en est pas un."
            )
    if erreurs:
        raise ValidationError(erreurs)
    appel = AppelAProjets.objects.create(
        contrat=contrat,
        titre=titre.strip(),
        annee=annee,
        ouverture=ouverture,
        cloture=cloture,
        description=description.strip(),
        pieces_demandees=list(pieces_demandees),
        reponses_collectives=reponses_collectives,
        modalites_collectives=modalites_collectives.strip(),
        publie_le=timezone.now() if publier else None,
        cree_par=auteur,
    )
    appel.priorites.set(priorites)
    appel.qpv.set(qpv)
    FinanceurAppel.objects.bulk_create(
        FinanceurAppel(
            appel=appel,
            organisation=ligne[0],
            enveloppe=enveloppe,
            dispositif=ligne[2].strip(),
            programme_147=bool(ligne[3:] and ligne[3]),
        )
        for ligne, enveloppe in zip(financeurs, enveloppes, strict=True)
    )
    if publier:
        alertes.differer_alerte_publication(appel)
    return appel


@transaction.atomic
def publier_appel(appel: AppelAProjets, auteur) -> None:
    if not peut_gerer_appel(auteur, appel):
        raise PermissionDenied("Seuls les agents de la collectivité porteuse publient cet appel à projets.")
    if appel.est_publie:
        raise ValidationError("Cet appel à projets est déjà publié.")
    appel.publie_le = timezone.now()
    appel.save(update_fields=["publie_le"])
    alertes.differer_alerte_publication(appel)


# --- Dossier : création et contenu ------------------------------------------------------------------------


def structures_de(user):
    return Structure.objects.filter(organisation_id__in=organisations_structures(user)).order_by("raison_sociale")


@transaction.atomic
def creer_dossier(appel: AppelAProjets, structure: Structure, auteur, titre: str) -> Dossier:
    """Ouvre un dossier en brouillon pour la structure ; ses membres le complètent en plusieurs fois."""
    if not peut_repondre_appel(auteur, appel) or structure.organisation_id not in organisations_structures(auteur):
        raise PermissionDenied("Seuls les membres d'une structure de l'annuaire répondent à un appel à projets.")
    if not titre.strip():
        raise ValidationError("Donnez un intitulé à votre projet.")
    if appel.est_clos_avant_terme:
        raise ValidationError(f"Cet appel à projets a été clos avant terme : {appel.motif_cloture}")
    if timezone.localdate() > appel.cloture:
        raise ValidationError(f"Cet appel à projets est clos depuis le {appel.cloture:%d/%m/%Y}.")
    dossier = Dossier.objects.create(appel=appel, structure=structure, titre=titre.strip()[:255], cree_par=auteur)
    journaliser(
        dossier, auteur, "Dossier créé en brouillon", a=StatutDossier.BROUILLON, visibilite=VisibiliteJournal.PORTEUR
    )
    return dossier


def verifier_modifiable(dossier: Dossier, auteur) -> None:
    if not peut_modifier_dossier(auteur, dossier):
        raise PermissionDenied(REFUS_MODIFICATION)


def verrouiller_modifiable(dossier: Dossier, auteur) -> None:
    """Verrouille la ligne du dossier jusqu'à la fin de la transaction et vérifie, sur l'état lu en base, que
    la personne peut encore le modifier : une décision, un dépôt ou une prise en instruction faits entre-temps
    attendent ou sont vus."""
    dossier.statut = Dossier.objects.select_for_update().values_list("statut", flat=True).get(pk=dossier.pk)
    verifier_modifiable(dossier, auteur)


def financeurs_decides(dossier: Dossier) -> dict[int, str]:
    """Les financeurs qui ont décidé de leur part (identifiant → nom) : leur demande et leur ligne 74 du
    budget ne bougent plus."""
    return dict(
        DecisionFinanceur.objects.filter(financement__dossier=dossier).values_list(
            "financement__financeur_id", "financement__financeur__nom"
        )
    )


def _refus_decide(nom: str, quoi: str) -> str:
    return (
        f"{nom} a déjà décidé de sa part : {quoi} ne se modifie ni ne se retire. "
        "Corrigez le reste du dossier ; rien n'a été enregistré."
    )


CHAMPS_LIGNE = ("annee", "sens", "compte", "libelle", "montant", "financeur_id")


def _contenu(ligne: LigneBudget) -> tuple:
    return tuple(getattr(ligne, champ) for champ in CHAMPS_LIGNE)


@transaction.atomic
def enregistrer_budget(dossier: Dossier, auteur, lignes: Iterable[dict]) -> None:
    """Enregistre le budget prévisionnel : ces lignes (compte, libellé, montant, financeur pour un 74)
    remplacent les précédentes, en ne créant, modifiant ou retirant que ce qui a changé.

    Tout ou rien : une ligne fautive n'enregistre rien et le budget précédent est gardé. L'équilibre n'est
    exigé qu'au dépôt : un brouillon peut être déséquilibré. La subvention (compte 74) d'un financeur qui a
    décidé ne change plus.
    """
    verrouiller_modifiable(dossier, auteur)
    financeurs_appel = set(dossier.appel.financeurs.values_list("organisation_id", flat=True))
    erreurs, voulues = [], []
    for numero, ligne in enumerate(lignes, start=1):
        compte = str(ligne.get("compte") or "")
        annee = ligne.get("annee") or 1
        if annee not in range(1, dossier.nombre_annees + 1):
            erreurs.append(
                f"Ligne {numero} : l'année {annee} n'est pas dans l'action, qui dure {dossier.nombre_annees} an(s)."
            )
            continue
        if compte in COMPTES_CHARGES:
            sens = SensBudget.CHARGE
        elif compte in COMPTES_PRODUITS:
            sens = SensBudget.PRODUIT
        else:
            erreurs.append(f"Ligne {numero} : choisissez un compte du budget.")
            continue
        try:
            montant = montant_valide(ligne.get("montant"), f"Ligne {numero} : le montant")
        except ValidationError as erreur:
            erreurs.extend(erreur.messages)
            continue
        financeur = ligne.get("financeur")
        if financeur is not None and compte != "74":
            erreurs.append(f"Ligne {numero} : seul un compte 74 (subvention) désigne un financeur.")
            continue
        if financeur is not None and financeur.pk not in financeurs_appel:
            erreurs.append(f"Ligne {numero} : {financeur} ne participe pas à cet appel à projets.")
            continue
        voulues.append(
            LigneBudget(
                dossier=dossier,
                annee=annee,
                sens=sens,
                compte=compte,
                libelle=(ligne.get("libelle") or "").strip()[:255],
                montant=montant,
                financeur=financeur,
                ordre=numero,
            )
        )
    if erreurs:
        raise ValidationError(erreurs)

    # Chaque ligne voulue reprend une ligne enregistrée de même contenu ; les autres reprennent, dans l'ordre,
    # les lignes enregistrées restantes (modifiées sur place), puis sont créées ; le reste est retiré.
    existantes = list(LigneBudget.objects.select_for_update().filter(dossier=dossier).order_by("ordre", "pk"))
    libres = list(existantes)
    reprises: dict[int, LigneBudget] = {}
    for i, voulue in enumerate(voulues):
        pareille = next((e for e in libres if _contenu(e) == _contenu(voulue)), None)
        if pareille is not None:
            libres.remove(pareille)
            reprises[i] = pareille
    decides = financeurs_decides(dossier)
    protegees = [e for e in libres if e.compte == "74" and e.financeur_id in decides]
    for ligne in protegees:
        erreurs.append(_refus_decide(decides[ligne.financeur_id], f"sa subvention au budget ({euros(ligne.montant)})"))
    for i, voulue in enumerate(voulues):
        if i not in reprises and voulue.compte == "74" and voulue.financeur_id in decides:
            erreurs.append(_refus_decide(decides[voulue.financeur_id], "sa subvention au budget"))
    if erreurs:
        raise ValidationError(list(dict.fromkeys(erreurs)))
    a_modifier, a_creer = [], []
    for i, voulue in enumerate(voulues):
        existante = reprises.get(i) or (libres.pop(0) if libres else None)
        if existante is None:
            a_creer.append(voulue)
            continue
        if (*_contenu(existante), existante.ordre) != (*_contenu(voulue), voulue.ordre):
            for champ in (*CHAMPS_LIGNE, "ordre"):
                setattr(existante, champ, getattr(voulue, champ))
            a_modifier.append(existante)
    if libres:
        LigneBudget.objects.filter(pk__in=[ligne.pk for ligne in libres]).delete()
    if a_modifier:
        LigneBudget.objects.bulk_update(
            a_modifier, ["annee", "sens", "compte", "libelle", "montant", "financeur", "ordre"]
        )
    LigneBudget.objects.bulk_create(a_creer)
    if hasattr(dossier, "_prefetched_objects_cache"):
        dossier._prefetched_objects_cache.pop("lignes_budget", None)
    journaliser(dossier, auteur, "Budget prévisionnel enregistré", visibilite=VisibiliteJournal.PORTEUR)


@transaction.atomic
def enregistrer_plan(
    dossier: Dossier,
    auteur,
    demandes: dict[Organisation, object],
    fonds_propres=0,
    autres_financements=0,
) -> None:
    """Enregistre le plan de financement : le montant demandé à chaque financeur de l'appel, les fonds
    propres et les autres financements. Tout ou rien ; un montant nul (ou un financeur absent) retire la
    demande. Seules les demandes qui changent sont écrites ; celle d'un financeur qui a décidé ne change
    plus."""
    verrouiller_modifiable(dossier, auteur)
    financeurs_appel = set(dossier.appel.financeurs.values_list("organisation_id", flat=True))
    erreurs, montants = [], {}
    for financeur, valeur in demandes.items():
        if financeur.pk not in financeurs_appel:
            erreurs.append(f"{financeur} ne participe pas à cet appel à projets.")
            continue
        try:
            montants[financeur.pk] = montant_valide(valeur or 0, f"Le montant demandé à {financeur}")
        except ValidationError as erreur:
            erreurs.extend(erreur.messages)
    try:
        fonds_propres = montant_valide(fonds_propres or 0, "Le montant des fonds propres")
    except ValidationError as erreur:
        erreurs.extend(erreur.messages)
    try:
        autres_financements = montant_valide(autres_financements or 0, "Le montant des autres financements")
    except ValidationError as erreur:
        erreurs.extend(erreur.messages)
    existants = {f.financeur_id: f for f in Financement.objects.select_for_update().filter(dossier=dossier)}
    decides = financeurs_decides(dossier)
    for financeur_id, nom in decides.items():
        demande = existants[financeur_id].montant_demande
        if montants.get(financeur_id) != demande:
            erreurs.append(_refus_decide(nom, f"le montant qui lui est demandé ({euros(demande)})"))
    if erreurs:
        raise ValidationError(erreurs)
    a_creer, a_modifier = [], []
    for financeur_id, montant in montants.items():
        existant = existants.pop(financeur_id, None)
        if montant == 0:
            if existant is not None:
                existants[financeur_id] = existant  # retiré plus bas
        elif existant is None:
            a_creer.append(Financement(dossier=dossier, financeur_id=financeur_id, montant_demande=montant))
        elif existant.montant_demande != montant:
            existant.montant_demande = montant
            a_modifier.append(existant)
    # Ce qui reste n'est plus demandé ; jamais une ligne décidée (refusé plus haut).
    Financement.objects.filter(pk__in=[f.pk for f in existants.values()]).delete()
    Financement.objects.bulk_update(a_modifier, ["montant_demande"])
    Financement.objects.bulk_create(a_creer)
    dossier.fonds_propres, dossier.autres_financements = fonds_propres, autres_financements
    dossier.save(update_fields=["fonds_propres", "autres_financements", "modifie_le"])
    recalculer(dossier)
    if hasattr(dossier, "_prefetched_objects_cache"):
        dossier._prefetched_objects_cache.pop("financements", None)
    journaliser(dossier, auteur, "Plan de financement enregistré", visibilite=VisibiliteJournal.PORTEUR)


def totaux_budget(dossier: Dossier) -> dict:
    """Les totaux du budget (en tout, et par année de l'action dans `annees`) et du plan de financement, et les
    subventions (74) par financeur sur toute la durée."""
    charges, produits = Decimal(0), Decimal(0)
    subventions: dict[int | None, Decimal] = defaultdict(Decimal)
    annees: dict[int, dict[str, Decimal]] = {
        n: {"charges": Decimal(0), "produits": Decimal(0)} for n in range(1, dossier.nombre_annees + 1)
    }
    for ligne in dossier.lignes_budget.all():
        annee = annees.setdefault(ligne.annee, {"charges": Decimal(0), "produits": Decimal(0)})
        if ligne.sens == SensBudget.CHARGE:
            charges += ligne.montant
            annee["charges"] += ligne.montant
        else:
            produits += ligne.montant
            annee["produits"] += ligne.montant
            if ligne.compte == "74":
                subventions[ligne.financeur_id] += ligne.montant
    demandes = {f.financeur_id: f.montant_demande for f in dossier.financements.all()}
    plan = sum(demandes.values(), Decimal(0)) + dossier.fonds_propres + dossier.autres_financements
    return {
        "charges": charges,
        "produits": produits,
        "annees": dict(sorted(annees.items())),
        "subventions": subventions,
        "demandes": demandes,
        "plan": plan,
    }


def erreurs_budget(dossier: Dossier) -> list[str]:
    """Ce qui empêche le dépôt dans le budget et le plan de financement, chaque écart chiffré en euros."""
    t = totaux_budget(dossier)
    erreurs = []
    if t["charges"] <= 0:
        erreurs.append("Le budget prévisionnel n'a aucune charge : détaillez les dépenses de l'action.")
    if t["charges"] != t["produits"]:
        ecart = t["charges"] - t["produits"]
        erreurs.append(
            f"Le budget n'est pas équilibré : les charges ({euros(t['charges'])}) et les produits "
            f"({euros(t['produits'])}) diffèrent de {euros(abs(ecart))}."
        )
    if dossier.pluriannuel:
        for annee, montants in t["annees"].items():
            if annee > dossier.nombre_annees:
                erreurs.append(
                    f"Le budget a des lignes pour l'année {annee} alors que l'action dure {dossier.nombre_annees} "
                    "ans : retirez-les ou allongez l'action."
                )
            elif montants["charges"] <= 0:
                erreurs.append(f"Le budget de l'année {annee} n'a aucune charge.")
            elif montants["charges"] != montants["produits"]:
                erreurs.append(
                    f"Le budget de l'année {annee} n'est pas équilibré : charges {euros(montants['charges'])}, "
                    f"produits {euros(montants['produits'])}."
                )
    elif set(t["annees"]) - {1}:
        erreurs.append("Le budget a des lignes pour une année suivante alors que l'action est annuelle : retirez-les.")
    if not t["demandes"]:
        erreurs.append("Le plan de financement ne demande rien à aucun financeur de l'appel.")
    noms = {f.financeur_id: f.financeur.nom for f in dossier.financements.all()}
    for financeur_id, demande in t["demandes"].items():
        inscrit = t["subventions"].get(financeur_id, Decimal(0))
        if inscrit != demande:
            erreurs.append(
                f"Vous demandez {euros(demande)} à {noms[financeur_id]} mais le budget inscrit "
                f"{euros(inscrit)} en subvention (compte 74) de ce financeur : "
                f"écart de {euros(abs(demande - inscrit))}."
            )
    for financeur_id, inscrit in t["subventions"].items():
        if financeur_id is not None and financeur_id not in t["demandes"] and inscrit:
            erreurs.append(
                f"Le budget inscrit {euros(inscrit)} de subvention d'un financeur à qui le plan ne demande rien."
            )
    if t["plan"] != t["charges"]:
        erreurs.append(
            f"Le plan de financement ({euros(t['plan'])}) ne couvre pas exactement le budget "
            f"({euros(t['charges'])}) : écart de {euros(abs(t['plan'] - t['charges']))}."
        )
    return erreurs


# --- Pièces jointes ---------------------------------------------------------------------------------------


@transaction.atomic
def ajouter_piece(dossier: Dossier, auteur, fichier, type_piece: str, message=None) -> PieceJointe:
    """Joint un document au dossier (ou à un message), après contrôle du type et de la taille."""
    bilan = type_piece == TypePiece.BILAN and dossier.statut == StatutDossier.EN_COURS
    if message is None and not (bilan and profil_dossier(auteur, dossier).porteur):
        verifier_modifiable(dossier, auteur)
    if type_piece not in TypePiece.values:
        raise ValidationError("Choisissez le type du document.")
    nom, type_mime = verifier_fichier(fichier)
    chemin = ranger(dossier.pk, fichier, nom)
    try:
        piece = PieceJointe.objects.create(
            dossier=dossier,
            message=message,
            type=type_piece,
            chemin=chemin,
            nom=nom,
            taille=fichier.size,
            type_mime=type_mime,
            deposee_par=auteur,
        )
    except Exception:
        default_storage.delete(chemin)
        raise
    if message is None:
        journaliser(
            dossier,
            auteur,
            f"Pièce jointe : {TypePiece(type_piece).label} ({nom})",
            visibilite=VisibiliteJournal.PORTEUR,
        )
    return piece


@transaction.atomic
def joindre_document(dossier: Dossier, auteur, document: DocumentStructure) -> PieceJointe:
    """Joint au dossier un document du coffre de sa structure, au lieu d'un nouveau téléversement : la pièce
    désigne le document (son fichier est partagé) et l'instructeur la lit comme toute autre pièce. Le document
    doit être en usage (ni remplacé, ni archivé) et valable aujourd'hui ; il l'est encore au dépôt
    (`refus_depot`)."""
    verifier_modifiable(dossier, auteur)
    if document.structure_id != dossier.structure_id:
        raise ValidationError("Ce document n'est pas dans le coffre de la structure porteuse.")
    if not document.est_actif:
        raise ValidationError(f"« {document.nom} » a été remplacé ou archivé : choisissez sa version en usage.")
    if not document.est_valable():
        raise ValidationError(
            f"« {document.nom} » n'est plus valable depuis le {document.valable_jusqu_au:%d/%m/%Y} : déposez-en une "
            "nouvelle version dans le coffre de la structure."
        )
    if dossier.pieces.filter(document=document, message__isnull=True).exists():
        raise ValidationError(f"« {document.nom} » est déjà joint à ce dossier.")
    piece = PieceJointe.objects.create(
        dossier=dossier,
        type=document.type,
        document=document,
        chemin=document.chemin,
        nom=document.nom,
        taille=document.taille,
        type_mime=document.type_mime,
        deposee_par=auteur,
    )
    journaliser(
        dossier,
        auteur,
        f"Pièce jointe depuis le coffre de la structure : {document.get_type_display()} ({document.nom})",
        visibilite=VisibiliteJournal.PORTEUR,
    )
    return piece


@transaction.atomic
def retirer_piece(piece: PieceJointe, auteur) -> None:
    verifier_modifiable(piece.dossier, auteur)
    if piece.message_id:
        raise ValidationError("Une pièce jointe à un message ne se retire pas.")
    chemin = piece.chemin
    piece.delete()
    journaliser(piece.dossier, auteur, f"Pièce retirée : {piece.nom}", visibilite=VisibiliteJournal.PORTEUR)
    if piece.document_id:
        return  # le fichier appartient au coffre de la structure : il y reste
    # Le retrait est fait même si le stockage ne répond pas à ce moment : le fichier, que plus rien ne désigne,
    # reste alors orphelin (l'erreur est journalisée) plutôt que de faire échouer la page.
    transaction.on_commit(lambda: default_storage.delete(chemin), robust=True)


# --- Co-porteurs ------------------------------------------------------------------------------------------


@transaction.atomic
def inviter_co_porteur(dossier: Dossier, auteur, structure: Structure, role: str = "") -> CoPorteur:
    verifier_modifiable(dossier, auteur)
    if not dossier.appel.reponses_collectives:
        raise ValidationError("Cet appel à projets n'accepte pas de réponse collective.")
    if structure.pk == dossier.structure_id:
        raise ValidationError("La structure porteuse ne peut pas être son propre co-porteur.")
    if dossier.co_porteurs.filter(structure=structure).exists():
        raise ValidationError(f"{structure} est déjà co-porteur de ce dossier.")
    co_porteur = CoPorteur.objects.create(dossier=dossier, structure=structure, role=role.strip()[:255])
    journaliser(dossier, auteur, f"Co-porteur invité : {structure}", visibilite=VisibiliteJournal.PORTEUR)
    notifications.invitation_co_porteur(co_porteur)
    return co_porteur


@transaction.atomic
def confirmer_co_portage(dossier: Dossier, auteur) -> list[CoPorteur]:
    """Les structures de la personne confirment leur participation au projet."""
    if not peut_confirmer_co_portage(auteur, dossier):
        raise PermissionDenied("Seuls les membres d'une structure co-porteuse confirment sa participation.")
    mes_structures = set(organisations_structures(auteur))
    confirmes = []
    for co_porteur in dossier.co_porteurs.select_related("structure").select_for_update(of=("self",)):
        if co_porteur.structure.organisation_id in mes_structures and not co_porteur.est_confirme:
            co_porteur.confirme_le, co_porteur.confirme_par = timezone.now(), auteur
            co_porteur.save(update_fields=["confirme_le", "confirme_par"])
            journaliser(
                dossier,
                auteur,
                f"Participation confirmée par {co_porteur.structure}",
                visibilite=VisibiliteJournal.PORTEUR,
            )
            confirmes.append(co_porteur)
    if not confirmes:
        raise ValidationError("Votre participation est déjà confirmée.")
    recalculer(dossier)
    return confirmes


@transaction.atomic
def retirer_co_porteur(co_porteur: CoPorteur, auteur) -> None:
    verifier_modifiable(co_porteur.dossier, auteur)
    co_porteur.delete()
    journaliser(
        co_porteur.dossier, auteur, f"Co-porteur retiré : {co_porteur.structure}", visibilite=VisibiliteJournal.PORTEUR
    )
    recalculer(co_porteur.dossier)


# --- Cycle de vie -----------------------------------------------------------------------------------------


def changer_statut(dossier: Dossier, auteur, nouveau: str, evenement: str, motif: str = "") -> JournalDossier:
    """Fait passer le dossier à l'état `nouveau` si la transition est permise (après la vérification de qui
    agit) et l'inscrit au journal ; le dépôt, la décision et la convention datent le dossier."""
    maintenant = timezone.now()
    dates = {
        StatutDossier.DEPOSE: {"depose_le": maintenant},
        StatutDossier.DECIDE: {"decide_le": maintenant},
        StatutDossier.CONVENTIONNE: {"conventionne_le": timezone.localdate()},
    }
    return changer_etat(
        dossier,
        nouveau,
        transitions=TRANSITIONS,
        etats=StatutDossier,
        nom="Un dossier",
        journaliser=lambda de, a: journaliser(
            dossier, auteur, evenement, motif=motif, de=de, a=a, visibilite=VisibiliteJournal.PORTEUR
        ),
        valeurs=dates.get(nouveau),
    )


def refus_depot(dossier: Dossier, jour: date | None = None) -> list[str]:
    """Tout ce qui empêche de déposer le dossier, en français ; liste vide s'il peut l'être."""
    jour = jour or timezone.localdate()
    erreurs = []
    appel = dossier.appel
    if dossier.statut == StatutDossier.BROUILLON and appel.est_clos_avant_terme:
        erreurs.append(
            f"L'appel à projets a été clos avant terme : le dépôt n'est plus possible ({appel.motif_cloture})."
        )
    elif dossier.statut == StatutDossier.BROUILLON and jour > appel.cloture:
        erreurs.append(f"L'appel à projets est clos depuis le {appel.cloture:%d/%m/%Y} : le dépôt n'est plus possible.")
    if dossier.statut == StatutDossier.BROUILLON and jour < appel.ouverture:
        erreurs.append(f"Les dépôts ouvrent le {appel.ouverture:%d/%m/%Y}.")
    manquants = []
    if not dossier.description.strip():
        manquants.append("la description")
    if not dossier.objectifs.strip():
        manquants.append("les objectifs")
    if not dossier.date_debut or not dossier.date_fin:
        manquants.append("les dates de l'action")
    if not dossier.qpv.exists():
        manquants.append("les QPV concernés")
    if manquants:
        erreurs.append("Complétez " + ", ".join(manquants) + ".")
    eligibles = set(appel.qpv.values_list("pk", flat=True))
    if eligibles and dossier.qpv.exclude(pk__in=eligibles).exists():
        erreurs.append("Un QPV choisi n'est pas éligible à cet appel à projets.")
    presentes = set(dossier.pieces.filter(message__isnull=True).values_list("type", flat=True))
    absentes = [TypePiece(p).label for p in appel.pieces_demandees if p not in presentes]
    if absentes:
        erreurs.append("Pièces demandées manquantes : " + ", ".join(absentes) + ".")
    # Un document du coffre doit être valable à la date du dépôt, pas seulement le jour où il a été joint.
    for piece in dossier.pieces.filter(message__isnull=True, document__valable_jusqu_au__lt=jour).select_related(
        "document"
    ):
        erreurs.append(
            f"« {piece.nom} » ({piece.get_type_display()}) n'est plus valable depuis le "
            f"{piece.document.valable_jusqu_au:%d/%m/%Y} : déposez une nouvelle version dans le coffre de la "
            "structure, retirez cette pièce et joignez la nouvelle."
        )
    non_confirmes = [str(c.structure) for c in dossier.co_porteurs.select_related("structure") if not c.est_confirme]
    if non_confirmes:
        erreurs.append(
            "Ces co-porteurs n'ont pas encore confirmé leur participation : "
            + ", ".join(non_confirmes)
            + ". Attendez leur confirmation ou retirez-les."
        )
    erreurs.extend(erreurs_budget(dossier))
    return erreurs


@transaction.atomic
def deposer(dossier: Dossier, auteur) -> JournalDossier:
    """Dépose le dossier (ou le redépose après correction) : toutes les règles sont vérifiées d'un coup ; en
    cas de refus, rien ne change et le brouillon est gardé."""
    if not peut_deposer(auteur, dossier):
        raise PermissionDenied(REFUS_MODIFICATION)
    erreurs = refus_depot(dossier)
    if erreurs:
        raise ValidationError(erreurs)
    redepot = dossier.statut == StatutDossier.CORRECTION_DEMANDEE
    recalculer(dossier)
    entree = changer_statut(
        dossier, auteur, StatutDossier.DEPOSE, "Dossier redéposé après correction" if redepot else "Dossier déposé"
    )
    notifications.changement_statut(dossier, entree)
    notifications.depot_aux_instructeurs(dossier, redepot)
    return entree


def recalculer(dossier: Dossier) -> None:
    """Met à jour le résumé du dossier : montants demandé et accordé, issue, convention obligatoire,
    réponse collective."""
    financements = list(Financement.objects.filter(dossier=dossier).select_related("decision"))
    demande = sum((f.montant_demande for f in financements), Decimal(0))
    decisions = [getattr(f, "decision", None) for f in financements]
    a_recopier = []
    for financement, decision in zip(financements, decisions, strict=True):
        if decision is not None and financement.montant_accorde != decision.montant:
            financement.montant_accorde = decision.montant
            a_recopier.append(financement)
    if a_recopier:
        Financement.objects.bulk_update(a_recopier, ["montant_accorde"])
    accorde = sum((d.montant for d in decisions if d), Decimal(0))
    annees = max(dossier.nombre_annees, 1)
    convention = any(
        ((d.montant if d else f.montant_demande) / annees) > SEUIL_CONVENTION
        for f, d in zip(financements, decisions, strict=True)
    )
    dossier.montant_demande, dossier.montant_accorde, dossier.convention_requise = demande, accorde, convention
    dossier.issue = issue(financements) if financements and all(decisions) else ""
    dossier.collectif = dossier.co_porteurs.filter(confirme_le__isnull=False).exists()
    dossier.financeurs_ids = sorted(f.financeur_id for f in financements)
    dossier.porteur_ess = Structure.objects.filter(pk=dossier.structure_id).exclude(forme_juridique="autre").exists()
    Dossier.objects.filter(pk=dossier.pk).update(
        montant_demande=demande,
        montant_accorde=accorde,
        convention_requise=convention,
        issue=dossier.issue,
        collectif=dossier.collectif,
        financeurs_ids=dossier.financeurs_ids,
        porteur_ess=dossier.porteur_ess,
    )


def issue(financements: list[Financement]) -> str:
    """L'issue du dossier une fois que chaque financeur sollicité a décidé : financé si chacun accorde au
    moins ce qui lui est demandé, non financé si tous refusent, partiellement financé sinon."""
    montants = [(f.montant_demande, f.decision.montant) for f in financements]
    if all(accorde >= demande for demande, accorde in montants):
        return Issue.FINANCE
    if all(accorde == 0 for _, accorde in montants):
        return Issue.NON_FINANCE
    return Issue.PARTIELLEMENT_FINANCE


def transitions_possibles(user, dossier: Dossier) -> list[StatutDossier]:
    """Les états vers lesquels la personne peut faire passer le dossier à la main (hors dépôt et décisions)."""
    profil = profil_dossier(user, dossier)
    possibles = []
    for statut, qui in TRANSITIONS[dossier.statut].items():
        if statut in (
            StatutDossier.DEPOSE,
            StatutDossier.CORRECTION_DEMANDEE,
            StatutDossier.EN_INSTRUCTION,
            StatutDossier.RETIRE,
        ):
            continue
        if (qui == PORTEUR and profil.porteur) or (qui == INSTRUCTEUR and profil.instructeur):
            possibles.append(StatutDossier(statut))
    return possibles


EVENEMENTS = {
    StatutDossier.CONVENTIONNE: "Convention signée",
    StatutDossier.EN_COURS: "Action en cours",
    StatutDossier.BILAN_DEPOSE: "Bilan déposé (compte-rendu financier)",
    StatutDossier.CLOS: "Dossier clos",
}


@transaction.atomic
def faire_avancer(dossier: Dossier, auteur, nouveau: str, motif: str = "") -> JournalDossier:
    """Après la décision : action en cours, bilan déposé, clôture (« conventionné » suit les conventions)."""
    if nouveau not in EVENEMENTS:
        raise ValidationError("Cet état ne se choisit pas ici.")
    if nouveau == StatutDossier.CONVENTIONNE:
        raise ValidationError("Un dossier devient conventionné quand ses conventions entrent en vigueur.")
    if nouveau not in transitions_possibles(auteur, dossier):
        qui = TRANSITIONS[dossier.statut].get(nouveau)
        if qui == PORTEUR:
            raise PermissionDenied("Seuls les membres de la structure porteuse déposent le bilan.")
        if qui == INSTRUCTEUR and not peut_instruire(auteur, dossier):
            raise PermissionDenied("Seuls les instructeurs du dossier le font avancer.")
    if nouveau == StatutDossier.BILAN_DEPOSE and not dossier.pieces.filter(type=TypePiece.BILAN).exists():
        raise ValidationError("Joignez d'abord le compte-rendu financier (CERFA 15059) avant de déposer le bilan.")
    if nouveau == StatutDossier.EN_COURS:
        if dossier.issue == Issue.NON_FINANCE:
            raise ValidationError("Un dossier non financé ne commence pas : closez-le.")
        manquants = conventions.financeurs_sans_convention_signee(dossier)
        if manquants:
            raise ValidationError(
                "Plus de 23 000 € par an d'un même financeur : l'action ne commence qu'avec une convention signée "
                "avec " + ", ".join(str(f) for f in manquants) + "."
            )
    if nouveau == StatutDossier.CLOS and dossier.statut == StatutDossier.DECIDE and dossier.issue != Issue.NON_FINANCE:
        raise ValidationError("Un dossier financé est suivi jusqu'à son bilan avant d'être clos.")
    entree = changer_statut(dossier, auteur, nouveau, EVENEMENTS[nouveau], motif=(motif or "").strip())
    notifications.changement_statut(dossier, entree)
    return entree


def est_decide(dossier: Dossier) -> bool:
    return dossier.statut in STATUTS_DECIDES
