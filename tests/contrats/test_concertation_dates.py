"""Une concertation se prolonge, s'écourte ou se décale tant qu'elle n'est pas close ; elle se clôt avec un
motif ; ses publics reçoivent un e-mail à son ouverture (ou le jour de son début, si elle est ouverte à
l'avance)."""

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contrats.models import Concertation, JournalContrat
from contrats.services import concertation as services
from tests.taches import puis_executer_taches

pytestmark = pytest.mark.django_db


def aujourd_hui():
    return timezone.localdate()


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


@pytest.fixture
def concertation(contrat, section, agent):
    return services.ouvrir(
        contrat,
        agent,
        "Concertation sur l'emploi",
        aujourd_hui(),
        aujourd_hui() + timedelta(days=10),
        ["signataires", "structures"],
        sections=[section],
    )


def test_opening_a_concertation_emails_its_audiences(contrat, section, agent, agent_etat):
    with puis_executer_taches():
        concertation = services.ouvrir(
            contrat,
            agent,
            "Concertation sur l'emploi",
            aujourd_hui(),
            aujourd_hui() + timedelta(days=10),
            ["signataires"],
            sections=[section],
        )
    destinataires = {adresse for message in mail.outbox for adresse in message.to}
    assert agent_etat.email in destinataires
    assert "Concertation ouverte : « Concertation sur l'emploi »" in mail.outbox[0].subject
    concertation.refresh_from_db()
    assert concertation.annoncee_le is not None


def test_a_concertation_opened_in_advance_is_announced_on_its_first_day_once(contrat, section, agent, agent_etat):
    debut = aujourd_hui() + timedelta(days=3)
    with puis_executer_taches():
        concertation = services.ouvrir(
            contrat, agent, "Plus tard", debut, debut + timedelta(days=10), ["signataires"], sections=[section]
        )
    assert mail.outbox == []
    assert services.annoncer_ouvertures(debut - timedelta(days=1)) == 0

    with puis_executer_taches():
        assert services.annoncer_ouvertures(debut) == 1
    assert services.annoncer_ouvertures(debut) == 0
    assert any(agent_etat.email in message.to for message in mail.outbox)
    concertation.refresh_from_db()
    assert concertation.annoncee_le is not None


def test_an_agent_extends_an_open_concertation_journalled(client, agent, contrat, concertation):
    client.force_login(agent)
    nouvelle_fin = aujourd_hui() + timedelta(days=20)
    reponse = client.post(
        reverse("contrats:dates_concertation", args=[contrat.code, concertation.pk]),
        {"debut": concertation.debut.isoformat(), "fin": nouvelle_fin.isoformat()},
    )
    assert reponse.status_code == 302
    concertation.refresh_from_db()
    assert concertation.fin == nouvelle_fin
    assert JournalContrat.objects.filter(contrat=contrat, motif__startswith="Dates de la concertation").exists()


def test_the_start_of_a_started_concertation_does_not_move(client, agent, contrat, concertation):
    client.force_login(agent)
    reponse = client.post(
        reverse("contrats:dates_concertation", args=[contrat.code, concertation.pk]),
        {"debut": (aujourd_hui() + timedelta(days=1)).isoformat(), "fin": concertation.fin.isoformat()},
    )
    assert reponse.status_code == 400
    assert "son début ne change plus" in texte(reponse)
    concertation.refresh_from_db()
    assert concertation.debut == aujourd_hui()


def test_an_end_in_the_past_is_refused_with_the_way_to_stop_it(client, agent, contrat, concertation):
    client.force_login(agent)
    reponse = client.post(
        reverse("contrats:dates_concertation", args=[contrat.code, concertation.pk]),
        {"debut": concertation.debut.isoformat(), "fin": (aujourd_hui() - timedelta(days=1)).isoformat()},
    )
    assert reponse.status_code == 400
    assert "closez-la avec un motif" in texte(reponse)


def test_closing_requires_a_reason_shown_on_the_page(client, agent, contrat, concertation):
    client.force_login(agent)
    adresse = reverse("contrats:clore_concertation", args=[contrat.code, concertation.pk])

    sans_motif = client.post(adresse, {"motif": ""})
    assert sans_motif.status_code == 400
    assert Concertation.objects.get(pk=concertation.pk).close_le is None

    client.post(adresse, {"motif": "Le calendrier du contrat a changé."})
    page = texte(client.get(concertation.get_absolute_url()))
    assert "Motif de la clôture : Le calendrier du contrat a changé." in page.replace("</strong> ", " ").replace(
        "<strong>", ""
    )
    assert JournalContrat.objects.filter(contrat=contrat, motif__contains="close : Le calendrier").exists()


def test_a_closed_concertation_keeps_its_dates(agent, concertation):
    services.clore(concertation, agent, "Fin.")
    with pytest.raises(Exception, match="close : ses dates ne changent plus"):
        services.modifier_dates(concertation, agent, concertation.debut, concertation.fin + timedelta(days=3))


@pytest.mark.parametrize("personne", ["elu", "agent_etat"])
def test_only_the_carriers_agents_change_dates_or_close(client, request, contrat, concertation, personne):
    client.force_login(request.getfixturevalue(personne))
    dates = client.post(
        reverse("contrats:dates_concertation", args=[contrat.code, concertation.pk]),
        {"debut": concertation.debut.isoformat(), "fin": (concertation.fin + timedelta(days=5)).isoformat()},
    )
    clore = client.post(reverse("contrats:clore_concertation", args=[contrat.code, concertation.pk]), {"motif": "x"})
    assert (dates.status_code, clore.status_code) == (403, 403)
    concertation.refresh_from_db()
    assert concertation.close_le is None
