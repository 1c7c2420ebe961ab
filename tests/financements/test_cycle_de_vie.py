from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from financements.models import Issue, StatutConvention, StatutDossier
from financements.services import conventions, instruction
from financements.services import dossiers as services
from tests.financements.conftest import remplir
from tests.taches import puis_executer_taches, serveur_de_courriels_retabli, taches


def test_it_refuses_a_submission_after_the_closing_date(brouillon, membre_structure, epci):
    remplir(brouillon, membre_structure, {epci: Decimal("10000")})
    appel = brouillon.appel
    appel.cloture = timezone.localdate() - timedelta(days=1)
    appel.save()
    with pytest.raises(ValidationError) as erreur:
        services.deposer(brouillon, membre_structure)
    assert "clos depuis le" in " ".join(erreur.value.messages)
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutDossier.BROUILLON


def test_it_refuses_a_submission_with_a_missing_document(brouillon, membre_structure, epci):
    remplir(brouillon, membre_structure, {epci: Decimal("10000")}, pieces=("statuts",))
    with pytest.raises(ValidationError) as erreur:
        services.deposer(brouillon, membre_structure)
    assert "Pièces demandées manquantes : Relevé d'identité bancaire (RIB)." in erreur.value.messages


def test_it_refuses_a_submission_while_a_co_porteur_has_not_confirmed(
    brouillon, membre_structure, membre_co_porteur, autre_structure, epci
):
    remplir(brouillon, membre_structure, {epci: Decimal("10000")})
    services.inviter_co_porteur(brouillon, membre_structure, autre_structure, "Accueil des ateliers")
    with pytest.raises(ValidationError) as erreur:
        services.deposer(brouillon, membre_structure)
    assert "n'ont pas encore confirmé leur participation : Villejean Solidaire" in " ".join(erreur.value.messages)
    services.confirmer_co_portage(brouillon, membre_co_porteur)
    services.deposer(brouillon, membre_structure)
    brouillon.refresh_from_db()
    assert brouillon.collectif is True


def test_it_follows_the_whole_lifecycle_and_records_who_when_why(
    depose, membre_structure, agent, agent_etat, epci, prefecture
):
    instruction.prendre_en_instruction(depose, agent)
    instruction.demander_correction(depose, agent_etat, "Le RIB est illisible.")
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.CORRECTION_DEMANDEE
    services.deposer(depose, membre_structure)
    instruction.prendre_en_instruction(depose, agent)
    instruction.decider(depose, agent, epci, "10000", reference="DEL-2027-12")
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.EN_INSTRUCTION  # la préfecture n'a pas encore décidé
    instruction.decider(depose, agent_etat, prefecture, "30000")
    depose.refresh_from_db()
    assert (depose.statut, depose.issue) == (StatutDossier.DECIDE, Issue.FINANCE)
    assert depose.convention_requise is True  # 30 000 € de l'État sur un an
    # Les conventions, une fois en vigueur, rendent le dossier conventionné (tests/financements/test_conventions.py).
    for convention in depose.conventions.all():
        financeur = convention.parties.get().financeur
        signataire = agent if financeur == epci else agent_etat
        conventions.faire_avancer(convention, signataire, StatutConvention.ENVOYEE)
        conventions.signer(
            convention,
            membre_structure,
            None,
            signataire_nom="A",
            signataire_qualite="Présidente",
            representant_declare=True,
        )
        conventions.signer(
            convention,
            signataire,
            financeur,
            signataire_nom="B",
            signataire_qualite="Président",
            reference_acte="DEL-2027-12",
            date_acte=timezone.localdate(),
        )
        conventions.faire_avancer(convention, signataire, StatutConvention.EN_VIGUEUR)
    depose.refresh_from_db()
    services.faire_avancer(depose, agent_etat, StatutDossier.EN_COURS)
    with pytest.raises(ValidationError, match="compte-rendu financier"):
        services.faire_avancer(depose, membre_structure, StatutDossier.BILAN_DEPOSE)
    from tests.financements.conftest import fichier_pdf

    services.ajouter_piece(depose, membre_structure, fichier_pdf("bilan.pdf"), "bilan")
    services.faire_avancer(depose, membre_structure, StatutDossier.BILAN_DEPOSE)
    services.faire_avancer(depose, agent, StatutDossier.CLOS, "Bilan conforme")
    journal = list(depose.journal.order_by("date", "pk").exclude(a_statut="").values_list("a_statut", "auteur"))
    assert [s for s, _ in journal] == [
        "brouillon",
        "depose",
        "en_instruction",
        "correction_demandee",
        "depose",
        "en_instruction",
        "decide",
        "conventionne",
        "en_cours",
        "bilan_depose",
        "clos",
    ]
    assert journal[3][1] == agent_etat.pk
    assert depose.journal.get(a_statut="correction_demandee").motif == "Le RIB est illisible."


