"""Le projet de convention commun, préparé depuis la page d'un dossier décidé : une seule convention entre la
structure et les financeurs qui ont accordé un montant et n'ont pas encore de convention pour ce dossier (hors
conventions résiliées). Le dossier `decide` (tests/financements/conftest.py) : 10 000 € de la métropole,
30 000 € de l'État, chacun avec son projet de convention généré à la décision."""

from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from financements.models import Convention, JournalConvention, StatutConvention
from financements.services import conventions as services
from tests.double_authentification import desactiver


def _resilier(dossier, *financeurs) -> None:
    conventions = Convention.objects.filter(dossiers=dossier)
    if financeurs:
        conventions = conventions.filter(parties__financeur__in=financeurs)
    Convention.objects.filter(pk__in=conventions.values("pk")).update(statut=StatutConvention.RESILIEE)


def _commune(dossier):
    return Convention.objects.filter(dossiers=dossier).exclude(statut=StatutConvention.RESILIEE)


def _texte(reponse) -> str:
    return unescape(reponse.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def test_it_drafts_one_convention_with_every_funder_that_has_none(decide, agent, epci, prefecture):
    _resilier(decide)

    convention = services.preparer_convention_commune(decide, agent)

    assert list(_commune(decide)) == [convention]
    assert convention.statut == StatutConvention.PROJET
    assert {(m.financeur_id, m.montant) for m in convention.montants.all()} == {
        (epci.pk, Decimal("10000")),
        (prefecture.pk, Decimal("30000")),
    }
    assert list(convention.dossiers.all()) == [decide]
    assert convention.articles.count() == 12
    assert JournalConvention.objects.filter(convention=convention, evenement="Projet de convention créé").exists()


def test_it_only_brings_in_the_funders_without_a_convention(decide, agent, epci, prefecture):
    _resilier(decide, prefecture)

    convention = services.preparer_convention_commune(decide, agent)

    assert [p.financeur for p in convention.parties.all()] == [prefecture]


def test_it_refuses_when_every_funder_already_has_its_convention(decide, agent):
    avant = Convention.objects.count()

    with pytest.raises(ValidationError) as erreur:
        services.preparer_convention_commune(decide, agent)

    assert "a déjà sa convention" in " ".join(erreur.value.messages)
    assert Convention.objects.count() == avant


def test_it_refuses_a_dossier_that_is_not_decided(depose, agent):
    with pytest.raises(ValidationError) as erreur:
        services.preparer_convention_commune(depose, agent)

    assert erreur.value.messages == ["Seul un dossier décidé reçoit un projet de convention."]
    assert not Convention.objects.exists()


def test_a_funder_agent_prepares_it_from_the_dossier_page(client, decide, agent, epci, prefecture):
    _resilier(decide)
    client.force_login(agent)
    page = _texte(client.get(decide.get_absolute_url()))
    assert "Préparer la convention" in page

    reponse = client.post(reverse("financements:preparer_convention", args=[decide.pk]), follow=True)

    convention = _commune(decide).get()
    assert reponse.redirect_chain[-1][0] == convention.get_absolute_url()
    message = _texte(reponse)
    assert "Projet de convention préparé avec " in message
    assert epci.nom in message and prefecture.nom in message


def test_the_button_is_absent_once_every_funder_has_its_convention(client, decide, agent):
    client.force_login(agent)
    assert "Préparer la convention" not in _texte(client.get(decide.get_absolute_url()))


def test_a_second_request_shows_why_nothing_is_prepared(client, decide, agent):
    client.force_login(agent)
    reponse = client.post(reverse("financements:preparer_convention", args=[decide.pk]), follow=True)
    assert reponse.redirect_chain[-1][0] == decide.get_absolute_url()
    assert "a déjà sa convention : rien à préparer" in _texte(reponse)


def test_the_structure_may_not_prepare_it(client, decide, membre_structure):
    _resilier(decide)
    client.force_login(membre_structure)
    assert "Préparer la convention" not in _texte(client.get(decide.get_absolute_url()))
    assert client.post(reverse("financements:preparer_convention", args=[decide.pk])).status_code == 403
    assert not _commune(decide).exists()


def test_a_funder_not_solicited_does_not_learn_the_dossier_exists(client, decide, agent_commune):
    _resilier(decide)
    client.force_login(agent_commune)
    assert client.post(reverse("financements:preparer_convention", args=[decide.pk])).status_code == 404
    assert not _commune(decide).exists()


def test_it_asks_for_two_factor_authentication_and_accepts_only_post(client, decide, agent):
    _resilier(decide)
    client.force_login(agent)
    url = reverse("financements:preparer_convention", args=[decide.pk])
    assert client.get(url).status_code == 405
    desactiver(agent)
    reponse = client.post(url)
    assert reponse.status_code == 302 and reponse.url != decide.get_absolute_url()
    assert not _commune(decide).exists()
