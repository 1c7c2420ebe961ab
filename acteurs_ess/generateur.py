"""Générateur de structures de l'ESS réalistes, pour les mesures de performance (et les suivantes).

Noms, formes juridiques, agréments, domaines et descriptions suivent des proportions plausibles ; les
SIREN/SIRET ont des clés justes et sont uniques ; les structures se concentrent dans les communes qui ont
des QPV, et agissent dans ces QPV. Les lignes sont écrites par COPY (100 000 structures en quelques
secondes). Tout est déterministe pour une graine donnée.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from acteurs_ess.choix import Agrement, Domaine, FormeJuridique
from acteurs_ess.models import Structure, mots_cles
from comptes.models import Organisation, TypeOrganisation
from territoires.models import Commune, Qpv

FORMES = [
    (FormeJuridique.ASSOCIATION, 70),
    (FormeJuridique.SCOP, 6),
    (FormeJuridique.SCIC, 4),
    (FormeJuridique.CAE, 2),
    (FormeJuridique.MUTUELLE, 2),
    (FormeJuridique.FONDATION, 2),
    (FormeJuridique.SOCIETE_ESS, 6),
    (FormeJuridique.AUTRE, 8),
]
PREFIXES = {
    FormeJuridique.ASSOCIATION: [
        "Association",
        "Collectif",
        "Amicale",
        "Maison",
        "Les Amis de",
        "Centre social",
        "Espace",
    ],
    FormeJuridique.SCOP: ["SCOP", "Coopérative", "Atelier coopératif"],
    FormeJuridique.SCIC: ["SCIC", "Coopérative d'intérêt collectif"],
    FormeJuridique.CAE: ["CAE", "Coopérative d'activité"],
    FormeJuridique.MUTUELLE: ["Mutuelle", "Mutuelle solidaire"],
    FormeJuridique.FONDATION: ["Fondation"],
    FormeJuridique.SOCIETE_ESS: ["Entreprise solidaire", "Société"],
    FormeJuridique.AUTRE: ["Groupement", "Union", "Fédération"],
}
THEMES = {
    Domaine.EDUCATION: ["Réussite éducative", "Soutien scolaire", "Accompagnement à la scolarité", "Lecture pour tous"],
    Domaine.SANTE: ["Santé communautaire", "Prévention santé", "Bien-être", "Accès aux soins"],
    Domaine.CULTURE: ["Arts de la rue", "Musiques actuelles", "Théâtre", "Danse urbaine", "Cinéma de quartier"],
    Domaine.SPORT: ["Boxe éducative", "Football citoyen", "Sport pour toutes", "Escalade solidaire"],
    Domaine.ACCES_AUX_DROITS: ["Accès aux droits", "Écrivain public", "Médiation numérique", "Point justice"],
    Domaine.PARENTALITE: ["Parents ensemble", "Maison des familles", "Lieu d'accueil enfants-parents"],
    Domaine.LIEN_SOCIAL: ["Épicerie solidaire", "Café associatif", "Jardins partagés", "Fête des voisins"],
    Domaine.HABITAT: ["Habitat participatif", "Auto-réhabilitation", "Compagnons bâtisseurs"],
    Domaine.ESPACES_PUBLICS: ["Médiation sociale", "Tranquillité publique", "Propreté et espaces verts"],
    Domaine.MOBILITE: ["Garage solidaire", "Vélo-école", "Auto-école sociale", "Plateforme mobilité"],
    Domaine.EMPLOI_INSERTION: ["Chantier d'insertion", "Recyclerie", "Ressourcerie", "Emploi des jeunes"],
    Domaine.CREATION_ACTIVITE: ["Couveuse d'entreprises", "Incubateur", "Microcrédit", "Entrepreneuriat des quartiers"],
    Domaine.COMMERCE_SERVICES: ["Conciergerie de quartier", "Commerce équitable", "Services à domicile"],
    Domaine.JEUNESSE: ["Jeunesse", "Animation jeunesse", "Service civique", "Junior association"],
    Domaine.EGALITE_FEMMES_HOMMES: ["Femmes solidaires", "Égalité", "Droits des femmes"],
    Domaine.LUTTE_DISCRIMINATIONS: [
        "Lutte contre les discriminations",
        "Mémoire et migrations",
        "Dialogue interculturel",
    ],
    Domaine.TRANSITION_ECOLOGIQUE: [
        "Réemploi",
        "Compostage",
        "Énergies citoyennes",
        "Zéro déchet",
        "Alimentation durable",
    ],
}
PHRASES = [
    "Nous accompagnons les habitants du quartier dans {activite}.",
    "L'association propose des ateliers de {activite} pour les enfants, les jeunes et les familles.",
    "La structure développe {activite} avec les bailleurs sociaux et les écoles.",
    "Nos salariés en insertion assurent {activite} au pied des immeubles.",
    "Permanences hebdomadaires, sorties collectives et projets portés par les habitants autour de {activite}.",
    "Un lieu ouvert à tous pour {activite}, en lien avec le centre social et la médiathèque.",
]
QUARTIERS = [
    "du Blosne",
    "de Maurepas",
    "de Villejean",
    "des Minguettes",
    "du Mirail",
    "de la Duchère",
    "du Neuhof",
    "de Bellevue",
    "des Tarterêts",
    "du Val Fourré",
    "de la Paillade",
    "des Izards",
    "de Hautepierre",
    "de la Grand-Borne",
    "des Quartiers Nord",
    "du Chemin Vert",
    "de Kervénanec",
    "de la Croix-Rouge",
]
RUES = ["de la Paix", "Jean Jaurès", "des Écoles", "Victor Hugo", "du Marché"]
AGREMENTS_FREQUENTS = [
    Agrement.ESUS,
    Agrement.SIAE_ACI,
    Agrement.SIAE_EI,
    Agrement.SIAE_AI,
    Agrement.SIAE_ETTI,
    Agrement.REGIE_QUARTIER,
    Agrement.ENTREPRISE_ADAPTEE,
    Agrement.EBE_TZCLD,
    Agrement.TIERS_LIEU,
    Agrement.FABRIQUE_INITIATIVES,
    Agrement.JEUNESSE_EDUCATION_POPULAIRE,
    Agrement.ESAT,
]


def siren(numero: int) -> str:
    """Le `numero`-ième SIREN valide de la série (9 chiffres, clé de Luhn), commençant par 9."""
    base = f"9{numero:07d}"
    return base + luhn.calc_check_digit(base)


def siret(siren_: str, etablissement: int = 1) -> str:
    base = f"{siren_}{etablissement:04d}"
    return base + luhn.calc_check_digit(base)


@dataclass
class Territoire:
    """Les codes du référentiel que le générateur utilise : QPV (avec leurs communes) et autres communes."""

    qpv: list[tuple[str, list[str]]] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)

    @classmethod
    def depuis_la_base(cls, graine: int = 0, communes_hors_qpv: int = 5000) -> "Territoire":
        liens: dict[str, list[str]] = {}
        for code_qpv, code_commune in Qpv.communes.through.objects.values_list("qpv_id", "commune_id"):
            liens.setdefault(code_qpv, []).append(code_commune)
        communes = list(Commune.objects.filter(obsolete=False).values_list("code", flat=True).order_by("code"))
        random.Random(graine).shuffle(communes)  # nosec B311 # hasard des données de démonstration, aucun secret
        return cls(qpv=sorted(liens.items()), communes=communes[:communes_hors_qpv])


@dataclass
class StructureGeneree:
    raison_sociale: str
    sigle: str
    siren: str
    siret: str
    rna: str
    forme_juridique: str
    agrements: list[str]
    domaines: list[str]
    commune: str
    qpv: list[str]
    adresse: str
    site_web: str
    description: str


def structures(
    nombre: int, graine: int = 2024, territoire: Territoire | None = None, debut: int = 0
) -> Iterator[StructureGeneree]:
    """`nombre` structures réalistes ; `debut` décale la série d'identifiants (pour ne pas réutiliser ceux
    d'une génération précédente)."""
    aleatoire = random.Random(graine)  # nosec B311 # hasard des données de démonstration, aucun secret
    territoire = territoire or Territoire()
    formes, poids = zip(*FORMES, strict=True)
    domaines_tous = list(THEMES)
    for rang in range(debut, debut + nombre):
        forme = aleatoire.choices(formes, poids)[0]
        domaines = aleatoire.sample(domaines_tous, aleatoire.choice([1, 1, 2, 2, 3]))
        theme = aleatoire.choice(THEMES[domaines[0]])
        quartier = aleatoire.choice(QUARTIERS)
        nom = f"{aleatoire.choice(PREFIXES[forme])} {theme} {quartier}"
        if aleatoire.random() < 0.3:
            nom = f"{nom} {rang}"
        qpv, commune = [], ""
        if territoire.qpv and aleatoire.random() < 0.75:
            code_qpv, communes_qpv = aleatoire.choice(territoire.qpv)
            qpv = [code_qpv]
            commune = aleatoire.choice(communes_qpv)
            if aleatoire.random() < 0.1:
                qpv.append(aleatoire.choice(territoire.qpv)[0])
        elif territoire.communes:
            commune = aleatoire.choice(territoire.communes)
        activites = [aleatoire.choice(THEMES[domaine]).lower() for domaine in domaines]
        description = " ".join(aleatoire.choice(PHRASES).format(activite=activite) for activite in activites)
        identifiant = siren(rang)
        a_siret = forme != FormeJuridique.ASSOCIATION or aleatoire.random() < 0.5
        a_rna = forme == FormeJuridique.ASSOCIATION and aleatoire.random() < 0.8
        agrements = []
        if aleatoire.random() < 0.2:
            agrements = sorted(aleatoire.sample(AGREMENTS_FREQUENTS, aleatoire.choice([1, 1, 2])))
        yield StructureGeneree(
            raison_sociale=nom[:255],
            sigle="".join(mot[0] for mot in nom.split() if mot[0].isupper())[:10] if aleatoire.random() < 0.3 else "",
            siren=identifiant if a_siret or not a_rna else "",
            siret=siret(identifiant) if a_siret else "",
            rna=f"W{(commune or '75056')[:2]}{rang:07d}"[:10] if a_rna else "",
            forme_juridique=forme,
            agrements=agrements,
            domaines=sorted(domaines),
            commune=commune,
            qpv=sorted(set(qpv)),
            adresse=f"{aleatoire.randint(1, 120)} rue {aleatoire.choice(RUES)}",
            site_web=f"https://structure-{rang}.example.org" if aleatoire.random() < 0.4 else "",
            description=description,
        )


