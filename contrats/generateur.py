"""Un contrat de ville réaliste et volumineux, pour les mesures de performance et les essais de PDF :
10 QPV, 40 sections de 1 à 3 pages (titres, listes, tableaux) en 2 ou 3 versions, un arbre d'orientations,
8 signataires avec leurs engagements, une instance et ses réunions, et 200 contributions dans tous les états.

Tout est créé sous des codes réservés (`CN99901Z`, EPCI `999999901`, QPV `QN999…`) : le générateur ne touche
à aucune donnée réelle et peut être appelé dans une transaction annulée ensuite.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from comptes.models import Adhesion, Organisation, Role, TypeOrganisation, Utilisateur
from contrats.models import (
    AxeTransversal,
    Concertation,
    ContratDeVille,
    Contribution,
    Engagement,
    Etape,
    InstanceGouvernance,
    NiveauOrientation,
    Orientation,
    Pilier,
    Public,
    Reunion,
    Section,
    Signataire,
    StatutContrat,
    StatutContribution,
    TypeInstance,
    VersionSection,
)
from contrats.models.concertation import STATUTS_REPONDUS
from contrats.models.contrat import TypePorteur
from territoires.models import Departement, Epci, NatureEpci, Qpv, Region, Zone

PHRASES = [
    "Le quartier accueille une population jeune, dont un tiers a moins de vingt-cinq ans.",
    "Les associations de proximité jouent un rôle essentiel dans l'accès aux droits et le lien social.",
    "La régie de quartier emploie des habitants en parcours d'insertion pour l'entretien des espaces communs.",
    "Le taux de pauvreté reste trois fois supérieur à la moyenne de l'agglomération.",
    "Les parents demandent davantage d'accompagnement à la scolarité et d'ouverture des écoles le soir.",
    "Une Fabrique à initiatives repère les besoins non satisfaits et accompagne la création d'activités.",
    "Le bailleur social s'engage à réinvestir l'abattement de taxe foncière dans la gestion de proximité.",
    "La coopérative d'activité et d'emploi accueille des porteurs de projet issus des quartiers.",
]
PAGE = 3000  # caractères par page, à peu près


@dataclass
class ContratGenere:
    contrat: ContratDeVille
    agent: Utilisateur


def _texte(rang: int, pages: int, aleatoire: random.Random) -> str:
    blocs = [f"<h2>Partie {rang}</h2>"]
    taille = 0
    while taille < pages * PAGE:
        choix = aleatoire.random()
        if choix < 0.6:
            bloc = "<p>" + " ".join(aleatoire.choice(PHRASES) for _ in range(4)) + "</p>"
        elif choix < 0.8:
            bloc = "<ul>" + "".join(f"<li>{aleatoire.choice(PHRASES)}</li>" for _ in range(4)) + "</ul>"
        elif choix < 0.9:
            lignes = "".join(
                f"<tr><td>Quartier {i}</td><td>{aleatoire.randint(800, 12000)}</td></tr>" for i in range(6)
            )
            bloc = f"<table><thead><tr><th>Quartier</th><th>Habitants</th></tr></thead><tbody>{lignes}</tbody></table>"
        else:
            bloc = f"<h3>Point {len(blocs)}</h3>"
        blocs.append(bloc)
        taille += len(bloc)
    return "".join(blocs)


def generer(
    code: str = "CN99901Z", nb_qpv: int = 10, nb_sections: int = 40, nb_contributions: int = 200, graine: int = 2024
) -> ContratGenere:
    """Crée (ou recrée) le contrat `code` et ses données ; rend le contrat et un agent de sa collectivité."""
    aleatoire = random.Random(graine)  # nosec B311 # hasard des données de démonstration, aucun secret
    maintenant = timezone.now()
    region, _ = Region.objects.get_or_create(code="999", defaults={"nom": "Région de mesure", "zone": Zone.METRO})
    departement, _ = Departement.objects.get_or_create(
        code="999", defaults={"nom": "Département de mesure", "region": region, "zone": Zone.METRO}
    )
    epci, _ = Epci.objects.get_or_create(
        siren="999999901", defaults={"nom": "Métropole de mesure", "nature": NatureEpci.METRO}
    )
    qpv = [
        Qpv.objects.get_or_create(
            code=f"QN999{i:02d}M", defaults={"nom": f"Quartier de mesure {i}", "departement": departement, "epci": epci}
        )[0]
        for i in range(1, nb_qpv + 1)
    ]
    ContratDeVille.objects.filter(code=code).delete()
    contrat = ContratDeVille.objects.create(
        code=code,
        nom="Métropole de mesure",
        type_porteur=TypePorteur.EPCI,
        code_porteur=epci.siren,
        epci=epci,
        departement=departement,
        statut=StatutContrat.CONCERTATION,
        population_qpv=54000,
    )
    contrat.qpv.set(qpv)

    collectivite, _ = Organisation.objects.get_or_create(
        nom="Métropole de mesure", defaults={"type": TypeOrganisation.EPCI, "epci": epci, "code_territoire": epci.siren}
    )
    agent, _ = Utilisateur.objects.get_or_create(email="agent.mesure@exemple.fr", defaults={"prenom": "Agent"})
    Adhesion.objects.get_or_create(utilisateur=agent, organisation=collectivite, defaults={"role": Role.AGENT})
    habitants = [
        Utilisateur.objects.get_or_create(email=f"habitant.mesure{i}@exemple.fr", defaults={"prenom": f"H{i}"})[0]
        for i in range(20)
    ]

    etapes = list(Etape)
    sections = []
    versions = []
    for rang in range(1, nb_sections + 1):
        section = Section(
            contrat=contrat,
            etape=etapes[min((rang - 1) * len(etapes) // nb_sections, len(etapes) - 1)],
            titre=f"Section {rang}",
            ordre=rang,
        )
        sections.append(section)
    Section.objects.bulk_create(sections)
    for rang, section in enumerate(sections, start=1):
        nombre = aleatoire.randint(2, 3)
        for numero in range(1, nombre + 1):
            texte = _texte(rang, aleatoire.randint(1, 3), aleatoire)
            versions.append(
                VersionSection(
                    section=section,
                    numero=numero,
                    texte=texte,
                    auteur=agent,
                    cree_le=maintenant - timedelta(days=30 - numero),
                    message=f"Version {numero}",
                )
            )
        section.texte, section.numero, section.modifiee_le, section.modifiee_par = texte, nombre, maintenant, agent
    VersionSection.objects.bulk_create(versions)
    derniere = {version.section.pk: version for version in versions}
    Section.objects.bulk_update(sections, ["texte", "numero", "modifiee_le", "modifiee_par"])

    orientations = []
    for rang in range(1, 5):
        orientation = Orientation.objects.create(
            contrat=contrat,
            niveau=NiveauOrientation.ORIENTATION,
            titre=f"Orientation {rang}",
            ordre=rang,
            piliers=[list(Pilier)[rang % 3]],
            axes=[list(AxeTransversal)[rang % 4]],
        )
        orientation.qpv.set(qpv[:3])
        orientations.append(orientation)
        for sous in range(1, 4):
            objectif = Orientation.objects.create(
                contrat=contrat, parent=orientation, niveau=NiveauOrientation.OBJECTIF, titre=f"Objectif {rang}.{sous}"
            )
            objectif.qpv.set(qpv[sous : sous + 2])

    for rang, (nom, type_) in enumerate(
        [
            ("Préfecture de mesure", TypeOrganisation.ETAT),
            ("Département de mesure", TypeOrganisation.DEPARTEMENT),
            ("Région de mesure", TypeOrganisation.REGION),
            ("Bailleur de mesure", TypeOrganisation.BAILLEUR),
            ("CAF de mesure", TypeOrganisation.CAF),
            ("France Travail de mesure", TypeOrganisation.FRANCE_TRAVAIL),
            ("Banque des Territoires de mesure", TypeOrganisation.PARTENAIRE),
        ],
        start=1,
    ):
        organisation, _ = Organisation.objects.get_or_create(nom=nom, defaults={"type": type_})
        signataire = Signataire.objects.create(
            contrat=contrat, organisation=organisation, ordre=rang, date_signature=date(2024, 6, 28)
        )
        for i in range(3):
            Engagement.objects.create(
                signataire=signataire, texte=f"Engagement {i + 1} de {nom}", montant=Decimal(100000 * (i + 1)), ordre=i
            )
    Signataire.objects.create(contrat=contrat, organisation=collectivite, ordre=0)
    copil = InstanceGouvernance.objects.create(contrat=contrat, type=TypeInstance.COPIL, nom="Comité de pilotage")
    for i in range(4):
        Reunion.objects.create(
            instance=copil, date=date(2025, 3 * i + 1, 15), participants="Préfecture\nMétropole", decisions="Validé"
        )

    concertation = Concertation.objects.create(
        contrat=contrat,
        titre="Concertation de mesure",
        debut=timezone.localdate() - timedelta(days=10),
        fin=timezone.localdate() + timedelta(days=20),
        publics=[Public.SIGNATAIRES, Public.STRUCTURES, Public.HABITANTS],
        ouverte_par=agent,
    )
    concertation.sections.set(sections[:20])
    concertation.orientations.set(orientations)
    statuts = list(StatutContribution)
    contributions = []
    for i in range(nb_contributions):
        statut = statuts[i % len(statuts)]
        repondue = statut in STATUTS_REPONDUS
        contributions.append(
            Contribution(
                concertation=concertation,
                section=sections[i % 20],
                auteur=habitants[i % len(habitants)],
                texte=" ".join(aleatoire.choice(PHRASES) for _ in range(3)),
                proposition=aleatoire.choice(PHRASES) if i % 3 == 0 else "",
                statut=statut,
                reponse="Merci pour cette contribution : " + aleatoire.choice(PHRASES) if repondue else "",
                repondue_le=maintenant if repondue else None,
                repondue_par=agent if repondue else None,
                version_integration=derniere[sections[i % 20].pk] if statut == StatutContribution.RETENUE else None,
                masquee=i % 50 == 49,
                motif_masquage="Propos hors charte" if i % 50 == 49 else "",
            )
        )
    Contribution.objects.bulk_create(contributions)
    return ContratGenere(contrat=contrat, agent=agent)
