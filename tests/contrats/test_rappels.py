"""Le rappel de la fin d'une concertation, envoyé par un vrai worker (tâche périodique différée par le test) trois
jours avant la fin, une fois, aux publics de la concertation sur le territoire du contrat."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from comptes.models import Role
from contrats.models import Concertation, RappelConcertation
from contrats.taches import rappeler_fins_de_concertation
from tests.acteurs_ess.factories import StructureFactory
from tests.contrats.factories import CommuneFactory, ConcertationFactory, EpciFactory
from tests.factories import AdhesionFactory, OrganisationFactory
from tests.taches import executer_taches

pytestmark = pytest.mark.django_db(transaction=True)


def lancer() -> list[str]:
    """Diffère la tâche comme un worker à l'heure dite, fait tourner le worker, rend les destinataires."""
    rappeler_fins_de_concertation.defer(timestamp=int(timezone.now().timestamp()))
    executer_taches()
    return sorted(m.to[0] for m in mail.outbox)


def fin_dans(concertation: Concertation, jours: int) -> None:
    Concertation.objects.filter(pk=concertation.pk).update(fin=timezone.localdate() + timedelta(days=jours))


@pytest.fixture
def publics(contrat, territoire, agent, agent_etat, partenaire, elu, association, conseil_citoyen):
    """Une personne de chaque public sur le territoire du contrat, et d'autres ailleurs ou sans ce rôle."""
    StructureFactory(organisation=association, raison_sociale="Les Ateliers du Blosne", commune=territoire["commune"])
    membre = AdhesionFactory(organisation=association, role=Role.STRUCTURE, utilisateur__email="asso@exemple.fr")
    conseil_citoyen.epci = territoire["epci"]
    conseil_citoyen.save(update_fields=["epci"])
    habitante = AdhesionFactory(organisation=conseil_citoyen, role=Role.HABITANT, utilisateur__email="hab@exemple.fr")

    ailleurs = CommuneFactory(code="29019", nom="Brest", epci=EpciFactory(siren="242900314", nom="Brest Métropole"))
    StructureFactory(commune=ailleurs, organisation__nom="Une association brestoise")
    AdhesionFactory(
        organisation=ailleurs.structures_ess.get().organisation,
        role=Role.STRUCTURE,
        utilisateur__email="brest@exemple.fr",
    )
    AdhesionFactory(
        organisation=OrganisationFactory(conseil_citoyen=True, epci=ailleurs.epci),
        role=Role.HABITANT,
        utilisateur__email="habitant.brest@exemple.fr",
    )
    AdhesionFactory(
        organisation=association,
        role=Role.STRUCTURE,
        utilisateur__email="partie@exemple.fr",
        utilisateur__is_active=False,
    )
    return {
        "signataires": sorted([agent.email, agent_etat.email, partenaire.email]),
        "structures": [membre.utilisateur.email],
        "habitants": [habitante.utilisateur.email],
    }


def test_the_publics_are_reminded_once_three_days_before_the_end(contrat, publics):
    concertation = ConcertationFactory(contrat=contrat)
    fin_dans(concertation, 3)

    # Ni l'élu (il ne contribue pas), ni les structures et habitants d'un autre territoire, ni un compte désactivé.
    assert lancer() == sorted(publics["signataires"] + publics["structures"] + publics["habitants"])
    assert "se termine le" in mail.outbox[0].subject
    assert "dans 3 jours" in mail.outbox[0].body
    assert RappelConcertation.objects.get().nombre_destinataires == 5

    assert len(lancer()) == 5


def test_only_the_publics_of_the_concertation_are_reminded(contrat, publics):
    concertation = ConcertationFactory(contrat=contrat, publics=["structures"])
    fin_dans(concertation, 1)

    assert lancer() == publics["structures"]
    assert "demain" in mail.outbox[0].body


def test_no_reminder_earlier_nor_for_a_closed_or_finished_concertation(contrat, publics, agent):
    concertation = ConcertationFactory(contrat=contrat)
    fin_dans(concertation, 4)
    assert lancer() == []

    fin_dans(concertation, 2)
    Concertation.objects.filter(pk=concertation.pk).update(close_le=timezone.now(), close_par=agent)
    assert lancer() == []

    Concertation.objects.filter(pk=concertation.pk).update(
        close_le=None, debut=timezone.localdate() - timedelta(days=10), fin=timezone.localdate() - timedelta(days=1)
    )
    assert lancer() == []
    assert not RappelConcertation.objects.exists()


def test_a_postponed_end_gets_its_own_reminder(contrat, publics):
    concertation = ConcertationFactory(contrat=contrat, publics=["habitants"])
    fin_dans(concertation, 2)
    assert lancer() == publics["habitants"]

    fin_dans(concertation, 3)
    assert lancer() == publics["habitants"] * 2
