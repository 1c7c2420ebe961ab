"""La double authentification, exigée des agents et de l'État avant d'instruire, de décider ou d'exporter le
tableau d'instruction (comptes/mfa.py) ; jamais demandée aux porteurs."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from comptes.mfa import CLE_RETOUR
from financements.models import DecisionFinanceur, StatutDossier
from financements.services import instruction
from tests.double_authentification import activer, desactiver
from tests.taches import puis_executer_taches

pytestmark = pytest.mark.django_db

DECISION = {"montant": "10000", "nature": "aide en numéraire", "conditions_versement": "unique"}


def _vers_activation(reponse) -> str:
    """La page de retour, si la réponse envoie activer la double authentification (sinon l'échec du test)."""
    assert reponse.status_code == 302
    adresse = urlsplit(reponse["Location"])
    assert adresse.path == reverse("mfa_activate_totp")
    return parse_qs(adresse.query)["next"][0]


def test_it_sends_an_agent_without_it_to_activate_it_and_saves_no_decision(client, depose, agent, epci):
    with puis_executer_taches():
        instruction.prendre_en_instruction(depose, agent)
    desactiver(agent)
    client.force_login(agent)
    page = reverse("financements:dossier", args=[depose.pk])
    reponse = client.post(
        reverse("financements:decision_dossier", args=[depose.pk]),
        {"financeur": epci.pk, **DECISION},
        headers={"referer": f"http://testserver{page}"},
    )
    assert _vers_activation(reponse) == f"http://testserver{page}"
    assert client.session[CLE_RETOUR] == f"http://testserver{page}"
    (message,) = get_messages(reponse.wsgi_request)
    assert "double authentification" in message.message
    assert not DecisionFinanceur.objects.exists()
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.EN_INSTRUCTION


def test_it_lets_an_agent_with_it_decide(client, depose, agent, epci):
    with puis_executer_taches():
        instruction.prendre_en_instruction(depose, agent)
    client.force_login(agent)
    reponse = client.post(
        reverse("financements:decision_dossier", args=[depose.pk]), {"financeur": epci.pk, **DECISION}
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("financements:dossier", args=[depose.pk])
    assert DecisionFinanceur.objects.get().montant == 10000


@pytest.mark.parametrize(
    "action, donnees",
    [
        ("prendre_dossier", {}),
        ("correction_dossier", {"motif": "Budget à revoir"}),
        ("note_dossier", {"texte": "Vu"}),
        ("message_dossier", {"texte": "Bonjour"}),
        ("transition_dossier", {"statut": "clos"}),
    ],
)
def test_it_guards_every_instruction_action(client, depose, agent, action, donnees):
    desactiver(agent)
    client.force_login(agent)
    reponse = client.post(reverse(f"financements:{action}", args=[depose.pk]), donnees)
    assert _vers_activation(reponse) == reverse("accueil")  # sans page d'origine connue
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.DEPOSE
    assert not depose.messages.exists()


@pytest.mark.parametrize("export", ["export_csv", "export_xlsx"])
def test_it_sends_a_state_member_without_it_back_from_the_exports(client, appel, agent_etat, export):
    desactiver(agent_etat)
    client.force_login(agent_etat)
    reponse = client.get(reverse(f"financements:{export}"), {"porteur": "régie"})
    assert _vers_activation(reponse) == reverse(f"financements:{export}") + "?porteur=r%C3%A9gie"
    activer(agent_etat)
    assert client.get(reverse(f"financements:{export}")).status_code == 200


def test_it_never_asks_a_porteur(client, depose, membre_structure):
    client.force_login(membre_structure)
    with puis_executer_taches():
        reponse = client.post(reverse("financements:message_dossier", args=[depose.pk]), {"texte": "Une question"})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("financements:dossier", args=[depose.pk]) + "#messages"
    assert depose.messages.get().texte == "Une question"
