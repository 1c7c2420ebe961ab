"""Avenants d'un contrat signé et dispositifs nationaux du contrat (issue 14, point 1)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contrats import documents
from contrats.models import Avenant, JournalContrat, StatutAvenant, StatutContrat, VersionSection
from contrats.services import avenants as services
from contrats.services import sections as sections_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def signe(contrat, section):
    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    return contrat


@pytest.fixture
def avenant(signe, agent):
    return services.creer_avenant(signe, agent, "Cadre de vie", "Bilan à mi-parcours.")


def _url(nom, contrat, *args):
    return reverse(f"contrats:{nom}", args=[contrat.code, *args])


# --- Avenants : le parcours ------------------------------------------------------------------------------


def test_an_agent_prepares_then_adopts_an_avenant_which_creates_versions(client, agent, signe, section):
    client.force_login(agent)
    reponse = client.post(
        _url("nouvel_avenant", signe), {"objet": "Emploi des jeunes", "motif": "Nouveau dispositif national."}
    )
    avenant = Avenant.objects.get(contrat=signe)
    assert reponse.url == avenant.get_absolute_url()
    assert avenant.numero == 1 and avenant.statut == StatutAvenant.PREPARATION

    client.post(avenant.get_absolute_url(), {"section": section.pk, "texte": "<p>Texte révisé.</p>"})
    page = client.get(avenant.get_absolute_url()).content.decode()
    assert "Texte révisé." in page and "Premier texte." in page  # les différences
    section.refresh_from_db()
    assert section.texte == "<p>Premier texte.</p>"  # rien ne change avant l'adoption

    reponse = client.post(
        _url("adopter_avenant", signe, 1), {"date_adoption": "2026-06-01", "reference": "Délibération n° 2026-42"}
    )
    assert reponse.status_code == 302
    avenant.refresh_from_db()
    section.refresh_from_db()
    assert avenant.statut == StatutAvenant.ADOPTE and avenant.date_adoption == date(2026, 6, 1)
    assert section.texte == "<p>Texte révisé.</p>" and section.numero == 2
    version = VersionSection.objects.get(section=section, numero=2)
    assert version.message == "Avenant n° 1"
    assert avenant.modifications.get().version == version
    assert JournalContrat.objects.filter(contrat=signe, motif__contains="Avenant n° 1 adopté le 01/06/2026").exists()


def test_the_contract_page_lists_avenants_and_hides_those_in_preparation_from_the_public(
    client, agent, signe, section, avenant
):
    services.modifier_section(avenant, agent, section, "<p>Nouveau.</p>")
    assert "Avenant n° 1" not in client.get(signe.get_absolute_url()).content.decode()
    assert client.get(avenant.get_absolute_url()).status_code == 404
    services.adopter(avenant, agent, date(2026, 6, 1), "Délibération 12")
    page = client.get(signe.get_absolute_url()).content.decode()
    assert "Avenant n° 1" in page and "adopté le 01/06/2026" in page and "« Emploi et insertion »" in page
    assert client.get(avenant.get_absolute_url()).status_code == 200


def test_the_pdf_lists_adopted_avenants_and_its_fingerprint_changes(agent, signe, section, avenant):
    services.modifier_section(avenant, agent, section, "<p>Nouveau.</p>")
    avant = documents.empreinte(signe)
    services.adopter(avenant, agent, date(2026, 6, 1), "Délibération 12")
    assert documents.empreinte(signe) != avant
    html = documents.html_contrat(signe)
    assert "Avenant n° 1 — adopté le 01/06/2026 (Délibération 12)" in html
    assert "Bilan à mi-parcours." in html


def test_numbers_follow_each_other(agent, signe, avenant):
    assert services.creer_avenant(signe, agent, "Autre", "Autre motif").numero == 2


# --- Avenants : refus ------------------------------------------------------------------------------------


def test_editing_a_section_of_a_signed_contract_says_to_create_an_avenant(client, agent, signe, section):
    client.force_login(agent)
    reponse = client.get(reverse("contrats:modifier_section", args=[signe.code, section.pk]))
    assert reponse.status_code == 403
    assert "Créer un avenant" in reponse.content.decode()
    with pytest.raises(PermissionDenied, match="créez un avenant"):
        sections_services.enregistrer(section, agent, "<p>Hors avenant.</p>", section.numero)


def test_an_empty_avenant_cannot_be_adopted(client, agent, signe, avenant):
    client.force_login(agent)
    reponse = client.post(
        _url("adopter_avenant", signe, 1), {"date_adoption": "2026-06-01", "reference": "Délibération 12"}
    )
    assert reponse.status_code == 400
    assert "Cet avenant est vide" in reponse.content.decode()
    avenant.refresh_from_db()
    assert avenant.statut == StatutAvenant.PREPARATION


def test_no_avenant_on_an_unsigned_contract(client, agent, contrat):
    client.force_login(agent)
    assert client.get(_url("nouvel_avenant", contrat)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.creer_avenant(contrat, agent, "Objet", "Motif")
    assert not Avenant.objects.exists()


def test_an_avenant_needs_what_and_why(client, agent, signe):
    client.force_login(agent)
    reponse = client.post(_url("nouvel_avenant", signe), {"objet": " ", "motif": ""})
    assert reponse.status_code == 200
    assert not Avenant.objects.exists()


def test_an_unchanged_text_is_refused_on_its_field(client, agent, signe, section, avenant):
    client.force_login(agent)
    reponse = client.post(avenant.get_absolute_url(), {"section": section.pk, "texte": section.texte})
    assert reponse.status_code == 400
    assert "Ce texte est celui de la section en vigueur" in reponse.content.decode()
    assert not avenant.modifications.exists()


def test_an_adopted_avenant_no_longer_changes(agent, signe, section, avenant):
    services.modifier_section(avenant, agent, section, "<p>Nouveau.</p>")
    services.adopter(avenant, agent, date(2026, 6, 1), "Délibération 12")
    with pytest.raises(ValidationError, match="adopté"):
        services.modifier_section(avenant, agent, section, "<p>Encore.</p>")
    with pytest.raises(ValidationError):
        services.adopter(avenant, agent, date(2026, 6, 2), "Délibération 13")
    assert VersionSection.objects.filter(section=section, message="Avenant n° 1").count() == 1


def test_adoption_needs_a_date_and_a_reference(agent, signe, section, avenant):
    services.modifier_section(avenant, agent, section, "<p>Nouveau.</p>")
    with pytest.raises(ValidationError) as erreur:
        services.adopter(avenant, agent, None, "")
    assert set(erreur.value.message_dict) == {"date_adoption", "reference"}


def test_only_the_carrier_agents_prepare_avenants(client, signe, section, avenant, elu, agent_etat, membre_structure):
    for personne in (elu, agent_etat):
        client.force_login(personne)
        assert client.get(_url("nouvel_avenant", signe)).status_code == 403
        assert client.get(avenant.get_absolute_url()).status_code == 200  # les associés lisent
        reponse = client.post(avenant.get_absolute_url(), {"section": section.pk, "texte": "<p>X</p>"})
        assert reponse.status_code == 403
        reponse = client.post(_url("adopter_avenant", signe, 1), {"date_adoption": "2026-06-01", "reference": "R"})
        assert reponse.status_code == 403
    client.force_login(membre_structure)
    assert client.get(avenant.get_absolute_url()).status_code == 404  # en préparation : caché
    assert not avenant.modifications.exists()


def test_a_modification_can_be_withdrawn(client, agent, signe, section, avenant):
    modification = services.modifier_section(avenant, agent, section, "<p>Nouveau.</p>")
    client.force_login(agent)
    client.post(_url("retirer_modification_avenant", signe, 1, modification.pk))
    assert not avenant.modifications.exists()


# --- Dispositifs nationaux -------------------------------------------------------------------------------


def test_an_agent_sets_the_national_schemes_shown_as_tags(client, agent, contrat):
    client.force_login(agent)
    reponse = client.post(_url("dispositifs", contrat), {"dispositifs": ["npnru", "cite_emploi"]})
    assert reponse.status_code == 302
    contrat.refresh_from_db()
    assert contrat.dispositifs == ["cite_emploi", "npnru"]
    page = client.get(contrat.get_absolute_url()).content.decode()
    assert "Cité de l&#x27;emploi" in page and "Renouvellement urbain (NPNRU)" in page
    assert JournalContrat.objects.filter(contrat=contrat, motif__startswith="Dispositifs nationaux").exists()


def test_unknown_schemes_are_refused(client, agent, contrat):
    client.force_login(agent)
    reponse = client.post(_url("dispositifs", contrat), {"dispositifs": ["inconnu"]})
    assert reponse.status_code == 200
    contrat.refresh_from_db()
    assert contrat.dispositifs == []


def test_only_the_carrier_agents_set_the_schemes(client, contrat, elu, agent_etat):
    for personne in (elu, agent_etat):
        client.force_login(personne)
        assert client.post(_url("dispositifs", contrat), {"dispositifs": ["npnru"]}).status_code == 403
    contrat.refresh_from_db()
    assert contrat.dispositifs == []


def test_the_list_filters_by_scheme_with_a_fixed_number_of_queries(client, contrat, django_assert_num_queries):
    from tests.contrats.factories import ContratFactory

    contrat.dispositifs = ["tzcld"]
    contrat.save(update_fields=["dispositifs"])
    url = reverse("contrats:liste") + "?dispositif=tzcld"
    with django_assert_num_queries(2):
        contenu = client.get(url).content.decode()
    assert contrat.nom in contenu and "1 contrat" in contenu
    ContratFactory.create_batch(5, dispositifs=["tzcld", "npnru"])
    ContratFactory.create_batch(3)
    with django_assert_num_queries(2):
        contenu = client.get(url).content.decode()
    assert "6 contrats" in contenu
