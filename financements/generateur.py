"""Générateur à l'échelle nationale pour les mesures (benchmarks/dossiers.py) : les 448 contrats de ville (le
vrai fichier contrats_de_ville.csv de DONNEES_PARTAGEES s'il est là, sinon des contrats inventés), leurs
financeurs (collectivité porteuse, ville centre, préfecture du département), 100 000 structures
(acteurs_ess.generateur) et 50 000 dossiers sur trois ans avec leurs financements et décisions.

Une grande collectivité (le contrat `CODE_GRAND`) reçoit 15 000 dossiers, dont environ 10 000 subventions
accordées par elle : c'est celle dont on mesure le tableau d'instruction, l'export SCDL et le tableau de bord
des conventions. `generer_conventions()` y ajoute 20 000 conventions (un tiers de CPO) avec leurs versements,
comptes-rendus et avis. Les lignes en nombre sont écrites par COPY ; le tout prend quelques dizaines de
secondes.
"""

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from acteurs_ess import generateur as generateur_structures
from acteurs_ess.models import Structure
from comptes.models import Organisation, TypeOrganisation, Utilisateur
from contrats.models import ContratDeVille, StatutContrat
from contrats.models.contrat import TypePorteur
from financements.models import (
    AppelAProjets,
    AvisCompteRendu,
    CompteRendu,
    Convention,
    ConventionMontant,
    CoPorteur,
    DecisionFinanceur,
    Dossier,
    Financement,
    FinanceurAppel,
    PartieFinanceur,
    StatutConvention,
    Versement,
)
from financements.models.dossier import SEUIL_CONVENTION, STATUTS_DECIDES, Issue, StatutDossier
from territoires.models import Departement, Epci, Qpv

ANNEES = (2025, 2026, 2027)
NOMBRE_DOSSIERS = 50_000
DOSSIERS_GRANDE = 15_000
NOMBRE_STRUCTURES = 100_000
CODE_GRAND = "CN01303M"  # Aix-Marseille-Provence, le plus grand contrat

STATUTS = [
    (StatutDossier.BROUILLON, 5),
    (StatutDossier.DEPOSE, 6),
    (StatutDossier.EN_INSTRUCTION, 8),
    (StatutDossier.CORRECTION_DEMANDEE, 3),
    (StatutDossier.DECIDE, 15),
    (StatutDossier.CONVENTIONNE, 15),
    (StatutDossier.EN_COURS, 22),
    (StatutDossier.BILAN_DEPOSE, 13),
    (StatutDossier.CLOS, 13),
]
THEMES = [
    "Atelier vélo",
    "Épicerie solidaire",
    "Soutien scolaire",
    "Chantier d'insertion",
    "Médiation sociale",
    "Jardins partagés",
    "Café des parents",
    "Accès aux droits",
    "Boxe éducative",
    "Théâtre forum",
    "Numérique pour tous",
    "Recyclerie",
]


@dataclass
class Genere:
    contrats: int
    structures: int
    dossiers: int
    financements: int
    decisions: int
    grande: Organisation
    contrat_grand: ContratDeVille


def _siret(siren: str) -> str:
    siren = (
        siren
        if len(siren) == 9 and luhn.is_valid(siren)
        else siren[:8].rjust(8, "0") + luhn.calc_check_digit(siren[:8].rjust(8, "0"))
    )
    base = f"{siren}0001"
    return base + luhn.calc_check_digit(base)


def _lignes_contrats(aleatoire: random.Random) -> list[dict]:
    fichier = settings.DONNEES_PARTAGEES / "contrats_de_ville.csv"
    if fichier.exists():
        with fichier.open(encoding="utf-8") as f:
            return list(csv.DictReader(f))
    # Sans les données partagées : 448 contrats inventés, le premier étant « le grand ».
    lignes = [
        {
            "code_cv": CODE_GRAND,
            "nom": "Métropole d'Aix-Marseille-Provence",
            "codgeo": "200054807",
            "type_codgeo": "epci",
            "departement": "13",
            "population_qpv": "250000",
        }
    ]
    for i in range(1, 448):
        dep = f"{aleatoire.randint(1, 95):02d}"
        lignes.append(
            {
                "code_cv": f"CN9{i:04d}Z",
                "nom": f"Agglomération {i}",
                "codgeo": f"2{i:08d}",
                "type_codgeo": "epci",
                "departement": dep,
                "population_qpv": str(aleatoire.randint(1000, 40000)),
            }
        )
    return lignes


