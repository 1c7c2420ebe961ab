"""Ce que les financements gardent d'une personne (les dossiers qu'elle a créés, les messages qu'elle a
écrits), pour l'export de ses données, et la purge des PDF qui la nomment quand son compte est supprimé
(registres de `comptes.registres`)."""

from typing import Any

from django.db.models import Q

from comptes.models import Utilisateur
from config.pdf import retirer_pdf
from financements.models import Dossier, Message


def dossiers(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les dossiers de demande de subvention créés par la personne (au nom de leur structure)."""
    return [
        {
            "numero": dossier.pk,
            "titre": dossier.titre,
            "appel_a_projets": dossier.appel.titre,
            "structure": dossier.structure.raison_sociale,
            "etat": dossier.get_statut_display(),
            "cree_le": dossier.cree_le.isoformat(),
        }
        for dossier in Dossier.objects.filter(cree_par=utilisateur).select_related("appel", "structure").order_by("pk")
    ]


def messages(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les messages écrits par la personne dans le fil d'échanges des dossiers."""
    return [
        {
            "dossier": f"{message.dossier.titre} (n° {message.dossier_id})",
            "au_nom_de": message.organisation.nom if message.organisation else None,
            "texte": message.texte,
            "envoye_le": message.cree_le.isoformat(),
        }
        for message in Message.objects.filter(auteur=utilisateur).select_related("dossier", "organisation")
    ]


def purger_pdf(utilisateur: Utilisateur) -> None:
    """Retire du stockage les résumés PDF des dossiers que la personne a créés ou fait avancer (leur journal
    la nomme) : ils seront rendus à nouveau, avec « Compte supprimé », à la prochaine demande (noms des
    fichiers : `config.pdf.chemin_pdf`, `pdf/dossier-<numéro>/<empreinte>.pdf`)."""
    numeros = set(
        Dossier.objects.filter(Q(cree_par=utilisateur) | Q(journal__auteur=utilisateur)).values_list("pk", flat=True)
    )
    if not numeros:
        return
    for numero in numeros:
        retirer_pdf(f"dossier-{numero}")
