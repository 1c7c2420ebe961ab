"""Ce que les financements attendent de la personne, pour l'accueil (`comptes.registres.a_faire`) : signer
une convention, instruire des dossiers, corriger un dossier, rendre ou examiner un compte-rendu. Un nombre fixe
de requêtes, les adhésions venant du contexte d'accès de la requête."""

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from comptes.contexte import contexte_de_requete
from comptes.registres import Tache
from financements.models import Dossier, PartieFinanceur, SignatureConvention, StatutConvention, StatutDossier
from financements.permissions import organisations_instructrices, organisations_structures
from financements.selectors import dossiers_a_instruire
from financements.tableaux import comptes_rendus_a_examiner, financeurs_de, suivi_structure

LIMITE = 10


def taches(request: HttpRequest) -> list[Tache]:
    acces = contexte_de_requete(request)
    if not acces.est_connecte:
        return []
    taches: list[Tache] = []
    jour = timezone.localdate()
    # Structures : conventions à signer, comptes-rendus à rendre (tableaux.suivi_structure : quatre requêtes),
    # dossiers dont une correction est demandée.
    structures = organisations_structures(acces)
    if structures:
        suivi = suivi_structure(acces, jour)
        if suivi is not None:
            taches += [
                Tache("À signer", f"Signer la convention {c.periode} ({c.structure})", c.get_absolute_url())
                for c in suivi.a_signer
            ]
            taches += [
                Tache(
                    "À rendre",
                    f"Compte-rendu financier {annee} : {etat.lower()} ({convention.structure})",
                    reverse("financements:preparer_compte_rendu", args=[convention.pk, annee]),
                    echeance,
                )
                for convention, annee, echeance, etat in suivi.comptes_rendus
                if echeance <= jour.replace(year=jour.year + 1)
            ]
        taches += [
            Tache("À rendre", f"Corriger et redéposer le dossier « {d.titre} »", d.get_absolute_url())
            for d in Dossier.objects.filter(
                structure__organisation_id__in=structures, statut=StatutDossier.CORRECTION_DEMANDEE
            ).order_by("pk")[:LIMITE]
        ]
    # Financeurs : dossiers à instruire, conventions signées par la structure qui attendent leur signature,
    # comptes-rendus déposés sans leur avis.
    financeurs = financeurs_de(acces)
    if organisations_instructrices(acces):
        nombre = (
            dossiers_a_instruire(acces).filter(statut__in=[StatutDossier.DEPOSE, StatutDossier.EN_INSTRUCTION]).count()
        )
        if nombre:
            taches.append(
                Tache(
                    "À instruire",
                    f"{nombre} dossier{'s' if nombre > 1 else ''} déposé{'s' if nombre > 1 else ''} ou en instruction",
                    reverse("financements:tableau_instruction"),
                )
            )
    if financeurs:
        deja_signe = SignatureConvention.objects.filter(
            convention=OuterRef("convention_id"), financeur_id=OuterRef("financeur_id")
        )
        a_signer = (
            PartieFinanceur.objects.filter(
                financeur_id__in=financeurs, convention__statut=StatutConvention.SIGNEE_STRUCTURE
            )
            .exclude(Exists(deja_signe))
            .select_related("convention__structure", "financeur")
            .order_by("convention_id")[:LIMITE]
        )
        taches += [
            Tache(
                "À signer",
                f"Signer pour {p.financeur} la convention {p.convention.periode} ({p.convention.structure})",
                p.convention.get_absolute_url(),
            )
            for p in a_signer
        ]
        taches += [
            Tache(
                "À répondre",
                f"Donner l'avis sur le compte-rendu {cr.annee} ({cr.convention.structure})",
                reverse("financements:compte_rendu", args=[cr.convention_id, cr.annee]),
            )
            for cr in comptes_rendus_a_examiner(financeurs).select_related("convention__structure")[:LIMITE]
        ]
    return taches
