"""Les versements d'une convention signée : l'échéancier type, les lignes prévues, le mandat sur l'IBAN validé,
le paiement, l'annulation, les règles (montant de l'année, avance convenue, solde après compte-rendu accepté
par ce financeur), les reversements et les parts des bénéficiaires."""

import contextlib
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from acteurs_ess.models import Rib
from comptes.models import Role
from financements.models import (
    AvisCompteRendu,
    CompteRendu,
    Convention,
    ConventionMontant,
    CoPorteur,
    JournalConvention,
    NatureVersement,
    PartBeneficiaire,
    Reversement,
    SensAvisCompteRendu,
    StatutConvention,
    StatutReversement,
    StatutVersement,
    Versement,
)
from financements.services import versements as services
from tests.double_authentification import activer
from tests.factories import AdhesionFactory
from tests.financements.conftest import DEBUT, IBAN
from tests.taches import executer_taches

AUJOURD_HUI = timezone.localdate()
HIER = AUJOURD_HUI - timedelta(days=1)


def _messages(erreur) -> str:
    return " ".join(erreur.value.messages).replace("\u202f", " ").replace("\xa0", " ")


def _ligne(convention, financeur, annee, nature) -> Versement:
    return Versement.objects.get(convention=convention, financeur=financeur, annee=annee, nature=nature)


def _payer(versement, agent):
    services.mandater(versement, agent, mandate_le=HIER, reference="M-1")
    return services.payer(versement, agent, paye_le=AUJOURD_HUI, reference="P-1")


def _accepter(convention, financeur, annee, auteur, sens=SensAvisCompteRendu.ACCEPTE):
    compte_rendu, _ = CompteRendu.objects.get_or_create(convention=convention, annee=annee)
    AvisCompteRendu.objects.create(compte_rendu=compte_rendu, financeur=financeur, sens=sens, auteur=auteur)
    return compte_rendu


# --- Échéancier -------------------------------------------------------------------------------------------------


def test_it_generates_an_advance_then_a_balance_for_each_year(cpo, agent_etat, prefecture):
    crees = services.generer_echeancier(cpo, agent_etat, prefecture)
    assert [(v.annee, v.nature, v.montant, v.date_prevue) for v in crees] == [
        (DEBUT, NatureVersement.AVANCE, Decimal("15000.00"), date(DEBUT, 3, 31)),
        (DEBUT, NatureVersement.SOLDE, Decimal("15000.00"), date(DEBUT, 9, 30)),
        (DEBUT + 1, NatureVersement.AVANCE, Decimal("15000.00"), date(DEBUT + 1, 3, 31)),
        (DEBUT + 1, NatureVersement.SOLDE, Decimal("15000.00"), date(DEBUT + 1, 9, 30)),
        (DEBUT + 2, NatureVersement.AVANCE, Decimal("15000.00"), date(DEBUT + 2, 3, 31)),
        (DEBUT + 2, NatureVersement.SOLDE, Decimal("15000.00"), date(DEBUT + 2, 9, 30)),
    ]
    assert all(v.statut == StatutVersement.PREVU for v in crees)
    # Seul l'échéancier de l'État est établi : celui de la métropole reste à faire par ses agents.
    assert not Versement.objects.filter(convention=cpo).exclude(financeur=prefecture).exists()


def test_it_generates_a_single_payment_when_the_advance_is_0_or_100_percent(cpo, agent_etat, prefecture):
    Convention.objects.filter(pk=cpo.pk).update(part_avance=Decimal("100"))
    cpo.refresh_from_db()
    crees = services.generer_echeancier(cpo, agent_etat, prefecture)
    assert {(v.nature, v.montant) for v in crees} == {(NatureVersement.UNIQUE, Decimal("30000"))}
    assert len(crees) == 3


def test_generating_twice_changes_nothing_and_says_so(cpo, agent_etat, prefecture):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    with pytest.raises(ValidationError, match="déjà établi"):
        services.generer_echeancier(cpo, agent_etat, prefecture)
    assert Versement.objects.filter(convention=cpo).count() == 6


def test_no_schedule_before_every_party_has_signed(cpo, agent_etat, prefecture):
    Convention.objects.filter(pk=cpo.pk).update(statut=StatutConvention.SIGNEE_STRUCTURE)
    cpo.refresh_from_db()
    with pytest.raises(ValidationError, match="signée de toutes les parties"):
        services.generer_echeancier(cpo, agent_etat, prefecture)
    assert not Versement.objects.exists()


