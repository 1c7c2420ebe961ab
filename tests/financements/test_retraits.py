"""Le porteur supprime un brouillon, ou retire un dossier déposé avant toute décision (avec un motif, ses
instructeurs prévenus) ; les instructeurs sont prévenus de chaque dépôt et redépôt."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from financements.models import Dossier, StatutDossier
from financements.services import instruction
from tests.taches import puis_executer_taches

pytestmark = pytest.mark.django_db


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def test_filing_a_dossier_emails_its_instructors(brouillon, membre_structure, agent, agent_etat, epci, prefecture):
    from decimal import Decimal

    from financements.services import dossiers as services
    from tests.financements.conftest import remplir

    remplir(brouillon, membre_structure, {epci: Decimal("10000"), prefecture: Decimal("30000")})
    with puis_executer_taches():
        services.deposer(brouillon, membre_structure)
    aux_instructeurs = [m for m in mail.outbox if "] Dossier déposé" in m.subject]
    destinataires = {adresse for m in aux_instructeurs for adresse in m.to}
    assert {agent.email, agent_etat.email} <= destinataires
    assert membre_structure.email not in destinataires


def test_a_refiled_dossier_is_announced_as_such(depose, agent, membre_structure):
    from financements.services import dossiers as services

    instruction.prendre_en_instruction(depose, agent)
    instruction.demander_correction(depose, agent, "Précisez le public.")
    with puis_executer_taches():
        services.deposer(depose, membre_structure)
    assert any("] Dossier redéposé après correction" in m.subject for m in mail.outbox)


def test_the_carrier_deletes_a_draft(client, brouillon, membre_structure):
    client.force_login(membre_structure)
    adresse = reverse("financements:supprimer_brouillon", args=[brouillon.pk])
    assert client.get(adresse).status_code == 200
    assert client.post(adresse).status_code == 302
    assert not Dossier.objects.filter(pk=brouillon.pk).exists()


def test_a_filed_dossier_is_not_deleted_but_withdrawn(client, depose, membre_structure):
    client.force_login(membre_structure)
    reponse = client.post(reverse("financements:supprimer_brouillon", args=[depose.pk]))
    assert reponse.status_code == 409
    assert "Retirez-le avec un motif" in texte(reponse)
    assert Dossier.objects.filter(pk=depose.pk).exists()


def test_the_carrier_withdraws_a_filed_dossier_with_a_reason_and_instructors_are_told(
    client, depose, membre_structure, agent
):
    client.force_login(membre_structure)
    adresse = reverse("financements:retirer_dossier", args=[depose.pk])
    assert "Retirer le dossier" in texte(client.get(depose.get_absolute_url()))

    with puis_executer_taches():
        reponse = client.post(adresse, {"motif": "L'action est financée par la fondation."})

    assert reponse.status_code == 302
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.RETIRE
    entree = depose.journal.order_by("-pk").first()
    assert (entree.a_statut, entree.motif) == (StatutDossier.RETIRE, "L'action est financée par la fondation.")
    retraits = [m for m in mail.outbox if "] Dossier retiré par son porteur" in m.subject]
    assert any(agent.email in m.to for m in retraits)
    assert "financée par la fondation" in retraits[0].body


def test_a_withdrawal_without_reason_changes_nothing(client, depose, membre_structure):
    client.force_login(membre_structure)
    reponse = client.post(reverse("financements:retirer_dossier", args=[depose.pk]), {"motif": " "})
    assert reponse.status_code == 400
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.DEPOSE


def test_a_dossier_with_a_decision_is_not_withdrawn(client, depose, membre_structure, agent, epci):
    instruction.prendre_en_instruction(depose, agent)
    instruction.decider(depose, agent, epci, "10000")
    client.force_login(membre_structure)
    reponse = client.post(reverse("financements:retirer_dossier", args=[depose.pk]), {"motif": "Abandon."})
    assert reponse.status_code == 409
    assert "Des financeurs ont déjà décidé (Rennes Métropole)" in texte(reponse)
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.EN_INSTRUCTION


@pytest.mark.parametrize("personne", ["agent", "agent_etat"])
def test_instructors_neither_delete_nor_withdraw(client, request, depose, personne):
    client.force_login(request.getfixturevalue(personne))
    reponse = client.post(reverse("financements:retirer_dossier", args=[depose.pk]), {"motif": "Non."})
    assert reponse.status_code == 403
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.DEPOSE
