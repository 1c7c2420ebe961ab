"""Ce que les contrats gardent d'une personne (ses contributions aux concertations), pour l'export de ses
données, et la purge des PDF qui la nomment quand son compte est supprimé (registres de `comptes.registres`)."""

from typing import Any

from comptes.models import Utilisateur
from config.pdf import retirer_pdf
from contrats.documents import DOCUMENTS
from contrats.models import ContratDeVille, Contribution, VersionSection


def contributions(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les contributions déposées par la personne, avec la réponse qu'elles ont reçue."""
    return [
        {
            "numero": contribution.pk,
            "contrat": f"{contribution.concertation.contrat.nom} ({contribution.concertation.contrat.code})",
            "concertation": contribution.concertation.titre,
            "sur": str(contribution.cible),
            "au_nom_de": contribution.organisation.nom if contribution.organisation else None,
            "texte": contribution.texte,
            "redaction_proposee": contribution.proposition,
            "deposee_le": contribution.deposee_le.isoformat(),
            "etat": contribution.get_statut_display(),
            "reponse": contribution.reponse,
            "masquee": contribution.masquee,
        }
        for contribution in Contribution.objects.filter(auteur=utilisateur)
        .select_related("concertation__contrat", "section", "orientation", "organisation")
        .order_by("deposee_le", "pk")
    ]


def versions(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les versions des sections de contrat enregistrées par la personne (le texte lui-même appartient au
    contrat de la collectivité : il est lisible sur la page de la version)."""
    return [
        {
            "contrat": f"{version.section.contrat.nom} ({version.section.contrat.code})",
            "section": version.section.titre,
            "version": version.numero,
            "message": version.message,
            "enregistree_le": version.cree_le.isoformat(),
        }
        for version in VersionSection.objects.filter(auteur=utilisateur)
        .select_related("section__contrat")
        .order_by("cree_le", "pk")
    ]


def purger_pdf(utilisateur: Utilisateur) -> None:
    """Retire du stockage les PDF des contrats où la personne a contribué (ils citent « Prénom N. »), puis
    demande leur rendu, avec « Compte supprimé » : la tâche, validée avec la suppression du compte, ne lit que
    les données anonymisées. L'empreinte des contrats tient compte de la suppression : une édition rendue
    pendant ce temps par un worker, avec l'ancien nom, n'est jamais servie (noms des fichiers :
    `config.pdf.chemin_pdf`, `pdf/<document>-<code>/<empreinte>.pdf`)."""
    from contrats.taches import differer_rendus

    contrats = dict(
        ContratDeVille.objects.filter(concertations__contributions__auteur=utilisateur).values_list("pk", "code")
    )
    for pk, code in sorted(contrats.items()):
        for document in DOCUMENTS:
            retirer_pdf(f"{document}-{code}")
        differer_rendus(pk)
