"""Générateur à l'échelle nationale pour les mesures (benchmarks/dossiers.py) : les 448 contrats de ville (le
vrai fichier contrats_de_ville.csv de DONNEES_PARTAGEES s'il est là, sinon des contrats inventés), leurs
financeurs (collectivité porteuse, ville centre, préfecture du département), 100 000 structures
(acteurs_ess.generateur) et 50 000 dossiers sur trois ans avec leurs financements et décisions.

Une grande collectivité (le contrat `CODE_GRAND`) reçoit 15 000 dossiers, dont environ 10 000 subventions
accordées par elle : c'est celle dont on mesure le tableau d'instruction et l'export SCDL. Les lignes en
nombre sont écrites par COPY ; le tout prend quelques dizaines de secondes.
"""

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
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
from financements.models import AppelAProjets, CoPorteur, DecisionFinanceur, Dossier, Financement, FinanceurAppel
from financements.models.dossier import SEUIL_CONVENTION, STATUTS_DECIDES, Issue, StatutDossier, TypeSubvention
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
REPRESENTANTS = ["Camille Martin", "Nadia Benali", "Jean Le Goff", "Fatou Diallo", "Lucas Moreau", "Inès Garcia"]
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
                TypeSubvention.PROJET,
                REPRESENTANTS[rang % len(REPRESENTANTS)],
                "Président·e",
                "",
                "",
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
        "delegataire_qualite"
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
