"""Les rappels par date sur les dossiers : la clôture de l'appel approche et le brouillon n'est pas déposé, ou le
dossier attend une décision depuis trop longtemps. Appelés chaque heure par les tâches de financements/taches.py ;
chaque rappel part une fois (RappelDossier), même si plusieurs workers les cherchent en même temps."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from config.lib import courriels
from financements.models import Dossier, Financement, MotifRappel, RappelDossier, StatutDossier
from financements.services import notifications

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
