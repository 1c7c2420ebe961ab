"""Saisir et corriger les valeurs des indicateurs d'un contrat, relier les valeurs des comptes-rendus.

Une mauvaise saisie est refusée avec un message en français sur le champ concerné, et rien n'est enregistré :
unité qui n'est pas celle de l'indicateur, valeur hors de sa plage plausible (sauf confirmation explicite :
elle est alors gardée avec un avertissement visible), cible pour une année hors du contrat, doublon
(même indicateur, territoire, année et nature). Une correction crée une nouvelle version ; l'ancienne reste
consultable.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from contrats.models import ContratDeVille
from evaluation.models import Indicateur, LiaisonCompteRendu, NatureValeur, Origine, Unite, Valeur
from evaluation.models.valeur import cle_territoire
from evaluation.permissions import peut_saisir_valeurs, refus_saisie
from financements.models import IndicateurCompteRendu


@dataclass
class Territoire:
    """Le territoire (ou le projet) d'une valeur, choisi parmi ceux du contrat."""

    niveau: str
    qpv_id: str | None = None
    commune_id: str | None = None
    epci_id: str | None = None
    dossier_id: int | None = None
    convention_id: int | None = None

    def cle(self, contrat: ContratDeVille) -> str:
        return cle_territoire(
            self.niveau,
            qpv=self.qpv_id,
            commune=self.commune_id,
            epci=self.epci_id,
            contrat=contrat.pk,
            dossier=self.dossier_id,
            convention=self.convention_id,
        )


@dataclass
class Saisie:
    indicateur: Indicateur
    territoire: Territoire
    annee: int | None
    nature: str
    valeur: Decimal | None
    non_diffusee: bool = False
    unite: str = ""
    source: str = ""
    commentaire: str = ""
    confirmer_hors_plage: bool = False


def _verifier_valeur(
    indicateur: Indicateur, saisie_valeur: Decimal | None, non_diffusee: bool, unite: str, confirmer: bool
) -> dict[str, str]:
    erreurs: dict[str, str] = {}
    if unite and unite != indicateur.unite:
        erreurs["unite"] = (
            f"« {indicateur.nom} » se mesure en {Unite(indicateur.unite).label.lower()}, pas en "
            f"{Unite(unite).label.lower()} : convertissez la valeur dans l'unité de l'indicateur."
        )
    if non_diffusee and saisie_valeur is not None:
        erreurs["valeur"] = "Une valeur non diffusée (secret statistique) n'a pas de chiffre : videz le champ."
    elif not non_diffusee and saisie_valeur is None:
        erreurs["valeur"] = "Indiquez la valeur, ou cochez « non diffusée » si elle relève du secret statistique."
    elif indicateur.hors_plage(saisie_valeur) and not confirmer:
        erreurs["valeur"] = (
            f"{indicateur.formater(saisie_valeur)} est hors de la plage plausible de « {indicateur.nom} » "
            f"({indicateur.plage}). Vérifiez l'unité et la saisie ; si la valeur est juste, cochez "
            "« je confirme cette valeur hors de la plage plausible »."
        )
    return erreurs


def _doublon(indicateur: Indicateur, cle: str, annee: int | None, nature: str) -> Valeur | None:
    return (
        Valeur.objects.select_related("saisie_par")
        .filter(indicateur=indicateur, cle_territoire=cle, annee=annee, nature=nature, courante=True)
        .first()
    )


def _message_doublon(existante: Valeur) -> str:
    par = f" par {existante.saisie_par}" if existante.saisie_par else " par l'import officiel"
    return (
        f"Une valeur « {existante.get_nature_display().lower()} » existe déjà pour cet indicateur, ce territoire "
        f"et l'année {existante.libelle_annee} (saisie le {timezone.localtime(existante.saisie_le):%d/%m/%Y}{par}) : "
        "corrigez-la plutôt que d'en saisir une seconde."
    )


