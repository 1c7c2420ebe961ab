"""Les conventions : préparées d'après les décisions des financeurs, modifiées tant qu'elles sont en projet,
envoyées à la structure, signées par chaque partie (par la personne qui peut l'engager), mises en vigueur,
terminées ou résiliées. Chaque étape vérifie qui agit, passe par `changer_etat`, s'inscrit au journal de la
convention et est annoncée par e-mail (tâches de fond écrites dans la même transaction)."""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from comptes.contexte import contexte
from comptes.models import Adhesion, Organisation, Role, TypeOrganisation
from config.lib import courriels
from config.lib.etats import changer_etat
from config.lib.euros import euros
from contrats.models import Orientation
from financements.fichiers import verifier_fichier
from financements.models import (
    ArticleConvention,
    Avenant,
    Convention,
    ConventionMontant,
    DecisionFinanceur,
    Dossier,
    JournalConvention,
    ObjectifConvention,
    PartieFinanceur,
    SignatureAvenant,
    SignatureConvention,
    StatutAvenant,
    StatutConvention,
    StatutDossier,
    TypeSubvention,
)
from financements.models.convention import DUREE_MAXIMUM_CPO, STATUTS_SIGNES, TRANSITIONS_CONVENTION
from financements.models.dossier import SEUIL_CONVENTION
from financements.models.execution import StatutVersement, Versement
from financements.permissions import (
    ROLES_INSTRUCTEURS,
    peut_faire_avancer_convention,
    peut_modifier_convention,
    profil_convention,
)

PREFIXE_CONVENTIONS = "prive/conventions"
COLLECTIVITES = {TypeOrganisation.COMMUNE, TypeOrganisation.EPCI, TypeOrganisation.DEPARTEMENT, TypeOrganisation.REGION}
REFUS_PREPARATION = "Seuls les agents des financeurs parties à la convention la préparent et la font avancer."

# Les articles du modèle de convention pluriannuelle d'objectifs annexé à la circulaire du 29 septembre 2015,
# pré-remplis ; chacun se modifie tant que la convention est en projet.
ARTICLES_MODELE: list[tuple[str, str]] = [
    (
        "Objet de la convention",
        "La présente convention a pour objet : {objet}. {structure} s'engage, à son initiative "
        "et sous sa responsabilité, à mettre en œuvre le programme d'actions décrit en annexe 1, conforme à son objet "
        "statutaire ; les financeurs contribuent financièrement à ce service d'intérêt économique général.",
    ),
    ("Durée de la convention", "La convention couvre {duree}, de l'année {debut} à l'année {fin}."),
    (
        "Conditions de détermination du coût de l'action",
        "Le coût total éligible de l'action sur la durée de la "
        "convention est estimé dans le budget prévisionnel figurant en annexe 2. Les financeurs contribuent à "
        "hauteur des montants annuels indiqués à l'article 4.",
    ),
    (
        "Modalités de versement",
        "Chaque financeur verse sa contribution annuelle : une avance de {avance} % du "
        "montant annuel au plus tard à la fin du premier trimestre, puis le solde{solde}. Montants : {montants}.",
    ),
    ("Justificatifs", "{justificatifs}"),
    (
        "Autres engagements",
        "La structure informe sans délai les financeurs de toute modification de ses statuts, "
        "de ses dirigeants, de ses coordonnées bancaires, et de tout retard ou difficulté dans l'exécution.",
    ),
    (
        "Sanctions",
        "En cas d'inexécution, de modification substantielle ou de retard significatif des conditions "
        "d'exécution de la convention, les financeurs peuvent exiger le reversement de tout ou partie des sommes "
        "versées, après examen des justificatifs présentés par la structure.",
    ),
    (
        "Évaluation",
        "L'évaluation porte sur la conformité des résultats à l'objet mentionné à l'article 1 et sur "
        "l'impact des actions au regard de l'intérêt général, d'après les indicateurs convenus entre les parties.",
    ),
    (
        "Contrôle",
        "Les financeurs contrôlent, pendant et au terme de la convention, que la contribution n'excède "
        "pas le coût de l'action ; la structure tient à leur disposition toutes pièces justificatives.",
    ),
    ("Avenant", "La présente convention ne peut être modifiée que par avenant signé des parties."),
    (
        "Renouvellement",
        "La conclusion éventuelle d'une nouvelle convention est subordonnée à la production des "
        "justificatifs de l'article 5 et à l'évaluation prévue à l'article 8.",
    ),
    (
        "Annexes",
        "Annexe 1 : description des actions. Annexe 2 : budget pluriannuel. Les annexes font partie "
        "intégrante de la convention.",
    ),
]


def _erreur(erreurs: list[str]) -> None:
    if erreurs:
        raise ValidationError(erreurs)


def repartir(montant: Decimal, annees: int) -> list[Decimal]:
    """Le montant réparti également sur les années, au centime ; le reste des arrondis va à la dernière année."""
    part = (montant / annees).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    return [part] * (annees - 1) + [montant - part * (annees - 1)]


def montants_decides(convention: Convention) -> dict[int, Decimal]:
    """Ce que chaque financeur partie a décidé d'accorder aux actions de la convention (vide pour une
    subvention de fonctionnement : ses montants ne dépendent pas d'une décision sur un dossier)."""
    lignes = (
        DecisionFinanceur.objects.filter(
            financement__dossier__in=convention.dossiers.all(),
            financement__financeur_id__in=convention.parties.values("financeur_id"),
        )
        .values("financement__financeur_id")
        .annotate(total=Sum("montant"))
    )
    return {ligne["financement__financeur_id"]: ligne["total"] for ligne in lignes}


