"""La vie d'un appel à projets après son lancement : le modifier (dates, priorités, QPV, financeurs et
enveloppes), le prolonger, le clore avant terme. Chaque changement s'inscrit au journal de l'appel (qui, quand,
quoi avant et après) ; une prolongation ou une clôture anticipée prévient les structures qui y ont un brouillon.

Choix : un appel clos (avant terme, ou dont la date est passée) ne se prolonge qu'en le rouvrant explicitement
(`rouvrir=True`), pour qu'une réouverture ne se fasse jamais par mégarde.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from comptes.models import Adhesion, Organisation, Role, TypeOrganisation
from config.lib import courriels
from config.lib.euros import euros
from financements.models import (
    AppelAProjets,
    DecisionFinanceur,
    Dossier,
    EvenementAppel,
    FinanceurAppel,
    JournalAppel,
    StatutDossier,
)
from financements.permissions import peut_gerer_appel
from financements.services.dossiers import montant_valide

REFUS = "Seuls les agents de la collectivité porteuse du contrat modifient cet appel à projets."

Ligne = tuple[Organisation, Decimal, str, bool]


def _date(jour: date | None) -> str:
    return f"{jour:%d/%m/%Y}" if jour else "—"


def _verrouiller(appel: AppelAProjets, auteur) -> AppelAProjets:
    if not peut_gerer_appel(auteur, appel):
        raise PermissionDenied(REFUS)
    return AppelAProjets.objects.select_for_update().select_related("contrat").get(pk=appel.pk)


def decide_par_financeur(appel: AppelAProjets) -> dict[int, Decimal]:
    """Ce que chaque financeur a déjà décidé d'accorder sur les dossiers de l'appel (organisation → montant)."""
    return {
        ligne["financement__financeur_id"]: ligne["total"]
        for ligne in DecisionFinanceur.objects.filter(financement__dossier__appel=appel)
        .values("financement__financeur_id")
        .annotate(total=Sum("montant"))
    }


def _journaliser(appel, auteur, evenement: str, changements: dict, motif: str = "") -> JournalAppel:
    return JournalAppel.objects.create(
        appel=appel, auteur=auteur, evenement=evenement, changements=changements, motif=motif
    )


def _prevenir_brouillons(appel: AppelAProjets, sujet: str, corps: str) -> int:
    """Un e-mail à chaque membre actif des structures qui ont un brouillon sur l'appel."""
    organisations = Dossier.objects.filter(appel=appel, statut=StatutDossier.BROUILLON).values(
        "structure__organisation_id"
    )
    adresses = Adhesion.objects.filter(organisation_id__in=organisations, role=Role.STRUCTURE).adresses_actives()
    lien = f"Lire l'appel : {settings.SITE_URL.rstrip('/')}{appel.get_absolute_url()}"
    return courriels.envoyer(sujet, f"{corps}\n\n{lien}\n", adresses)


