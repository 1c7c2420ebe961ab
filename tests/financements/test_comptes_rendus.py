"""Le compte-rendu financier annuel : préparé par la structure d'après le budget de l'année des actions,
enregistré en brouillon, déposé, accepté ou complété par chaque financeur partie ; les années qui en reçoivent
un et les incohérences refusées (rien d'enregistré)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from financements.models import (
    AvisCompteRendu,
    CompteRendu,
    Convention,
    JournalConvention,
    LigneBudget,
    SensAvisCompteRendu,
    StatutCompteRendu,
    StatutConvention,
)
from financements.models.execution import compte_rendu_accepte_par
from financements.services import comptes_rendus as services
from tests.financements.comptes_rendus import ANNEE, DONNEES, LIGNES, enregistrer
from tests.taches import executer_taches

# --- Préparation ------------------------------------------------------------------------------------------


def test_it_prefills_the_planned_budget_from_the_actions_budget_of_that_year(convention_cr, decide):
    prevues = services.lignes_prevues(convention_cr, ANNEE)
    attendues = [
        {"compte": ligne.compte, "libelle": ligne.libelle, "prevu": ligne.montant, "realise": None}
        for ligne in LigneBudget.objects.filter(dossier=decide).order_by("sens", "compte", "ordre", "pk")
    ]
    assert prevues == attendues and prevues
    # La seconde année de la convention est la deuxième de l'action : l'action annuelle n'en a pas de budget.
    assert services.lignes_prevues(convention_cr, ANNEE + 1) == []


def test_it_prefills_the_second_year_from_the_second_year_of_a_multi_year_action(convention_cr, decide):
    LigneBudget.objects.create(dossier=decide, annee=2, sens="charge", compte="60", libelle="Pièces", montant=800)

    assert services.lignes_prevues(convention_cr, ANNEE + 1) == [
        {"compte": "60", "libelle": "Pièces", "prevu": Decimal("800.00"), "realise": None}
    ]


def test_a_member_of_the_structure_saves_a_draft_then_files_it(convention_cr, membre_structure):
    brouillon = enregistrer(convention_cr, membre_structure)
    assert brouillon.statut == StatutCompteRendu.BROUILLON
    assert brouillon.beneficiaires_par_age == {"jeunes": 40, "adultes": 70}
    assert [(ligne.sens, ligne.compte, ligne.realise) for ligne in brouillon.lignes.all()] == [
        ("charge", "64", Decimal("39000.00")),
        ("produit", "74", Decimal("30000.00")),
    ]
    assert [i.libelle for i in brouillon.indicateurs.all()] == ["Vélos réparés"]
    # Le journal de la convention, lu par les financeurs, ne dit rien d'un brouillon.
    assert not JournalConvention.objects.filter(convention=convention_cr, evenement__contains="Compte-rendu").exists()

    services.deposer(brouillon, membre_structure)

    brouillon.refresh_from_db()
    assert brouillon.statut == StatutCompteRendu.DEPOSE
    assert brouillon.depose_par == membre_structure and brouillon.depose_le is not None
    assert JournalConvention.objects.filter(convention=convention_cr, evenement=f"Compte-rendu {ANNEE} déposé").exists()


def test_saving_again_replaces_lines_and_indicators_one_report_per_year(convention_cr, membre_structure):
    enregistrer(convention_cr, membre_structure)
    services.enregistrer(convention_cr, ANNEE, membre_structure, donnees=DONNEES, lignes=LIGNES[:1], indicateurs=[])

    compte_rendu = CompteRendu.objects.get(convention=convention_cr, annee=ANNEE)
    assert compte_rendu.lignes.count() == 1 and compte_rendu.indicateurs.count() == 0
    assert CompteRendu.objects.filter(convention=convention_cr).count() == 1


def test_filing_tells_each_funder_s_agents(convention_cr, membre_structure, agent, agent_etat):
    executer_taches()
    mail.outbox.clear()

    enregistrer(convention_cr, membre_structure, deposer=True)
    executer_taches()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([agent.email, agent_etat.email])
    assert f"Compte-rendu {ANNEE} déposé" in mail.outbox[0].subject


def test_only_members_of_the_structure_prepare_the_report(convention_cr, agent, agent_etat, partenaire):
    for personne in (agent, agent_etat, partenaire):
        with pytest.raises(PermissionDenied):
            enregistrer(convention_cr, personne)
    assert not CompteRendu.objects.exists()


# --- Refus : années et conventions -------------------------------------------------------------------------


def test_it_refuses_a_year_the_convention_does_not_cover(convention_cr, membre_structure):
    with pytest.raises(ValidationError, match="n'en fait pas partie"):
        enregistrer(convention_cr, membre_structure, annee=ANNEE - 1)
    assert not CompteRendu.objects.exists()


def test_it_refuses_a_year_not_yet_begun(convention_cr, membre_structure):
    Convention.objects.filter(pk=convention_cr.pk).update(nombre_annees=3)
    convention_cr.refresh_from_db()

    with pytest.raises(ValidationError, match="n'est pas commencée"):
        enregistrer(convention_cr, membre_structure, annee=ANNEE + 2)
    assert not CompteRendu.objects.exists()


@pytest.mark.parametrize(
    "statut", [StatutConvention.PROJET, StatutConvention.ENVOYEE, StatutConvention.SIGNEE_FINANCEURS]
)
def test_it_refuses_a_convention_not_yet_in_force(convention_cr, membre_structure, statut):
    Convention.objects.filter(pk=convention_cr.pk).update(statut=statut)
    convention_cr.refresh_from_db()

    with pytest.raises(ValidationError, match="une fois la convention en vigueur"):
        enregistrer(convention_cr, membre_structure)
    assert not CompteRendu.objects.exists()


def test_it_refuses_a_terminated_convention(convention_cr, membre_structure):
    Convention.objects.filter(pk=convention_cr.pk).update(statut=StatutConvention.RESILIEE)
    convention_cr.refresh_from_db()

    with pytest.raises(ValidationError, match="résiliée"):
        enregistrer(convention_cr, membre_structure)
    assert not CompteRendu.objects.exists()


def test_an_ended_convention_takes_reports_until_the_deadline_of_the_year(convention_cr):
    Convention.objects.filter(pk=convention_cr.pk).update(statut=StatutConvention.TERMINEE)
    convention_cr.refresh_from_db()

    services.verifier_annee(convention_cr, ANNEE, aujourd_hui=date(ANNEE + 1, 6, 30))
    with pytest.raises(ValidationError, match="était dû le 30/06"):
        services.verifier_annee(convention_cr, ANNEE, aujourd_hui=date(ANNEE + 1, 7, 1))


def test_a_convention_in_force_still_takes_a_late_report(convention_cr):
    services.verifier_annee(convention_cr, ANNEE, aujourd_hui=date(ANNEE + 2, 1, 15))


def test_a_report_asked_for_more_can_be_completed_even_after_the_convention_ended(cr_depose, membre_structure, agent):
    services.donner_avis(
        cr_depose,
        agent,
        cr_depose.convention.parties.get(financeur__nom="Rennes Métropole").financeur,
        SensAvisCompteRendu.COMPLEMENTS,
        "Joignez le détail du compte 64.",
    )
    Convention.objects.filter(pk=cr_depose.convention_id).update(statut=StatutConvention.RESILIEE)
    convention_cr = Convention.objects.get(pk=cr_depose.convention_id)

    complete = enregistrer(convention_cr, membre_structure, deposer=True, commentaires="Détail joint.")

    assert complete.statut == StatutCompteRendu.DEPOSE


# --- Refus : incohérences ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changements", "message"),
    [
        ({"beneficiaires_qpv": 121}, "Les habitants des QPV"),
        ({"beneficiaires_femmes": 70, "beneficiaires_hommes": 51}, "Femmes et hommes"),
        ({"beneficiaires_par_age": {"jeunes": 100, "adultes": 21}}, "tranche d'âge"),
        ({"beneficiaires_nombre": None}, "nombre total de bénéficiaires"),
        ({"beneficiaires_qpv": -1}, "négatif"),
    ],
)
def test_it_refuses_inconsistent_beneficiaries_and_saves_nothing(convention_cr, membre_structure, changements, message):
    with pytest.raises(ValidationError, match=message):
        enregistrer(convention_cr, membre_structure, **changements)
    assert not CompteRendu.objects.exists()


def test_it_refuses_an_indicator_without_a_value(convention_cr, membre_structure):
    with pytest.raises(ValidationError, match="valeur atteinte"):
        services.enregistrer(
            convention_cr, ANNEE, membre_structure, donnees=DONNEES, lignes=LIGNES, indicateurs=[{"libelle": "Vélos"}]
        )
    assert not CompteRendu.objects.exists()


def test_an_inconsistent_save_keeps_the_previous_draft_untouched(convention_cr, membre_structure):
    enregistrer(convention_cr, membre_structure)
    with pytest.raises(ValidationError):
        services.enregistrer(
            convention_cr,
            ANNEE,
            membre_structure,
            donnees={**DONNEES, "beneficiaires_qpv": 500},
            lignes=[],
            indicateurs=[],
        )
    compte_rendu = CompteRendu.objects.get()
    assert compte_rendu.beneficiaires_qpv == 90 and compte_rendu.lignes.count() == 2


def test_filing_needs_actions_beneficiaries_and_a_budget_and_then_nothing_is_saved(convention_cr, membre_structure):
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer(
            convention_cr,
            ANNEE,
            membre_structure,
            donnees={
                **DONNEES,
                "actions_realisees": " ",
                "beneficiaires_nombre": None,
                "beneficiaires_qpv": None,
                "beneficiaires_femmes": None,
                "beneficiaires_hommes": None,
                "beneficiaires_par_age": {},
            },
            lignes=[],
            indicateurs=[],
            deposer=True,
        )
    assert len(erreur.value.messages) == 3
    assert not CompteRendu.objects.exists()


def test_a_filed_report_no_longer_changes(cr_depose, membre_structure):
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        enregistrer(cr_depose.convention, membre_structure, commentaires="Ajout")


# --- Avis des financeurs -----------------------------------------------------------------------------------


def test_it_is_accepted_when_the_last_opinion_of_every_funder_accepts_it(
    cr_depose, membre_structure, agent, agent_etat, epci, prefecture
):
    services.donner_avis(cr_depose, agent, epci, SensAvisCompteRendu.ACCEPTE)
    cr_depose.refresh_from_db()
    assert cr_depose.statut == StatutCompteRendu.DEPOSE
    assert compte_rendu_accepte_par(cr_depose.convention_id, epci.pk, ANNEE)
    assert not compte_rendu_accepte_par(cr_depose.convention_id, prefecture.pk, ANNEE)

    services.donner_avis(cr_depose, agent_etat, prefecture, SensAvisCompteRendu.COMPLEMENTS, "Détaillez le compte 64.")
    cr_depose.refresh_from_db()
    assert cr_depose.statut == StatutCompteRendu.COMPLEMENTS

    enregistrer(cr_depose.convention, membre_structure, deposer=True, commentaires="Détail du compte 64 ajouté.")
    cr_depose.refresh_from_db()
    assert cr_depose.statut == StatutCompteRendu.DEPOSE

    services.donner_avis(cr_depose, agent_etat, prefecture, SensAvisCompteRendu.ACCEPTE)
    cr_depose.refresh_from_db()
    assert cr_depose.statut == StatutCompteRendu.ACCEPTE
    assert compte_rendu_accepte_par(cr_depose.convention_id, prefecture.pk, ANNEE)
    evenements = list(
        JournalConvention.objects.filter(convention=cr_depose.convention).values_list("evenement", flat=True)
    )
    assert f"Compte-rendu {ANNEE} complété et redéposé" in evenements
    assert f"Compte-rendu {ANNEE} : compléments demandés par {prefecture}" in evenements


def test_asking_for_more_needs_a_reason(cr_depose, agent, epci):
    with pytest.raises(ValidationError, match="compléments vous demandez"):
        services.donner_avis(cr_depose, agent, epci, SensAvisCompteRendu.COMPLEMENTS, "  ")
    assert not AvisCompteRendu.objects.exists()


def test_an_agent_gives_an_opinion_only_for_his_own_organisation(cr_depose, agent, prefecture):
    with pytest.raises(PermissionDenied):
        services.donner_avis(cr_depose, agent, prefecture, SensAvisCompteRendu.ACCEPTE)
    assert not AvisCompteRendu.objects.exists()


def test_neither_the_structure_nor_a_funder_outside_the_convention_gives_an_opinion(
    cr_depose, membre_structure, partenaire, epci, bailleur
):
    with pytest.raises(PermissionDenied):
        services.donner_avis(cr_depose, membre_structure, epci, SensAvisCompteRendu.ACCEPTE)
    with pytest.raises(PermissionDenied):
        services.donner_avis(cr_depose, partenaire, bailleur, SensAvisCompteRendu.ACCEPTE)
    assert not AvisCompteRendu.objects.exists()


def test_no_opinion_on_a_draft_nor_on_an_accepted_report(
    convention_cr, membre_structure, agent, agent_etat, epci, prefecture
):
    brouillon = enregistrer(convention_cr, membre_structure)
    with pytest.raises(ValidationError, match="n'est pas déposé"):
        services.donner_avis(brouillon, agent, epci, SensAvisCompteRendu.ACCEPTE)
    services.deposer(brouillon, membre_structure)
    services.donner_avis(brouillon, agent, epci, SensAvisCompteRendu.ACCEPTE)
    services.donner_avis(brouillon, agent_etat, prefecture, SensAvisCompteRendu.ACCEPTE)
    with pytest.raises(ValidationError, match="déjà accepté"):
        services.donner_avis(brouillon, agent, epci, SensAvisCompteRendu.COMPLEMENTS, "Oubli")
    assert AvisCompteRendu.objects.count() == 2


def test_an_opinion_tells_the_members_of_the_structure(cr_depose, membre_structure, agent, epci):
    executer_taches()
    mail.outbox.clear()

    services.donner_avis(cr_depose, agent, epci, SensAvisCompteRendu.COMPLEMENTS, "Détaillez le compte 64.")
    executer_taches()

    assert [m.to for m in mail.outbox] == [[membre_structure.email]]
    assert "Détaillez le compte 64." in mail.outbox[0].body


# --- Section de la page de la convention --------------------------------------------------------------------


def test_funders_do_not_see_a_draft_in_the_years_of_the_convention(
    convention_cr, membre_structure, agent, epci, prefecture
):
    enregistrer(convention_cr, membre_structure)
    parties = [epci, prefecture]

    pour_la_structure = services.annees_comptes_rendus(membre_structure, convention_cr, parties)
    pour_l_agent = services.annees_comptes_rendus(agent, convention_cr, parties)

    assert [(a.annee, a.etat, a.preparable) for a in pour_la_structure] == [
        (ANNEE, "En préparation", True),
        (ANNEE + 1, "Non déposé", True),
    ]
    assert [(a.annee, a.compte_rendu, a.etat, a.preparable) for a in pour_l_agent] == [
        (ANNEE, None, "Non déposé", False),
        (ANNEE + 1, None, "Non déposé", False),
    ]