def _identifiants(table: str, nombre: int) -> list[int]:
    with connection.cursor() as curseur:
        curseur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, nombre])
        return [ligne[0] for ligne in curseur.fetchall()]


@transaction.atomic
def generer(
    graine: int = 2027,
    nombre_structures: int = NOMBRE_STRUCTURES,
    nombre_dossiers: int = NOMBRE_DOSSIERS,
    dossiers_grande: int = DOSSIERS_GRANDE,
) -> Genere:
    aleatoire = random.Random(graine)  # nosec B311 # hasard des données de démonstration, aucun secret
    maintenant = timezone.now()
    auteur, _ = Utilisateur.objects.get_or_create(email="generateur@mesure.coville.fr")

    # --- Contrats et financeurs ---------------------------------------------------------------------------
    lignes = _lignes_contrats(aleatoire)
    departements = set(Departement.objects.values_list("code", flat=True))
    epcis = set(Epci.objects.values_list("siren", flat=True))
    existants = set(ContratDeVille.objects.values_list("code", flat=True))
    ContratDeVille.objects.bulk_create(
        [
            ContratDeVille(
                code=ligne["code_cv"],
                nom=ligne["nom"][:255],
                libelle_anct=(ligne.get("libelle_anct") or "")[:255],
                type_porteur=TypePorteur.EPCI if ligne["type_codgeo"] == "epci" else TypePorteur.COMMUNE,
                code_porteur=ligne["codgeo"],
                epci_id=ligne["codgeo"] if ligne["codgeo"] in epcis else None,
                departement_id=ligne["departement"] if ligne["departement"] in departements else None,
                population_qpv=int(ligne["population_qpv"] or 0) or None,
                statut=StatutContrat.EXECUTION,
            )
            for ligne in lignes
            if ligne["code_cv"] not in existants
        ],
        ignore_conflicts=True,
    )
    contrats = list(ContratDeVille.objects.filter(code__in=[ligne["code_cv"] for ligne in lignes]).order_by("code"))
    porteurs = Organisation.objects.bulk_create(
        [
            Organisation(
                nom=f"{c.nom} (mesure)",
                type=TypeOrganisation.EPCI if c.type_porteur == TypePorteur.EPCI else TypeOrganisation.COMMUNE,
                code_territoire=c.code_porteur,
                epci_id=c.epci_id,
                siret=_siret(c.code_porteur),
            )
            for c in contrats
        ]
    )
    villes = Organisation.objects.bulk_create(
        [
            Organisation(
                nom=f"Ville centre de {c.nom} (mesure)", type=TypeOrganisation.COMMUNE, siret=_siret(f"21{i:06d}")
            )
            for i, c in enumerate(contrats)
        ]
    )
    codes_dep = sorted({ligne["departement"] for ligne in lignes})
    prefectures = {
        o.code_territoire: o
        for o in Organisation.objects.bulk_create(
            [
                Organisation(
                    nom=f"Préfecture {dep} (mesure)",
                    type=TypeOrganisation.ETAT,
                    code_territoire=dep,
                    siret=_siret(f"17{i:06d}"),
                )
                for i, dep in enumerate(codes_dep)
            ]
        )
    }
    departement_de = {ligne["code_cv"]: ligne["departement"] for ligne in lignes}

    # --- Appels : un par contrat et par année, trois financeurs ----------------------------------------------
    appels = AppelAProjets.objects.bulk_create(
        [
            AppelAProjets(
                contrat=c,
                titre=f"Appel à projets {annee} — {c.nom}",
                annee=annee,
                ouverture=date(annee - 1, 10, 1),
                cloture=date(annee - 1, 12, 15),
                pieces_demandees=["statuts", "rib"],
                publie_le=maintenant,
                cree_par=auteur,
            )
            for c in contrats
            for annee in ANNEES
        ]
    )
    financeurs_appel = []
    financeurs_de = {}
    for i, appel in enumerate(appels):
        indice = i // len(ANNEES)
        trio = [porteurs[indice], prefectures[departement_de[contrats[indice].code]], villes[indice]]
        financeurs_de[appel.pk] = trio
        grand = contrats[indice].code == CODE_GRAND
        enveloppes = [
            Decimal(60_000_000 if grand else 400_000),
            Decimal(40_000_000 if grand else 600_000),
            Decimal(10_000_000 if grand else 150_000),
        ]
        financeurs_appel += [
            FinanceurAppel(appel=appel, organisation=o, enveloppe=e) for o, e in zip(trio, enveloppes, strict=True)
        ]
    FinanceurAppel.objects.bulk_create(financeurs_appel)

    # --- Structures ----------------------------------------------------------------------------------------
    debut_structures = Structure.objects.count() + 1_000_000
    territoire = generateur_structures.Territoire.depuis_la_base(graine)
    generateur_structures.generer(nombre_structures, graine, territoire, debut=debut_structures)
    structures = list(Structure.objects.order_by("-pk").values_list("pk", "forme_juridique")[:nombre_structures])

    # --- Dossiers ------------------------------------------------------------------------------------------
    indice_grand = next((i for i, c in enumerate(contrats) if c.code == CODE_GRAND), 0)
    qpv_par_epci: dict[str | None, list[str]] = {}
    for code, epci in Qpv.objects.values_list("code", "epci_id"):
        qpv_par_epci.setdefault(epci, []).append(code)
    tous_qpv = [code for codes in qpv_par_epci.values() for code in codes]
    statuts, poids = zip(*STATUTS, strict=True)
    id_dossiers = _identifiants(Dossier._meta.db_table, nombre_dossiers)
    id_financements = _identifiants(Financement._meta.db_table, nombre_dossiers * 3)
    rang_financement = 0
    dossiers, financements, decisions, liens_qpv, co_porteurs = [], [], [], [], []
    for rang, id_dossier in enumerate(id_dossiers):
        indice = indice_grand if rang < dossiers_grande else aleatoire.randrange(len(contrats))
        annee = ANNEES[rang % len(ANNEES)]
        appel = appels[indice * len(ANNEES) + ANNEES.index(annee)]
        trio = financeurs_de[appel.pk]
        sollicites = [trio[0]] + [o for o, p in ((trio[1], 0.7), (trio[2], 0.4)) if aleatoire.random() < p]
        statut = aleatoire.choices(statuts, poids)[0]
        decide = statut in STATUTS_DECIDES
        annees = aleatoire.choice([1, 1, 1, 2, 3])
        demande_total = accorde_total = Decimal(0)
        convention, toutes_decisions, montants = False, True, []
        for organisation in sollicites:
            demande = Decimal(aleatoire.randrange(20, 600) * 100)
            id_financement = id_financements[rang_financement]
            rang_financement += 1
            accorde = None
            if decide or (statut == StatutDossier.EN_INSTRUCTION and aleatoire.random() < 0.3):
                tirage = aleatoire.random()
                accorde = (
                    demande
                    if tirage < 0.75
                    else (Decimal(0) if tirage > 0.93 else (demande * Decimal("0.6")).quantize(Decimal(1)))
                )
                decisions.append((id_financement, accorde, f"{annee}-{id_dossier}-{organisation.pk}", maintenant))
                accorde_total += accorde
            else:
                toutes_decisions = False
            financements.append((id_financement, id_dossier, organisation.pk, demande, accorde))
            demande_total += demande
            montants.append((demande, accorde))
            convention = convention or ((accorde if accorde is not None else demande) / annees) > SEUIL_CONVENTION
        issue = ""
        if toutes_decisions and decide:
            if all(a >= d for d, a in montants):
                issue = Issue.FINANCE
            elif all(a == 0 for _, a in montants):
                issue = Issue.NON_FINANCE
            else:
                issue = Issue.PARTIELLEMENT_FINANCE
        structure, forme = structures[aleatoire.randrange(len(structures))]
        collectif = aleatoire.random() < 0.15
        if collectif:
            co_porteurs.append((id_dossier, structures[aleatoire.randrange(len(structures))][0]))
        debut = date(annee, 1, 1) + timedelta(days=aleatoire.randrange(120))
        depose = None if statut == StatutDossier.BROUILLON else maintenant - timedelta(days=aleatoire.randrange(900))
        dossiers.append(
            (
                id_dossier,
                appel.pk,
                structure,
                f"{aleatoire.choice(THEMES)} {rang}",
                "",
                "",
                "{}",
                debut,
                debut + timedelta(days=330),
                False,
                annees,
                Decimal(0),
                Decimal(0),
                statut,
                issue,
                demande_total,
                accorde_total,
                convention,
                collectif,
                depose,
                maintenant if decide else None,
                auteur.pk,
                maintenant,
                maintenant,
                forme != "autre",
                "{" + ",".join(str(o.pk) for o in sollicites) + "}",
                "projet",
                f"Représentant {rang}",
                "Président·e",
                "",
                "",
                "[]",
            )
        )
        qpv = qpv_par_epci.get(contrats[indice].epci_id) or tous_qpv
        if qpv:
            liens_qpv.append((id_dossier, aleatoire.choice(qpv)))
    colonnes = (
        "id, appel_id, structure_id, titre, description, objectifs, tranches_age, date_debut, date_fin, "
        "renouvellement, nombre_annees, fonds_propres, autres_financements, statut, issue, montant_demande, "
        "montant_accorde, convention_requise, collectif, depose_le, decide_le, cree_par_id, cree_le, modifie_le, "
        "porteur_ess, financeurs_ids, type_subvention, representant_nom, representant_qualite, delegataire_nom, "
        "delegataire_qualite, non_repris"
    )
    with connection.cursor() as curseur:
        with curseur.copy(f"COPY {Dossier._meta.db_table} ({colonnes}) FROM STDIN") as copie:
            for ligne in dossiers:
                copie.write_row(ligne)
        with curseur.copy(
            f"COPY {Financement._meta.db_table} (id, dossier_id, financeur_id, montant_demande, montant_accorde) "
            "FROM STDIN"
        ) as copie:
            for ligne in financements:
                copie.write_row(ligne)
        with curseur.copy(
            f"COPY {DecisionFinanceur._meta.db_table} (financement_id, montant, reference, nature, "
            "conditions_versement, motif, decide_par_id, decide_le) FROM STDIN"
        ) as copie:
            for id_financement, montant, reference, quand in decisions:
                copie.write_row(
                    (id_financement, montant, reference, "aide en numéraire", "unique", "", auteur.pk, quand)
                )
        with curseur.copy(f"COPY {Dossier.qpv.through._meta.db_table} (dossier_id, qpv_id) FROM STDIN") as copie:
            for ligne in liens_qpv:
                copie.write_row(ligne)
        with curseur.copy(
            f"COPY {CoPorteur._meta.db_table} (dossier_id, structure_id, role, invite_le, confirme_le) FROM STDIN"
        ) as copie:
            for id_dossier, structure in co_porteurs:
                copie.write_row((id_dossier, structure, "", maintenant, maintenant))
        for table in ("contrats_dossier", "contrats_financement", "contrats_decisionfinanceur", "contrats_dossier_qpv"):
            curseur.execute(f"ANALYZE {table}")
    return Genere(
        contrats=len(contrats),
        structures=nombre_structures,
        dossiers=len(dossiers),
        financements=len(financements),
        decisions=len(decisions),
        grande=porteurs[indice_grand],
        contrat_grand=contrats[indice_grand],
    )


