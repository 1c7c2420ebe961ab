"""Une seule règle décide de ce que le public voit d'une contribution (`Contribution.objects.publiques()`,
`Contribution.est_publique`) : la page « Ce que vous avez dit », les pages des sections et de leurs versions, et
les PDF l'appliquent (issue 10, défauts 4 et 14)."""

import pytest
from django.urls import reverse

from contrats import documents
from contrats.models import Contribution, Public, StatutContrat
from contrats.services import concertation as services
from contrats.services import sections
from tests.contrats.factories import ConcertationFactory, ContributionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reservee(contrat, section, agent):
    """Une concertation réservée aux signataires, avant la signature."""
    contrat.statut = StatutContrat.CONCERTATION
    contrat.save(update_fields=["statut"])
    return ConcertationFactory(contrat=contrat, publics=[Public.SIGNATAIRES], sections=[section], ouverte_par=agent)


def test_the_public_page_hides_the_contributions_of_a_concertation_reserved_to_signatories(
    client, reservee, section, agent_etat, agent
):
    deposee = services.contribuer(reservee, agent_etat, "Note interne de la préfecture.", section=section)
    repondue = services.contribuer(reservee, agent_etat, "Renforcer la médiation.", section=section)
    services.repondre(repondue, agent, "non_retenue", "Réponse aux signataires.")

    contenu = client.get(reverse("contrats:contributions_publiques", args=[reservee.contrat.code])).content.decode()

    assert "Note interne de la préfecture." not in contenu
    assert "Renforcer la médiation." not in contenu
    assert "Aucune contribution pour l'instant." in contenu
    assert not deposee.est_publique and not repondue.est_publique
    assert set(Contribution.objects.publiques()) == set()


def test_once_signed_the_contributions_of_a_reserved_concertation_are_public(client, reservee, section, agent_etat):
    services.contribuer(reservee, agent_etat, "Renforcer la médiation.", section=section)
    reservee.contrat.statut = StatutContrat.SIGNE
    reservee.contrat.save(update_fields=["statut"])
    contenu = client.get(reverse("contrats:contributions_publiques", args=[reservee.contrat.code])).content.decode()
    assert "Renforcer la médiation." in contenu
    assert Contribution.objects.get().est_publique


def test_the_contributions_of_a_concertation_open_to_inhabitants_are_public_before_signature(contrat, section):
    contribution = ContributionFactory(
        concertation=ConcertationFactory(contrat=contrat, publics=[Public.HABITANTS]), section=section
    )
    assert contribution.est_publique
    assert list(Contribution.objects.publiques()) == [contribution]


def test_the_contract_pdf_leaves_out_the_answers_the_public_may_not_see(reservee, section, agent_etat, agent):
    repondue = services.contribuer(reservee, agent_etat, "Renforcer la médiation.", section=section)
    services.repondre(repondue, agent, "non_retenue", "Réponse aux signataires.")
    services.contribuer(reservee, agent_etat, "Encore en analyse.", section=section)
    contexte = documents.contexte_contrat(reservee.contrat)
    assert contexte["contributions"] == []
    assert contexte["contributions_en_attente"] == 0
    assert documents.contexte_synthese(reservee.contrat)["nb_contributions"] == 0


@pytest.fixture
def integree_puis_masquee(client, contrat, section, agent, membre_structure):
    """Une contribution retenue, intégrée à la version 2 de la section, puis masquée par la modération."""
    concertation = ConcertationFactory(contrat=contrat, sections=[section], ouverte_par=agent)
    contribution = services.contribuer(concertation, membre_structure, "Propos injurieux intégré.", section=section)
    services.repondre(contribution, agent, "retenue", "Retenue.")
    sections.enregistrer(section, agent, "<p>Nouveau texte.</p>", 1, contributions=[contribution])
    services.masquer(contribution, agent, "Propos injurieux")
    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    return contribution


def test_the_version_page_hides_a_moderated_contribution(client, section, integree_puis_masquee):
    contenu = client.get(reverse("contrats:version", args=[section.contrat.code, section.pk, 2])).content.decode()
    assert "Propos injurieux intégré." not in contenu
    assert f"n° {integree_puis_masquee.pk}" not in contenu


def test_the_history_page_hides_a_moderated_contribution(client, section, integree_puis_masquee):
    contenu = client.get(reverse("contrats:historique", args=[section.contrat.code, section.pk])).content.decode()
    assert f"n° {integree_puis_masquee.pk}" not in contenu
