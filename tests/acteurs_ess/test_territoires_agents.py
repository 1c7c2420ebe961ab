"""Le territoire d'un agent se lit par les liens typés de sa collectivité (région, département, EPCI,
commune), jamais par son code : les codes de région 01–06, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93 et
94 sont aussi des codes de département (un agent de la Mayenne, 53, ne vérifie pas les structures
bretonnes ; un agent de Paris, 75, n'agit pas en Nouvelle-Aquitaine)."""

import pytest
from django.core import mail

from acteurs_ess.models import DemandeRattachement
from acteurs_ess.permissions import peut_decider_rattachement, peut_verifier_structure
from acteurs_ess.services import demander_rattachement, demandes_a_decider
from comptes.models import Role, TypeOrganisation
from territoires.models import Commune, Departement, Epci, Region
from tests.acteurs_ess.factories import StructureFactory
from tests.factories import AdhesionFactory, OrganisationFactory, UtilisateurFactory
from tests.taches import puis_executer_taches

pytestmark = pytest.mark.django_db

CODES_COMMUNS = ["01", "02", "03", "04", "05", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76"]
CODES_COMMUNS += ["84", "93", "94"]


def agent_de(**organisation):
    # Les liens se passent en `commune_id`, `epci_id` : `commune` et `epci` sont des traits de la fabrique.
    collectivite = OrganisationFactory(**organisation)
    return AdhesionFactory(organisation=collectivite, role=Role.AGENT).utilisateur


@pytest.fixture
def deux_territoires():
    """Pour un code donné : la région de ce code (avec un département de code différent) et le département de
    ce code (dans une autre région), chacun avec une commune et une structure."""

    def creer(code):
        region = Region.objects.create(code=code, nom=f"Région {code}", zone="metro")
        dans_la_region = Departement.objects.create(code="9X", nom="Dans la région", region=region, zone="metro")
        autre_region = Region.objects.create(code="R" + code, nom="Autre région", zone="metro")
        departement = Departement.objects.create(
            code=code, nom=f"Département {code}", region=autre_region, zone="metro"
        )
        commune_region = Commune.objects.create(code="9X001", nom="Commune de la région", departement=dans_la_region)
        commune_dep = Commune.objects.create(code=f"{code}001", nom="Commune du département", departement=departement)
        return {
            "region": region,
            "departement": departement,
            "structure_region": StructureFactory(raison_sociale="Structure de la région", commune=commune_region),
            "structure_departement": StructureFactory(raison_sociale="Structure du département", commune=commune_dep),
            "agent_region": agent_de(type=TypeOrganisation.REGION, code_territoire=code, region=region),
            "agent_departement": agent_de(
                type=TypeOrganisation.DEPARTEMENT, code_territoire=code, departement=departement
            ),
        }

    return creer


@pytest.mark.parametrize("code", CODES_COMMUNS)
def test_a_region_agent_and_a_department_agent_with_the_same_code_each_act_in_their_own_territory(
    code, deux_territoires
):
    t = deux_territoires(code)
    assert peut_verifier_structure(t["agent_region"], t["structure_region"])
    assert not peut_verifier_structure(t["agent_region"], t["structure_departement"])
    assert peut_verifier_structure(t["agent_departement"], t["structure_departement"])
    assert not peut_verifier_structure(t["agent_departement"], t["structure_region"])

    demande_region = DemandeRattachement.objects.create(structure=t["structure_region"], demandeur=UtilisateurFactory())
    demande_dep = DemandeRattachement.objects.create(
        structure=t["structure_departement"], demandeur=UtilisateurFactory()
    )
    assert list(demandes_a_decider(t["agent_region"])) == [demande_region]
    assert list(demandes_a_decider(t["agent_departement"])) == [demande_dep]
    assert not peut_decider_rattachement(t["agent_region"], demande_dep)
    assert not peut_decider_rattachement(t["agent_departement"], demande_region)


@pytest.mark.parametrize("code", ["53", "75"])
def test_a_claim_is_sent_to_the_agents_of_the_structure_territory_only(code, deux_territoires):
    t = deux_territoires(code)
    # Les e-mails partent une fois la transaction validée.
    with puis_executer_taches():
        demander_rattachement(UtilisateurFactory(), t["structure_region"])
    assert mail.outbox[-1].to == [t["agent_region"].email]
    with puis_executer_taches():
        demander_rattachement(UtilisateurFactory(), t["structure_departement"])
    assert mail.outbox[-1].to == [t["agent_departement"].email]


def test_the_commune_and_the_epci_or_ept_of_the_structure_are_its_territory(db):
    region = Region.objects.create(code="11", nom="Île-de-France", zone="metro")
    paris = Departement.objects.create(code="75", nom="Paris", region=region, zone="metro")
    metropole = Epci.objects.create(siren="200054781", nom="Métropole du Grand Paris", nature="METRO")
    ept = Epci.objects.create(siren="200057867", nom="Paris Ouest La Défense", nature="EPT")
    commune = Commune.objects.create(code="75056", nom="Paris", departement=paris, epci=metropole, ept=ept)
    ailleurs = Commune.objects.create(code="75999", nom="Ailleurs", departement=paris)
    structure = StructureFactory(commune=commune)
    structure_ailleurs = StructureFactory(commune=ailleurs)
    for agent in [
        agent_de(type=TypeOrganisation.COMMUNE, code_territoire="75056", commune_id=commune.pk),
        agent_de(type=TypeOrganisation.EPCI, code_territoire="200054781", epci_id=metropole.pk),
        agent_de(type=TypeOrganisation.EPCI, code_territoire="200057867", epci_id=ept.pk),
    ]:
        assert peut_verifier_structure(agent, structure)
        assert not peut_verifier_structure(agent, structure_ailleurs)


def test_a_collectivity_not_linked_to_the_reference_has_no_territory(territoire):
    """Un code seul ne donne aucun territoire : l'administrateur relie la collectivité au référentiel."""
    agent = agent_de(type=TypeOrganisation.EPCI, code_territoire="243500139")
    structure = StructureFactory(commune=territoire["rennes"])
    assert not peut_verifier_structure(agent, structure)


def test_a_structure_without_commune_is_in_no_agent_territory(territoire, admin_plateforme):
    structure = StructureFactory(commune=None)
    demande = DemandeRattachement.objects.create(structure=structure, demandeur=UtilisateurFactory())
    agents = [
        agent_de(type=TypeOrganisation.EPCI, code_territoire="243500139", epci_id="243500139"),
        agent_de(type=TypeOrganisation.COMMUNE, code_territoire="35238", commune_id="35238"),
    ]
    for agent in agents:
        assert not peut_verifier_structure(agent, structure)
        assert not peut_decider_rattachement(agent, demande)
        assert list(demandes_a_decider(agent)) == []
    assert peut_verifier_structure(admin_plateforme, structure)
    assert list(demandes_a_decider(admin_plateforme)) == [demande]