# --- Conventions, versements et comptes-rendus (issue 12) ----------------------------------------------------

NOMBRE_CONVENTIONS = 20_000
STATUTS_CONVENTION = [
    (StatutConvention.EN_VIGUEUR, 55),
    (StatutConvention.TERMINEE, 20),
    (StatutConvention.PROJET, 8),
    (StatutConvention.ENVOYEE, 5),
    (StatutConvention.SIGNEE_STRUCTURE, 4),
    (StatutConvention.SIGNEE_FINANCEURS, 3),
    (StatutConvention.RESILIEE, 5),
]


@dataclass
class ConventionsGenerees:
    conventions: int
    cpo: int
    versements: int
    comptes_rendus: int
    avis: int


@transaction.atomic
def generer_conventions(graine: int = 2027, nombre: int = NOMBRE_CONVENTIONS, jour: date | None = None):
    """Des conventions pour `nombre` dossiers décidés tirés au hasard (un tiers de CPO de 2 à 4 ans), avec
    chacun des financeurs qui leur ont accordé un montant pour partie, leurs montants par année, l'échéancier
    des conventions signées (avance et solde, ou versement unique : payés les années passées, mandatés ou
    prévus ensuite), leurs comptes-rendus des années échues (la plupart acceptés, certains déposés sans avis,
    d'autres manquants) et les avis des financeurs. Écrit par COPY, après `generer()`."""
    aleatoire = random.Random(graine + 1)  # nosec B311 # hasard des données de mesure, aucun secret
    jour = jour or timezone.localdate()
    maintenant = timezone.now()
    auteur, _ = Utilisateur.objects.get_or_create(email="generateur@mesure.coville.fr")
    accordes: dict[int, list[tuple[int, Decimal]]] = {}
    for dossier_id, financeur_id, accorde in Financement.objects.filter(
        dossier__statut__in=STATUTS_DECIDES, montant_accorde__gt=0
    ).values_list("dossier_id", "financeur_id", "montant_accorde"):
        accordes.setdefault(dossier_id, []).append((financeur_id, accorde))
    dossiers = dict(Dossier.objects.filter(pk__in=list(accordes)).values_list("pk", "structure_id"))
    annees_appel = dict(Dossier.objects.filter(pk__in=list(accordes)).values_list("pk", "appel__annee"))
    choisis = aleatoire.sample(sorted(accordes), min(nombre, len(accordes)))
    statuts, poids = zip(*STATUTS_CONVENTION, strict=True)
    derniere_due = jour.year - 1 if jour > date(jour.year, 6, 30) else jour.year - 2
    id_conventions = _identifiants(Convention._meta.db_table, len(choisis))
    conventions, liens, parties, montants, versements, comptes_rendus, avis = [], [], [], [], [], [], []
    cpo = 0
    for rang, (id_convention, dossier_id) in enumerate(zip(id_conventions, choisis, strict=True)):
        duree = aleatoire.choice([2, 3, 4]) if rang % 3 == 0 else 1
        cpo += duree > 1
        debut = annees_appel[dossier_id] - (aleatoire.randrange(2) if duree > 1 else 0)
        statut = aleatoire.choices(statuts, poids)[0]
        if statut == StatutConvention.TERMINEE and debut + duree - 1 >= jour.year:
            statut = StatutConvention.EN_VIGUEUR
        en_vigueur = date(debut, 2, 1) if statut in (StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE) else None
        conventions.append(
            (
                id_convention,
                dossiers[dossier_id],
                "projet",
                f"Convention de mesure {rang}",
                debut,
                duree,
                Decimal(50),
                True,
                "",
                statut,
                "Financement retiré." if statut == StatutConvention.RESILIEE else "",
                en_vigueur,
                auteur.pk,
                maintenant,
                maintenant,
            )
        )
        liens.append((id_convention, dossier_id))
        for financeur_id, accorde in accordes[dossier_id]:
            parties.append((id_convention, financeur_id))
            annuel = (accorde / duree).quantize(Decimal("0.01"))
            for annee in range(debut, debut + duree):
                montants.append((id_convention, financeur_id, annee, annuel))
                if en_vigueur is None or annee > jour.year + 1:
                    continue
                versements += _echeancier(aleatoire, id_convention, financeur_id, annee, annuel, duree, jour, auteur)
        if en_vigueur is None:
            continue
        for annee in range(debut, min(debut + duree - 1, derniere_due) + 1):
            tirage = aleatoire.random()
            if tirage < 0.12:
                continue  # en retard : aucun compte-rendu déposé
            accepte = tirage > 0.3
            comptes_rendus.append((id_convention, annee, "accepte" if accepte else "depose"))
    id_comptes_rendus = _identifiants(CompteRendu._meta.db_table, len(comptes_rendus))
    financeurs_de = {}
    for id_convention, financeur_id in parties:
        financeurs_de.setdefault(id_convention, []).append(financeur_id)
    lignes_cr = []
    for id_cr, (id_convention, annee, statut) in zip(id_comptes_rendus, comptes_rendus, strict=True):
        depose = timezone.make_aware(datetime(annee + 1, 5, 1 + aleatoire.randrange(28)))
        lignes_cr.append((id_cr, id_convention, annee, statut, "Actions menées comme prévu.", "{}", depose, auteur.pk))
        for financeur_id in financeurs_de[id_convention]:
            if statut == "accepte" or aleatoire.random() < 0.3:
                avis.append((id_cr, financeur_id, "accepte", "", auteur.pk, depose + timedelta(days=20)))
    with connection.cursor() as curseur:
        with curseur.copy(
            f"COPY {Convention._meta.db_table} (id, structure_id, type_subvention, objet, annee_debut, nombre_annees, "
            "part_avance, solde_apres_compte_rendu, justificatifs, statut, motif_resiliation, en_vigueur_le, "
            "cree_par_id, cree_le, modifie_le) FROM STDIN"
        ) as copie:
            for ligne in conventions:
                copie.write_row(ligne)
        for modele, colonnes, lignes in (
            (Convention.dossiers.through, "convention_id, dossier_id", liens),
            (PartieFinanceur, "convention_id, financeur_id", parties),
            (ConventionMontant, "convention_id, financeur_id, annee, montant", montants),
            (
                Versement,
                "convention_id, financeur_id, annee, nature, montant, date_prevue, statut, mandate_le, "
                "reference_mandat, paye_le, reference_paiement, iban, motif_annulation, cree_par_id, cree_le, "
                "modifie_le",
                [(*v, auteur.pk, maintenant, maintenant) for v in versements],
            ),
            (
                CompteRendu,
                "id, convention_id, annee, statut, actions_realisees, beneficiaires_par_age, depose_le, "
                "depose_par_id, ecarts, difficultes, commentaires, cree_le, modifie_le",
                [(*c, "", "", "", maintenant, maintenant) for c in lignes_cr],
            ),
            (AvisCompteRendu, "compte_rendu_id, financeur_id, sens, motif, auteur_id, date", avis),
        ):
            with curseur.copy(f"COPY {modele._meta.db_table} ({colonnes}) FROM STDIN") as copie:
                for ligne in lignes:
                    copie.write_row(ligne)
        for modele in (
            Convention,
            Convention.dossiers.through,
            PartieFinanceur,
            ConventionMontant,
            Versement,
            CompteRendu,
            AvisCompteRendu,
        ):
            curseur.execute(f"ANALYZE {modele._meta.db_table}")
    return ConventionsGenerees(
        conventions=len(conventions),
        cpo=cpo,
        versements=len(versements),
        comptes_rendus=len(lignes_cr),
        avis=len(avis),
    )


