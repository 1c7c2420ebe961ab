"""Les e-mails envoyés aux porteurs et co-porteurs d'un dossier (et aux instructeurs pour les messages)."""

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from comptes.models import Adhesion, Role
from config.lib import courriels
from financements.models import CoPorteur, Dossier, JournalDossier, Message, StatutDossier

# Les étapes qui concernent le porteur (les autres ne regardent que les instructeurs).
ETAPES_PORTEUR = {
    StatutDossier.DEPOSE,
    StatutDossier.EN_INSTRUCTION,
    StatutDossier.CORRECTION_DEMANDEE,
    StatutDossier.DECIDE,
    StatutDossier.CONVENTIONNE,
    StatutDossier.EN_COURS,
    StatutDossier.BILAN_DEPOSE,
    StatutDossier.CLOS,
}


def lien(dossier: Dossier) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("financements:dossier", args=[dossier.pk])


def emails_porteurs(dossier: Dossier, co_porteurs: bool = True) -> list[str]:
    """Les membres de la structure porteuse et, sauf demande contraire, des co-porteurs."""
    condition = Q(organisation_id=dossier.structure.organisation_id)
    if co_porteurs:
        condition |= Q(organisation__structure__co_portages__dossier=dossier)
    return Adhesion.objects.filter(condition, role=Role.STRUCTURE).adresses_actives()


def emails_instructeurs(dossier: Dossier, *, sans_decision: bool = False) -> list[str]:
    """Les adresses des agents des financeurs sollicités par le dossier ; avec `sans_decision`, de ceux seulement
    qui n'ont pas encore décidé de leur part."""
    financements = dossier.financements.filter(decision__isnull=True) if sans_decision else dossier.financements.all()
    financeurs = financements.values_list("financeur_id", flat=True)
    return Adhesion.objects.filter(
        organisation_id__in=financeurs, role__in=(Role.AGENT, Role.ETAT, Role.PARTENAIRE)
    ).adresses_actives()


def _envoyer(sujet: str, gabarit: str, contexte: dict, destinataires: list[str]) -> None:
    # Appelée dans la transaction du service : les messages (un par destinataire) sont des tâches écrites avec
    # l'action, envoyées par un worker une fois la transaction validée.
    if destinataires:
        courriels.envoyer(sujet, render_to_string(gabarit, contexte), destinataires)


def changement_statut(dossier: Dossier, entree: JournalDossier) -> None:
    if entree.a_statut not in ETAPES_PORTEUR:
        return
    dossier.refresh_from_db()
    decisions = []
    if entree.a_statut == StatutDossier.DECIDE:
        decisions = list(dossier.financements.select_related("financeur", "decision"))
    contexte = {"dossier": dossier, "entree": entree, "lien": lien(dossier), "decisions": decisions}
    _envoyer(
        f"Votre dossier « {dossier.titre} » : {StatutDossier(entree.a_statut).label.lower()}",
        "financements/email/dossier_statut.txt",
        contexte,
        emails_porteurs(dossier),
    )


def depot_aux_instructeurs(dossier: Dossier, redepot: bool) -> None:
    """Les agents des financeurs sollicités apprennent qu'un dossier est déposé, ou redéposé après correction."""
    quoi = "redéposé après correction" if redepot else "déposé"
    _envoyer(
        f"Dossier {quoi} : « {dossier.titre} » ({dossier.structure})",
        "financements/email/dossier_depose_instructeurs.txt",
        {"dossier": dossier, "quoi": quoi, "lien": lien(dossier)},
        emails_instructeurs(dossier),
    )


def retrait_aux_instructeurs(dossier: Dossier, motif: str) -> None:
    _envoyer(
        f"Dossier retiré par son porteur : « {dossier.titre} » ({dossier.structure})",
        "financements/email/dossier_retire.txt",
        {"dossier": dossier, "motif": motif, "lien": lien(dossier)},
        emails_instructeurs(dossier),
    )


def invitation_co_porteur(co_porteur: CoPorteur) -> None:
    dossier = co_porteur.dossier
    destinataires = sorted(
        set(
            Adhesion.objects.filter(
                organisation_id=co_porteur.structure.organisation_id, role=Role.STRUCTURE
            ).values_list("utilisateur__email", flat=True)
        )
    )
    _envoyer(
        f"{dossier.structure} vous propose de co-porter le projet « {dossier.titre} »",
        "financements/email/dossier_co_porteur.txt",
        {"dossier": dossier, "co_porteur": co_porteur, "lien": lien(dossier)},
        destinataires,
    )


def nouveau_message(message: Message, vers_porteur: bool) -> None:
    dossier = message.dossier
    destinataires = emails_porteurs(dossier) if vers_porteur else emails_instructeurs(dossier)
    destinataires = [e for e in destinataires if e != message.auteur.email]
    _envoyer(
        f"Nouveau message sur le dossier « {dossier.titre} »",
        "financements/email/dossier_message.txt",
        {"dossier": dossier, "message": message, "lien": lien(dossier) + "#messages"},
        destinataires,
    )
