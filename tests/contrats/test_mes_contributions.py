"""Les contributions vues par leur auteur·e : « Mes contributions », modifier ou retirer une contribution encore
« déposée », lire la version qui l'a intégrée ; les concertations ouvertes sur l'accueil et les pages QPV."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contrats.models import Contribution, JournalContribution
from contrats.services import concertation as services
from contrats.services import sections
from tests.contrats.factories import ContributionFactory

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate


@pytest.fixture
def concertation(contrat, section, agent):
    return services.ouvrir(
        contrat,
        agent,
        "Concertation sur l'emploi",
        AUJOURD_HUI(),
        AUJOURD_HUI() + timezone.timedelta(days=30),
        ["signataires", "structures", "habitants"],
        sections=[section],
    )


@pytest.fixture
def contribution(concertation, section, membre_structure):
    return services.contribuer(concertation, membre_structure, "Associer les régies de quartier.", section=section)


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


# --- Mes contributions -------------------------------------------------------------------------------------


def test_it_lists_my_contributions_with_their_state_and_answer(client, agent, contribution, membre_structure):
    services.repondre(contribution, agent, "non_retenue", "Déjà prévu par le bailleur.")
    client.force_login(membre_structure)

    page = texte(client.get(reverse("contrats:mes_contributions")))

    assert "Associer les régies de quartier." in page
    assert "Non retenue" in page
    assert "Déjà prévu par le bailleur." in page


def test_it_shows_only_my_own_contributions(client, concertation, section, contribution, agent_etat):
    services.contribuer(concertation, agent_etat, "Texte de l'État.", section=section)
    client.force_login(agent_etat)
    page = texte(client.get(reverse("contrats:mes_contributions")))
    assert "Texte de l'État." in page
    assert "Associer les régies de quartier." not in page


def test_it_filters_my_contributions_by_contract_name_without_accents(client, contribution, membre_structure):
    contrat = contribution.concertation.contrat
    contrat.nom = "Contrat de ville de Rennes Métropole"
    contrat.save(update_fields=["nom"])
    client.force_login(membre_structure)

    trouve = texte(client.get(reverse("contrats:mes_contributions"), {"contrat": "METROPOLE"}))
    absent = texte(client.get(reverse("contrats:mes_contributions"), {"contrat": "Toulouse"}))

    assert "Associer les régies de quartier." in trouve
    assert "Associer les régies de quartier." not in absent


def test_my_contributions_page_runs_a_fixed_number_of_queries(client, concertation, section, membre_structure):
    client.force_login(membre_structure)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as capture:
            assert client.get(reverse("contrats:mes_contributions")).status_code == 200
        return len(capture)

    ContributionFactory(concertation=concertation, section=section, auteur=membre_structure)
    une = requetes()
    for _ in range(5):
        ContributionFactory(concertation=concertation, section=section, auteur=membre_structure)
    assert requetes() == une


def test_it_links_my_contributions_from_my_space(client, contribution, membre_structure):
    client.force_login(membre_structure)
    page = texte(client.get(reverse("comptes:mon_espace")))
    assert "Vous avez déposé 1 contribution aux concertations" in page
    assert reverse("contrats:mes_contributions") in page


# --- Modifier, retirer -------------------------------------------------------------------------------------


def test_it_lets_the_author_edit_a_filed_contribution_journalled(client, contribution, membre_structure):
    client.force_login(membre_structure)
    adresse = reverse("contrats:modifier_contribution", args=[contribution.concertation.contrat.code, contribution.pk])
    assert "Associer les régies de quartier." in texte(client.get(adresse))

    reponse = client.post(adresse, {"texte": "Associer les régies et les centres sociaux.", "proposition": ""})

    assert reponse.status_code == 302
    contribution.refresh_from_db()
    assert contribution.texte == "Associer les régies et les centres sociaux."
    assert JournalContribution.objects.filter(contribution=contribution, evenement="Modifiée par son auteur").exists()


def test_it_refuses_an_empty_edit_and_keeps_the_contribution(client, contribution, membre_structure):
    client.force_login(membre_structure)
    adresse = reverse("contrats:modifier_contribution", args=[contribution.concertation.contrat.code, contribution.pk])
    reponse = client.post(adresse, {"texte": "", "proposition": "Une proposition."})
    assert reponse.status_code == 400
    assert "Une proposition." in texte(reponse)
    contribution.refresh_from_db()
    assert contribution.texte == "Associer les régies de quartier."


def test_it_refuses_to_edit_a_contribution_under_analysis(client, agent, contribution, membre_structure):
    services.analyser(contribution, agent)
    client.force_login(membre_structure)
    adresse = reverse("contrats:modifier_contribution", args=[contribution.concertation.contrat.code, contribution.pk])

    reponse = client.post(adresse, {"texte": "Autre texte.", "proposition": ""})

    assert reponse.status_code == 400
    assert "la collectivité l'a prise en main" in texte(reponse)
    contribution.refresh_from_db()
    assert contribution.texte == "Associer les régies de quartier."


def test_it_hides_someone_elses_contribution_from_edit_and_withdrawal(client, contribution, agent_etat):
    client.force_login(agent_etat)
    code = contribution.concertation.contrat.code
    modifier = client.post(
        reverse("contrats:modifier_contribution", args=[code, contribution.pk]), {"texte": "Piraté.", "proposition": ""}
    )
    retirer = client.post(reverse("contrats:retirer_contribution", args=[code, contribution.pk]))
    assert (modifier.status_code, retirer.status_code) == (404, 404)
    contribution.refresh_from_db()
    assert contribution.texte == "Associer les régies de quartier."


def test_it_lets_the_author_withdraw_a_filed_contribution(client, contribution, membre_structure):
    client.force_login(membre_structure)
    adresse = reverse("contrats:retirer_contribution", args=[contribution.concertation.contrat.code, contribution.pk])
    assert client.get(adresse).status_code == 200

    reponse = client.post(adresse)

    assert reponse.status_code == 302
    assert not Contribution.objects.filter(pk=contribution.pk).exists()


def test_it_refuses_to_withdraw_an_answered_contribution(client, agent, contribution, membre_structure):
    services.repondre(contribution, agent, "retenue", "Merci, retenue.")
    client.force_login(membre_structure)
    adresse = reverse("contrats:retirer_contribution", args=[contribution.concertation.contrat.code, contribution.pk])

    reponse = client.post(adresse)

    assert reponse.status_code == 409
    assert "vous ne pouvez plus la retirer" in texte(reponse)
    assert Contribution.objects.filter(pk=contribution.pk).exists()


def test_it_refuses_to_withdraw_once_the_concertation_is_closed(agent, contribution, membre_structure):
    services.clore(contribution.concertation, agent, "Fin anticipée.")
    contribution.refresh_from_db()
    with pytest.raises(Exception, match="La concertation est close"):
        services.retirer_contribution(contribution, membre_structure)
    assert Contribution.objects.filter(pk=contribution.pk).exists()


# --- La version qui a intégré la contribution --------------------------------------------------------------


def test_the_author_reads_the_version_that_took_in_their_contribution_before_signature(
    client, agent, concertation, section, habitant
):
    contribution = services.contribuer(concertation, habitant, "Un jardin partagé.", section=section)
    services.repondre(contribution, agent, "retenue", "Retenue.")
    sections.enregistrer(
        section, agent, "<p>Premier texte.</p><p>Un jardin partagé.</p>", 1, contributions=[contribution]
    )
    services.clore(concertation, agent, "Fin anticipée.")
    adresse = reverse("contrats:version", args=[concertation.contrat.code, section.pk, 2])
    client.force_login(habitant)

    assert adresse in texte(client.get(reverse("contrats:mes_contributions")))
    reponse = client.get(adresse)

    assert reponse.status_code == 200
    assert "Un jardin partagé." in texte(reponse)
    # La version d'avant, qui n'a rien intégré de l'habitant·e, reste réservée aux associés du contrat.
    assert client.get(reverse("contrats:version", args=[concertation.contrat.code, section.pk, 1])).status_code == 404


# --- Concertations ouvertes --------------------------------------------------------------------------------


def test_the_home_page_lists_open_concertations_and_sends_visitors_to_log_in(client, concertation):
    page = texte(client.get(reverse("accueil")))
    assert "Concertations ouvertes" in page
    assert "Concertation sur l'emploi" in page
    assert f"{reverse('account_login')}?next=" in page


def test_the_home_page_hides_concertations_among_signatories_only(client, contrat, section, agent):
    services.ouvrir(
        contrat,
        agent,
        "Entre signataires",
        AUJOURD_HUI(),
        AUJOURD_HUI() + timezone.timedelta(days=10),
        ["signataires"],
        sections=[section],
    )
    assert "Entre signataires" not in texte(client.get(reverse("accueil")))


def test_a_qpv_page_lists_the_open_concertations_of_its_contracts(client, concertation, territoire):
    qpv = territoire["qpv"][0]
    page = texte(client.get(qpv.get_absolute_url()))
    assert "Concertations ouvertes" in page
    assert "Concertation sur l'emploi" in page