def test_the_agent_of_another_funder_never_manages_these_payments(cpo, agent, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    versement = _ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE)
    with pytest.raises(PermissionDenied):
        services.generer_echeancier(cpo, agent, prefecture)
    with pytest.raises(PermissionDenied):
        services.mandater(versement, agent, mandate_le=HIER, reference="M-1")
    with pytest.raises(PermissionDenied):
        services.annuler(versement, agent, motif="Erreur")
    versement.refresh_from_db()
    assert versement.statut == StatutVersement.PREVU


def test_the_structure_never_manages_its_payments(cpo, membre_structure, prefecture):
    with pytest.raises(PermissionDenied):
        services.generer_echeancier(cpo, membre_structure, prefecture)


def test_a_line_above_what_remains_for_the_year_is_refused_and_nothing_is_saved(cpo, agent_etat, prefecture):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_versement(
            cpo, agent_etat, prefecture, annee=DEBUT, nature=NatureVersement.SOLDE, montant=Decimal("1"),
            date_prevue=date(DEBUT, 12, 1),
        )  # fmt: skip
    assert "au-dessus de son montant de cette année (30 000,00 €) : il reste 0,00 € à prévoir" in _messages(erreur)
    assert erreur.value.error_dict.keys() == {"montant"}
    assert Versement.objects.filter(convention=cpo).count() == 6


def test_an_advance_above_the_agreed_share_is_refused(cpo, agent_etat, prefecture):
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_versement(
            cpo, agent_etat, prefecture, annee=DEBUT, nature=NatureVersement.AVANCE, montant=Decimal("15000.01"),
            date_prevue=date(DEBUT, 3, 1),
        )  # fmt: skip
    assert "L'avance de" in _messages(erreur)
    assert "50 % du montant annuel, soit 15 000,00 €" in _messages(erreur)
    assert not Versement.objects.exists()


def test_a_year_outside_the_convention_is_refused(cpo, agent_etat, prefecture):
    with pytest.raises(ValidationError, match="n'est pas une année de la convention"):
        services.ajouter_versement(
            cpo, agent_etat, prefecture, annee=DEBUT + 3, nature=NatureVersement.UNIQUE, montant=Decimal("10"),
            date_prevue=date(DEBUT + 3, 3, 1),
        )  # fmt: skip


def test_the_agent_adjusts_then_removes_a_planned_line(cpo, agent_etat, prefecture):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    solde = _ligne(cpo, prefecture, DEBUT, NatureVersement.SOLDE)
    services.modifier_versement(
        solde, agent_etat, nature=NatureVersement.SOLDE, montant=Decimal("10000"), date_prevue=date(DEBUT, 10, 15)
    )
    solde.refresh_from_db()
    assert (solde.montant, solde.date_prevue) == (Decimal("10000"), date(DEBUT, 10, 15))
    services.ajouter_versement(
        cpo, agent_etat, prefecture, annee=DEBUT, nature=NatureVersement.SOLDE, montant=Decimal("5000"),
        date_prevue=date(DEBUT, 12, 15),
    )  # fmt: skip
    services.supprimer_versement(solde, agent_etat)
    assert not Versement.objects.filter(pk=solde.pk).exists()
    assert JournalConvention.objects.filter(convention=cpo, evenement__startswith="Versement prévu retiré").exists()


def test_the_convention_is_locked_while_a_payment_is_planned(cpo, agent_etat, prefecture):
    # Deux agents qui prévoient en même temps passent l'un après l'autre : le second voit le total du premier.
    with CaptureQueriesContext(connection) as requetes:
        services.ajouter_versement(
            cpo, agent_etat, prefecture, annee=DEBUT, nature=NatureVersement.AVANCE, montant=Decimal("100"),
            date_prevue=date(DEBUT, 3, 1),
        )  # fmt: skip
    verrous = [q["sql"] for q in requetes.captured_queries if "FOR UPDATE" in q["sql"]]
    assert verrous and 'FROM "financements_convention"' in verrous[0]


# --- Mandat, paiement, annulation -------------------------------------------------------------------------------


def test_a_mandate_is_refused_while_the_structure_has_no_validated_iban(cpo, agent_etat, prefecture, structure):
    Rib.objects.create(
        structure=structure,
        iban=IBAN,
        titulaire="Les Ateliers",
        chemin="prive/ribs/1/r.pdf",
        nom="r.pdf",
        taille=1,
        type_mime="application/pdf",
    )  # fmt: skip — un RIB proposé, pas encore validé
    services.generer_echeancier(cpo, agent_etat, prefecture)
    avance = _ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE)
    with pytest.raises(ValidationError) as erreur:
        services.mandater(avance, agent_etat, mandate_le=HIER, reference="M-2026-01")
    assert "n'a pas de RIB validé" in _messages(erreur)
    avance.refresh_from_db()
    assert (avance.statut, avance.iban, avance.reference_mandat) == (StatutVersement.PREVU, "", "")