def test_it_refuses_a_transition_that_is_not_allowed(depose, agent):
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.faire_avancer(depose, agent, StatutDossier.EN_COURS)


def test_it_requires_a_reason_to_ask_for_a_correction(depose, agent):
    instruction.prendre_en_instruction(depose, agent)
    with pytest.raises(ValidationError, match="Expliquez"):
        instruction.demander_correction(depose, agent, " ")


@pytest.mark.parametrize(
    "epci_accorde, etat_accorde, issue",
    [
        ("10000", "30000", Issue.FINANCE),
        ("10000", "12000", Issue.PARTIELLEMENT_FINANCE),
        ("0", "5000", Issue.PARTIELLEMENT_FINANCE),
        ("0", "0", Issue.NON_FINANCE),
        ("12000", "30000", Issue.FINANCE),
    ],
)
def test_it_derives_the_outcome_from_each_funder_decision(
    depose, agent, agent_etat, epci, prefecture, epci_accorde, etat_accorde, issue
):
    instruction.prendre_en_instruction(depose, agent)
    instruction.decider(depose, agent, epci, epci_accorde, motif="Enveloppe contrainte")
    instruction.decider(depose, agent_etat, prefecture, etat_accorde, motif="Enveloppe contrainte")
    depose.refresh_from_db()
    assert (depose.statut, depose.issue) == (StatutDossier.DECIDE, issue)
    assert depose.montant_accorde == Decimal(epci_accorde) + Decimal(etat_accorde)


def test_it_never_lets_a_funder_decide_for_another(depose, agent, agent_etat, epci, prefecture, agent_commune, commune):
    instruction.prendre_en_instruction(depose, agent)
    with pytest.raises(PermissionDenied, match="Seuls les agents de Préfecture"):
        instruction.decider(depose, agent, prefecture, "30000")
    with pytest.raises(PermissionDenied):
        instruction.decider(depose, agent_commune, commune, "1000")
    instruction.decider(depose, agent, epci, "10000")
    with pytest.raises(ValidationError, match="déjà décidé"):
        instruction.decider(depose, agent, epci, "5000")


def test_it_requires_a_reason_below_the_amount_asked(depose, agent, epci):
    instruction.prendre_en_instruction(depose, agent)
    with pytest.raises(ValidationError, match="Motivez"):
        instruction.decider(depose, agent, epci, "5000")


def test_it_flags_the_23000_threshold_per_funder_and_per_year(brouillon, membre_structure, epci, prefecture, agent):
    brouillon.nombre_annees = 2
    brouillon.save()
    remplir(brouillon, membre_structure, {epci: Decimal("40000"), prefecture: Decimal("20000")})
    brouillon.refresh_from_db()
    assert brouillon.convention_requise is False  # 20 000 € par an au plus
    services.enregistrer_plan(brouillon, membre_structure, {epci: Decimal("48000"), prefecture: Decimal("12000")}, 2000)
    brouillon.refresh_from_db()
    assert brouillon.convention_requise is True  # 24 000 € par an de la métropole


def test_it_notifies_the_carrier_and_co_porteurs_at_each_step(
    brouillon, membre_structure, membre_co_porteur, autre_structure, agent, agent_etat, epci, prefecture
):
    remplir(brouillon, membre_structure, {epci: Decimal("10000"), prefecture: Decimal("30000")})
    with puis_executer_taches():
        services.inviter_co_porteur(brouillon, membre_structure, autre_structure)
    assert mail.outbox[-1].to == ["villejean@exemple.fr"]
    assert "co-porter" in mail.outbox[-1].subject
    services.confirmer_co_portage(brouillon, membre_co_porteur)
    mail.outbox.clear()
    with puis_executer_taches():
        services.deposer(brouillon, membre_structure)
    # Un message par destinataire : personne ne voit l'adresse des autres. (Les agents des financeurs
    # sollicités reçoivent aussi le leur, « Dossier déposé ».)
    aux_porteurs = [m for m in mail.outbox if "Votre dossier" in m.subject]
    assert sorted(m.to for m in aux_porteurs) == [["tresoriere@exemple.fr"], ["villejean@exemple.fr"]]
    assert "déposé" in aux_porteurs[0].subject
    with puis_executer_taches():
        instruction.prendre_en_instruction(brouillon, agent)
        instruction.demander_correction(brouillon, agent, "Précisez le public.")
    assert "Précisez le public." in mail.outbox[-1].body
    with puis_executer_taches():
        services.deposer(brouillon, membre_structure)
        instruction.prendre_en_instruction(brouillon, agent)
        instruction.decider(brouillon, agent, epci, "10000")
        instruction.decider(brouillon, agent_etat, prefecture, "20000", motif="Enveloppe")
    dernier = mail.outbox[-1]
    assert "décidé" in dernier.subject
    assert "Partiellement financé" in dernier.body
    assert "Préfecture d'Ille-et-Vilaine : 20\u202f000,00 € accordés sur 30\u202f000,00 € demandés" in dernier.body
    # Déposé, en instruction, correction, déposé, en instruction, décidé : à chacun des deux porteurs.
    assert len([m for m in mail.outbox if "Votre dossier" in m.subject]) == 12