def _echeancier(aleatoire, id_convention, financeur_id, annee, annuel, duree, jour, auteur) -> list[tuple]:
    """Les versements d'un financeur une année : (convention, financeur, année, nature, montant, date prévue,
    état, mandaté le, référence du mandat, payé le, référence du paiement, IBAN, motif d'annulation)."""
    if duree == 1:
        lignes = [("unique", annuel, date(annee, 4, 1 + aleatoire.randrange(28)))]
    else:
        avance = (annuel / 2).quantize(Decimal("0.01"))
        lignes = [
            ("avance", avance, date(annee, 3, 1 + aleatoire.randrange(28))),
            ("solde", annuel - avance, date(annee, 9, 1 + aleatoire.randrange(28))),
        ]
    resultat = []
    for nature, montant, prevue in lignes:
        if prevue < jour - timedelta(days=60):
            statut = "paye"
        elif prevue < jour:
            statut = aleatoire.choice(["paye", "mandate", "prevu"])
        else:
            statut = "prevu"
        mandat = prevue if statut != "prevu" else None
        paye = prevue + timedelta(days=10) if statut == "paye" else None
        resultat.append(
            (
                id_convention,
                financeur_id,
                annee,
                nature,
                montant,
                prevue,
                statut,
                mandat,
                f"M{id_convention}-{annee}" if mandat else "",
                paye,
                f"P{id_convention}-{annee}" if paye else "",
                "FR7630006000011234567890189" if mandat else "",
                "",
            )
        )
    return resultat