def test_a_mandate_copies_the_validated_iban_and_is_journalled_for_this_funder(cpo, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    avance = _ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE)
    services.mandater(avance, agent_etat, mandate_le=HIER, reference="M-2026-01")
    avance.refresh_from_db()
    assert (avance.statut, avance.iban, avance.mandate_le, avance.reference_mandat) == (
        StatutVersement.MANDATE,
        IBAN,
        HIER,
        "M-2026-01",
    )
    entree = JournalConvention.objects.filter(convention=cpo, evenement__startswith="Versement mandaté").get()
    assert entree.financeur == prefecture
    assert IBAN not in entree.evenement and "FR76" in entree.evenement


def test_a_mandate_date_in_the_future_is_refused_on_its_field(cpo, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    avance = _ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE)
    with pytest.raises(ValidationError) as erreur:
        services.mandater(avance, agent_etat, mandate_le=AUJOURD_HUI + timedelta(days=2), reference="M")
    assert erreur.value.error_dict.keys() == {"mandate_le"}


def test_the_payment_is_recorded_and_the_structure_alone_is_told(
    cpo, agent_etat, prefecture, rib, membre_structure, agent, settings
):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    avance = _payer(_ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE), agent_etat)
    avance.refresh_from_db()
    assert (avance.statut, avance.paye_le, avance.reference_paiement) == (StatutVersement.PAYE, AUJOURD_HUI, "P-1")
    executer_taches()
    assert [m.to for m in mail.outbox] == [[membre_structure.email]]
    assert "15 000,00" in mail.outbox[0].subject.replace("\u202f", " ")
    assert "FR76 **** **** **** **** ***0 189" in mail.outbox[0].body and IBAN not in mail.outbox[0].body


def test_a_payment_needs_a_mandate_first(cpo, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    avance = _ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE)
    with pytest.raises(ValidationError, match="se mandate avant"):
        services.payer(avance, agent_etat, paye_le=AUJOURD_HUI, reference="P")


def test_a_payment_above_what_remains_after_an_amendment_is_refused(cpo, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    avance = _ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE)
    services.mandater(avance, agent_etat, mandate_le=HIER, reference="M-1")
    # Un avenant a baissé le montant de l'année à 20 000 € : avance et solde prévus (30 000 €) le dépassent.
    ConventionMontant.objects.filter(convention=cpo, financeur=prefecture, annee=DEBUT).update(montant=Decimal("20000"))
    with pytest.raises(ValidationError) as erreur:
        services.payer(avance, agent_etat, paye_le=AUJOURD_HUI, reference="P-1")
    assert "au-dessus de son montant de cette année (20 000,00 €)" in _messages(erreur)
    avance.refresh_from_db()
    assert avance.statut == StatutVersement.MANDATE


def test_the_balance_of_a_later_year_waits_for_the_report_accepted_by_this_funder(
    cpo, agent, agent_etat, prefecture, epci, rib
):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    solde = _ligne(cpo, prefecture, DEBUT + 1, NatureVersement.SOLDE)
    with pytest.raises(ValidationError) as erreur:
        services.mandater(solde, agent_etat, mandate_le=HIER, reference="M-3")
    assert f"attend que Préfecture d'Ille-et-Vilaine ait accepté le compte-rendu financier de {DEBUT}" in (
        _messages(erreur)
    )
    # Accepté par la métropole seulement, ou compléments demandés par l'État : toujours bloqué.
    _accepter(cpo, epci, DEBUT, agent)
    _accepter(cpo, prefecture, DEBUT, agent_etat, SensAvisCompteRendu.COMPLEMENTS)
    with pytest.raises(ValidationError):
        services.mandater(solde, agent_etat, mandate_le=HIER, reference="M-3")
    _accepter(cpo, prefecture, DEBUT, agent_etat)
    _payer(solde, agent_etat)
    solde.refresh_from_db()
    assert solde.statut == StatutVersement.PAYE