def test_it_sends_messages_to_the_other_side(depose, agent_etat, membre_structure):
    mail.outbox.clear()
    with puis_executer_taches():
        instruction.envoyer_message(depose, agent_etat, "Pouvez-vous préciser le nombre de jeunes ?")
    assert mail.outbox[-1].to == ["tresoriere@exemple.fr"]
    with puis_executer_taches():
        instruction.envoyer_message(depose, membre_structure, "Une trentaine.")
    assert "etat@exemple.fr" in mail.outbox[-1].to
    assert list(depose.messages.values_list("texte", flat=True)) == [
        "Pouvez-vous préciser le nombre de jeunes ?",
        "Une trentaine.",
    ]


def test_it_records_opinions_with_a_proposed_amount(depose, agent, agent_etat, prefecture):
    instruction.donner_avis(depose, agent_etat, "reserve", "25000", "Public mal ciblé")
    instruction.donner_avis(depose, agent_etat, "favorable", "30000", "Précisions reçues")
    avis = depose.avis.get(organisation=prefecture)
    assert (avis.sens, avis.montant_propose) == ("favorable", Decimal("30000"))
    with pytest.raises(ValidationError):
        instruction.donner_avis(depose, agent, "enthousiaste")


def test_it_accepts_a_corrected_dossier_after_the_closing_date(depose, membre_structure, agent):
    instruction.prendre_en_instruction(depose, agent)
    instruction.demander_correction(depose, agent, "Joignez le RIB à jour.")
    appel = depose.appel
    appel.cloture = timezone.localdate() - timedelta(days=1)
    appel.save()
    depose.refresh_from_db()
    services.deposer(depose, membre_structure)
    depose.refresh_from_db()
    assert depose.statut == StatutDossier.DEPOSE


def test_it_refuses_a_dossier_after_the_closing_date(appel, structure, membre_structure):
    appel.cloture = timezone.localdate() - timedelta(days=1)
    appel.save()
    with pytest.raises(ValidationError, match="clos depuis le"):
        services.creer_dossier(appel, structure, membre_structure, "Trop tard")


def test_a_title_with_a_line_break_gives_one_line_subjects(brouillon, membre_structure, epci):
    brouillon.titre = "Vélos\r\nsolidaires"
    brouillon.save(update_fields=["titre"])
    remplir(brouillon, membre_structure, {epci: Decimal("10000")})
    with puis_executer_taches():
        services.deposer(brouillon, membre_structure)
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutDossier.DEPOSE
    assert mail.outbox[0].subject == "[Coville] Votre dossier « Vélos solidaires » : déposé"


def test_every_notification_has_one_recipient(depose, agent_etat, membre_structure, membre_co_porteur, agent):
    mail.outbox.clear()
    with puis_executer_taches():
        instruction.envoyer_message(depose, membre_structure, "Une trentaine.")
    assert len(mail.outbox) >= 2
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)
    assert {message.to[0] for message in mail.outbox} >= {"etat@exemple.fr", "agent@exemple.fr"}


def test_a_message_is_kept_when_the_mail_server_is_down_and_notified_when_it_is_back(
    depose, agent_etat, membre_structure, smtp_en_panne, settings
):
    with puis_executer_taches():
        instruction.envoyer_message(depose, agent_etat, "Pouvez-vous préciser ?")
    assert depose.messages.filter(texte="Pouvez-vous préciser ?").exists()
    assert mail.outbox == []
    assert {(t.status, t.attempts) for t in taches("envoyer_courriel")} == {("todo", 1)}

    serveur_de_courriels_retabli(settings)
    assert membre_structure.email in [m.to[0] for m in mail.outbox]
    assert {t.status for t in taches("envoyer_courriel")} == {"succeeded"}
