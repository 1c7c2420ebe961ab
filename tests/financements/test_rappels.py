"""Les rappels par date des financements, envoyés par un vrai worker (tâches périodiques différées par le test) :
clôture de l'appel dans sept jours pour les brouillons, décision attendue depuis trente jours pour les
instructeurs. Chacun part une fois, aux bonnes personnes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from financements.models import AppelAProjets, Dossier, MotifRappel, RappelDossier, StatutDossier
from financements.services import dossiers as services
from financements.services import instruction
from financements.services.rappels import _rappeler
from financements.taches import rappeler_clotures_appels, rappeler_decisions_attendues
from tests.financements.conftest import remplir
from tests.taches import executer_taches

pytestmark = pytest.mark.django_db(transaction=True)


def lancer(tache) -> list[list[str]]:
    """Diffère la tâche périodique comme le ferait un worker à l'heure dite, fait tourner le worker, rend les
    destinataires des e-mails partis."""
    tache.defer(timestamp=int(timezone.now().timestamp()))
    executer_taches()
    return sorted(m.to for m in mail.outbox)


def cloture_dans(appel: AppelAProjets, jours: int) -> None:
    AppelAProjets.objects.filter(pk=appel.pk).update(cloture=timezone.localdate() + timedelta(days=jours))


def test_a_draft_is_reminded_once_a_week_before_the_closing_date(
    brouillon, membre_structure, autre_structure, membre_co_porteur, agent, epci, prefecture
):
    # Une autre structure a déjà déposé son dossier : rien ne lui est rappelé.
    autre = services.creer_dossier(brouillon.appel, autre_structure, membre_co_porteur, "Jardins partagés")
    remplir(autre, membre_co_porteur, {epci: Decimal("5000"), prefecture: Decimal("5000")})
    services.deposer(autre, membre_co_porteur)
    executer_taches()
    mail.outbox.clear()
    cloture_dans(brouillon.appel, 7)

    assert lancer(rappeler_clotures_appels) == [[membre_structure.email]]
    message = mail.outbox[0]
    assert "Vélos solidaires" in message.body and "dans 7 jours" in message.body
    assert reverse("financements:dossier", args=[brouillon.pk]) in message.body
    assert RappelDossier.objects.get().motif == MotifRappel.CLOTURE_APPEL

    assert lancer(rappeler_clotures_appels) == [[membre_structure.email]]


def test_no_reminder_before_the_last_week_nor_after_the_closing(brouillon, membre_structure):
    cloture_dans(brouillon.appel, 8)
    assert lancer(rappeler_clotures_appels) == []

    AppelAProjets.objects.filter(pk=brouillon.appel_id).update(
        ouverture=timezone.localdate() - timedelta(days=30), cloture=timezone.localdate() - timedelta(days=1)
    )
    assert lancer(rappeler_clotures_appels) == []
    assert not RappelDossier.objects.exists()


def test_a_postponed_closing_date_gets_its_own_reminder(brouillon, membre_structure):
    cloture_dans(brouillon.appel, 2)
    assert len(lancer(rappeler_clotures_appels)) == 1

    cloture_dans(brouillon.appel, 6)
    assert len(lancer(rappeler_clotures_appels)) == 2
    assert "dans 6 jours" in mail.outbox[1].body


def test_a_reminder_already_written_by_another_worker_is_not_sent_again(brouillon, membre_structure):
    cloture = brouillon.appel.cloture
    assert _rappeler(brouillon, MotifRappel.CLOTURE_APPEL, cloture, "Rappel", "Corps", [membre_structure.email])
    # Un second worker qui avait lu le même brouillon avant l'écriture du premier : la contrainte d'unicité refuse
    # sa ligne, et les e-mails qu'il différait avec elle.
    assert not _rappeler(brouillon, MotifRappel.CLOTURE_APPEL, cloture, "Rappel", "Corps", [membre_structure.email])

    executer_taches()
    assert [m.to for m in mail.outbox] == [[membre_structure.email]]


def test_the_instructors_are_reminded_once_of_a_dossier_waiting_a_month_for_a_decision(
    depose, agent, agent_etat, agent_commune, membre_structure
):
    Dossier.objects.filter(pk=depose.pk).update(depose_le=timezone.now() - timedelta(days=31))
    executer_taches()
    mail.outbox.clear()

    # Les financeurs sollicités sont la métropole et la préfecture ; la ville, financeur de l'appel mais pas de ce
    # dossier, et le porteur ne sont pas relancés.
    assert lancer(rappeler_decisions_attendues) == [[agent.email], [agent_etat.email]]
    assert "attend une décision depuis 31 jours" in mail.outbox[0].body

    assert len(lancer(rappeler_decisions_attendues)) == 2


def test_no_decision_reminder_within_thirty_days_nor_once_decided_or_sent_back(depose, agent, agent_etat):
    executer_taches()
    mail.outbox.clear()
    Dossier.objects.filter(pk=depose.pk).update(depose_le=timezone.now() - timedelta(days=29))
    assert lancer(rappeler_decisions_attendues) == []

    Dossier.objects.filter(pk=depose.pk).update(depose_le=timezone.now() - timedelta(days=40))
    instruction.prendre_en_instruction(depose, agent)
    instruction.demander_correction(depose, agent, "Le budget ne tombe pas juste.")
    executer_taches()
    mail.outbox.clear()
    assert lancer(rappeler_decisions_attendues) == []

    Dossier.objects.filter(pk=depose.pk).update(statut=StatutDossier.DECIDE)
    assert lancer(rappeler_decisions_attendues) == []
    assert not RappelDossier.objects.exists()


def test_only_the_funders_that_have_not_decided_their_share_are_reminded(depose, agent, agent_etat, epci):
    instruction.prendre_en_instruction(depose, agent)
    instruction.decider(depose, agent, epci, "10000")
    Dossier.objects.filter(pk=depose.pk).update(depose_le=timezone.now() - timedelta(days=31))
    executer_taches()
    mail.outbox.clear()

    assert lancer(rappeler_decisions_attendues) == [[agent_etat.email]]


def test_a_dossier_waiting_longer_than_the_reminder_window_is_not_reminded(settings, depose, agent, agent_etat):
    # Au premier déploiement, les dossiers oubliés depuis des années ne font pas partir une pluie de rappels.
    settings.RAPPEL_DECISION_JOURS_MAX = 90
    executer_taches()
    mail.outbox.clear()
    Dossier.objects.filter(pk=depose.pk).update(depose_le=timezone.now() - timedelta(days=91))
    assert lancer(rappeler_decisions_attendues) == []

    Dossier.objects.filter(pk=depose.pk).update(depose_le=timezone.now() - timedelta(days=89))
    assert lancer(rappeler_decisions_attendues) == [[agent.email], [agent_etat.email]]
