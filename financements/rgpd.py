"""Ce que les financements gardent d'une personne (les dossiers qu'elle a créés, les messages, les notes et
les avis d'instruction qu'elle a écrits, les entrées du journal des dossiers faites par elle), pour l'export de
ses données, et la purge des PDF qui la nomment quand son compte est supprimé
(registres de `comptes.registres`)."""

from typing import Any

from django.db.models import Q

from comptes.models import Utilisateur
from config.pdf import retirer_pdf
from financements.documents import nom_document
from financements.models import (
    AvisInstruction,
    Dossier,
    JournalConvention,
    JournalDossier,
    Message,
    NoteInstruction,
    SignatureAvenant,
    SignatureConvention,
)


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


def notes_instruction(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les notes internes que la personne a écrites en instruisant un dossier (lues par les seuls instructeurs,
    jamais par le porteur : elles lui appartiennent tout de même, comme leur autrice ou leur auteur)."""
    return [
        {
            "dossier": f"{note.dossier.titre} (n° {note.dossier_id})",
            "service": note.organisation.nom,
            "texte": note.texte,
            "ecrite_le": note.cree_le.isoformat(),
        }
        for note in NoteInstruction.objects.filter(auteur=utilisateur)
        .select_related("dossier", "organisation")
        .order_by("cree_le", "pk")
    ]


def avis_instruction(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les avis d'instruction en vigueur donnés par la personne au nom de son service (un avis remplacé ne
    garde que sa trace dans le journal du dossier)."""
    return [
        {
            "dossier": f"{avis.dossier.titre} (n° {avis.dossier_id})",
            "service": avis.organisation.nom,
            "avis": avis.get_sens_display(),
            "montant_propose": str(avis.montant_propose) if avis.montant_propose is not None else None,
            "motivation": avis.commentaire,
            "donne_le": avis.cree_le.isoformat(),
        }
        for avis in AvisInstruction.objects.filter(auteur=utilisateur)
        .select_related("dossier", "organisation")
        .order_by("cree_le", "pk")
    ]


def journal_dossiers(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les entrées du journal des dossiers dont la personne est l'autrice ou l'auteur (changements d'état,
    enregistrements, décisions…), avec le motif qu'elle a écrit."""
    return [
        {
            "dossier": f"{entree.dossier.titre} (n° {entree.dossier_id})",
            "evenement": entree.evenement,
            "etat_precedent": entree.get_de_statut_display(),
            "nouvel_etat": entree.get_a_statut_display(),
            "motif": entree.motif,
            "lue_par": entree.get_visibilite_display(),
            "le": entree.date.isoformat(),
        }
        for entree in JournalDossier.objects.filter(auteur=utilisateur).select_related("dossier").order_by("date", "pk")
    ]


def signatures_conventions(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les signatures de conventions et d'avenants que la personne a enregistrées (pour sa structure ou son
    financeur), avec le signataire et l'acte qu'elle a déclarés."""
    avenants = [
        {
            "convention": str(signature.avenant),
            "partie": str(signature.financeur) if signature.financeur else "la structure",
            "signataire": signature.signataire_nom,
            "qualite": signature.signataire_qualite,
            "acte": signature.reference_acte,
            "le": signature.signee_le.isoformat(),
        }
        for signature in SignatureAvenant.objects.filter(enregistree_par=utilisateur)
        .select_related("avenant__convention__structure", "financeur")
        .order_by("signee_le", "pk")
    ]
    return [
        {
            "convention": str(signature.convention),
            "partie": str(signature.financeur) if signature.financeur else "la structure",
            "signataire": signature.signataire_nom,
            "qualite": signature.signataire_qualite,
            "acte": signature.reference_acte,
            "le": signature.signee_le.isoformat(),
        }
        for signature in SignatureConvention.objects.filter(enregistree_par=utilisateur)
        .select_related("convention__structure", "financeur")
        .order_by("signee_le", "pk")
    ] + avenants


def journal_conventions(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les entrées du journal des conventions dont la personne est l'autrice ou l'auteur."""
    return [
        {
            "convention": str(entree.convention),
            "evenement": entree.evenement,
            "nouvel_etat": entree.get_a_statut_display(),
            "motif": entree.motif,
            "le": entree.date.isoformat(),
        }
        for entree in JournalConvention.objects.filter(auteur=utilisateur)
        .select_related("convention__structure")
        .order_by("date", "pk")
    ]


def purger_pdf(utilisateur: Utilisateur) -> None:
    """Retire du stockage les résumés PDF des dossiers que la personne a créés ou fait avancer (leur journal
    la nomme), puis demande leur rendu, avec « Compte supprimé » : la tâche, validée avec la suppression du
    compte, ne lit que les données anonymisées (noms des fichiers : `config.pdf.chemin_pdf`,
    `pdf/dossier-<numéro>/<empreinte>.pdf`)."""
    from financements.taches import differer_rendu

    numeros = set(
        Dossier.objects.filter(Q(cree_par=utilisateur) | Q(journal__auteur=utilisateur)).values_list("pk", flat=True)
    )
    for numero in sorted(numeros):
        retirer_pdf(nom_document(numero))
        differer_rendu(numero)
