"""Les alertes par e-mail et leur désabonnement : un lien signé par personne et par type d'alerte, qui marche
sans connexion (RFC 8058 : un POST « List-Unsubscribe=One-Click » sur la même adresse désabonne aussi).

Le jeton est signé par `django.core.signing` (clé secrète du site, sel propre aux alertes) : il ne se devine
ni ne se modifie, et il ne donne rien d'autre que le droit de changer cet abonnement-là.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from comptes.models import AbonnementAlerte, TypeAlerte, Utilisateur

SEL = "comptes.alertes.desabonnement"


def jeton(utilisateur: Utilisateur, type_alerte: str) -> str:
    return signing.dumps({"u": utilisateur.pk, "t": type_alerte}, salt=SEL)


def lire_jeton(valeur: str) -> tuple[Utilisateur, str] | None:
    """La personne et le type d'alerte d'un jeton, ou None s'il est falsifié ou ne désigne plus personne."""
    try:
        donnees = signing.loads(valeur, salt=SEL)
    except signing.BadSignature:
        return None
    if not isinstance(donnees, dict) or donnees.get("t") not in TypeAlerte.values:
        return None
    utilisateur = Utilisateur.objects.filter(pk=donnees.get("u")).first()
    if utilisateur is None:
        return None
    return utilisateur, donnees["t"]


def url_desabonnement(utilisateur: Utilisateur, type_alerte: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("comptes:desabonnement", args=[jeton(utilisateur, type_alerte)])


def entetes_desabonnement(url: str) -> dict[str, str]:
    """Les en-têtes qui donnent au logiciel de messagerie son bouton « Se désabonner » (RFC 2369 et 8058)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@transaction.atomic
def abonner(utilisateur: Utilisateur, type_alerte: str, abonne: bool) -> None:
    """Abonne ou désabonne la personne ; refaire le même choix ne change rien."""
    AbonnementAlerte.objects.update_or_create(
        utilisateur=utilisateur, type_alerte=type_alerte, defaults={"abonne": abonne}
    )


def abonnements(utilisateur: Utilisateur) -> list[dict]:
    """Chaque type d'alerte, et si la personne la reçoit (abonnée par défaut)."""
    desabonnes = set(
        AbonnementAlerte.objects.filter(utilisateur=utilisateur, abonne=False).values_list("type_alerte", flat=True)
    )
    return [
        {"type": valeur, "libelle": libelle, "abonne": valeur not in desabonnes}
        for valeur, libelle in TypeAlerte.choices
    ]


def destinataires(utilisateurs: QuerySet[Utilisateur], type_alerte: str) -> QuerySet[Utilisateur]:
    """Ceux qui reçoivent cette alerte : comptes actifs, non supprimés, non désabonnés."""
    desabonne = AbonnementAlerte.objects.filter(utilisateur=OuterRef("pk"), type_alerte=type_alerte, abonne=False)
    return utilisateurs.filter(is_active=True, est_supprime=False).exclude(Exists(desabonne)).distinct().order_by("pk")