def test_the_first_year_balance_and_the_advances_do_not_wait_for_a_report(cpo, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    _payer(_ligne(cpo, prefecture, DEBUT, NatureVersement.SOLDE), agent_etat)
    _payer(_ligne(cpo, prefecture, DEBUT + 1, NatureVersement.AVANCE), agent_etat)
    assert Versement.objects.filter(statut=StatutVersement.PAYE).count() == 2


def test_without_the_report_condition_the_balance_is_paid_freely(cpo, agent_etat, prefecture, rib):
    Convention.objects.filter(pk=cpo.pk).update(solde_apres_compte_rendu=False)
    cpo.refresh_from_db()
    services.generer_echeancier(cpo, agent_etat, prefecture)
    _payer(_ligne(cpo, prefecture, DEBUT + 2, NatureVersement.SOLDE), agent_etat)


def test_a_cancelled_payment_needs_a_reason_and_no_longer_counts(cpo, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    avance = _ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE)
    services.mandater(avance, agent_etat, mandate_le=HIER, reference="M-1")
    with pytest.raises(ValidationError) as erreur:
        services.annuler(avance, agent_etat, motif=" ")
    assert erreur.value.error_dict.keys() == {"motif"}
    services.annuler(avance, agent_etat, motif="Mandat rejeté par le comptable public.")
    avance.refresh_from_db()
    assert (avance.statut, avance.motif_annulation) == (
        StatutVersement.ANNULE,
        "Mandat rejeté par le comptable public.",
    )
    services.ajouter_versement(
        cpo, agent_etat, prefecture, annee=DEBUT, nature=NatureVersement.AVANCE, montant=Decimal("15000"),
        date_prevue=AUJOURD_HUI,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.annuler(avance, agent_etat, motif="Encore")


def test_a_paid_line_is_neither_changed_nor_removed(cpo, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    avance = _payer(_ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE), agent_etat)
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        services.modifier_versement(
            avance, agent_etat, nature=NatureVersement.AVANCE, montant=Decimal("1"), date_prevue=AUJOURD_HUI
        )
    with pytest.raises(ValidationError, match="ne se supprime pas"):
        services.supprimer_versement(avance, agent_etat)


# --- Reversements ----------------------------------------------------------------------------------------------


def test_a_repayment_above_what_was_paid_that_year_is_refused(cpo, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    _payer(_ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE), agent_etat)
    with pytest.raises(ValidationError) as erreur:
        services.demander_reversement(
            cpo, agent_etat, prefecture, annee=DEBUT, montant=Decimal("15000.01"), motif="Sous-exécution"
        )
    assert "15 000,00 € au plus" in _messages(erreur)
    assert erreur.value.error_dict.keys() == {"montant"}
    assert not Reversement.objects.exists()


def test_a_repayment_goes_from_asked_to_title_issued_to_repaid(
    cpo, agent_etat, agent, prefecture, epci, rib, membre_structure
):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    _payer(_ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE), agent_etat)
    compte_rendu = _accepter(cpo, epci, DEBUT, agent)
    executer_taches()
    mail.outbox.clear()
    reversement = services.demander_reversement(
        cpo, agent_etat, prefecture, annee=DEBUT, montant=Decimal("4000"), motif="Ateliers non tenus en été."
    )
    assert (reversement.statut, reversement.compte_rendu) == (StatutReversement.DEMANDE, compte_rendu)
    with pytest.raises(ValidationError) as erreur:
        services.suivre_reversement(reversement, agent_etat, StatutReversement.TITRE_EMIS, le=HIER, reference="")
    assert erreur.value.error_dict.keys() == {"reference"}
    services.suivre_reversement(reversement, agent_etat, StatutReversement.TITRE_EMIS, le=HIER, reference="T-12")
    services.suivre_reversement(reversement, agent_etat, StatutReversement.REMBOURSE, le=AUJOURD_HUI)
    reversement.refresh_from_db()
    assert (reversement.statut, reversement.reference_titre, reversement.titre_emis_le, reversement.rembourse_le) == (
        StatutReversement.REMBOURSE,
        "T-12",
        HIER,
        AUJOURD_HUI,
    )
    # Déjà demandé (4 000 €) : il ne reste que 11 000 € à demander cette année.
    with pytest.raises(ValidationError) as erreur:
        services.demander_reversement(cpo, agent_etat, prefecture, annee=DEBUT, montant=Decimal("11001"), motif="x")
    assert "11 000,00 € au plus" in _messages(erreur)
    executer_taches()
    assert {tuple(m.to) for m in mail.outbox} == {(membre_structure.email,)}
    assert len(mail.outbox) == 3
    assert JournalConvention.objects.filter(
        convention=cpo, financeur=prefecture, evenement__contains="rembours"
    ).exists()


def test_a_cancelled_repayment_needs_a_reason(cpo, agent_etat, prefecture, rib):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    _payer(_ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE), agent_etat)
    reversement = services.demander_reversement(
        cpo, agent_etat, prefecture, annee=DEBUT, montant=Decimal("100"), motif="Trop perçu"
    )
    with pytest.raises(ValidationError):
        services.suivre_reversement(reversement, agent_etat, StatutReversement.ANNULE, motif="")
    services.suivre_reversement(reversement, agent_etat, StatutReversement.ANNULE, motif="Justificatifs reçus.")
    reversement.refresh_from_db()
    assert reversement.statut == StatutReversement.ANNULE
    assert services.reversable(cpo, prefecture.pk, DEBUT) == Decimal("15000")