@transaction.atomic
def saisir_valeur(contrat: ContratDeVille, auteur, saisie: Saisie) -> Valeur:
    if not peut_saisir_valeurs(auteur, contrat):
        raise PermissionDenied(refus_saisie(contrat))
    indicateur = saisie.indicateur
    erreurs: dict[str, str] = {}
    if indicateur.contrat_id not in (None, contrat.pk):
        erreurs["indicateur"] = "Cet indicateur est celui d'un autre contrat."
    erreurs |= _verifier_valeur(
        indicateur, saisie.valeur, saisie.non_diffusee, saisie.unite, saisie.confirmer_hors_plage
    )
    if saisie.annee is None and saisie.nature != NatureValeur.LIGNE_DE_BASE:
        erreurs["annee"] = "Indiquez l'année : seule une ligne de base peut avoir un millésime non précisé."
    if (
        saisie.nature == NatureValeur.CIBLE
        and saisie.annee is not None
        and not (contrat.annee_debut <= saisie.annee <= contrat.annee_fin)
    ):
        erreurs["annee"] = (
            f"Une cible se fixe pour une année du contrat ({contrat.periode}) : {saisie.annee} n'en fait pas partie."
        )
    cle = saisie.territoire.cle(contrat)
    if "annee" not in erreurs and (existante := _doublon(indicateur, cle, saisie.annee, saisie.nature)):
        erreurs["nature"] = _message_doublon(existante)
    if erreurs:
        raise ValidationError(erreurs)
    territoire = saisie.territoire
    try:
        with transaction.atomic():
            return Valeur.objects.create(
                indicateur=indicateur,
                niveau=territoire.niveau,
                qpv_id=territoire.qpv_id,
                commune_id=territoire.commune_id,
                epci_id=territoire.epci_id,
                dossier_id=territoire.dossier_id,
                convention_id=territoire.convention_id,
                contrat=contrat,
                cle_territoire=cle,
                annee=saisie.annee,
                nature=saisie.nature,
                valeur=saisie.valeur,
                non_diffusee=saisie.non_diffusee,
                hors_plage=indicateur.hors_plage(saisie.valeur),
                source=saisie.source.strip(),
                commentaire=saisie.commentaire.strip(),
                origine=Origine.SAISIE,
                saisie_par=auteur,
            )
    except IntegrityError:
        # Une autre personne a saisi la même valeur au même moment.
        raise ValidationError(
            {"nature": "Cette valeur vient d'être saisie par une autre personne : corrigez-la."}
        ) from None


@transaction.atomic
def corriger_valeur(
    valeur: Valeur,
    contrat: ContratDeVille,
    auteur,
    nouvelle: Decimal | None,
    non_diffusee: bool = False,
    unite: str = "",
    source: str = "",
    commentaire: str = "",
    confirmer_hors_plage: bool = False,
) -> Valeur:
    """Remplace la valeur courante par une nouvelle version (saisie), sans rien effacer. Une ligne de base
    officielle corrigée reste publique et n'est plus jamais remplacée par un nouvel import."""
    if not peut_saisir_valeurs(auteur, contrat):
        raise PermissionDenied(refus_saisie(contrat))
    courante = Valeur.objects.select_for_update().select_related("indicateur").get(pk=valeur.pk)
    if not courante.courante:
        raise ValidationError(
            "Cette version a déjà été corrigée depuis que vous l'avez ouverte : corrigez la version courante."
        )
    erreurs = _verifier_valeur(courante.indicateur, nouvelle, non_diffusee, unite, confirmer_hors_plage)
    if not (commentaire or "").strip():
        erreurs["commentaire"] = "Dites pourquoi la valeur est corrigée : le motif reste dans l'historique."
    if erreurs:
        raise ValidationError(erreurs)
    courante.courante = False
    courante.save(update_fields=["courante"])
    copie = Valeur.objects.get(pk=courante.pk)
    copie.pk = None
    copie.courante = True
    copie.version = courante.version + 1
    copie.precedente = courante
    copie.valeur = nouvelle
    copie.non_diffusee = non_diffusee
    copie.hors_plage = courante.indicateur.hors_plage(nouvelle)
    copie.source = (source or "").strip() or courante.source
    copie.commentaire = commentaire.strip()
    copie.origine = Origine.SAISIE
    copie.saisie_par = auteur
    copie.saisie_le = timezone.now()
    # Une ligne de base officielle corrigée reste officielle (publique, sans contrat) : `contrat` dit seulement
    # au titre de quel contrat la personne a le droit de la corriger.
    copie.save(force_insert=True)
    return copie


def historique(valeur: Valeur) -> list[Valeur]:
    """Toutes les versions de la valeur, de la plus récente à la plus ancienne (une requête)."""
    return list(
        Valeur.objects.select_related("saisie_par")
        .filter(
            indicateur_id=valeur.indicateur_id,
            cle_territoire=valeur.cle_territoire,
            annee=valeur.annee,
            nature=valeur.nature,
        )
        .order_by("-version", "-saisie_le")
    )


@transaction.atomic
def relier_compte_rendu(
    indicateur_compte_rendu: IndicateurCompteRendu, contrat: ContratDeVille, auteur, indicateur: Indicateur | None
) -> LiaisonCompteRendu | None:
    """Relie (ou délie, sans indicateur) une valeur d'un compte-rendu à un indicateur du catalogue."""
    if not peut_saisir_valeurs(auteur, contrat):
        raise PermissionDenied(refus_saisie(contrat))
    if indicateur is None:
        LiaisonCompteRendu.objects.filter(indicateur_compte_rendu=indicateur_compte_rendu).delete()
        return None
    if indicateur.contrat_id not in (None, contrat.pk):
        raise ValidationError({"indicateur": "Cet indicateur est celui d'un autre contrat."})
    liaison, _ = LiaisonCompteRendu.objects.update_or_create(
        indicateur_compte_rendu=indicateur_compte_rendu,
        defaults={"indicateur": indicateur, "reliee_par": auteur, "reliee_le": timezone.now()},
    )
    return liaison