def _texte_articles(convention: Convention, noms: Mapping[int, str]) -> list[str]:
    montants = defaultdict(list)
    for m in convention.montants.all():
        montants[m.financeur_id].append(f"{m.annee} : {euros(m.montant)}")
    valeurs = {
        "objet": convention.objet.rstrip("."),
        "structure": str(convention.structure),
        "duree": "une année" if convention.nombre_annees == 1 else f"{convention.nombre_annees} années",
        "debut": convention.annee_debut,
        "fin": convention.annee_fin,
        "avance": f"{convention.part_avance:g}".replace(".", ","),
        "solde": " après acceptation du compte-rendu financier de l'année précédente"
        if convention.solde_apres_compte_rendu
        else "",
        "montants": " ; ".join(f"{noms[pk]} — {', '.join(lignes)}" for pk, lignes in montants.items()) or "à préciser",
        "justificatifs": convention.justificatifs,
    }
    return [texte.format(**valeurs) for _, texte in ARTICLES_MODELE]


def _valider_duree(nombre_annees: int, annee_debut: int) -> list[str]:
    erreurs = []
    if nombre_annees > DUREE_MAXIMUM_CPO:
        erreurs.append(
            f"Une convention pluriannuelle d'objectifs couvre au plus {DUREE_MAXIMUM_CPO} ans "
            f"({nombre_annees} demandés)."
        )
    if nombre_annees < 1:
        erreurs.append("Une convention couvre au moins une année.")
    if not 2000 <= annee_debut <= 2100:
        erreurs.append(f"L'année {annee_debut} n'est pas plausible.")
    return erreurs


@transaction.atomic
def creer_convention(
    structure,
    auteur,
    *,
    financeurs: Mapping[Organisation, Iterable[Decimal]],
    annee_debut: int,
    nombre_annees: int = 1,
    objet: str,
    dossiers: Iterable[Dossier] = (),
    type_subvention: str = TypeSubvention.PROJET,
) -> Convention:
    """Un projet de convention entre la structure et ses financeurs, avec leurs montants de chaque année (dans
    l'ordre des années) et les articles du modèle de 2015."""
    _erreur(_valider_duree(nombre_annees, annee_debut))
    dossiers = list(dossiers)
    convention = Convention.objects.create(
        structure=structure,
        type_subvention=type_subvention if dossiers else TypeSubvention.FONCTIONNEMENT,
        objet=objet.strip(),
        annee_debut=annee_debut,
        nombre_annees=nombre_annees,
        cree_par=auteur,
    )
    convention.dossiers.set(dossiers)
    noms = {}
    for financeur, montants in financeurs.items():
        montants = list(montants)
        if len(montants) != nombre_annees:
            raise ValidationError(f"Donnez un montant pour chacune des {nombre_annees} années de {financeur}.")
        PartieFinanceur.objects.create(convention=convention, financeur=financeur)
        ConventionMontant.objects.bulk_create(
            ConventionMontant(convention=convention, financeur=financeur, annee=annee, montant=montant)
            for annee, montant in zip(convention.annees, montants, strict=True)
        )
        noms[financeur.pk] = str(financeur)
    ArticleConvention.objects.bulk_create(
        ArticleConvention(convention=convention, numero=numero, titre=titre, texte=texte)
        for numero, ((titre, _), texte) in enumerate(
            zip(ARTICLES_MODELE, _texte_articles(convention, noms), strict=True), 1
        )
    )
    ObjectifConvention.objects.bulk_create(
        ObjectifConvention(convention=convention, libelle=ligne.strip()[:500], ordre=i)
        for i, dossier in enumerate(dossiers)
        for ligne in dossier.objectifs.splitlines()
        if ligne.strip()
    )
    JournalConvention.objects.create(
        convention=convention, auteur=auteur, a_statut=StatutConvention.PROJET, evenement="Projet de convention créé"
    )
    return convention


def _annee_debut(dossier: Dossier) -> int:
    return dossier.date_debut.year if dossier.date_debut else dossier.appel.annee


@transaction.atomic
def generer_conventions(dossier: Dossier, auteur) -> list[Convention]:
    """Un projet de convention pour chaque financeur qui a accordé un montant au dossier décidé et n'en a pas
    encore (hors conventions résiliées) : son montant réparti sur les années de l'action. Idempotent."""
    if dossier.statut not in (StatutDossier.DECIDE, StatutDossier.CONVENTIONNE, StatutDossier.EN_COURS):
        raise ValidationError("Seul un dossier décidé reçoit des projets de convention.")
    deja = set(
        PartieFinanceur.objects.filter(convention__dossiers=dossier)
        .exclude(convention__statut=StatutConvention.RESILIEE)
        .values_list("financeur_id", flat=True)
    )
    decisions = DecisionFinanceur.objects.filter(financement__dossier=dossier, montant__gt=0).select_related(
        "financement__financeur"
    )
    annees = max(dossier.nombre_annees, 1)
    creees = []
    for decision in decisions.order_by("financement__financeur__nom"):
        financeur = decision.financement.financeur
        if financeur.pk in deja:
            continue
        creees.append(
            creer_convention(
                dossier.structure,
                auteur,
                financeurs={financeur: repartir(decision.montant, annees)},
                annee_debut=_annee_debut(dossier),
                nombre_annees=annees,
                objet=f"la réalisation de l'action « {dossier.titre} »",
                dossiers=[dossier],
            )
        )
    return creees


def financeurs_sans_convention(dossier: Dossier) -> list[DecisionFinanceur]:
    """Les décisions des financeurs qui ont accordé un montant au dossier et n'ont pas encore de convention pour
    lui (hors conventions résiliées), par nom de financeur."""
    deja = PartieFinanceur.objects.filter(convention__dossiers=dossier).exclude(
        convention__statut=StatutConvention.RESILIEE
    )
    return list(
        DecisionFinanceur.objects.filter(financement__dossier=dossier, montant__gt=0)
        .exclude(financement__financeur_id__in=deja.values("financeur_id"))
        .select_related("financement__financeur")
        .order_by("financement__financeur__nom")
    )