def test_another_funder_never_asks_a_repayment_of_these_payments(cpo, agent, prefecture):
    with pytest.raises(PermissionDenied):
        services.demander_reversement(cpo, agent, prefecture, annee=DEBUT, montant=Decimal("1"), motif="x")


# --- Parts des bénéficiaires -------------------------------------------------------------------------------------


@pytest.fixture
def collective(cpo, brouillon, autre_structure):
    CoPorteur.objects.create(dossier=brouillon, structure=autre_structure, confirme_le=timezone.now())
    cpo.dossiers.set([brouillon])
    return cpo


def test_the_shares_of_a_collective_action_add_up_to_100(
    collective, agent_etat, prefecture, structure, autre_structure
):
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_parts(
            collective, agent_etat, prefecture, {structure.pk: Decimal("60"), autre_structure.pk: Decimal("30")}
        )
    assert "totalisent 90 % : elles doivent faire 100 % ensemble" in _messages(erreur)
    assert not PartBeneficiaire.objects.exists()
    services.enregistrer_parts(
        collective, agent_etat, prefecture, {structure.pk: Decimal("60"), autre_structure.pk: Decimal("40")}
    )
    assert {(p.structure_id, p.pourcentage) for p in PartBeneficiaire.objects.all()} == {
        (structure.pk, Decimal("60")),
        (autre_structure.pk, Decimal("40")),
    }


def test_shares_are_refused_for_a_structure_that_does_not_co_carry(collective, agent_etat, prefecture, structure, db):
    from acteurs_ess.models import Structure
    from tests.factories import OrganisationFactory

    etrangere = Structure.objects.create(organisation=OrganisationFactory(), raison_sociale="Étrangère")
    with pytest.raises(ValidationError, match="co-porteuse confirmée"):
        services.enregistrer_parts(
            collective, agent_etat, prefecture, {structure.pk: Decimal("50"), etrangere.pk: Decimal("50")}
        )


def test_shares_are_refused_without_a_confirmed_co_porteur(cpo, agent_etat, prefecture, structure):
    with pytest.raises(ValidationError, match="aucun co-porteur confirmé"):
        services.enregistrer_parts(cpo, agent_etat, prefecture, {structure.pk: Decimal("100")})


def test_another_funder_never_sets_the_shares_of_this_funder(collective, agent, prefecture, structure):
    with pytest.raises(PermissionDenied):
        services.enregistrer_parts(collective, agent, prefecture, {structure.pk: Decimal("100")})


@pytest.mark.django_db(transaction=True)
def test_two_agents_planning_at_the_same_moment_never_exceed_the_amount_together(
    cpo, agent_etat, prefecture, monkeypatch
):
    collegue = activer(
        AdhesionFactory(organisation=prefecture, role=Role.ETAT, utilisateur__email="collegue@exemple.fr").utilisateur
    )
    # Chacun contrôle son montant puis attend l'autre (2 s au plus) avant d'écrire : sans verrou sur la convention,
    # chacun verrait 0 € engagé et les deux lignes de 20 000 € passeraient (40 000 € pour 30 000 € convenus).
    ensemble = threading.Barrier(2, timeout=2)
    controler = services._controler_montants

    def controler_puis_attendre(*args, **kwargs):
        erreurs = controler(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            ensemble.wait()
        return erreurs

    monkeypatch.setattr(services, "_controler_montants", controler_puis_attendre)
    depart = threading.Barrier(2, timeout=10)
    refus, erreurs = [], []

    def prevoir(auteur):
        try:
            convention = Convention.objects.get(pk=cpo.pk)
            depart.wait()
            services.ajouter_versement(
                convention, auteur, prefecture, annee=DEBUT, nature=NatureVersement.SOLDE, montant=Decimal("20000"),
                date_prevue=date(DEBUT, 9, 30),
            )  # fmt: skip
        except ValidationError as erreur:
            refus.append(erreur)
        except Exception as erreur:  # rapportée au fil principal
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=prevoir, args=(qui,)) for qui in (agent_etat, collegue)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert erreurs == []
    assert len(refus) == 1
    assert list(Versement.objects.filter(convention=cpo).values_list("montant", flat=True)) == [Decimal("20000")]
