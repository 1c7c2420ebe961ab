"""Un petit territoire réel (Rennes et Saint-Jacques-de-la-Lande, Rennes Métropole, deux QPV) et des
structures rattachées aux organisations de la suite (`association`, `membre_structure`)."""

import pytest

from comptes.models import Role
from territoires.models import Commune, Departement, Epci, Qpv, Region
from tests.acteurs_ess.factories import StructureFactory
from tests.double_authentification import activer
from tests.factories import AdhesionFactory, OrganisationFactory


@pytest.fixture
def territoire(db, epci):
    """Le territoire, et l'organisation « Rennes Métropole » de la suite (celle de l'`agent`) reliée à son EPCI :
    son agent importe et vérifie les structures de Rennes et de Saint-Jacques, pas celles de Brest."""
    bretagne = Region.objects.create(code="53", nom="Bretagne", zone="metro")
    ille_et_vilaine = Departement.objects.create(code="35", nom="Ille-et-Vilaine", region=bretagne, zone="metro")
    metropole = Epci.objects.create(siren="243500139", nom="Rennes Métropole", nature="METRO")
    rennes = Commune.objects.create(code="35238", nom="Rennes", departement=ille_et_vilaine, epci=metropole)
    saint_jacques = Commune.objects.create(
        code="35281", nom="Saint-Jacques-de-la-Lande", departement=ille_et_vilaine, epci=metropole
    )
    finistere = Departement.objects.create(code="29", nom="Finistère", region=bretagne, zone="metro")
    brest_metropole = Epci.objects.create(siren="242900314", nom="Brest Métropole", nature="METRO")
    brest = Commune.objects.create(code="29019", nom="Brest", departement=finistere, epci=brest_metropole)
    blosne = Qpv.objects.create(code="QN03505M", nom="Le Blosne", departement=ille_et_vilaine, epci=metropole)
    maurepas = Qpv.objects.create(code="QN03504M", nom="Maurepas", departement=ille_et_vilaine, epci=metropole)
    blosne.communes.add(rennes)
    maurepas.communes.add(rennes)
    epci.epci = metropole
    epci.save(update_fields=["epci"])
    return {
        "rennes": rennes,
        "saint_jacques": saint_jacques,
        "brest": brest,
        "metropole": metropole,
        "blosne": blosne,
        "maurepas": maurepas,
    }


@pytest.fixture
def structure(association, membre_structure, territoire):
    """« Les Ateliers du Blosne », dont `membre_structure` est membre."""
    return StructureFactory(
        organisation=association,
        raison_sociale="Les Ateliers du Blosne",
        siret="44306184100047",
        rna="W353012345",
        commune=territoire["rennes"],
        description="Ateliers de réparation de vélos et d'électroménager, chantier d'insertion.",
        domaines=["emploi_insertion", "transition_ecologique"],
    )


@pytest.fixture
def structure_importee(territoire):
    """Une structure importée par une collectivité : personne n'en est encore membre."""
    return StructureFactory(raison_sociale="Maurepas Mobilité", siret="73282932000074", commune=territoire["rennes"])


@pytest.fixture
def agent_rennes(epci, territoire):
    """Agent de Rennes Métropole, dont le territoire contient Rennes (par le lien de l'organisation à l'EPCI)."""
    epci.code_territoire = "243500139"
    epci.epci = territoire["metropole"]
    epci.save(update_fields=["code_territoire", "epci"])
    # Un agent décide et valide les RIB avec la double authentification (comptes/mfa.py), comme `agent`.
    return activer(
        AdhesionFactory(organisation=epci, role=Role.AGENT, utilisateur__email="agent.rennes@exemple.fr").utilisateur
    )


@pytest.fixture
def agent_brest(territoire):
    brest = OrganisationFactory(
        commune=True, nom="Ville de Brest", code_territoire="29019", commune_id=territoire["brest"].pk
    )
    return activer(
        AdhesionFactory(organisation=brest, role=Role.AGENT, utilisateur__email="agent.brest@exemple.fr").utilisateur
    )
