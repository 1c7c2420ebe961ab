"""Un contrat de ville porté par Rennes Métropole, dont l'organisation `epci` (tests/conftest.py) est la
collectivité porteuse ; la préfecture et le bailleur en sont signataires."""

from datetime import date
from decimal import Decimal

import pytest

from contrats.models import (
    Engagement,
    InstanceGouvernance,
    NiveauOrientation,
    Orientation,
    Reunion,
    Signataire,
    StatutContribution,
    TypeInstance,
)
from contrats.services import concertation as services_concertation
from tests.contrats.factories import (
    CommuneFactory,
    ConcertationFactory,
    ContratFactory,
    ContributionFactory,
    EpciFactory,
    QpvFactory,
    SectionFactory,
)


@pytest.fixture
def territoire(db):
    epci = EpciFactory()
    commune = CommuneFactory(epci=epci)
    return {"epci": epci, "commune": commune, "qpv": [QpvFactory(epci=epci) for _ in range(2)]}


@pytest.fixture
def contrat(territoire, epci, commune, prefecture, bailleur):
    epci.epci = territoire["epci"]
    epci.save(update_fields=["epci"])
    commune.commune = territoire["commune"]
    commune.save(update_fields=["commune"])
    prefecture.code_territoire = "35"
    prefecture.save(update_fields=["code_territoire"])
    contrat = ContratFactory(epci=territoire["epci"], code="CN03501I")
    contrat.qpv.set(territoire["qpv"])
    contrat.communes.set([territoire["commune"]])
    Signataire.objects.create(contrat=contrat, organisation=prefecture, ordre=1)
    Signataire.objects.create(contrat=contrat, organisation=bailleur, ordre=2)
    return contrat


@pytest.fixture
def section(contrat, agent):
    return SectionFactory(
        contrat=contrat, titre="Emploi et insertion", texte_initial="<p>Premier texte.</p>", texte_initial__auteur=agent
    )


PERIMETRE = {
    "type": "MultiPolygon",
    "coordinates": [[[[-1.66, 48.12], [-1.64, 48.12], [-1.65, 48.13], [-1.66, 48.12]]]],
}


@pytest.fixture
def contrat_complet(contrat, section, agent, membre_structure, habitant):
    """Le contrat ci-dessus, rempli de tout ce que ses PDF affichent (dont une carte de QPV et des tableaux)."""
    premier, second = contrat.qpv.order_by("code")
    premier.nom, premier.population, premier.perimetre, premier.emprise = (
        "Maurepas",
        678,
        PERIMETRE,
        [
            -1.66,
            48.12,
            -1.64,
            48.13,
        ],
    )
    premier.save()
    second.nom, second.population = "Le Blosne", 11809
    second.save()
    prefecture, bailleur = contrat.signataires.order_by("ordre")
    prefecture.signe_par, prefecture.date_signature = "Le préfet d'Ille-et-Vilaine", date(2024, 6, 28)
    prefecture.save()
    Engagement.objects.create(signataire=prefecture, texte="Crédits du programme 147", montant=Decimal("1200000"))
    Engagement.objects.create(signataire=bailleur, texte="Abattement de TFPB réinvesti", montant=None)
    SectionFactory(
        contrat=contrat, etape="programme", titre="Réussite éducative", texte_initial="<p>Six cents enfants.</p>"
    )
    orientation = Orientation.objects.create(
        contrat=contrat,
        niveau=NiveauOrientation.ORIENTATION,
        titre="Accès à l'emploi",
        piliers=["developpement_economique"],
    )
    orientation.qpv.set([premier])
    Orientation.objects.create(
        contrat=contrat, parent=orientation, niveau=NiveauOrientation.OBJECTIF, titre="Lever les freins à l'emploi"
    )
    copil = InstanceGouvernance.objects.create(contrat=contrat, type=TypeInstance.COPIL, nom="Comité de pilotage")
    Reunion.objects.create(
        instance=copil, date=date(2025, 3, 14), participants="Préfecture\nMétropole", decisions="Diagnostic validé"
    )
    concertation = ConcertationFactory(contrat=contrat, sections=[section], ouverte_par=agent)
    repondue = ContributionFactory(
        concertation=concertation, section=section, auteur=membre_structure, texte="Associer les chantiers d'insertion."
    )
    services_concertation.repondre(
        repondue, agent, StatutContribution.RETENUE, "Retenue : les chantiers sont associés."
    )
    ContributionFactory(
        concertation=concertation, section=section, auteur=habitant, texte="Une idée pas encore analysée."
    )
    masquee = ContributionFactory(
        concertation=concertation, section=section, auteur=habitant, texte="Propos injurieux à ne jamais publier."
    )
    services_concertation.masquer(masquee, agent, "Propos injurieux")
    contrat.refresh_from_db()
    return contrat
