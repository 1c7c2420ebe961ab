"""Ce que l'évaluation garde d'une personne : les valeurs d'indicateurs qu'elle a saisies ou corrigées, les
indicateurs locaux qu'elle a créés, les valeurs de comptes-rendus qu'elle a reliées ; pour l'export de ses
données (registre `comptes.registres.donnees_personnelles`)."""

from typing import Any

from comptes.models import Utilisateur
from evaluation.models import Bilan, CommentaireBilan, Indicateur, LiaisonCompteRendu, Valeur


def valeurs_saisies(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les valeurs (et versions corrigées) saisies par la personne."""
    return [
        {
            "indicateur": valeur.indicateur.nom,
            "territoire": valeur.cle_territoire,
            "annee": valeur.annee,
            "nature": valeur.get_nature_display(),
            "valeur": None if valeur.valeur is None else str(valeur.valeur),
            "version": valeur.version,
            "commentaire": valeur.commentaire,
            "saisie_le": valeur.saisie_le.isoformat(),
        }
        for valeur in Valeur.objects.filter(saisie_par=utilisateur).select_related("indicateur").order_by("pk")
    ]


def indicateurs_crees(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    return [
        {
            "code": i.code,
            "nom": i.nom,
            "contrat": i.contrat.code if i.contrat else None,
            "cree_le": i.cree_le.isoformat(),
        }
        for i in Indicateur.objects.filter(cree_par=utilisateur).select_related("contrat").order_by("pk")
    ]


def liaisons_comptes_rendus(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    return [
        {
            "valeur_du_compte_rendu": liaison.indicateur_compte_rendu.libelle,
            "indicateur": liaison.indicateur.nom,
            "reliee_le": liaison.reliee_le.isoformat(),
        }
        for liaison in LiaisonCompteRendu.objects.filter(reliee_par=utilisateur)
        .select_related("indicateur", "indicateur_compte_rendu")
        .order_by("pk")
    ]


def commentaires_bilans(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les commentaires écrits sur les bilans soumis aux partenaires."""
    return [
        {"bilan": str(c.bilan), "contrat": c.bilan.contrat.code, "texte": c.texte, "ecrit_le": c.cree_le.isoformat()}
        for c in CommentaireBilan.objects.filter(auteur=utilisateur).select_related("bilan__contrat").order_by("pk")
    ]


def avis_bilans(utilisateur: Utilisateur) -> list[dict[str, Any]]:
    """Les avis de conseil citoyen dont la personne a écrit la dernière version."""
    return [
        {
            "bilan": str(b),
            "contrat": b.contrat.code,
            "avis": b.avis_conseil_citoyen,
            "ecrit_le": b.avis_le.isoformat() if b.avis_le else None,
        }
        for b in Bilan.objects.filter(avis_par=utilisateur).select_related("contrat").order_by("pk")
    ]
