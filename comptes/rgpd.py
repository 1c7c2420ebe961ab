"""Droits des personnes sur leurs données (RGPD) : l'export de ce que Coville garde d'une personne (droit
d'accès et à la portabilité, art. 15 et 20) et la suppression de son compte (droit à l'effacement, art. 17).

Les comptes n'importent pas les applications de niveau supérieur : les contributions (contrats), les
messages et les dossiers (financements) entrent dans l'export, et leurs PDF sont purgés, par les registres
`comptes.registres.donnees_personnelles` et `comptes.registres.suppression_compte`.
"""

import io
import json
import logging
import zipfile
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from comptes.audit import entrees_de, journaliser
from comptes.models import ActionAudit, EntreeAudit, Invitation, Utilisateur
from comptes.registres import donnees_personnelles as registre_donnees
from comptes.registres import suppression_compte
from config.lib.stockage import StockageIndisponible
from config.lib.tableurs import csv_en_flux

logger = logging.getLogger(__name__)


def _effacer_pieces(chemins: list[str]) -> None:
    """Efface des pièces du stockage ; une panne ne fait pas échouer la suppression du compte (déjà validée) :
    elle est écrite au journal de l'application pour qu'un administrateur efface la pièce à la main."""
    for chemin in chemins:
        try:
            default_storage.delete(chemin)
        except (StockageIndisponible, OSError):
            logger.exception("Pièce d'une demande d'adhésion non effacée du stockage : %s", chemin)


def date_iso(valeur: Any) -> str | None:
    return valeur.isoformat() if valeur else None


def donnees_personnelles(utilisateur: Utilisateur) -> dict[str, Any]:
    """Tout ce que Coville garde de la personne, prêt à être écrit en JSON."""
    donnees: dict[str, Any] = {
        "exporte_le": timezone.now().isoformat(),
        "compte": {
            "adresse_email": utilisateur.email,
            "prenom": utilisateur.prenom,
            "nom": utilisateur.nom,
            "inscrit_le": date_iso(utilisateur.date_joined),
            "derniere_connexion": date_iso(utilisateur.last_login),
            "administrateur_de_la_plateforme": utilisateur.is_staff,
        },
        "adresses_email": [
            {"adresse": adresse.email, "verifiee": adresse.verified, "principale": adresse.primary}
            for adresse in EmailAddress.objects.filter(user=utilisateur).order_by("email")
        ],
        "adhesions": [
            {
                "organisation": adhesion.organisation.nom,
                "type_organisation": adhesion.organisation.get_type_display(),
                "role": adhesion.get_role_display(),
                "depuis_le": date_iso(adhesion.cree_le),
            }
            for adhesion in utilisateur.adhesions.select_related("organisation").order_by("organisation__nom")
        ],
        "invitations_envoyees": [
            {
                "adresse_email": invitation.email,
                "organisation": invitation.organisation.nom,
                "role": invitation.get_role_display(),
                "envoyee_le": date_iso(invitation.cree_le),
            }
            for invitation in utilisateur.invitations_envoyees.select_related("organisation").order_by("cree_le")
        ],
        "alertes_par_email": [
            {
                "alerte": abonnement.get_type_alerte_display(),
                "abonne": abonnement.abonne,
                "le": date_iso(abonnement.modifie_le),
            }
            for abonnement in utilisateur.abonnements_alertes.order_by("type_alerte")
        ],
        "demandes_adhesion_collectivite": [
            {
                "collectivite": demande.nom,
                "code_territoire": demande.code_territoire,
                "fonction": demande.fonction,
                "justificatif": demande.justificatif,
                "piece": demande.piece_nom,
                "etat": demande.get_etat_display(),
                "demandee_le": date_iso(demande.cree_le),
                "motif": demande.motif,
            }
            for demande in utilisateur.demandes_adhesion_collectivite.order_by("cree_le", "pk")
        ],
        "journal_d_audit": [
            _entree_audit(entree, utilisateur)
            for entree in entrees_de(utilisateur).select_related("auteur", "organisation").order_by("cree_le", "pk")
        ],
    }
    for nom, fournisseur in registre_donnees.items():
        donnees[nom] = fournisseur(utilisateur)
    return donnees


def _cellule(valeur: Any) -> Any:
    """Une valeur de l'export en cellule de tableur : oui/non, vide pour une absence, le JSON d'un détail
    imbriqué (les détails d'une entrée du journal d'audit)."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, dict | list):
        return json.dumps(valeur, ensure_ascii=False)
    return valeur


def _tableau(valeur: Any) -> tuple[list[str], list[list[Any]]]:
    """L'en-tête et les lignes d'une rubrique : une ligne par élément d'une liste, une seule pour un objet."""
    elements = valeur if isinstance(valeur, list) else [valeur]
    entete: list[str] = []
    for element in elements:
        entete += [cle for cle in element if cle not in entete]
    return entete, [[_cellule(element.get(cle)) for cle in entete] for element in elements]


