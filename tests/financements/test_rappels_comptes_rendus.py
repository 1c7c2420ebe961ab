"""Les rappels du compte-rendu financier annuel, envoyés par un vrai worker (la tâche périodique différée par le
test à l'heure voulue) : trente jours et sept jours avant le 30 juin, puis en retard, une fois chacun, aux
membres actifs de la structure ; rien pour un compte-rendu déposé."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail

from comptes.models import Role
from financements.models import Convention, MotifRappelCompteRendu, RappelCompteRendu, StatutConvention
from financements.services import rappels
from financements.taches import rappeler_comptes_rendus
from tests.factories import AdhesionFactory
from tests.financements.comptes_rendus import ANNEE, enregistrer
from tests.taches import executer_taches

pytestmark = pytest.mark.django_db(transaction=True)


def lancer(jour: date) -> list[list[str]]:
    """Diffère la tâche périodique comme un worker à midi le `jour`, fait tourner le worker, rend les
    destinataires des e-mails partis depuis le dernier appel."""
    mail.outbox.clear()
    rappeler_comptes_rendus.defer(timestamp=int(datetime(jour.year, jour.month, jour.day, 12, tzinfo=UTC).timestamp()))
    executer_taches()
    return sorted(m.to for m in mail.outbox)


@pytest.fixture
def structure_prevenue(convention_cr, membre_structure, association):
    """Un second membre, dont le compte est désactivé : il n'est pas prévenu."""
    AdhesionFactory(
        organisation=association,
        role=Role.STRUCTURE,
        utilisateur__email="ancien@exemple.fr",
        utilisateur__is_active=False,
    )
    executer_taches()
    return [membre_structure.email]


def test_it_reminds_thirty_and_seven_days_before_then_late_once_each(convention_cr, structure_prevenue):
    assert lancer(date(ANNEE + 1, 5, 30)) == []
    assert lancer(date(ANNEE + 1, 5, 31)) == [structure_prevenue]
    assert "est dû le 30/06" in mail.outbox[0].body and "dans 30 jours" in mail.outbox[0].body
    assert lancer(date(ANNEE + 1, 6, 1)) == []
    assert lancer(date(ANNEE + 1, 6, 23)) == [structure_prevenue]
    assert lancer(date(ANNEE + 1, 6, 30)) == []
    assert lancer(date(ANNEE + 1, 7, 1)) == [structure_prevenue]
    assert "en retard" in mail.outbox[0].subject
    assert lancer(date(ANNEE + 1, 7, 2)) == []
    assert sorted(RappelCompteRendu.objects.values_list("motif", flat=True)) == sorted(
        [MotifRappelCompteRendu.J30, MotifRappelCompteRendu.J7, MotifRappelCompteRendu.RETARD]
    )


def test_a_first_run_inside_the_last_week_sends_only_the_seven_day_reminder(convention_cr, structure_prevenue):
    assert lancer(date(ANNEE + 1, 6, 28)) == [structure_prevenue]
    assert list(RappelCompteRendu.objects.values_list("motif", flat=True)) == [MotifRappelCompteRendu.J7]


def test_a_draft_is_still_reminded_a_filed_report_is_not(convention_cr, membre_structure, structure_prevenue):
    enregistrer(convention_cr, membre_structure)
    assert lancer(date(ANNEE + 1, 5, 31)) == [structure_prevenue]
    enregistrer(convention_cr, membre_structure, deposer=True)
    executer_taches()
    assert lancer(date(ANNEE + 1, 6, 23)) == []


def test_an_ended_convention_is_reminded_before_the_deadline_not_after(convention_cr, structure_prevenue):
    Convention.objects.filter(pk=convention_cr.pk).update(statut=StatutConvention.TERMINEE)
    assert lancer(date(ANNEE + 1, 6, 23)) == [structure_prevenue]
    assert lancer(date(ANNEE + 1, 7, 1)) == []


@pytest.mark.parametrize("statut", [StatutConvention.RESILIEE, StatutConvention.SIGNEE_FINANCEURS])
def test_no_reminder_for_a_convention_not_in_force(convention_cr, structure_prevenue, statut):
    Convention.objects.filter(pk=convention_cr.pk).update(statut=statut)
    assert lancer(date(ANNEE + 1, 6, 23)) == []


def test_old_lateness_is_not_reminded():
    echeance = date(ANNEE + 1, 6, 30)
    assert rappels.motif_rappel_compte_rendu(echeance, date(ANNEE + 1, 8, 29)) == MotifRappelCompteRendu.RETARD
    assert rappels.motif_rappel_compte_rendu(echeance, date(ANNEE + 1, 8, 30)) is None
