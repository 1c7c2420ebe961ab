"""Ce que les financements empêchent de supprimer dans un contrat : un signataire qui finance un appel ou y a
décidé ; la raison est dite, rien n'est supprimé."""

import html

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_funder_with_decisions_cannot_be_removed_from_the_signatories(client, agent, contrat, prefecture, decide):
    signataire = contrat.signataires.get(organisation=prefecture)
    client.force_login(agent)

    reponse = client.post(reverse("contrats:supprimer_signataire", args=[contrat.code, signataire.pk]))

    assert reponse.status_code == 409
    page = html.unescape(reponse.content.decode())
    assert "ne peut pas être retiré des signataires" in page
    assert "1 décision(s) de financement" in page
    assert contrat.signataires.filter(pk=signataire.pk).exists()


def test_a_funder_of_a_call_without_decisions_is_told_to_leave_the_call_first(client, agent, contrat, bailleur, appel):
    signataire = contrat.signataires.get(organisation=bailleur)
    client.force_login(agent)
    reponse = client.post(reverse("contrats:supprimer_signataire", args=[contrat.code, signataire.pk]))
    assert reponse.status_code == 409
    assert "retirez-le d'abord de ces appels" in html.unescape(reponse.content.decode())
    assert contrat.signataires.filter(pk=signataire.pk).exists()


def test_an_orientation_chosen_by_a_call_and_dossiers_is_not_deleted(client, agent, contrat, priorite, decide):
    client.force_login(agent)
    reponse = client.post(reverse("contrats:supprimer_orientation", args=[contrat.code, priorite.pk]))
    assert reponse.status_code == 409
    page = html.unescape(reponse.content.decode())
    assert "1 appel(s) à projets l'ont choisie comme priorité." in page
    assert "Renommez-la ou reformulez-la plutôt." in page
    assert type(priorite).objects.filter(pk=priorite.pk).exists()
