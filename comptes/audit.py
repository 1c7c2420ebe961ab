"""Le journal d'audit des actions sensibles : changements de rôle, vérifications de structures, décisions des
financeurs, exports de données personnelles, suppressions de comptes. Les applications de niveau supérieur
l'écrivent par `journaliser`, dans la transaction de l'action : si l'action échoue, l'entrée disparaît avec
elle ; une entrée n'existe que pour une action faite."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from comptes.models import ActionAudit, Adhesion, EntreeAudit, Organisation, Utilisateur

LONGUEUR_REPR = 300


def _texte(valeur: Any) -> str:
    return str(valeur)[:LONGUEUR_REPR]


def _repr_auteur(auteur: Any) -> str:
    """L'adresse e-mail au moment de l'action (le journal n'est lu que par les administrateurs)."""
    if auteur is None or not getattr(auteur, "is_authenticated", False):
        return ""
    nom = auteur.get_full_name()
    return _texte(f"{nom} <{auteur.email}>" if nom else auteur.email)


def _json(valeur: Any) -> Any:
    """Les détails en valeurs JSON : montants en texte (jamais de flottant), dates en ISO, objets par leur nom."""
    if isinstance(valeur, dict):
        return {str(cle): _json(v) for cle, v in valeur.items()}
    if isinstance(valeur, list | tuple | set):
        return [_json(v) for v in valeur]
    if valeur is None or isinstance(valeur, bool | int | str):
        return valeur
    if isinstance(valeur, Decimal):
        return str(valeur)
    if hasattr(valeur, "isoformat"):
        return valeur.isoformat()
    return str(valeur)


def adresse_ip(request: HttpRequest | None) -> str | None:
    """L'adresse du client, lue comme les limites de débit la lisent (proxys de confiance des réglages)."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def journaliser(
    action: str,
    *,
    auteur: Any,
    objet: models.Model | None = None,
    organisation: Organisation | None = None,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> EntreeAudit:
    """Ajoute une entrée au journal d'audit. À appeler dans la transaction de l'action, avant ce qui pourrait
    effacer ce que l'entrée nomme (l'adresse d'un compte qu'on anonymise)."""
    connecte = auteur is not None and getattr(auteur, "is_authenticated", False)
    return EntreeAudit.objects.create(
        action=action,
        auteur=auteur if connecte else None,
        auteur_repr=_repr_auteur(auteur),
        content_type=ContentType.objects.get_for_model(objet) if objet is not None else None,
        object_id=str(objet.pk) if objet is not None else "",
        objet_repr=_texte(objet) if objet is not None else "",
        organisation=organisation,
        details=_json(details or {}),
        adresse_ip=adresse_ip(request),
    )


def entrees_de(utilisateur: Utilisateur) -> "models.QuerySet[EntreeAudit]":
    """Les entrées qui regardent la personne (l'export de ses données, RGPD art. 15) : celles qu'elle a écrites,
    celles qui portent sur son compte ou sur l'une de ses adhésions, et celles qui la nomment par son adresse
    (une adhésion retirée n'a plus de ligne à viser : l'entrée garde l'adresse du membre). Seules ses adresses
    vérifiées comptent, et celle de connexion (vérifiée avant toute connexion, ACCOUNT_EMAIL_VERIFICATION) :
    l'adresse libérée d'un compte supprimé, ajoutée sans être vérifiée, n'ouvre pas les entrées de l'ancienne
    titulaire."""
    verifiees = EmailAddress.objects.filter(user=utilisateur, verified=True).values_list("email", flat=True)
    adresses = {utilisateur.email, *verifiees}
    type_compte = ContentType.objects.get_for_model(Utilisateur)
    type_adhesion = ContentType.objects.get_for_model(Adhesion)
    adhesions = [str(pk) for pk in utilisateur.adhesions.values_list("pk", flat=True)]
    return EntreeAudit.objects.filter(
        Q(auteur=utilisateur)
        | Q(content_type=type_compte, object_id=str(utilisateur.pk))
        | Q(content_type=type_adhesion, object_id__in=adhesions)
        | Q(details__utilisateur__in=sorted(adresses))
    )


def duree_conservation() -> timedelta:
    """Combien de temps le journal garde une entrée (réglage `COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS`)."""
    return timedelta(days=settings.COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS)


@transaction.atomic
def purger_entrees_anciennes(maintenant: datetime | None = None) -> int:
    """Efface les entrées plus anciennes que la durée de conservation (elles gardent l'adresse de qui a agi,
    même d'un compte supprimé : on ne les garde pas plus longtemps que ce que la page « Données personnelles »
    annonce), et inscrit la purge au journal. Rend le nombre d'entrées effacées. Sans auteur : une tâche
    périodique l'appellera."""
    limite = (maintenant or timezone.now()) - duree_conservation()
    # En masse : `EntreeAudit.delete` refuse d'effacer une entrée seule, la suppression d'un lot ne l'appelle pas.
    nombre, _ = EntreeAudit.objects.filter(cree_le__lt=limite).delete()
    if nombre:
        journaliser(
            ActionAudit.JOURNAL_PURGE,
            auteur=None,
            details={
                "entrees_effacees": nombre,
                "anterieures_au": limite,
                "conservation_jours": settings.COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS,
            },
        )
    return nombre
