"""Renouveler un dossier : la structure porteuse repart du dossier de l'an dernier (décidé ou clos) pour
répondre à un appel ouvert, du même contrat ou d'un autre. Le nouveau dossier est un brouillon à relire et à
compléter, relié au précédent (`Dossier.renouvelle`, case « renouvellement » du CERFA cochée).

Est repris : le contenu du CERFA, les QPV et les priorités qui existent dans le nouvel appel, le budget et le
plan de financement pour les seuls financeurs du nouvel appel, les co-porteurs (à reconfirmer). Ne sont pas
repris : les pièces (à joindre à jour), les décisions, avis, messages et le journal. Ce qui a été écarté est
gardé dans `Dossier.non_repris` et dit sur la page du nouveau dossier.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from financements.models import (
    AppelAProjets,
    CoPorteur,
    Dossier,
    Financement,
    LigneBudget,
    StatutDossier,
    VisibiliteJournal,
)
from financements.models.dossier import STATUTS_DECIDES
from financements.permissions import organisations_structures, peut_repondre_appel, profil_dossier
from financements.services import notifications
from financements.services.dossiers import journaliser, recalculer

# Les champs du CERFA recopiés tels quels (le reste : état, montants, dates de l'instruction, est recalculé).
CHAMPS_CERFA = (
    "titre",
    "description",
    "objectifs",
    "evaluation_methode",
    "evaluation_indicateurs",
    "evaluation_calendrier",
    "evaluation_moyens",
    "tranches_age",
    "part_femmes",
    "nombre_personnes",
    "date_debut",
    "date_fin",
    "nombre_annees",
    "type_subvention",
    "representant_nom",
    "representant_qualite",
    "delegataire_nom",
    "delegataire_qualite",
    "salaries_etp",
    "benevoles",
    "budget_annuel_structure",
    "fonds_propres",
    "autres_financements",
)

TOUJOURS_NON_REPRIS = [
    "Les pièces jointes : joignez des documents à jour (statuts, RIB, comptes du dernier exercice…) ; ceux du "
    "coffre de la structure se joignent sans nouveau téléversement, depuis la page « Pièces ».",
    "Les avis, décisions, messages et le journal du dossier d'origine : ils restent sur celui-ci.",
]


def peut_renouveler(qui, dossier: Dossier) -> bool:
    """Les membres de la structure porteuse renouvellent un dossier décidé ou clos (jamais un brouillon, un
    dossier en instruction ou retiré)."""
    return dossier.statut in STATUTS_DECIDES and profil_dossier(qui, dossier).porteur


def appels_possibles(qui, dossier: Dossier):
    """Les appels ouverts aujourd'hui auxquels la structure peut répondre, hors l'appel du dossier d'origine."""
    if not peut_renouveler(qui, dossier):
        return AppelAProjets.objects.none()
    jour = timezone.localdate()
    return (
        AppelAProjets.objects.publies()
        .filter(ouverture__lte=jour, cloture__gte=jour)
        .exclude(pk=dossier.appel_id)
        .select_related("contrat")
        .order_by("-annee", "titre")
    )


