"""Les rappels par date sur les dossiers : la clôture de l'appel approche et le brouillon n'est pas déposé, ou le
dossier attend une décision depuis trop longtemps. Appelés chaque heure par les tâches de financements/taches.py ;
chaque rappel part une fois (RappelDossier), même si plusieurs workers les cherchent en même temps."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from config.lib import courriels
from financements.models import (
    CompteRendu,
    Convention,
    Dossier,
    Financement,
    MotifRappel,
    MotifRappelCompteRendu,
    RappelCompteRendu,
    RappelDossier,
    StatutCompteRendu,
    StatutConvention,
    StatutDossier,
)
from financements.models.execution import echeance_compte_rendu
from financements.services import notifications
from financements.services.comptes_rendus import destinataires_structure

JOURS_AVANT_CLOTURE = 7
JOURS_SANS_DECISION = 30
# Les états où le dossier attend la décision des financeurs (« correction demandée » attend le porteur).
STATUTS_ATTENTE_DECISION = [StatutDossier.DEPOSE, StatutDossier.EN_INSTRUCTION]


def _deja_rappele(motif: str, echeance: str) -> Exists:
    return Exists(RappelDossier.objects.filter(dossier=OuterRef("pk"), motif=motif, echeance=OuterRef(echeance)))


def brouillons_a_rappeler(aujourd_hui: date) -> QuerySet[Dossier]:
    """Les brouillons d'un appel publié qui clôt dans les sept jours (aujourd'hui compris), pas encore rappelés
    pour cette date de clôture."""
    return (
        Dossier.objects.filter(
            statut=StatutDossier.BROUILLON,
            appel__publie_le__isnull=False,
            appel__cloture__range=(aujourd_hui, aujourd_hui + timedelta(days=JOURS_AVANT_CLOTURE)),
        )
        .exclude(_deja_rappele(MotifRappel.CLOTURE_APPEL, "appel__cloture"))
        .select_related("appel", "structure")
        .order_by("pk")
    )


def _sans_decision() -> Exists:
    return Exists(Financement.objects.filter(dossier=OuterRef("pk"), decision__isnull=True))


def dossiers_sans_decision(maintenant) -> QuerySet[Dossier]:
    """Les dossiers déposés (ou en instruction) depuis plus de trente jours et moins de
    `RAPPEL_DECISION_JOURS_MAX` (les dossiers oubliés depuis longtemps ne sont pas rappelés, même au premier
    passage après le déploiement), dont un financeur au moins n'a pas décidé, pas encore rappelés pour ce dépôt."""
    return (
        Dossier.objects.filter(
            _sans_decision(),
            statut__in=STATUTS_ATTENTE_DECISION,
            depose_le__lt=maintenant - timedelta(days=JOURS_SANS_DECISION),
            depose_le__gte=maintenant - timedelta(days=settings.RAPPEL_DECISION_JOURS_MAX),
        )
        .exclude(_deja_rappele(MotifRappel.DECISION_ATTENDUE, "depose_le__date"))
        .select_related("appel", "structure")
        .order_by("pk")
    )


def _rappeler(dossier: Dossier, motif: str, echeance: date, sujet: str, corps: str, destinataires: list[str]) -> bool:
    """Écrit le rappel et diffère ses e-mails dans une même transaction ; rend False si un autre worker l'a déjà
    fait (la contrainte d'unicité refuse la seconde ligne, et ses e-mails avec elle)."""
    try:
        with transaction.atomic():
            RappelDossier.objects.create(
                dossier=dossier, motif=motif, echeance=echeance, nombre_destinataires=len(destinataires)
            )
            courriels.envoyer(sujet, corps, destinataires)
    except IntegrityError:
        return False
    return True


