"""Un contrat de ville porté par Rennes Métropole, dont l'organisation `epci` (tests/conftest.py) est la
collectivité porteuse ; la préfecture et le bailleur en sont signataires."""

import pytest

from contrats.models import Signataire
from tests.contrats.factories import CommuneFactory, ContratFactory, EpciFactory, QpvFactory, SectionFactory


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