@transaction.atomic
def preparer_convention_commune(dossier: Dossier, auteur) -> Convention:
    """Depuis la page d'un dossier décidé : un seul projet de convention entre la structure et tous les financeurs
    qui lui ont accordé un montant et n'ont pas encore de convention pour lui (hors conventions résiliées), avec
    le montant de chacun réparti sur les années de l'action. C'est la CPO commune, au compte-rendu unique ;
    chaque financeur la prépare avec les autres et la signe pour lui-même."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.statut not in (StatutDossier.DECIDE, StatutDossier.CONVENTIONNE, StatutDossier.EN_COURS):
        raise ValidationError("Seul un dossier décidé reçoit un projet de convention.")
    decisions = financeurs_sans_convention(dossier)
    if not decisions:
        raise ValidationError(
            "Chaque financeur qui a accordé un montant à ce dossier a déjà sa convention : rien à préparer."
        )
    annees = max(dossier.nombre_annees, 1)
    return creer_convention(
        dossier.structure,
        auteur,
        financeurs={d.financement.financeur: repartir(d.montant, annees) for d in decisions},
        annee_debut=_annee_debut(dossier),
        nombre_annees=annees,
        objet=f"la réalisation de l'action « {dossier.titre} »",
        dossiers=[dossier],
    )


def _verrouiller(convention: Convention) -> Convention:
    actuelle = Convention.objects.select_for_update().get(pk=convention.pk)
    convention.statut = actuelle.statut
    return actuelle


def valider_montants(
    convention: Convention, annees: list[int], montants: Mapping[tuple[int, int], Decimal]
) -> list[str]:
    """Chaque financeur partie a un montant pour chaque année ; leur somme égale ce qu'il a décidé pour les
    actions de la convention (s'il y en a)."""
    erreurs = []
    noms = {p.financeur_id: str(p.financeur) for p in convention.parties.select_related("financeur")}
    decides = montants_decides(convention)
    for financeur_id, nom in noms.items():
        lignes = [montants.get((financeur_id, annee)) for annee in annees]
        if any(m is None for m in lignes):
            erreurs.append(f"Donnez le montant de {nom} pour chaque année de la convention.")
            continue
        total = sum(lignes, Decimal(0))
        if financeur_id in decides and total != decides[financeur_id]:
            erreurs.append(
                f"Les montants annuels de {nom} totalisent {euros(total)} : ils doivent égaler le montant décidé, "
                f"{euros(decides[financeur_id])}."
            )
    return erreurs


def orientations_possibles(convention: Convention) -> list[Orientation]:
    """Les orientations et objectifs du contrat de ville des appels des actions de la convention (aucun pour
    une subvention de fonctionnement sans action), chaque orientation suivie de ses objectifs."""
    return list(
        Orientation.objects.filter(contrat__in=convention.dossiers.values("appel__contrat"))
        .select_related("parent")
        .order_by(
            "contrat_id",
            Coalesce("parent__ordre", "ordre"),
            Coalesce("parent_id", "id"),
            F("parent_id").asc(nulls_first=True),
            "ordre",
        )
    )


@transaction.atomic
def modifier_convention(
    convention: Convention,
    auteur,
    *,
    objet: str,
    annee_debut: int,
    nombre_annees: int,
    part_avance: Decimal,
    solde_apres_compte_rendu: bool,
    justificatifs: str,
    objectifs: Iterable[str],
    articles: Mapping[int, str],
    montants: Mapping[tuple[int, int], Decimal],
    orientations: Iterable[Orientation] = (),
) -> None:
    """Enregistre le projet de convention d'un coup : tout est vérifié avant, rien n'est écrit en cas d'erreur.
    Une convention envoyée ou signée ne se modifie plus (avenant)."""
    if not peut_modifier_convention(auteur, convention):
        if convention.est_modifiable:
            raise PermissionDenied(REFUS_PREPARATION)
        raise PermissionDenied("Une convention envoyée ou signée ne se modifie plus : passez par un avenant.")
    _verrouiller(convention)
    if convention.statut != StatutConvention.PROJET:
        raise ValidationError(
            f"La convention est passée « {convention.get_statut_display()} » : elle ne se modifie plus."
        )
    erreurs = _valider_duree(nombre_annees, annee_debut)
    if not objet.strip():
        erreurs.append("Indiquez l'objet de la convention.")
    if not Decimal(0) <= part_avance <= Decimal(100):
        erreurs.append("L'avance est une part du montant annuel, entre 0 et 100 %.")
    annees = list(range(annee_debut, annee_debut + nombre_annees))
    orientations = list(orientations)
    possibles = {o.pk for o in orientations_possibles(convention)}
    if any(o.pk not in possibles for o in orientations):
        erreurs.append("Choisissez les objectifs parmi ceux du contrat de ville de l'appel à projets.")
    if not erreurs:
        erreurs += valider_montants(convention, annees, montants)
    _erreur(erreurs)
    convention.objet, convention.annee_debut, convention.nombre_annees = objet.strip(), annee_debut, nombre_annees
    convention.part_avance, convention.solde_apres_compte_rendu = part_avance, solde_apres_compte_rendu
    convention.justificatifs = justificatifs.strip()
    convention.save()
    convention.montants.all().delete()
    ConventionMontant.objects.bulk_create(
        ConventionMontant(convention=convention, financeur_id=f, annee=a, montant=montants[f, a])
        for f in convention.parties.values_list("financeur_id", flat=True)
        for a in annees
    )
    convention.objectifs.all().delete()
    ObjectifConvention.objects.bulk_create(
        [
            ObjectifConvention(convention=convention, libelle=o.titre[:500], orientation=o, ordre=i)
            for i, o in enumerate(orientations)
        ]
        + [
            ObjectifConvention(convention=convention, libelle=texte.strip()[:500], ordre=len(orientations) + i)
            for i, texte in enumerate(objectifs)
            if texte.strip()
        ]
    )
    for article in convention.articles.all():
        if article.numero in articles and articles[article.numero] != article.texte:
            article.texte = articles[article.numero]
            article.save(update_fields=["texte"])
    JournalConvention.objects.create(convention=convention, auteur=auteur, evenement="Projet de convention modifié")


# --- Financeurs d'une convention en projet ----------------------------------------------------------------


def financeurs_ajoutables(convention: Convention) -> list[Organisation]:
    """Les financeurs qui ont accordé un montant à une des actions de la convention et n'y sont pas parties."""
    return list(
        Organisation.objects.filter(
            pk__in=DecisionFinanceur.objects.filter(
                financement__dossier__in=convention.dossiers.all(), montant__gt=0
            ).values("financement__financeur_id")
        )
        .exclude(pk__in=convention.parties.values("financeur_id"))
        .order_by("nom")
    )


@transaction.atomic
def ajouter_financeur(
    convention: Convention, auteur, financeur: Organisation, montants: Iterable[Decimal]
) -> PartieFinanceur:
    """Un autre financeur ayant décidé sur une des actions rejoint la convention en projet, avec ses montants de
    chaque année (dans l'ordre des années), qui font ce qu'il a décidé sur la période. Son propre projet de
    convention pour ces actions, s'il en a un qui n'est signé par personne, est résilié : il est regroupé ici."""
    if not peut_modifier_convention(auteur, convention):
        if convention.est_modifiable:
            raise PermissionDenied(REFUS_PREPARATION)
        raise PermissionDenied("Une convention envoyée ou signée ne change plus de parties : passez par un avenant.")
    _verrouiller(convention)
    if convention.statut != StatutConvention.PROJET:
        raise ValidationError("Seule une convention en projet accueille un autre financeur.")
    if convention.parties.filter(financeur=financeur).exists():
        raise ValidationError(f"{financeur} est déjà partie à cette convention.")
    decide = DecisionFinanceur.objects.filter(
        financement__dossier__in=convention.dossiers.all(), financement__financeur=financeur
    ).aggregate(total=Sum("montant"))["total"]
    if not decide:
        raise ValidationError(f"{financeur} n'a accordé aucun montant aux actions de cette convention.")
    montants = list(montants)
    if len(montants) != convention.nombre_annees or any(m is None for m in montants):
        raise ValidationError(f"Donnez le montant de {financeur} pour chacune des {convention.nombre_annees} années.")
    total = sum(montants, Decimal(0))
    if total != decide:
        raise ValidationError(
            f"Les montants annuels de {financeur} totalisent {euros(total)} : ils doivent égaler le montant décidé, "
            f"{euros(decide)}."
        )
    # FOR UPDATE ne s'écrit pas avec DISTINCT : les conventions sont cherchées, puis verrouillées.
    autres_pk = (
        Convention.objects.filter(dossiers__in=convention.dossiers.all(), parties__financeur=financeur)
        .exclude(pk=convention.pk)
        .exclude(statut=StatutConvention.RESILIEE)
        .values("pk")
    )
    autres = list(Convention.objects.select_for_update().filter(pk__in=autres_pk).order_by("pk"))
    engagees = [c for c in autres if c.statut not in (StatutConvention.PROJET, StatutConvention.ENVOYEE)]
    if engagees:
        raise ValidationError(
            f"{financeur} a déjà une convention signée pour ces actions ({engagees[0].periode}) : "
            "elle ne se regroupe plus."
        )
    partie = PartieFinanceur.objects.create(convention=convention, financeur=financeur)
    ConventionMontant.objects.bulk_create(
        ConventionMontant(convention=convention, financeur=financeur, annee=annee, montant=montant)
        for annee, montant in zip(convention.annees, montants, strict=True)
    )
    for autre in autres:
        _changer(
            autre,
            auteur,
            StatutConvention.RESILIEE,
            EVENEMENTS[StatutConvention.RESILIEE],
            f"{financeur} rejoint la convention {convention.periode} n° {convention.pk}, "
            "qui finance les mêmes actions.",
            {"motif_resiliation": f"Regroupée dans la convention n° {convention.pk}."},
        )
    entree = JournalConvention.objects.create(
        convention=convention,
        auteur=auteur,
        evenement=f"{financeur} rejoint la convention ({euros(total)} sur la période)",
    )
    notifier(convention, entree)
    return partie


@transaction.atomic
def suivre_revision(dossier: Dossier, auteur, financeur: Organisation, motif: str) -> list[Convention]:
    """Après la révision de la décision de `financeur` sur le dossier : chaque convention du dossier dont il est
    partie et qui n'est signée par personne revient en projet avec le motif ; ses montants de ce financeur
    suivent sa nouvelle décision, répartis sur les années (il est retiré s'il refuse désormais ; une convention
    sans plus aucun financeur est résiliée). Les parties sont prévenues. Une convention signée (même par la
    seule structure) refuse tout : le financeur passe par un avenant.

    Rend les conventions touchées."""
    conventions = list(
        Convention.objects.select_for_update()
        .filter(dossiers=dossier, parties__financeur=financeur)
        .exclude(statut=StatutConvention.RESILIEE)
        .order_by("pk")
    )
    signees = [c for c in conventions if c.statut not in (StatutConvention.PROJET, StatutConvention.ENVOYEE)]
    if signees:
        raise ValidationError(
            f"La convention {signees[0].periode} de {financeur} est déjà « {signees[0].get_statut_display()} » : "
            "sa décision ne se revoit plus ici, elle change par un avenant à la convention."
        )
    for convention in conventions:
        decide = montants_decides(convention).get(financeur.pk, Decimal(0))
        if convention.statut == StatutConvention.ENVOYEE:
            _changer(
                convention,
                auteur,
                StatutConvention.PROJET,
                f"Convention renvoyée en projet : {financeur} revoit sa décision",
                motif,
            )
        convention.montants.filter(financeur=financeur).delete()
        if decide > 0:
            ConventionMontant.objects.bulk_create(
                ConventionMontant(convention=convention, financeur=financeur, annee=annee, montant=montant)
                for annee, montant in zip(convention.annees, repartir(decide, convention.nombre_annees), strict=True)
            )
            quoi = f"Montants de {financeur} mis à jour d'après sa décision revue ({euros(decide)} sur la période)"
        else:
            convention.parties.filter(financeur=financeur).delete()
            quoi = f"{financeur} se retire de la convention : sa décision revue est un refus"
        Convention.objects.filter(pk=convention.pk).update(modifie_le=timezone.now())
        entree = JournalConvention.objects.create(convention=convention, auteur=auteur, evenement=quoi, motif=motif)
        if not convention.parties.exists():
            _changer(
                convention,
                auteur,
                StatutConvention.RESILIEE,
                EVENEMENTS[StatutConvention.RESILIEE],
                motif,
                {"motif_resiliation": motif},
            )
        else:
            notifier(convention, entree)
    return conventions


# --- Cycle de vie -----------------------------------------------------------------------------------------

EVENEMENTS = {
    StatutConvention.ENVOYEE: "Convention envoyée à la structure pour signature",
    StatutConvention.PROJET: "Convention renvoyée en projet",
    StatutConvention.SIGNEE_STRUCTURE: "Convention signée par la structure",
    StatutConvention.SIGNEE_FINANCEURS: "Convention signée par chaque financeur",
    StatutConvention.EN_VIGUEUR: "Convention en vigueur",
    StatutConvention.TERMINEE: "Convention terminée",
    StatutConvention.RESILIEE: "Convention résiliée",
}
# Ce qu'un agent d'un financeur partie choisit à la main (les signatures font le reste).
ETATS_MANUELS = {
    StatutConvention.ENVOYEE,
    StatutConvention.PROJET,
    StatutConvention.EN_VIGUEUR,
    StatutConvention.TERMINEE,
    StatutConvention.RESILIEE,
}


def _changer(convention: Convention, auteur, nouveau: str, evenement: str, motif: str = "", valeurs=None):
    entree = changer_etat(
        convention,
        nouveau,
        transitions=TRANSITIONS_CONVENTION,
        etats=StatutConvention,
        nom="Une convention",
        journaliser=lambda de, a: JournalConvention.objects.create(
            convention=convention, auteur=auteur, de_statut=de, a_statut=a, evenement=evenement, motif=motif
        ),
        valeurs=valeurs,
    )
    notifier(convention, entree)
    return entree


def etats_possibles(qui, convention: Convention) -> list[StatutConvention]:
    """Les états vers lesquels la personne peut faire passer la convention à la main."""
    if not peut_faire_avancer_convention(qui, convention):
        return []
    return [StatutConvention(e) for e in TRANSITIONS_CONVENTION[convention.statut] if e in ETATS_MANUELS]


@transaction.atomic
def faire_avancer(convention: Convention, auteur, nouveau: str, motif: str = "") -> JournalConvention:
    """Envoyer à la structure, renvoyer en projet (motif), mettre en vigueur, terminer, résilier (motif)."""
    if not peut_faire_avancer_convention(auteur, convention):
        raise PermissionDenied(REFUS_PREPARATION)
    if nouveau not in ETATS_MANUELS:
        raise ValidationError("Cet état suit des signatures : il ne se choisit pas ici.")
    motif = (motif or "").strip()
    if nouveau in (StatutConvention.RESILIEE, StatutConvention.PROJET) and not motif:
        raise ValidationError("Donnez le motif : les parties le liront.")
    valeurs = {}
    if nouveau == StatutConvention.ENVOYEE:
        _verrouiller(convention)
        _erreur(
            valider_montants(
                convention, convention.annees, {(m.financeur_id, m.annee): m.montant for m in convention.montants.all()}
            )
        )
    if nouveau == StatutConvention.EN_VIGUEUR:
        valeurs["en_vigueur_le"] = timezone.localdate()
    if nouveau == StatutConvention.RESILIEE:
        valeurs["motif_resiliation"] = motif
    entree = _changer(convention, auteur, nouveau, EVENEMENTS[StatutConvention(nouveau)], motif, valeurs)
    if nouveau in (StatutConvention.EN_VIGUEUR, StatutConvention.RESILIEE):
        _conventionner_dossiers(convention, auteur)
    return entree


def _conventionner_dossiers(convention: Convention, auteur) -> None:
    """Un dossier décidé passe « conventionné » quand toutes ses conventions (hors résiliées) sont en vigueur,
    et qu'il y en a au moins une : la résiliation du dernier projet en attente peut aussi l'y faire passer."""
    from financements.services import dossiers as services_dossiers
    from financements.services import notifications

    for dossier in convention.dossiers.filter(statut=StatutDossier.DECIDE):
        restantes = dossier.conventions.exclude(
            statut__in=(StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE, StatutConvention.RESILIEE)
        )
        en_vigueur = dossier.conventions.filter(statut__in=(StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE))
        if restantes.exists() or not en_vigueur.exists():
            continue
        entree = services_dossiers.changer_statut(
            dossier, auteur, StatutDossier.CONVENTIONNE, "Conventions en vigueur", motif=str(convention)
        )
        notifications.changement_statut(dossier, entree)


def _peut_engager(qui, convention: Convention, financeur: Organisation | None) -> bool:
    profil = profil_convention(qui, convention)
    if financeur is None:
        return profil.structure
    return any(o.pk == financeur.pk for o in profil.financeurs) and contexte(qui).est_membre(
        financeur, *ROLES_INSTRUCTEURS
    )


def _ranger_pdf(convention: Convention, fichier) -> tuple[str, str]:
    nom, type_mime = verifier_fichier(fichier)
    if type_mime != "application/pdf":
        raise ValidationError(f"La convention signée « {nom} » s'envoie en PDF.")
    chemin = default_storage.save(f"{PREFIXE_CONVENTIONS}/{convention.pk}/{uuid.uuid4().hex}.pdf", fichier)
    return chemin, nom


def _verifier_signataire(
    financeur: Organisation | None,
    signataire_nom: str,
    signataire_qualite: str,
    representant_declare: bool,
    reference_acte: str,
    date_acte: date | None,
) -> tuple[str, str, str]:
    """Le signataire d'une partie, vérifié : nom et qualité ; pour la structure, la déclaration qu'il la
    représente ; pour une collectivité, la délibération ou l'arrêté qui l'habilite (pas dans le futur)."""
    erreurs = []
    signataire_nom, signataire_qualite = signataire_nom.strip(), signataire_qualite.strip()
    reference_acte = (reference_acte or "").strip()
    if not signataire_nom or not signataire_qualite:
        erreurs.append("Indiquez le nom et la qualité du signataire.")
    if financeur is None and not representant_declare:
        erreurs.append("Déclarez que le signataire est le représentant légal de la structure ou son délégué.")
    if financeur is not None and financeur.type in COLLECTIVITES and (not reference_acte or not date_acte):
        erreurs.append(
            "Pour une collectivité, indiquez la référence et la date de la délibération ou de l'arrêté qui "
            "habilite le signataire."
        )
    if date_acte and date_acte > timezone.localdate():
        erreurs.append("La délibération ou l'arrêté ne peut pas être daté dans le futur.")
    _erreur(erreurs)
    return signataire_nom[:200], signataire_qualite[:200], reference_acte[:200]


@transaction.atomic
def signer(
    convention: Convention,
    auteur,
    financeur: Organisation | None,
    *,
    signataire_nom: str,
    signataire_qualite: str,
    delegation: bool = False,
    representant_declare: bool = False,
    reference_acte: str = "",
    date_acte: date | None = None,
    fichier=None,
) -> SignatureConvention:
    """La signature d'une partie : la structure (`financeur` None) d'abord, une fois la convention envoyée, par
    son représentant légal ou son délégué ; puis chaque financeur, par la personne qui l'engage (maire,
    président ou délégué, avec la délibération ou l'arrêté qui l'habilite ; préfet ou délégué pour l'État),
    enregistrée par un de ses agents. Le PDF signé, s'il est joint, est rangé dans le stockage privé."""
    partie = "la structure" if financeur is None else str(financeur)
    if not _peut_engager(auteur, convention, financeur):
        raise PermissionDenied(f"Vous ne pouvez pas engager {partie} : seuls ses membres habilités signent pour elle.")
    _verrouiller(convention)
    attendu = StatutConvention.ENVOYEE if financeur is None else StatutConvention.SIGNEE_STRUCTURE
    if convention.statut != attendu:
        if financeur is not None and convention.statut == StatutConvention.ENVOYEE:
            raise ValidationError("La structure signe d'abord ; chaque financeur signe ensuite.")
        raise ValidationError(
            f"Une convention « {convention.get_statut_display()} » ne se signe pas "
            f"{'par la structure' if financeur is None else 'par un financeur'}."
        )
    if convention.signatures.filter(financeur=financeur).exists():
        raise ValidationError(f"La signature de {partie} est déjà enregistrée.")
    signataire_nom, signataire_qualite, reference_acte = _verifier_signataire(
        financeur, signataire_nom, signataire_qualite, representant_declare, reference_acte, date_acte
    )
    chemin, nom_fichier = _ranger_pdf(convention, fichier) if fichier else ("", "")
    signature = SignatureConvention.objects.create(
        convention=convention,
        financeur=financeur,
        signataire_nom=signataire_nom,
        signataire_qualite=signataire_qualite,
        delegation=delegation,
        reference_acte=reference_acte,
        date_acte=date_acte,
        chemin=chemin,
        nom_fichier=nom_fichier,
        enregistree_par=auteur,
    )
    quoi = f"Signature de {partie} : {signataire_nom}, {signataire_qualite}" + (
        " (par délégation)" if delegation else ""
    )
    if financeur is None:
        _changer(convention, auteur, StatutConvention.SIGNEE_STRUCTURE, quoi)
        return signature
    manquants = convention.parties.exclude(
        # La signature de la structure n'a pas de financeur : un NULL dans « NOT IN » n'exclurait plus rien.
        financeur_id__in=convention.signatures.filter(financeur__isnull=False).values("financeur_id")
    )
    if manquants.exists():
        entree = JournalConvention.objects.create(convention=convention, auteur=auteur, evenement=quoi)
        notifier(convention, entree)
    else:
        _changer(convention, auteur, StatutConvention.SIGNEE_FINANCEURS, quoi)
    return signature


def financeurs_sans_convention_signee(dossier: Dossier) -> list[Organisation]:
    """Les financeurs qui accordent au dossier plus de 23 000 € par an (loi 2000-321, art. 10) sans convention
    signée avec lui pour ce dossier."""
    annees = max(dossier.nombre_annees, 1)
    decisions = DecisionFinanceur.objects.filter(financement__dossier=dossier).select_related("financement__financeur")
    signes = set(
        PartieFinanceur.objects.filter(convention__dossiers=dossier, convention__statut__in=STATUTS_SIGNES).values_list(
            "financeur_id", flat=True
        )
    )
    return [
        d.financement.financeur
        for d in decisions
        if d.montant / annees > SEUIL_CONVENTION and d.financement.financeur_id not in signes
    ]


# --- E-mails ----------------------------------------------------------------------------------------------


def destinataires(convention: Convention) -> list[str]:
    """Les membres de la structure et les agents des financeurs parties."""
    parties = list(convention.parties.values_list("financeur_id", flat=True))
    structure = Adhesion.objects.filter(organisation_id=convention.structure.organisation_id, role=Role.STRUCTURE)
    financeurs = Adhesion.objects.filter(organisation_id__in=parties, role__in=ROLES_INSTRUCTEURS)
    return (structure | financeurs).adresses_actives()


def notifier(convention: Convention, entree: JournalConvention) -> None:
    lien = settings.SITE_URL.rstrip("/") + convention.get_absolute_url()
    corps = render_to_string(
        "financements/email/convention_etape.txt", {"convention": convention, "entree": entree, "lien": lien}
    )
    courriels.envoyer(
        f"Convention {convention.periode} — {convention.structure} : {entree.evenement}",
        corps,
        destinataires(convention),
    )


# --- Renouvellement ---------------------------------------------------------------------------------------

STATUTS_RENOUVELABLES = {StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE}


@transaction.atomic
def renouveler(convention: Convention, auteur) -> Convention:
    """La convention suivante, en projet, d'après la dernière : mêmes parties, même durée à partir de l'année
    qui suit, chaque financeur reconduisant le montant de la dernière année, mêmes objectifs et articles
    (les références aux actions de l'ancienne convention se relisent en projet). Une seule suite par
    convention, hors suites résiliées."""
    if not peut_faire_avancer_convention(auteur, convention):
        raise PermissionDenied(REFUS_PREPARATION)
    if convention.statut not in STATUTS_RENOUVELABLES:
        raise ValidationError("Seule une convention en vigueur ou terminée se renouvelle.")
    if convention.suites.exclude(statut=StatutConvention.RESILIEE).exists():
        raise ValidationError("Cette convention a déjà été renouvelée.")
    derniers = {m.financeur_id: m.montant for m in convention.montants.filter(annee=convention.annee_fin)}
    suivante = creer_convention(
        convention.structure,
        auteur,
        financeurs={
            p.financeur: [derniers.get(p.financeur_id, Decimal(0))] * convention.nombre_annees
            for p in convention.parties.select_related("financeur")
        },
        annee_debut=convention.annee_fin + 1,
        nombre_annees=convention.nombre_annees,
        objet=convention.objet,
        type_subvention=convention.type_subvention,
    )
    Convention.objects.filter(pk=suivante.pk).update(
        precedente=convention,
        type_subvention=convention.type_subvention,
        part_avance=convention.part_avance,
        solde_apres_compte_rendu=convention.solde_apres_compte_rendu,
        justificatifs=convention.justificatifs,
    )
    suivante.objectifs.all().delete()
    ObjectifConvention.objects.bulk_create(
        ObjectifConvention(convention=suivante, libelle=o.libelle, orientation_id=o.orientation_id, ordre=o.ordre)
        for o in convention.objectifs.all()
    )
    textes = {a.numero: a.texte for a in convention.articles.all()}
    for article in suivante.articles.all():
        # La durée et les montants sont ceux de la nouvelle convention ; les autres articles sont reconduits.
        if article.numero not in (2, 4) and article.numero in textes:
            article.texte = textes[article.numero]
            article.save(update_fields=["texte"])
    entree = JournalConvention.objects.create(
        convention=convention, auteur=auteur, evenement=f"Renouvelée : projet de convention {suivante.periode}"
    )
    notifier(convention, entree)
    suivante.refresh_from_db()
    return suivante


# --- Avenants ---------------------------------------------------------------------------------------------


def _cle(financeur_id: int, annee: int) -> str:
    return f"{financeur_id}:{annee}"


def _engagements_depasses(convention: Convention, nouveaux: Mapping[str, Decimal]) -> list[str]:
    """Les montants de l'avenant inférieurs à ce qu'un financeur a déjà mandaté ou payé pour l'année (une année
    retirée compte pour 0) : l'avenant ne peut pas faire verser plus que la convention."""
    engages = (
        Versement.objects.filter(convention=convention, statut__in=(StatutVersement.MANDATE, StatutVersement.PAYE))
        .values("financeur_id", "annee")
        .annotate(total=Sum("montant"))
    )
    noms = {p.financeur_id: str(p.financeur) for p in convention.parties.select_related("financeur")}
    return [
        f"{noms.get(e['financeur_id'], 'Un financeur')} a déjà mandaté ou payé {euros(e['total'])} pour "
        f"{e['annee']} : l'avenant ne peut pas fixer moins pour cette année."
        for e in engages
        if nouveaux.get(_cle(e["financeur_id"], e["annee"]), Decimal(0)) < e["total"]
    ]


def avenant_en_signature(convention: Convention) -> Avenant | None:
    return convention.avenants.filter(statut=StatutAvenant.PROJET).first()


@transaction.atomic
def preparer_avenant(
    convention: Convention,
    auteur,
    *,
    objet: str,
    motif: str,
    montants: Mapping[tuple[int, int], Decimal],
    nombre_annees: int | None = None,
) -> Avenant:
    """Un avenant à une convention en vigueur : ce qui change, pourquoi, la durée (4 ans au plus) et les
    nouveaux montants de chaque financeur partie pour chaque année de cette durée. Il part à la signature des
    parties ; rien n'est appliqué avant la dernière. Un seul avenant en signature à la fois : le suivant partira
    des montants qu'il aura fixés."""
    if not peut_faire_avancer_convention(auteur, convention):
        raise PermissionDenied(REFUS_PREPARATION)
    _verrouiller(convention)
    if convention.statut != StatutConvention.EN_VIGUEUR:
        raise ValidationError("Seule une convention en vigueur se modifie par avenant.")
    en_cours = avenant_en_signature(convention)
    if en_cours is not None:
        raise ValidationError(
            f"L'avenant n° {en_cours.numero} attend encore des signatures : il s'applique d'abord, "
            "un autre avenant partira de ses montants."
        )
    duree = nombre_annees or convention.nombre_annees
    erreurs = _valider_duree(duree, convention.annee_debut)
    if not objet.strip() or not motif.strip():
        erreurs.append("Dites ce qui change et pourquoi.")
    annees = list(range(convention.annee_debut, convention.annee_debut + duree))
    parties = list(convention.parties.values_list("financeur_id", flat=True))
    if any((f, a) not in montants for f in parties for a in annees):
        erreurs.append("Donnez le nouveau montant de chaque financeur pour chaque année de la convention.")
    _erreur(erreurs)
    actuels = {_cle(m.financeur_id, m.annee): str(m.montant) for m in convention.montants.all()}
    nouveaux = {_cle(f, a): str(montants[f, a]) for f in parties for a in annees}
    _erreur(_engagements_depasses(convention, {c: Decimal(m) for c, m in nouveaux.items()}))
    if duree == convention.nombre_annees and {k: Decimal(v) for k, v in nouveaux.items()} == {
        k: Decimal(v) for k, v in actuels.items()
    }:
        raise ValidationError("Cet avenant ne change ni la durée ni les montants : il n'y a rien à signer.")
    numero = (convention.avenants.aggregate(n=models.Max("numero"))["n"] or 0) + 1
    avenant = Avenant.objects.create(
        convention=convention,
        numero=numero,
        objet=objet.strip(),
        motif=motif.strip(),
        montants_avant=actuels,
        montants_apres=nouveaux,
        nombre_annees_avant=convention.nombre_annees,
        nombre_annees_apres=duree,
        cree_par=auteur,
    )
    entree = JournalConvention.objects.create(
        convention=convention,
        auteur=auteur,
        evenement=f"Avenant n° {numero} préparé : il attend la signature de chaque partie",
        motif=motif.strip(),
    )
    notifier(convention, entree)
    return avenant


def _ranger_pdf_avenant(avenant: Avenant, fichier) -> tuple[str, str]:
    nom, type_mime = verifier_fichier(fichier)
    if type_mime != "application/pdf":
        raise ValidationError(f"L'avenant signé « {nom} » s'envoie en PDF.")
    chemin = default_storage.save(
        f"{PREFIXE_CONVENTIONS}/{avenant.convention_id}/avenants/{avenant.pk}/{uuid.uuid4().hex}.pdf", fichier
    )
    return chemin, nom


@transaction.atomic
def signer_avenant(
    avenant: Avenant,
    auteur,
    financeur: Organisation | None,
    *,
    signataire_nom: str,
    signataire_qualite: str,
    delegation: bool = False,
    representant_declare: bool = False,
    reference_acte: str = "",
    date_acte: date | None = None,
    fichier=None,
) -> SignatureAvenant:
    """La signature d'une partie à l'avenant, comme pour la convention : la structure d'abord, par son
    représentant légal ou son délégué, puis chaque financeur par la personne qui l'engage. À la dernière
    signature, l'avenant s'applique : ses montants et sa durée remplacent ceux de la convention."""
    convention = avenant.convention
    partie = "la structure" if financeur is None else str(financeur)
    if not _peut_engager(auteur, convention, financeur):
        raise PermissionDenied(f"Vous ne pouvez pas engager {partie} : seuls ses membres habilités signent pour elle.")
    _verrouiller(convention)
    avenant = Avenant.objects.select_for_update().get(pk=avenant.pk)
    if avenant.statut != StatutAvenant.PROJET:
        raise ValidationError("Cet avenant est déjà signé de toutes les parties et appliqué.")
    if convention.statut != StatutConvention.EN_VIGUEUR:
        raise ValidationError("La convention n'est plus en vigueur : l'avenant ne se signe plus.")
    signees = set(avenant.signatures.values_list("financeur_id", flat=True))
    if (financeur.pk if financeur else None) in signees:
        raise ValidationError(f"La signature de {partie} sur cet avenant est déjà enregistrée.")
    if financeur is not None and None not in signees:
        raise ValidationError("La structure signe l'avenant d'abord ; chaque financeur signe ensuite.")
    signataire_nom, signataire_qualite, reference_acte = _verifier_signataire(
        financeur, signataire_nom, signataire_qualite, representant_declare, reference_acte, date_acte
    )
    chemin, nom_fichier = _ranger_pdf_avenant(avenant, fichier) if fichier else ("", "")
    signature = SignatureAvenant.objects.create(
        avenant=avenant,
        financeur=financeur,
        signataire_nom=signataire_nom,
        signataire_qualite=signataire_qualite,
        delegation=delegation,
        reference_acte=reference_acte,
        date_acte=date_acte,
        chemin=chemin,
        nom_fichier=nom_fichier,
        enregistree_par=auteur,
    )
    quoi = f"Avenant n° {avenant.numero} : signature de {partie} ({signataire_nom}, {signataire_qualite})" + (
        " par délégation" if delegation else ""
    )
    signees.add(financeur.pk if financeur else None)
    parties = set(convention.parties.values_list("financeur_id", flat=True))
    if None in signees and parties <= signees:
        _appliquer_avenant(convention, avenant)
        quoi = f"Avenant n° {avenant.numero} signé de toutes les parties et appliqué"
    entree = JournalConvention.objects.create(convention=convention, auteur=auteur, evenement=quoi[:255])
    notifier(convention, entree)
    return signature


def _appliquer_avenant(convention: Convention, avenant: Avenant) -> None:
    """Les montants et la durée de l'avenant remplacent ceux de la convention ; ceux d'avant restent dans
    l'avenant (lus au moment où il s'applique). Un versement mandaté depuis la préparation qui dépasserait le
    nouveau montant fait refuser la dernière signature : rien n'est enregistré."""
    _erreur(_engagements_depasses(convention, {c: Decimal(m) for c, m in avenant.montants_apres.items()}))
    avenant.montants_avant = {_cle(m.financeur_id, m.annee): str(m.montant) for m in convention.montants.all()}
    avenant.nombre_annees_avant = convention.nombre_annees
    avenant.statut, avenant.signe_le = StatutAvenant.SIGNE, timezone.now()
    avenant.save()
    duree = avenant.nombre_annees_apres or convention.nombre_annees
    Convention.objects.filter(pk=convention.pk).update(nombre_annees=duree, modifie_le=timezone.now())
    convention.nombre_annees = duree
    convention.montants.exclude(annee__in=convention.annees).delete()
    for cle, montant in avenant.montants_apres.items():
        financeur_id, annee = (int(x) for x in cle.split(":"))
        ConventionMontant.objects.update_or_create(
            convention=convention, financeur_id=financeur_id, annee=annee, defaults={"montant": Decimal(montant)}
        )


def differences(avenant: Avenant, noms: Mapping[int, str]) -> list[tuple[str, str, Decimal | None, Decimal | None]]:
    """Ce que l'avenant change : (financeur, année, avant, après) pour chaque montant modifié, ajouté (avant
    None : une année de plus) ou retiré (après None : une année de moins)."""
    lignes = []
    cles = sorted(set(avenant.montants_apres) | set(avenant.montants_avant), key=lambda c: (c.split(":")[1], c))
    for cle in cles:
        avant, apres = avenant.montants_avant.get(cle), avenant.montants_apres.get(cle)
        if avant is None or apres is None or Decimal(avant) != Decimal(apres):
            financeur_id, annee = cle.split(":")
            lignes.append(
                (
                    noms.get(int(financeur_id), financeur_id),
                    annee,
                    Decimal(avant) if avant is not None else None,
                    Decimal(apres) if apres is not None else None,
                )
            )
    return lignes
