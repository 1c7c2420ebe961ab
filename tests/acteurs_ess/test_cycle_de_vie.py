"""Corriger, dissoudre ou supprimer un collectif ; indiquer qu'une structure a cessé son activité, sans rien
perdre de son histoire."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from acteurs_ess import services
from acteurs_ess.models import Collectif, Structure
from tests.acteurs_ess.factories import CollectifFactory, MembreCollectifFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


@pytest.fixture
def ptce(structure):
    collectif = CollectifFactory(nom="Pôle ESS Rennes Sud", type="ptce")
    MembreCollectifFactory(collectif=collectif, organisation=structure.organisation, role="animateur")
    return collectif


def test_the_animator_corrects_a_collective(client, membre_structure, ptce):
    client.force_login(membre_structure)
    adresse = reverse("acteurs_ess:modifier_collectif", args=[ptce.pk])
    assert "Pôle ESS Rennes Sud" in texte(client.get(adresse))
    reponse = client.post(adresse, {"nom": "Pôle ESS du sud rennais", "type": "reseau", "description": "Réemploi"})
    assert reponse.status_code == 302
    ptce.refresh_from_db()
    assert (ptce.nom, ptce.type, ptce.description) == ("Pôle ESS du sud rennais", "reseau", "Réemploi")


def test_an_empty_name_is_refused_and_nothing_changes(client, membre_structure, ptce):
    client.force_login(membre_structure)
    reponse = client.post(reverse("acteurs_ess:modifier_collectif", args=[ptce.pk]), {"nom": " ", "type": "ptce"})
    assert reponse.status_code == 400
    ptce.refresh_from_db()
    assert ptce.nom == "Pôle ESS Rennes Sud"


@pytest.mark.parametrize("personne", ["agent", "elu", "habitant"])
def test_only_the_animators_edit_dissolve_or_delete(client, request, ptce, personne):
    client.force_login(request.getfixturevalue(personne))
    reponses = [
        client.post(reverse("acteurs_ess:modifier_collectif", args=[ptce.pk]), {"nom": "X", "type": "ptce"}),
        client.post(reverse("acteurs_ess:dissoudre_collectif", args=[ptce.pk]), {"le": "2026-01-01"}),
        client.post(reverse("acteurs_ess:supprimer_collectif", args=[ptce.pk])),
    ]
    assert [r.status_code for r in reponses] == [403, 403, 403]
    ptce.refresh_from_db()
    assert (ptce.nom, ptce.dissous_le) == ("Pôle ESS Rennes Sud", None)


def test_a_dissolved_collective_stays_readable_and_welcomes_no_one(client, membre_structure, ptce, epci):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:dissoudre_collectif", args=[ptce.pk]),
        {"le": timezone.localdate().isoformat(), "motif": "Fusion avec le réseau régional."},
    )
    assert reponse.status_code == 302
    page = texte(client.get(ptce.get_absolute_url()))
    assert f"Dissous le {timezone.localdate():%d/%m/%Y}" in page
    assert "Fusion avec le réseau régional." in page
    with pytest.raises(Exception, match="n'accueille plus de membres"):
        services.inviter_membre_collectif(membre_structure, ptce, epci, "membre")


def test_a_dissolution_date_in_the_future_is_refused(client, membre_structure, ptce):
    client.force_login(membre_structure)
    demain = (timezone.localdate() + timedelta(days=1)).isoformat()
    reponse = client.post(reverse("acteurs_ess:dissoudre_collectif", args=[ptce.pk]), {"le": demain})
    assert reponse.status_code == 400
    assert "ne peut pas être à venir" in texte(reponse)
    ptce.refresh_from_db()
    assert ptce.dissous_le is None


def test_a_collective_created_by_mistake_is_deleted(client, membre_structure, ptce):
    client.force_login(membre_structure)
    assert client.post(reverse("acteurs_ess:supprimer_collectif", args=[ptce.pk])).status_code == 302
    assert not Collectif.objects.filter(pk=ptce.pk).exists()


def test_a_collective_with_members_is_dissolved_not_deleted(client, membre_structure, ptce):
    MembreCollectifFactory(collectif=ptce, organisation=OrganisationFactory(), role="membre", etat="acceptee")
    client.force_login(membre_structure)
    reponse = client.post(reverse("acteurs_ess:supprimer_collectif", args=[ptce.pk]))
    assert reponse.status_code == 409
    page = texte(reponse)
    assert "1 organisation(s) en sont membres." in page
    assert "Dissolvez-le plutôt" in page
    assert Collectif.objects.filter(pk=ptce.pk).exists()


def test_a_collective_cited_by_a_contract_is_not_deleted(client, membre_structure, ptce):
    from contrats.models import DynamiqueCooperative
    from tests.contrats.factories import ContratFactory

    contrat = ContratFactory(nom="Contrat de ville de Rennes")
    DynamiqueCooperative.objects.create(contrat=contrat, type="ptce", collectif=ptce)
    client.force_login(membre_structure)
    reponse = client.post(reverse("acteurs_ess:supprimer_collectif", args=[ptce.pk]))
    assert reponse.status_code == 409
    assert "cité comme dynamique coopérative par les contrats : Contrat de ville de Rennes" in texte(reponse)


def test_a_member_records_that_the_structure_ceased_its_activity_and_can_undo_it(client, membre_structure, structure):
    client.force_login(membre_structure)
    le = timezone.localdate() - timedelta(days=10)
    reponse = client.post(
        reverse("acteurs_ess:cesser_activite", args=[structure.pk]),
        {"le": le.isoformat(), "motif": "Dissolution votée en assemblée générale."},
    )
    assert reponse.status_code == 302
    page = texte(client.get(structure.get_absolute_url()))
    assert f"Activité cessée le {le:%d/%m/%Y}" in page
    assert "Dissolution votée en assemblée générale." in page
    assert Structure.objects.filter(pk=structure.pk).exists()

    client.post(reverse("acteurs_ess:reprendre_activite", args=[structure.pk]))
    structure.refresh_from_db()
    assert structure.activite_cessee_le is None


def test_only_members_record_a_cessation(client, agent, structure):
    client.force_login(agent)
    reponse = client.post(
        reverse("acteurs_ess:cesser_activite", args=[structure.pk]), {"le": timezone.localdate().isoformat()}
    )
    assert reponse.status_code == 403
    structure.refresh_from_db()
    assert structure.activite_cessee_le is None