@transaction.atomic
def modifier_appel(
    appel: AppelAProjets,
    auteur,
    *,
    titre: str,
    description: str,
    ouverture: date,
    cloture: date,
    priorites: Iterable = (),
    qpv: Iterable = (),
    financeurs: Iterable[Ligne],
) -> JournalAppel | None:
    """Modifie l'appel et ses financeurs. Refuse, sans rien enregistrer : une clôture avant l'ouverture, une
    enveloppe sous ce que son financeur a déjà décidé, le retrait d'un financeur qui a décidé, et le report de
    la clôture d'un appel clos (il se prolonge en le rouvrant explicitement). Rend l'entrée du journal (None si
    rien n'a changé)."""
    appel = _verrouiller(appel, auteur)
    contrat = appel.contrat
    priorites, qpv, financeurs = list(priorites), list(qpv), list(financeurs)
    erreurs: list[str] = []
    if not titre.strip():
        erreurs.append("Donnez un titre à l'appel à projets.")
    if cloture < ouverture:
        erreurs.append(
            f"La clôture des dépôts ({_date(cloture)}) ne peut pas précéder leur ouverture ({_date(ouverture)})."
        )
    if appel.est_publie and appel.est_clos() and cloture > appel.cloture:
        erreurs.append("Cet appel est clos : pour repousser sa clôture, prolongez-le en cochant « Rouvrir l'appel ».")
    if any(p.contrat_id != contrat.pk for p in priorites):
        erreurs.append("Les priorités doivent être des orientations ou objectifs de ce contrat.")
    if not financeurs:
        erreurs.append("Indiquez au moins un financeur participant et son enveloppe.")
    organisations = [ligne[0].pk for ligne in financeurs]
    if len(set(organisations)) != len(organisations):
        erreurs.append("Chaque financeur ne figure qu'une fois.")
    decide = decide_par_financeur(appel)
    actuels = {f.organisation_id: f for f in appel.financeurs.select_related("organisation")}
    nouveaux: dict[int, tuple[Organisation, Decimal, str, bool]] = {}
    for organisation, enveloppe, dispositif, programme_147 in financeurs:
        try:
            montant = montant_valide(enveloppe, f"L'enveloppe de {organisation}")
        except ValidationError as erreur:
            erreurs.extend(erreur.messages)
            continue
        if montant < decide.get(organisation.pk, Decimal(0)):
            erreurs.append(
                f"L'enveloppe de {organisation} ne peut pas descendre à {euros(montant)} : ce financeur a déjà "
                f"décidé {euros(decide[organisation.pk])} sur les dossiers de cet appel."
            )
        if programme_147 and organisation.type != TypeOrganisation.ETAT:
            erreurs.append(
                f"Seule une enveloppe d'un service de l'État relève du programme 147 ; {organisation} n'en est pas un."
            )
        nouveaux[organisation.pk] = (organisation, montant, dispositif.strip(), bool(programme_147))
    for organisation_id, ancien in actuels.items():
        if organisation_id not in organisations and organisation_id in decide:
            erreurs.append(
                f"{ancien.organisation} a déjà décidé sur des dossiers de cet appel : il ne peut pas s'en retirer."
            )
    if erreurs:
        raise ValidationError(erreurs)

    changements: dict[str, list[str]] = {}

    def noter(libelle: str, avant, apres) -> None:
        if avant != apres:
            changements[libelle] = [avant, apres]

    noter("Titre", appel.titre, titre.strip())
    noter("Présentation", appel.description, description.strip())
    noter("Ouverture des dépôts", _date(appel.ouverture), _date(ouverture))
    noter("Clôture des dépôts", _date(appel.cloture), _date(cloture))
    noter(
        "Priorités",
        ", ".join(sorted(str(p) for p in appel.priorites.all())) or "—",
        ", ".join(sorted(str(p) for p in priorites)) or "—",
    )
    noter(
        "QPV éligibles",
        ", ".join(sorted(q.nom for q in appel.qpv.all())) or "—",
        ", ".join(sorted(q.nom for q in qpv)) or "—",
    )
    for organisation_id, ancien in actuels.items():
        if organisation_id not in nouveaux:
            noter(f"Financeur {ancien.organisation}", euros(ancien.enveloppe), "retiré")
            ancien.delete()
    for organisation_id, (organisation, montant, dispositif, programme_147) in nouveaux.items():
        ancien = actuels.get(organisation_id)
        if ancien is None:
            noter(f"Financeur {organisation}", "—", euros(montant))
            FinanceurAppel.objects.create(
                appel=appel,
                organisation=organisation,
                enveloppe=montant,
                dispositif=dispositif,
                programme_147=programme_147,
            )
            continue
        noter(f"Enveloppe de {organisation}", euros(ancien.enveloppe), euros(montant))
        noter(f"Dispositif de {organisation}", ancien.dispositif or "—", dispositif or "—")
        noter(
            f"Programme 147 ({organisation})",
            "oui" if ancien.programme_147 else "non",
            "oui" if programme_147 else "non",
        )
        ancien.enveloppe, ancien.dispositif, ancien.programme_147 = montant, dispositif, programme_147
        ancien.save(update_fields=["enveloppe", "dispositif", "programme_147"])
    if not changements:
        return None
    prolonge = appel.est_publie and cloture > appel.cloture
    appel.titre, appel.description = titre.strip(), description.strip()
    appel.ouverture, appel.cloture = ouverture, cloture
    appel.save(update_fields=["titre", "description", "ouverture", "cloture"])
    appel.priorites.set(priorites)
    appel.qpv.set(qpv)
    if prolonge:
        _prevenir_prolongation(appel)
    return _journaliser(appel, auteur, EvenementAppel.MODIFICATION, changements)


