"""Les agents d'une collectivité la rattachent aux signataires d'un contrat qui la concerne, ou l'en détachent."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comptes.models import Role
from contrats.models import JournalContrat, Signataire, StatutContrat
from contrats.registres import obstacles_suppression_signataire
from contrats.services import rattachement as services
from tests.double_authentification import activer
from tests.factories import AdhesionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contrat_signe(contrat):
    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    return contrat


@pytest.fixture
def agent_commune(commune):
    return activer(
        AdhesionFactory(organisation=commune, role=Role.AGENT, utilisateur__email="agent@rennes.fr").utilisateur
    )


def test_an_agent_of_a_covered_commune_attaches_it_from_the_contract_page(
    client, contrat_signe, commune, agent_commune
):
    client.force_login(agent_commune)
    page = client.get(contrat_signe.get_absolute_url()).content.decode()
    assert "Ajouter Ville de Rennes aux signataires" in page

    reponse = client.post(reverse("contrats:rattacher_collectivite", args=[contrat_signe.code, commune.pk]))

    assert reponse.status_code == 302
    signataire = Signataire.objects.get(contrat=contrat_signe, organisation=commune)
    assert signataire.ordre == 3
    assert JournalContrat.objects.filter(
        contrat=contrat_signe, auteur=agent_commune, motif="Signataire ajouté par ses agents : Ville de Rennes"
    ).exists()
    assert (
        "Ajouter Ville de Rennes aux signataires" not in client.get(contrat_signe.get_absolute_url()).content.decode()
    )


def test_a_collectivite_the_contract_does_not_cover_cannot_be_attached(client, contrat_signe):
    ailleurs = OrganisationFactory(commune=True, nom="Ville de Brest")
    agent_brest = AdhesionFactory(organisation=ailleurs, role=Role.AGENT).utilisateur
    client.force_login(agent_brest)
    assert "aux signataires" not in client.get(contrat_signe.get_absolute_url()).content.decode()
    reponse = client.post(reverse("contrats:rattacher_collectivite", args=[contrat_signe.code, ailleurs.pk]))
    assert reponse.status_code == 403
    with pytest.raises(PermissionDenied):
        services.rattacher_ma_collectivite(contrat_signe, agent_brest, ailleurs)
    assert not Signataire.objects.filter(organisation=ailleurs).exists()


def test_an_elected_member_cannot_attach_the_collectivite(client, contrat_signe, commune):
    elu = AdhesionFactory(organisation=commune, role=Role.ELU).utilisateur
    client.force_login(elu)
    reponse = client.post(reverse("contrats:rattacher_collectivite", args=[contrat_signe.code, commune.pk]))
    assert reponse.status_code == 403
    assert not Signataire.objects.filter(organisation=commune).exists()


def test_a_hidden_contract_answers_404(client, contrat, commune, agent_commune):
    client.force_login(agent_commune)
    reponse = client.post(reverse("contrats:rattacher_collectivite", args=[contrat.code, commune.pk]))
    assert reponse.status_code == 404


def test_attaching_twice_or_to_a_closed_contract_is_refused(contrat_signe, commune, agent_commune):
    services.rattacher_ma_collectivite(contrat_signe, agent_commune, commune)
    with pytest.raises(ValidationError, match="déjà signataire"):
        services.rattacher_ma_collectivite(contrat_signe, agent_commune, commune)
    contrat_signe.statut = StatutContrat.CLOS
    contrat_signe.save(update_fields=["statut"])
    Signataire.objects.filter(organisation=commune).delete()
    with pytest.raises(ValidationError, match="clos"):
        services.rattacher_ma_collectivite(contrat_signe, agent_commune, commune)


def test_an_agent_detaches_the_collectivite_with_a_confirmation(client, contrat_signe, commune, agent_commune):
    signataire = services.rattacher_ma_collectivite(contrat_signe, agent_commune, commune)
    client.force_login(agent_commune)
    url = reverse("contrats:detacher_collectivite", args=[contrat_signe.code, signataire.pk])
    assert url in client.get(contrat_signe.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 200

    assert client.post(url).status_code == 302

    assert not Signataire.objects.filter(pk=signataire.pk).exists()
    assert JournalContrat.objects.filter(motif="Signataire retiré par ses agents : Ville de Rennes").exists()


def test_detaching_is_refused_when_others_depend_on_it_and_nothing_changes(
    client, monkeypatch, contrat_signe, commune, agent_commune
):
    signataire = services.rattacher_ma_collectivite(contrat_signe, agent_commune, commune)
    monkeypatch.setitem(
        obstacles_suppression_signataire, "essai", lambda s: ["un financeur a déjà décidé sur un appel du contrat."]
    )
    client.force_login(agent_commune)
    reponse = client.post(reverse("contrats:detacher_collectivite", args=[contrat_signe.code, signataire.pk]))
    assert reponse.status_code == 409
    assert "un financeur a déjà décidé" in reponse.content.decode()
    assert Signataire.objects.filter(pk=signataire.pk).exists()


def test_a_signatory_that_signed_cannot_be_detached(contrat_signe, commune, agent_commune):
    signataire = services.rattacher_ma_collectivite(contrat_signe, agent_commune, commune)
    signataire.date_signature = date(2026, 6, 1)
    signataire.save(update_fields=["date_signature"])
    with pytest.raises(ValidationError, match="avenant"):
        services.detacher_ma_collectivite(signataire, agent_commune)
    assert Signataire.objects.filter(pk=signataire.pk).exists()


def test_agents_of_another_organisation_cannot_detach_it(client, contrat_signe, prefecture, agent_commune, agent_etat):
    signataire = Signataire.objects.get(contrat=contrat_signe, organisation=prefecture)
    client.force_login(agent_commune)
    reponse = client.post(reverse("contrats:detacher_collectivite", args=[contrat_signe.code, signataire.pk]))
    assert reponse.status_code == 403
    with pytest.raises(PermissionDenied):
        services.detacher_ma_collectivite(signataire, agent_commune)
    assert Signataire.objects.filter(pk=signataire.pk).exists()
