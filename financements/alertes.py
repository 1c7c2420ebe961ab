"""L'alerte « nouvel appel à projets » : à sa publication, chaque membre (compte actif, non désabonné) d'une
structure qui agit sur le territoire de l'appel reçoit un e-mail, avec son lien de désabonnement en un clic.

Le territoire : les QPV éligibles de l'appel ; s'il n'en nomme aucun, l'EPCI ou la commune qui porte le contrat
(`acteurs_ess.selectors.structures_du_territoire` : siège, communes et QPV d'action déclarés).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet

from acteurs_ess.selectors import structures_du_territoire
from comptes import alertes
from comptes.models import Role, TypeAlerte, Utilisateur
from config.lib import courriels
from financements.models import AppelAProjets

TYPE = TypeAlerte.APPELS_A_PROJETS


def verrou(appel_id: int) -> str:
    return f"alerte-appel-{appel_id}"


def differer_alerte_publication(appel: AppelAProjets) -> None:
    """Demande l'envoi des alertes, en tâche de fond (une seule tâche par appel)."""
    from config.taches import differer_une_fois
    from financements.taches import alerter_publication_appel

    differer_une_fois(alerter_publication_appel, verrou=verrou(appel.pk), appel=appel.pk)


def structures_concernees(appel: AppelAProjets) -> QuerySet:
    contrat = appel.contrat
    qpv = list(appel.qpv.values_list("pk", flat=True))
    if qpv:
        condition = Q()
        for code in qpv:
            condition |= Q(pk__in=structures_du_territoire(qpv=code).values("pk"))
        return structures_du_territoire().filter(condition)
    if contrat.epci_id:
        return structures_du_territoire(epci=contrat.epci_id)
    if contrat.commune_id:
        return structures_du_territoire(commune=contrat.commune_id)
    return structures_du_territoire().none()


def destinataires(appel: AppelAProjets) -> QuerySet[Utilisateur]:
    membres = Utilisateur.objects.filter(
        adhesions__role=Role.STRUCTURE,
        adhesions__organisation__structure__in=structures_concernees(appel).values("pk"),
    )
    return alertes.destinataires(membres, TYPE)


def corps(appel: AppelAProjets, url_desabonnement: str) -> str:
    return (
        f"Un nouvel appel à projets est ouvert sur le territoire où agit votre structure :\n\n"
        f"{appel.titre} — contrat de ville {appel.contrat.nom}\n"
        f"Dépôt des dossiers du {appel.ouverture:%d/%m/%Y} au {appel.cloture:%d/%m/%Y} inclus.\n\n"
        f"Lire l'appel : {settings.SITE_URL.rstrip('/')}{appel.get_absolute_url()}\n\n"
        f"Vous recevez cet e-mail parce que vous êtes membre d'une structure de l'annuaire Coville.\n"
        f"Ne plus recevoir ces alertes (en un clic, sans connexion) : {url_desabonnement}\n"
    )


def alerter(appel_id: int) -> int:
    """Diffère un e-mail par destinataire ; rend leur nombre. Un appel dépublié ou clos n'alerte personne."""
    appel = AppelAProjets.objects.select_related("contrat").filter(pk=appel_id).first()
    if appel is None or not appel.est_publie or appel.est_clos():
        return 0
    envoyes = 0
    for utilisateur in destinataires(appel).only("pk", "email"):
        url = alertes.url_desabonnement(utilisateur, TYPE)
        envoyes += courriels.expedier(
            EmailMessage(
                courriels.PREFIXE + courriels.sujet_sur_une_ligne(f"Nouvel appel à projets : {appel.titre}"),
                corps(appel, url),
                to=[utilisateur.email],
                headers=alertes.entetes_desabonnement(url),
            )
        )
    return envoyes