def rappeler_clotures(aujourd_hui: date | None = None) -> int:
    """Prévient les membres de chaque structure dont le dossier est encore en brouillon une semaine avant la
    clôture de l'appel. Rend le nombre de dossiers rappelés."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    rappeles = 0
    for dossier in brouillons_a_rappeler(aujourd_hui):
        contexte = {
            "dossier": dossier,
            "jours": (dossier.appel.cloture - aujourd_hui).days,
            "lien": notifications.lien(dossier),
        }
        rappeles += _rappeler(
            dossier,
            MotifRappel.CLOTURE_APPEL,
            dossier.appel.cloture,
            f"L'appel à projets « {dossier.appel.titre} » clôt le {dossier.appel.cloture:%d/%m/%Y} : "
            f"votre dossier n'est pas déposé",
            render_to_string("financements/email/rappel_cloture.txt", contexte),
            notifications.emails_porteurs(dossier, co_porteurs=False),
        )
    return rappeles


def rappeler_decisions_attendues(maintenant=None) -> int:
    """Prévient les instructeurs des financeurs sollicités par un dossier qui attend leur décision depuis plus de
    trente jours (ceux qui ont déjà décidé de leur part ne sont pas relancés). Rend le nombre de dossiers rappelés."""
    maintenant = maintenant or timezone.now()
    rappeles = 0
    for dossier in dossiers_sans_decision(maintenant):
        depose_le = timezone.localtime(dossier.depose_le)
        contexte = {
            "dossier": dossier,
            "jours": (maintenant - dossier.depose_le).days,
            "lien": notifications.lien(dossier),
        }
        rappeles += _rappeler(
            dossier,
            MotifRappel.DECISION_ATTENDUE,
            depose_le.date(),
            f"Le dossier « {dossier.titre} » attend une décision depuis le {depose_le:%d/%m/%Y}",
            render_to_string("financements/email/rappel_decision.txt", contexte),
            notifications.emails_instructeurs(dossier, sans_decision=True),
        )
    return rappeles


# --- Comptes-rendus financiers annuels ----------------------------------------------------------------------

# Trente jours, puis sept jours avant l'échéance (30 juin de l'année suivante), puis en retard : un rappel de
# chaque sorte par compte-rendu. Un compte-rendu en retard depuis plus de JOURS_RETARD_MAX jours n'est plus
# rappelé (le premier passage après un déploiement ne relance pas de vieux retards) ; les financeurs le voient.
JOURS_AVANT_ECHEANCE = (30, 7)
JOURS_RETARD_MAX = 60


def motif_rappel_compte_rendu(echeance: date, aujourd_hui: date) -> str | None:
    """Le rappel qui s'applique aujourd'hui pour un compte-rendu dû le `echeance` (None : aucun)."""
    jours = (echeance - aujourd_hui).days
    loin, proche = JOURS_AVANT_ECHEANCE
    if proche < jours <= loin:
        return MotifRappelCompteRendu.J30
    if 0 <= jours <= proche:
        return MotifRappelCompteRendu.J7
    if -JOURS_RETARD_MAX <= jours < 0:
        return MotifRappelCompteRendu.RETARD
    return None


def conventions_a_rappeler(aujourd_hui: date) -> tuple[int, str | None, QuerySet[Convention]]:
    """L'année dont le compte-rendu est attendu, le rappel du jour et les conventions à rappeler : celles qui
    couvrent l'année, dont le compte-rendu n'est pas déposé (absent ou en brouillon), pas encore rappelées de ce
    motif. Un compte-rendu de l'année N est dû le 30 juin N+1 : seule l'année passée peut être à rappeler.
    En retard, seules les conventions en vigueur sont rappelées (une convention terminée ne reçoit plus de
    compte-rendu après l'échéance, voir services/comptes_rendus.py)."""
    annee = aujourd_hui.year - 1
    motif = motif_rappel_compte_rendu(echeance_compte_rendu(annee), aujourd_hui)
    if motif is None:
        return annee, None, Convention.objects.none()
    statuts = [StatutConvention.EN_VIGUEUR]
    if motif != MotifRappelCompteRendu.RETARD:
        statuts.append(StatutConvention.TERMINEE)
    deposes = CompteRendu.objects.filter(convention=OuterRef("pk"), annee=annee).exclude(
        statut=StatutCompteRendu.BROUILLON
    )
    rappeles = RappelCompteRendu.objects.filter(convention=OuterRef("pk"), annee=annee, motif=motif)
    conventions = (
        Convention.objects.annotate(fin=F("annee_debut") + F("nombre_annees") - 1)
        .filter(statut__in=statuts, annee_debut__lte=annee, fin__gte=annee)
        .exclude(Exists(deposes))
        .exclude(Exists(rappeles))
        .select_related("structure")
        .order_by("pk")
    )
    return annee, motif, conventions


def rappeler_comptes_rendus(aujourd_hui: date | None = None) -> int:
    """Prévient les membres actifs de la structure de chaque convention dont le compte-rendu de l'année passée
    n'est pas déposé, trente jours et sept jours avant l'échéance puis en retard, une fois chacun. Rend le
    nombre de conventions rappelées."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    annee, motif, conventions = conventions_a_rappeler(aujourd_hui)
    if motif is None:
        return 0
    echeance = echeance_compte_rendu(annee)
    rappeles = 0
    for convention in conventions:
        destinataires = destinataires_structure(convention)
        contexte = {
            "convention": convention,
            "annee": annee,
            "echeance": echeance,
            "jours": (echeance - aujourd_hui).days,
            "lien": settings.SITE_URL.rstrip("/") + convention.get_absolute_url(),
        }
        sujet = (
            f"Compte-rendu financier {annee} en retard (dû le {echeance:%d/%m/%Y})"
            if motif == MotifRappelCompteRendu.RETARD
            else f"Compte-rendu financier {annee} à déposer avant le {echeance:%d/%m/%Y}"
        )
        try:
            with transaction.atomic():
                RappelCompteRendu.objects.create(
                    convention=convention, annee=annee, motif=motif, nombre_destinataires=len(destinataires)
                )
                courriels.envoyer(
                    f"{sujet} — {convention.structure}",
                    render_to_string("financements/email/rappel_compte_rendu.txt", contexte),
                    destinataires,
                )
        except IntegrityError:
            continue
        rappeles += 1
    return rappeles