def _identifiants(table: str, nombre: int) -> list[int]:
    with connection.cursor() as curseur:
        curseur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, nombre])
        return [ligne[0] for ligne in curseur.fetchall()]


def _tableau(valeurs: list[str]) -> str:
    return "{" + ",".join(valeurs) + "}"


@transaction.atomic
def generer(nombre: int, graine: int = 2024, territoire: Territoire | None = None, debut: int = 0) -> int:
    """Écrit `nombre` structures (avec leur organisation et leurs QPV) par COPY ; rend le nombre écrit."""
    territoire = territoire if territoire is not None else Territoire.depuis_la_base(graine)
    lignes = list(structures(nombre, graine, territoire, debut))
    id_organisations = _identifiants(Organisation._meta.db_table, nombre)
    id_structures = _identifiants(Structure._meta.db_table, nombre)
    maintenant = timezone.now()
    with connection.cursor() as curseur:
        with curseur.copy(
            f"COPY {Organisation._meta.db_table} (id, nom, type, siret, code_territoire, cree_le) FROM STDIN"
        ) as copie:
            for id_, ligne in zip(id_organisations, lignes, strict=True):
                copie.write_row((id_, ligne.raison_sociale, TypeOrganisation.STRUCTURE, ligne.siret, "", maintenant))
        colonnes = (
            "id, organisation_id, raison_sociale, sigle, siren, siret, rna, forme_juridique, agrements, domaines, "
            "adresse, commune_id, description, contact, email, telephone, site_web, cree_le, modifiee_le, mots_cles"
        )
        with curseur.copy(f"COPY {Structure._meta.db_table} ({colonnes}) FROM STDIN") as copie:
            for id_, id_organisation, ligne in zip(id_structures, id_organisations, lignes, strict=True):
                copie.write_row(
                    (
                        id_,
                        id_organisation,
                        ligne.raison_sociale,
                        ligne.sigle,
                        ligne.siren,
                        ligne.siret,
                        ligne.rna,
                        ligne.forme_juridique,
                        _tableau(ligne.agrements),
                        _tableau(ligne.domaines),
                        ligne.adresse,
                        ligne.commune or None,
                        ligne.description,
                        "",
                        "",
                        "",
                        ligne.site_web,
                        maintenant,
                        maintenant,
                        mots_cles(ligne.forme_juridique, ligne.agrements, ligne.domaines),
                    )
                )
        with curseur.copy(f"COPY {Structure.qpv.through._meta.db_table} (structure_id, qpv_id) FROM STDIN") as copie:
            for id_, ligne in zip(id_structures, lignes, strict=True):
                for code in ligne.qpv:
                    copie.write_row((id_, code))
    return nombre


def lignes_csv(nombre: int, graine: int = 2025, territoire: Territoire | None = None, debut: int = 0) -> str:
    """Un fichier d'import (colonnes de `acteurs_ess.imports.COLONNES`) de `nombre` structures générées."""
    import csv
    import io

    from acteurs_ess.imports import COLONNES, SEPARATEUR_VALEURS

    tampon = io.StringIO()
    ecrivain = csv.writer(tampon)
    ecrivain.writerow(COLONNES)
    for s in structures(nombre, graine, territoire, debut):
        ecrivain.writerow(
            [
                s.raison_sociale,
                s.sigle,
                s.siret,
                s.siren,
                s.rna,
                s.forme_juridique,
                SEPARATEUR_VALEURS.join(s.agrements),
                s.commune,
                SEPARATEUR_VALEURS.join(s.qpv),
                s.adresse,
                s.site_web,
                s.description,
            ]
        )
    return tampon.getvalue()