@transaction.atomic
def renouveler(origine: Dossier, appel: AppelAProjets, auteur) -> Dossier:
    """Crée, pour l'appel, un brouillon copié du dossier d'origine ; renvoie le nouveau dossier."""
    if not profil_dossier(auteur, origine).porteur or origine.structure.organisation_id not in organisations_structures(
        auteur
    ):
        raise PermissionDenied("Seuls les membres de la structure porteuse renouvellent ce dossier.")
    origine = Dossier.objects.select_related("structure").get(pk=origine.pk)
    if origine.statut not in STATUTS_DECIDES:
        if origine.statut == StatutDossier.BROUILLON:
            raise ValidationError("Ce dossier est encore en brouillon : complétez-le et déposez-le plutôt.")
        raise ValidationError(
            f"Un dossier « {origine.get_statut_display().lower()} » ne se renouvelle pas : seul un dossier décidé "
            "ou clos sert de point de départ."
        )
    if appel.pk == origine.appel_id:
        raise ValidationError("Choisissez un autre appel que celui du dossier d'origine.")
    if not peut_repondre_appel(auteur, appel):
        raise PermissionDenied("Cet appel à projets n'est pas ouvert aux réponses.")
    if not appel.est_ouvert():
        raise ValidationError(
            f"L'appel « {appel.titre} » n'est pas ouvert aux dépôts (du {appel.ouverture:%d/%m/%Y} "
            f"au {appel.cloture:%d/%m/%Y}) : choisissez un appel ouvert."
        )

    deja = Dossier.objects.filter(renouvelle=origine, appel=appel).exclude(statut=StatutDossier.RETIRE).first()
    if deja is not None:
        raise ValidationError(
            f"Ce dossier est déjà renouvelé pour l'appel « {appel.titre} » (dossier {deja.reference}) : "
            "complétez celui-là."
        )
    non_repris = list(TOUJOURS_NON_REPRIS)
    nouveau = Dossier(
        appel=appel,
        structure=origine.structure,
        cree_par=auteur,
        renouvellement=True,
        renouvelle=origine,
        statut=StatutDossier.BROUILLON,
    )
    for champ in CHAMPS_CERFA:
        setattr(nouveau, champ, getattr(origine, champ))

    # QPV et priorités : seulement ceux du nouvel appel (un appel sans QPV listés les accepte tous).
    qpv_appel = set(appel.qpv.values_list("pk", flat=True))
    qpv = list(origine.qpv.all())
    qpv_gardes = [q for q in qpv if not qpv_appel or q.pk in qpv_appel]
    for q in qpv:
        if q not in qpv_gardes:
            non_repris.append(f"Le QPV « {q} » : il n'est pas éligible à ce nouvel appel.")
    priorites_appel = set(appel.priorites.values_list("pk", flat=True))
    priorites = list(origine.priorites.all())
    priorites_gardees = [p for p in priorites if p.pk in priorites_appel]
    for p in priorites:
        if p not in priorites_gardees:
            non_repris.append(f"La priorité « {p} » : le nouvel appel ne la retient pas.")

    # Financeurs : ceux qui participent au nouvel appel ; les autres sont retirés du plan et du budget (leurs
    # lignes 74 disparaissent : le budget est à rééquilibrer).
    financeurs_appel = set(appel.financeurs.values_list("organisation_id", flat=True))
    financements = list(origine.financements.select_related("financeur"))
    ecartes = {f.financeur_id: f.financeur for f in financements if f.financeur_id not in financeurs_appel}
    lignes = list(origine.lignes_budget.select_related("financeur"))
    for ligne in lignes:
        if ligne.financeur_id and ligne.financeur_id not in financeurs_appel:
            ecartes.setdefault(ligne.financeur_id, ligne.financeur)
    for financeur in sorted(ecartes.values(), key=lambda o: o.nom):
        non_repris.append(
            f"La demande à {financeur.nom} (plan de financement et ligne 74 du budget) : ce financeur ne participe "
            "pas au nouvel appel. Rééquilibrez le budget."
        )
    co_porteurs = list(origine.co_porteurs.all())
    if co_porteurs and not appel.reponses_collectives:
        non_repris.append("Les co-porteurs : le nouvel appel n'accepte pas de réponse collective.")
        co_porteurs = []
    nouveau.non_repris = non_repris
    nouveau.save()
    nouveau.qpv.set(qpv_gardes)
    nouveau.priorites.set(priorites_gardees)
    LigneBudget.objects.bulk_create(
        LigneBudget(
            dossier=nouveau,
            annee=ligne.annee,
            sens=ligne.sens,
            compte=ligne.compte,
            libelle=ligne.libelle,
            montant=ligne.montant,
            financeur_id=ligne.financeur_id,
            ordre=ligne.ordre,
        )
        for ligne in lignes
        if not (ligne.financeur_id and ligne.financeur_id not in financeurs_appel)
    )
    Financement.objects.bulk_create(
        Financement(dossier=nouveau, financeur_id=f.financeur_id, montant_demande=f.montant_demande)
        for f in financements
        if f.financeur_id in financeurs_appel
    )
    # Les co-porteurs sont invités à nouveau : ils reconfirment leur participation avant le dépôt.
    for invite in CoPorteur.objects.bulk_create(
        CoPorteur(dossier=nouveau, structure_id=c.structure_id, role=c.role) for c in co_porteurs
    ):
        notifications.invitation_co_porteur(invite)
    recalculer(nouveau)
    journaliser(
        nouveau,
        auteur,
        f"Dossier créé en brouillon, renouvellement du dossier {origine.reference}",
        a=StatutDossier.BROUILLON,
        visibilite=VisibiliteJournal.PORTEUR,
    )
    journaliser(
        origine,
        auteur,
        f"Renouvelé pour l'appel « {appel.titre} »",
        visibilite=VisibiliteJournal.PORTEUR,
    )
    return nouveau
