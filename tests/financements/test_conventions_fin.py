"""La fin du cycle de vie des conventions : avenants signés par chaque partie (montants et durée), autre
financeur ajouté à une convention en projet, objectifs du contrat de ville, révision d'une décision avant la
convention."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contrats.models import NiveauOrientation, Orientation
from financements.models import Convention, DecisionFinanceur, StatutAvenant, StatutConvention
from financements.services import conventions as services
from financements.services import instruction
from tests.contrats.factories import ContratFactory
from tests.taches import taches


@pytest.fixture
def de_l_etat(decide, prefecture):
    return Convention.objects.get(dossiers=decide, parties__financeur=prefecture)


@pytest.fixture
def de_la_metropole(decide, epci):
    return Convention.objects.get(dossiers=decide, parties__financeur=epci)


def _montants(convention):
    return {(m.financeur_id, m.annee): m.montant for m in convention.montants.all()}


def _signer_structure(objet, membre, signer=services.signer):
    return signer(
        objet, membre, None, signataire_nom="Awa Diallo", signataire_qualite="Présidente", representant_declare=True
    )


def _en_vigueur(convention, agent_etat, membre_structure, prefecture):
    services.faire_avancer(convention, agent_etat, StatutConvention.ENVOYEE)
    _signer_structure(convention, membre_structure)
    services.signer(convention, agent_etat, prefecture, signataire_nom="M. le préfet", signataire_qualite="Préfet")
    services.faire_avancer(convention, agent_etat, StatutConvention.EN_VIGUEUR)
    convention.refresh_from_db()
    return convention


def _avenant(convention, auteur, financeur, montants, nombre_annees=None):
    annees = range(convention.annee_debut, convention.annee_debut + (nombre_annees or convention.nombre_annees))
    return services.preparer_avenant(
        convention,
        auteur,
        objet="Révision",
        motif="Un quartier de plus.",
        montants={(financeur.pk, a): Decimal(m) for a, m in zip(annees, montants, strict=True)},
        nombre_annees=nombre_annees,
    )


def _signer_prefecture(avenant, agent_etat, prefecture):
    return services.signer_avenant(
        avenant, agent_etat, prefecture, signataire_nom="M. le préfet", signataire_qualite="Préfet"
    )


# --- Avenants ---------------------------------------------------------------------------------------------


def test_the_structure_signs_the_avenant_before_the_funders(de_l_etat, agent_etat, membre_structure, prefecture):
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    avenant = _avenant(de_l_etat, agent_etat, prefecture, ["35000"])
    with pytest.raises(ValidationError, match="La structure signe l'avenant d'abord"):
        _signer_prefecture(avenant, agent_etat, prefecture)
    assert not avenant.signatures.exists()
    _signer_structure(avenant, membre_structure, services.signer_avenant)
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        _signer_structure(avenant, membre_structure, services.signer_avenant)


def test_no_one_signs_the_avenant_for_a_party_they_may_not_commit(
    de_l_etat, agent_etat, agent, membre_structure, prefecture
):
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    avenant = _avenant(de_l_etat, agent_etat, prefecture, ["35000"])
    with pytest.raises(PermissionDenied, match="engager la structure"):
        _signer_structure(avenant, agent_etat, services.signer_avenant)
    _signer_structure(avenant, membre_structure, services.signer_avenant)
    for personne in (membre_structure, agent):
        with pytest.raises(PermissionDenied, match="Préfecture"):
            _signer_prefecture(avenant, personne, prefecture)
    assert avenant.signatures.count() == 1


def test_a_collectivite_signs_the_avenant_with_its_deliberation(structure, agent, membre_structure, epci):
    cpo = services.creer_convention(
        structure, agent, financeurs={epci: [Decimal("10000")] * 2}, annee_debut=2026, nombre_annees=2, objet="x"
    )
    services.faire_avancer(cpo, agent, StatutConvention.ENVOYEE)
    _signer_structure(cpo, membre_structure)
    services.signer(
        cpo,
        agent,
        epci,
        signataire_nom="P",
        signataire_qualite="Président",
        reference_acte="D1",
        date_acte=date(2026, 1, 5),
    )
    services.faire_avancer(cpo, agent, StatutConvention.EN_VIGUEUR)
    avenant = _avenant(cpo, agent, epci, ["10000", "12000"])
    _signer_structure(avenant, membre_structure, services.signer_avenant)
    with pytest.raises(ValidationError, match="délibération"):
        services.signer_avenant(avenant, agent, epci, signataire_nom="P", signataire_qualite="Président")
    services.signer_avenant(
        avenant,
        agent,
        epci,
        signataire_nom="P",
        signataire_qualite="Président",
        reference_acte="D2",
        date_acte=date(2026, 3, 1),
    )
    avenant.refresh_from_db()
    assert avenant.statut == StatutAvenant.SIGNE


def test_an_avenant_extends_the_duration_within_four_years(de_l_etat, agent_etat, membre_structure, prefecture):
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    annee = de_l_etat.annee_debut
    avenant = _avenant(de_l_etat, agent_etat, prefecture, ["30000", "20000", "20000"], nombre_annees=3)
    _signer_structure(avenant, membre_structure, services.signer_avenant)
    _signer_prefecture(avenant, agent_etat, prefecture)
    de_l_etat.refresh_from_db()
    avenant.refresh_from_db()
    assert de_l_etat.nombre_annees == 3
    assert _montants(de_l_etat)[prefecture.pk, annee + 2] == Decimal("20000")
    assert (avenant.nombre_annees_avant, avenant.nombre_annees_apres) == (1, 3)
    assert services.differences(avenant, {prefecture.pk: "État"}) == [
        ("État", str(annee + 1), None, Decimal("20000")),
        ("État", str(annee + 2), None, Decimal("20000")),
    ]


def test_an_avenant_shortens_the_duration_and_drops_the_later_years(
    de_l_etat, agent_etat, membre_structure, prefecture
):
    annee = de_l_etat.annee_debut
    services.modifier_convention(
        de_l_etat,
        agent_etat,
        objet=de_l_etat.objet,
        annee_debut=annee,
        nombre_annees=2,
        part_avance=Decimal("50"),
        solde_apres_compte_rendu=True,
        justificatifs="",
        objectifs=[],
        articles={},
        montants={(prefecture.pk, annee): Decimal("15000"), (prefecture.pk, annee + 1): Decimal("15000")},
    )
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    avenant = _avenant(de_l_etat, agent_etat, prefecture, ["15000"], nombre_annees=1)
    _signer_structure(avenant, membre_structure, services.signer_avenant)
    _signer_prefecture(avenant, agent_etat, prefecture)
    de_l_etat.refresh_from_db()
    assert de_l_etat.nombre_annees == 1
    assert _montants(de_l_etat) == {(prefecture.pk, annee): Decimal("15000")}
    assert services.differences(avenant, {prefecture.pk: "État"}) == [("État", str(annee + 1), Decimal("15000"), None)]


def test_an_avenant_cannot_make_a_cpo_longer_than_four_years(de_l_etat, agent_etat, membre_structure, prefecture):
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    with pytest.raises(ValidationError, match="au plus 4 ans"):
        _avenant(de_l_etat, agent_etat, prefecture, ["1"] * 5, nombre_annees=5)
    assert not de_l_etat.avenants.exists()


def test_an_avenant_that_changes_nothing_or_while_another_awaits_is_refused(
    de_l_etat, agent_etat, membre_structure, prefecture
):
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    with pytest.raises(ValidationError, match="rien à signer"):
        _avenant(de_l_etat, agent_etat, prefecture, ["30000"])
    _avenant(de_l_etat, agent_etat, prefecture, ["35000"])
    with pytest.raises(ValidationError, match="attend encore des signatures"):
        _avenant(de_l_etat, agent_etat, prefecture, ["36000"])
    assert de_l_etat.avenants.count() == 1


def test_a_signed_convention_changes_only_through_an_avenant(de_l_etat, agent_etat, membre_structure, prefecture, epci):
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    with pytest.raises(PermissionDenied, match="avenant"):
        services.modifier_convention(
            de_l_etat,
            agent_etat,
            objet="Autre objet",
            annee_debut=de_l_etat.annee_debut,
            nombre_annees=1,
            part_avance=Decimal("50"),
            solde_apres_compte_rendu=True,
            justificatifs="",
            objectifs=[],
            articles={},
            montants=_montants(de_l_etat),
        )
    with pytest.raises(PermissionDenied, match="avenant"):
        services.ajouter_financeur(de_l_etat, agent_etat, epci, [Decimal("10000")])
    de_l_etat.refresh_from_db()
    assert de_l_etat.objet != "Autre objet"
    assert de_l_etat.parties.count() == 1


def test_the_avenant_is_notified_to_the_parties_at_each_signature(de_l_etat, agent_etat, membre_structure, prefecture):
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    avenant = _avenant(de_l_etat, agent_etat, prefecture, ["35000"])
    _signer_structure(avenant, membre_structure, services.signer_avenant)
    sujets = [t.args["sujet"] for t in taches("envoyer_courriel") if t.args["destinataire"] == "etat@exemple.fr"]
    assert any("Avenant n° 1 : signature de la structure" in sujet for sujet in sujets)


# --- Plusieurs financeurs dans une convention --------------------------------------------------------------


def test_a_party_funder_adds_another_funder_that_decided_and_its_own_draft_is_merged(
    de_l_etat, de_la_metropole, agent_etat, epci, prefecture
):
    services.ajouter_financeur(de_l_etat, agent_etat, epci, [Decimal("10000")])
    annee = de_l_etat.annee_debut
    assert _montants(de_l_etat) == {(prefecture.pk, annee): Decimal("30000"), (epci.pk, annee): Decimal("10000")}
    de_la_metropole.refresh_from_db()
    assert de_la_metropole.statut == StatutConvention.RESILIEE
    assert f"n° {de_l_etat.pk}" in de_la_metropole.motif_resiliation
    # La convention réunie part à la signature : les montants de chacun font ce qu'il a décidé.
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    assert services.financeurs_ajoutables(de_l_etat) == []


def test_the_added_funder_yearly_amounts_must_add_up_to_its_decision(de_l_etat, de_la_metropole, agent_etat, epci):
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_financeur(de_l_etat, agent_etat, epci, [Decimal("9000")])
    assert "totalisent 9 000,00 €" in " ".join(erreur.value.messages).replace("\u202f", " ")
    assert de_l_etat.parties.count() == 1
    de_la_metropole.refresh_from_db()
    assert de_la_metropole.statut == StatutConvention.PROJET


def test_only_a_funder_that_decided_on_an_action_joins(de_l_etat, agent_etat, bailleur):
    with pytest.raises(ValidationError, match="n'a accordé aucun montant"):
        services.ajouter_financeur(de_l_etat, agent_etat, bailleur, [Decimal("1000")])
    assert de_l_etat.parties.count() == 1


def test_only_an_agent_of_a_party_funder_adds_a_funder(de_l_etat, agent, membre_structure, epci):
    for personne in (agent, membre_structure):  # la métropole n'est pas (encore) partie à cette convention
        with pytest.raises(PermissionDenied):
            services.ajouter_financeur(de_l_etat, personne, epci, [Decimal("10000")])
    assert de_l_etat.parties.count() == 1


def test_a_funder_whose_own_convention_is_signed_is_not_merged(
    de_l_etat, de_la_metropole, agent, agent_etat, membre_structure, epci
):
    services.faire_avancer(de_la_metropole, agent, StatutConvention.ENVOYEE)
    _signer_structure(de_la_metropole, membre_structure)
    with pytest.raises(ValidationError, match="déjà une convention signée"):
        services.ajouter_financeur(de_l_etat, agent_etat, epci, [Decimal("10000")])
    assert de_l_etat.parties.count() == 1


# --- Objectifs du contrat de ville -------------------------------------------------------------------------


def _modifier_objectifs(convention, auteur, orientations, objectifs=()):
    services.modifier_convention(
        convention,
        auteur,
        objet=convention.objet,
        annee_debut=convention.annee_debut,
        nombre_annees=convention.nombre_annees,
        part_avance=Decimal("50"),
        solde_apres_compte_rendu=True,
        justificatifs="",
        objectifs=list(objectifs),
        articles={},
        montants=_montants(convention),
        orientations=orientations,
    )


def test_the_objectives_are_chosen_among_the_contract_s_besides_free_text(de_l_etat, agent_etat, contrat):
    orientation = Orientation.objects.create(
        contrat=contrat, niveau=NiveauOrientation.ORIENTATION, titre="Emploi des jeunes"
    )
    objectif = Orientation.objects.create(
        contrat=contrat, parent=orientation, niveau=NiveauOrientation.OBJECTIF, titre="Lever les freins à l'emploi"
    )
    possibles = services.orientations_possibles(de_l_etat)
    # Chaque orientation du contrat, suivie de ses objectifs.
    assert possibles.index(objectif) == possibles.index(orientation) + 1
    _modifier_objectifs(de_l_etat, agent_etat, [objectif], ["Réparer 500 vélos"])
    assert [(o.libelle, o.orientation_id) for o in de_l_etat.objectifs.all()] == [
        ("Lever les freins à l'emploi", objectif.pk),
        ("Réparer 500 vélos", None),
    ]


def test_an_objective_of_another_contract_is_refused(de_l_etat, agent_etat):
    ailleurs = Orientation.objects.create(
        contrat=ContratFactory(), niveau=NiveauOrientation.ORIENTATION, titre="Ailleurs"
    )
    with pytest.raises(ValidationError, match="parmi ceux du contrat"):
        _modifier_objectifs(de_l_etat, agent_etat, [ailleurs])
    assert not de_l_etat.objectifs.filter(orientation=ailleurs).exists()


# --- Révision d'une décision avant la convention ------------------------------------------------------------


def test_a_funder_revises_its_decision_with_a_reason_and_its_draft_follows(decide, de_l_etat, agent_etat, prefecture):
    instruction.reviser_decision(decide, agent_etat, prefecture, "24000", "Enveloppe régionale réduite.")
    decision = DecisionFinanceur.objects.get(financement__dossier=decide, financement__financeur=prefecture)
    assert decision.montant == Decimal("24000")
    assert decide.journal.filter(
        evenement__startswith="Décision de Préfecture", motif="Enveloppe régionale réduite."
    ).exists()
    decide.refresh_from_db()
    assert decide.montant_accorde == Decimal("34000")
    assert _montants(de_l_etat) == {(prefecture.pk, de_l_etat.annee_debut): Decimal("24000")}
    assert de_l_etat.journal.filter(motif="Enveloppe régionale réduite.").exists()


def test_a_revision_needs_a_reason_and_changes_nothing_without_it(decide, de_l_etat, agent_etat, prefecture):
    for motif in ("", "  "):
        with pytest.raises(ValidationError, match="motif"):
            instruction.reviser_decision(decide, agent_etat, prefecture, "24000", motif)
    assert _montants(de_l_etat) == {(prefecture.pk, de_l_etat.annee_debut): Decimal("30000")}


def test_a_sent_convention_goes_back_to_draft_and_the_parties_are_told(decide, de_l_etat, agent_etat, prefecture):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    instruction.reviser_decision(decide, agent_etat, prefecture, "28000", "Erreur de calcul.")
    de_l_etat.refresh_from_db()
    assert de_l_etat.statut == StatutConvention.PROJET
    assert de_l_etat.journal.filter(a_statut=StatutConvention.PROJET, motif="Erreur de calcul.").exists()
    destinataires = {
        t.args["destinataire"] for t in taches("envoyer_courriel") if "revoit sa décision" in t.args["sujet"]
    }
    assert {"tresoriere@exemple.fr", "etat@exemple.fr"} <= destinataires


def test_a_refusal_removes_the_funder_from_the_shared_convention(
    decide, de_l_etat, agent, agent_etat, epci, prefecture
):
    services.ajouter_financeur(de_l_etat, agent_etat, epci, [Decimal("10000")])
    instruction.reviser_decision(decide, agent, epci, "0", "Hors de nos priorités finalement.")
    de_l_etat.refresh_from_db()
    assert de_l_etat.statut == StatutConvention.PROJET
    assert list(de_l_etat.parties.values_list("financeur_id", flat=True)) == [prefecture.pk]
    assert _montants(de_l_etat) == {(prefecture.pk, de_l_etat.annee_debut): Decimal("30000")}


def test_a_refusal_cancels_a_convention_left_without_funder(decide, de_la_metropole, agent, epci):
    instruction.reviser_decision(decide, agent, epci, "0", "Hors de nos priorités finalement.")
    de_la_metropole.refresh_from_db()
    assert de_la_metropole.statut == StatutConvention.RESILIEE
    assert de_la_metropole.motif_resiliation == "Hors de nos priorités finalement."


def test_a_signed_convention_refuses_the_revision(decide, de_l_etat, agent_etat, membre_structure, prefecture):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    _signer_structure(de_l_etat, membre_structure)
    with pytest.raises(ValidationError, match="avenant"):
        instruction.reviser_decision(decide, agent_etat, prefecture, "24000", "Trop tard.")
    decision = DecisionFinanceur.objects.get(financement__dossier=decide, financement__financeur=prefecture)
    assert decision.montant == Decimal("30000")
    assert not decide.journal.filter(motif="Trop tard.").exists()


def test_only_the_funder_s_agents_revise_its_decision(decide, agent, membre_structure, prefecture):
    for personne in (agent, membre_structure):
        with pytest.raises(PermissionDenied):
            instruction.reviser_decision(decide, personne, prefecture, "1", "Non.")
    decision = DecisionFinanceur.objects.get(financement__dossier=decide, financement__financeur=prefecture)
    assert decision.montant == Decimal("30000")


def test_an_avenant_never_sets_less_than_what_was_already_paid(de_l_etat, agent_etat, membre_structure, prefecture):
    from financements.models.execution import NatureVersement, StatutVersement, Versement

    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    annee = de_l_etat.annee_debut
    Versement.objects.create(
        convention=de_l_etat,
        financeur=prefecture,
        annee=annee,
        nature=NatureVersement.AVANCE,
        montant=Decimal("15000"),
        date_prevue=date(annee, 3, 1),
        statut=StatutVersement.PAYE,
        cree_par=agent_etat,
    )
    with pytest.raises(ValidationError) as erreur:
        _avenant(de_l_etat, agent_etat, prefecture, ["12000"])
    assert "déjà mandaté ou payé 15 000,00 €" in " ".join(erreur.value.messages).replace("\u202f", " ")
    assert not de_l_etat.avenants.exists()
    _avenant(de_l_etat, agent_etat, prefecture, ["15000"])