def archive_csv(donnees: dict[str, Any]) -> bytes:
    """Les données de `donnees_personnelles` en archive ZIP : un fichier CSV par rubrique (UTF-8 avec la marque
    qui le fait reconnaître par Excel, virgules), que tout tableur ouvre, et un LISEZMOI qui les présente. Les
    cellules passent par `csv_en_flux` : un texte saisi `=HYPERLINK(…)` n'y devient jamais une formule."""
    sortie = io.BytesIO()
    sommaire = []
    with zipfile.ZipFile(sortie, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for rubrique, valeur in donnees.items():
            if not isinstance(valeur, dict | list):
                continue
            entete, lignes = _tableau(valeur)
            if not lignes:
                sommaire.append(f"- {rubrique} : aucune donnée (pas de fichier)")
                continue
            fichier = f"{rubrique}.csv"
            archive.writestr(fichier, "".join(csv_en_flux(entete, lignes, bom=True)).encode())
            sommaire.append(f"- {fichier} : {len(lignes)} ligne(s)")
        lisezmoi = [
            "Vos données personnelles gardées par Coville",
            f"Exportées le {donnees.get('exporte_le', '')}.",
            "",
            "Un fichier CSV par rubrique (UTF-8, séparateur virgule), à ouvrir dans un tableur :",
            *sommaire,
            "",
            "Le même contenu existe en un seul fichier JSON, depuis « Mon compte ».",
        ]
        archive.writestr("LISEZMOI.txt", "\r\n".join(lisezmoi).encode())
    return sortie.getvalue()


def _entree_audit(entree: EntreeAudit, utilisateur: Utilisateur) -> dict[str, Any]:
    """Une entrée du journal d'audit qui regarde la personne. Celle qu'un autre a écrite (un administrateur
    qui change son rôle) ne donne ni l'adresse e-mail ni l'adresse IP de cet autre : ses données à lui."""
    par_elle = entree.auteur_id == utilisateur.pk
    if par_elle:
        par = "vous"
    elif entree.auteur is not None and entree.auteur.is_staff:
        par = "un administrateur de la plateforme"
    else:
        par = "une autre personne"
    return {
        "le": entree.cree_le.isoformat(),
        "action": entree.get_action_display(),
        "par": par,
        "objet": entree.objet_repr,
        "organisation": entree.organisation.nom if entree.organisation else None,
        "details": entree.details,
        "adresse_ip": entree.adresse_ip if par_elle else None,
    }


def adresse_anonyme(utilisateur: Utilisateur) -> str:
    """Une adresse unique qui ne peut recevoir aucun message (domaine réservé `.invalid`, RFC 2606)."""
    return f"supprime-{utilisateur.pk}@coville.invalid"


@transaction.atomic
def anonymiser(utilisateur: Utilisateur, *, par: Utilisateur | None = None, request: HttpRequest | None = None) -> None:
    """Supprime le compte en l'anonymisant sur place.

    La ligne de l'utilisateur reste, pour que ce que la personne a écrit (contributions, messages, dossiers,
    décisions) reste lisible, signé « Compte supprimé » : ce qu'elle a fait au nom d'une organisation reste à
    cette organisation (archives publiques, RGPD art. 17.3.b). Son adresse, son nom, son mot de passe, ses
    adresses e-mail, ses comptes externes, ses adhésions et les invitations en attente la concernant
    disparaissent ; elle ne peut plus se connecter. Les applications purgent d'abord ce qui la nomme hors de
    la base (PDF en cache). `par` est l'administrateur qui le fait à la demande de la personne ; sans lui, c'est
    la personne elle-même. Le journal d'audit garde la trace de la suppression (et l'adresse d'avant)."""
    par_un_administrateur = par is not None and par.pk != utilisateur.pk
    journaliser(
        ActionAudit.COMPTE_ANONYMISE if par_un_administrateur else ActionAudit.COMPTE_SUPPRIME,
        auteur=par if par_un_administrateur else utilisateur,
        objet=utilisateur,
        details={
            "adresse_email": utilisateur.email,
            "adhesions": [
                f"{adhesion.organisation} ({adhesion.get_role_display()})"
                for adhesion in utilisateur.adhesions.select_related("organisation")
            ],
        },
        request=request,
    )
    for _, purger in suppression_compte.items():
        purger(utilisateur)
    maintenant = timezone.now()
    adresse = adresse_anonyme(utilisateur)
    recues = Invitation.objects.filter(Q(email__iexact=utilisateur.email) | Q(acceptee_par=utilisateur))
    # Les invitations qu'elle a envoyées et qu'elle a reçues ne peuvent plus être acceptées (même expirées) ;
    # celles qu'elle a reçues ne gardent pas son adresse.
    Invitation.objects.filter(
        Q(invitee_par=utilisateur) | Q(pk__in=recues), acceptee_le__isnull=True, annulee_le__isnull=True
    ).update(annulee_le=maintenant)
    recues.update(email=adresse)
    utilisateur.adhesions.all().delete()
    # Ses demandes d'adhésion d'une collectivité (fonction, justificatif, pièce) : le journal d'audit garde
    # la trace des décisions ; les pièces quittent le stockage une fois la suppression validée.
    demandes = utilisateur.demandes_adhesion_collectivite.all()
    pieces = [chemin for chemin in demandes.values_list("piece_chemin", flat=True) if chemin]
    demandes.delete()
    transaction.on_commit(lambda: _effacer_pieces(pieces))
    EmailAddress.objects.filter(user=utilisateur).delete()
    # Comptes externes (OIDC) et facteurs de double authentification, quand ces applications sont installées.
    for application, modele in (
        ("allauth.socialaccount", "socialaccount.SocialAccount"),
        ("allauth.mfa", "mfa.Authenticator"),
    ):
        if apps.is_installed(application):
            apps.get_model(modele).objects.filter(user=utilisateur).delete()
    utilisateur.email = adresse
    utilisateur.prenom = ""
    utilisateur.nom = ""
    utilisateur.set_unusable_password()
    utilisateur.is_active = False
    utilisateur.is_staff = False
    utilisateur.is_superuser = False
    utilisateur.est_supprime = True
    utilisateur.save()
    utilisateur.groups.clear()
    utilisateur.user_permissions.clear()
