import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contrats.services import ess as services
from tests.acteurs_ess.factories import CollectifFactory, StructureFactory

pytestmark = pytest.mark.django_db


def test_it_shows_plainly_what_is_missing(client, agent, contrat):
    client.force_login(agent)
    page = client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    assert "Ce qui manque encore" in page
    assert "Le service « Cohésion sociale / politique de la ville » n&#x27;a pas été consulté." in page
    assert "Le service « Achats / commande publique » n&#x27;a pas été consulté." in page
    assert "Aucune dynamique coopérative (PTCE, Fabrique à initiatives, SCIC) n&#x27;est intégrée." in page
    assert "Aucune structure de l&#x27;ESS n&#x27;est associée comme partie prenante." in page


def test_it_records_consultations_dynamics_and_structures(client, agent, contrat):
    collectif = CollectifFactory(nom="Pôle ESS Rennes Sud", type="ptce")
    structure = StructureFactory(raison_sociale="Les Ateliers du Blosne")
    client.force_login(agent)
    url = lambda quoi: reverse("contrats:renseigner_ess", args=[contrat.code, quoi])  # noqa: E731
    client.post(url("consultation"), {"service": "achats", "date": "2026-02-03", "apport": "Clauses sociales"})
    client.post(url("dynamique"), {"type": "ptce", "collectif": collectif.pk, "integration": "Comité technique"})
    client.post(url("structure"), {"structure": structure.pk, "role": "Membre du comité technique"})

    bilan = services.bilan(contrat)
    assert [c.apport for c in bilan.consultations] == ["Clauses sociales"]
    assert [d.collectif for d in bilan.dynamiques] == [collectif]
    assert [s.structure for s in bilan.structures] == [structure]
    assert bilan.manques() == [
        "Le service « Cohésion sociale / politique de la ville » n'a pas été consulté.",
        "Le service « Développement économique / ESS » n'a pas été consulté.",
        "Pas encore de dynamique de type : Fabrique à initiatives, SCIC (société coopérative d'intérêt collectif).",
    ]
    page = client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    assert f'href="{collectif.get_absolute_url()}">Pôle ESS Rennes Sud</a>' in page
    assert "Les Ateliers du Blosne</a> — Membre du comité technique" in page


def test_it_says_when_nothing_is_missing(agent, contrat):
    for service in ["cohesion_sociale", "developpement_economique", "achats"]:
        services.consigner_consultation(contrat, agent, service, "2026-01-10", "Avis")
    for type_ in ["ptce", "fabrique", "scic"]:
        services.integrer_dynamique(contrat, agent, type_, nom=f"Dynamique {type_}")
    services.associer_structure(contrat, agent, StructureFactory())
    assert services.bilan(contrat).manques() == []


def test_it_refuses_incomplete_entries(agent, contrat):
    with pytest.raises(ValidationError, match="ce que le service a apporté"):
        services.consigner_consultation(contrat, agent, "achats", "2026-01-10", " ")
    with pytest.raises(ValidationError, match="Choisissez un collectif"):
        services.integrer_dynamique(contrat, agent, "scic")
    structure = StructureFactory()
    services.associer_structure(contrat, agent, structure)
    with pytest.raises(ValidationError, match="déjà associée"):
        services.associer_structure(contrat, agent, structure)


@pytest.mark.parametrize("personne", ["elu", "agent_etat", "partenaire"])
def test_it_lets_only_the_carrier_fill_the_panel(client, request, contrat, personne):
    user = request.getfixturevalue(personne)
    with pytest.raises(PermissionDenied):
        services.consigner_consultation(contrat, user, "achats", "2026-01-10", "Avis")
    client.force_login(user)
    assert client.get(reverse("contrats:renseigner_ess", args=[contrat.code, "consultation"])).status_code == 403
    assert (
        "Consigner une consultation"
        not in client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    )