def _prevenir_prolongation(appel: AppelAProjets) -> int:
    return _prevenir_brouillons(
        appel,
        f"Appel à projets prolongé : {appel.titre}",
        f"L'appel à projets « {appel.titre} », sur lequel votre structure a un dossier en brouillon, est "
        f"prolongé : vous pouvez déposer votre dossier jusqu'au {_date(appel.cloture)} inclus.",
    )


@transaction.atomic
def prolonger_appel(
    appel: AppelAProjets, auteur, cloture: date, *, rouvrir: bool = False, motif: str = ""
) -> JournalAppel:
    """Repousse la clôture des dépôts. Un appel clos (avant terme, ou dont la date est passée) ne se prolonge
    que rouvert explicitement (`rouvrir`)."""
    appel = _verrouiller(appel, auteur)
    aujourd_hui = timezone.localdate()
    if not appel.est_publie:
        raise ValidationError("Un appel pas encore publié se modifie directement : il n'y a rien à prolonger.")
    if cloture <= appel.cloture:
        raise ValidationError(
            f"La nouvelle clôture doit suivre la clôture actuelle ({_date(appel.cloture)}) ; pour avancer la "
            "clôture, modifiez l'appel ou closez-le avant terme."
        )
    if cloture < aujourd_hui:
        raise ValidationError("La nouvelle clôture ne peut pas être déjà passée.")
    if appel.est_clos(aujourd_hui) and not rouvrir:
        raise ValidationError(
            "Cet appel est clos : cochez « Rouvrir l'appel » pour le prolonger et accepter de nouveau des dépôts."
        )
    changements = {"Clôture des dépôts": [_date(appel.cloture), _date(cloture)]}
    if appel.est_clos_avant_terme:
        changements["Clôture avant terme"] = [f"{timezone.localtime(appel.clos_le):%d/%m/%Y}", "annulée (rouvert)"]
    appel.cloture, appel.clos_le, appel.motif_cloture = cloture, None, ""
    appel.save(update_fields=["cloture", "clos_le", "motif_cloture"])
    _prevenir_prolongation(appel)
    return _journaliser(appel, auteur, EvenementAppel.PROLONGATION, changements, motif.strip())


@transaction.atomic
def clore_appel(appel: AppelAProjets, auteur, motif: str) -> JournalAppel:
    """Arrête les dépôts tout de suite, avec un motif public ; les brouillons ne peuvent plus être déposés."""
    appel = _verrouiller(appel, auteur)
    if not motif.strip():
        raise ValidationError("Dites pourquoi l'appel est clos avant terme : le motif est affiché sur sa page.")
    if not appel.est_publie:
        raise ValidationError("Un appel pas encore publié ne se clôt pas : il n'a reçu aucun dossier.")
    if appel.est_clos():
        raise ValidationError("Cet appel à projets est déjà clos.")
    appel.clos_le, appel.motif_cloture = timezone.now(), motif.strip()
    appel.save(update_fields=["clos_le", "motif_cloture"])
    _prevenir_brouillons(
        appel,
        f"Appel à projets clos avant terme : {appel.titre}",
        f"L'appel à projets « {appel.titre} », sur lequel votre structure a un dossier en brouillon, est clos "
        f"avant terme : les dossiers ne peuvent plus être déposés.\n\nMotif : {appel.motif_cloture}",
    )
    return _journaliser(
        appel,
        auteur,
        EvenementAppel.CLOTURE,
        {"Clôture des dépôts": [_date(appel.cloture), "aujourd'hui"]},
        appel.motif_cloture,
    )
