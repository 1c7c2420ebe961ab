"""Corriger la gouvernance d'un contrat sans l'administration : signataires, engagements, instances et
réunions se modifient et se suppriment depuis la page du contrat, chaque changement au journal du contrat."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from contrats.models import Engagement, InstanceGouvernance, JournalContrat, Reunion
from contrats.services import gouvernance as services

pytestmark = pytest.mark.django_db


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


@pytest.fixture
def signataire(contrat, prefecture):
    return contrat.signataires.get(organisation=prefecture)


@pytest.fixture
def engagement(signataire, agent):
    return services.ajouter_engagement(signataire, agent, "Mobiliser les délégués du préfet", Decimal("1000"))


@pytest.fixture
def instance(contrat, agent):
    return services.ajouter_instance(contrat, agent, "copil", "Comité de pilotage")


def test_an_agent_corrects_an_engagement_journalled(client, agent, contrat, engagement):
    client.force_login(agent)
    adresse = reverse("contrats:modifier_engagement", args=[contrat.code, engagement.pk])
    assert "Mobiliser les délégués du préfet" in texte(client.get(adresse))

    reponse = client.post(adresse, {"texte": "Mobiliser deux délégués du préfet", "montant": "2500"})

    assert reponse.status_code == 302
    engagement.refresh_from_db()
    assert (engagement.texte, engagement.montant) == ("Mobiliser deux délégués du préfet", Decimal("2500"))
    entree = JournalContrat.objects.get(contrat=contrat, a_statut="")
    assert (entree.auteur, entree.motif) == (agent, f"Engagement de {engagement.signataire.organisation} modifié")
    assert "Modification" in texte(client.get(contrat.get_absolute_url()))


def test_a_bad_amount_keeps_the_engagement_and_the_input(client, agent, contrat, engagement):
    client.force_login(agent)
    adresse = reverse("contrats:modifier_engagement", args=[contrat.code, engagement.pk])
    reponse = client.post(adresse, {"texte": "Nouveau texte", "montant": "-5"})
    assert reponse.status_code == 200
    assert "Nouveau texte" in texte(reponse)
    engagement.refresh_from_db()
    assert engagement.texte == "Mobiliser les délégués du préfet"


def test_an_agent_deletes_an_engagement(client, agent, contrat, engagement):
    client.force_login(agent)
    adresse = reverse("contrats:supprimer_engagement", args=[contrat.code, engagement.pk])
    assert client.get(adresse).status_code == 200
    assert client.post(adresse).status_code == 302
    assert not Engagement.objects.filter(pk=engagement.pk).exists()


def test_an_agent_records_a_signature_and_removes_a_signatory_with_its_engagements(
    client, agent, contrat, signataire, engagement
):
    client.force_login(agent)
    client.post(
        reverse("contrats:modifier_signataire", args=[contrat.code, signataire.pk]),
        {"signe_par": "Le préfet", "date_signature": "2024-06-28"},
    )
    signataire.refresh_from_db()
    assert (signataire.signe_par, signataire.date_signature) == ("Le préfet", date(2024, 6, 28))

    confirmation = texte(client.get(reverse("contrats:supprimer_signataire", args=[contrat.code, signataire.pk])))
    assert "ses 1 engagement(s) seront supprimés" in confirmation
    assert client.post(reverse("contrats:supprimer_signataire", args=[contrat.code, signataire.pk])).status_code == 302
    assert not contrat.signataires.filter(pk=signataire.pk).exists()
    assert not Engagement.objects.filter(pk=engagement.pk).exists()
    assert JournalContrat.objects.filter(contrat=contrat, motif__contains="et ses 1 engagement").exists()


def test_a_governance_body_that_met_cannot_be_deleted_and_the_page_says_what_to_do(client, agent, contrat, instance):
    services.ajouter_reunion(instance, agent, date(2026, 3, 1), "Préfecture\nMétropole")
    client.force_login(agent)

    reponse = client.post(reverse("contrats:supprimer_instance", args=[contrat.code, instance.pk]))

    assert reponse.status_code == 409
    assert "s'est réunie 1 fois" in texte(reponse)
    assert "Rien n'a été supprimé" in texte(reponse)
    assert InstanceGouvernance.objects.filter(pk=instance.pk).exists()


def test_an_agent_corrects_then_deletes_a_meeting_then_the_body(client, agent, contrat, instance):
    reunion = services.ajouter_reunion(instance, agent, date(2026, 3, 1), "Préfecture")
    client.force_login(agent)
    client.post(
        reverse("contrats:modifier_reunion", args=[contrat.code, reunion.pk]),
        {
            "date": "2026-03-02",
            "participants": "Préfecture\nBailleur",
            "decisions": "Lancer l'appel",
            "compte_rendu": "",
        },
    )
    reunion.refresh_from_db()
    assert (reunion.date, reunion.liste_participants) == (date(2026, 3, 2), ["Préfecture", "Bailleur"])

    assert client.post(reverse("contrats:supprimer_reunion", args=[contrat.code, reunion.pk])).status_code == 302
    assert not Reunion.objects.filter(pk=reunion.pk).exists()
    client.post(
        reverse("contrats:modifier_instance", args=[contrat.code, instance.pk]),
        {"type": "cotech", "nom": "Comité technique", "composition": ""},
    )
    instance.refresh_from_db()
    assert (instance.type, instance.nom) == ("cotech", "Comité technique")
    assert client.post(reverse("contrats:supprimer_instance", args=[contrat.code, instance.pk])).status_code == 302
    assert not InstanceGouvernance.objects.filter(pk=instance.pk).exists()


@pytest.mark.parametrize("personne", ["elu", "agent_etat"])
def test_only_the_carriers_agents_correct_the_governance(client, request, contrat, engagement, instance, personne):
    client.force_login(request.getfixturevalue(personne))
    modifier = client.post(
        reverse("contrats:modifier_engagement", args=[contrat.code, engagement.pk]), {"texte": "Piraté", "montant": ""}
    )
    supprimer = client.post(reverse("contrats:supprimer_instance", args=[contrat.code, instance.pk]))
    assert (modifier.status_code, supprimer.status_code) == (403, 403)
    engagement.refresh_from_db()
    assert engagement.texte == "Mobiliser les délégués du préfet"
    assert InstanceGouvernance.objects.filter(pk=instance.pk).exists()


def test_an_engagement_of_another_contract_is_not_found(client, agent, contrat, engagement):
    from tests.contrats.factories import ContratFactory

    autre = ContratFactory(epci=contrat.epci, code="CN03599I")
    client.force_login(agent)
    reponse = client.post(reverse("contrats:supprimer_engagement", args=[autre.code, engagement.pk]))
    assert reponse.status_code == 404
    assert Engagement.objects.filter(pk=engagement.pk).exists()
