"""Les conventions : préparées d'après les décisions, modifiées en projet, signées dans l'ordre par qui peut
engager chaque partie, mises en vigueur ; le dossier suit (conventionné, en cours)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from financements.models import Convention, ConventionMontant, StatutConvention, StatutDossier
from financements.services import conventions as services
from financements.services import dossiers as services_dossiers
from financements.services import instruction
from tests.financements.conftest import fichier_pdf, remplir
from tests.taches import taches


@pytest.fixture
def de_l_etat(decide, prefecture):
    return Convention.objects.get(dossiers=decide, parties__financeur=prefecture)


def _montants(convention):
    return {(m.financeur_id, m.annee): m.montant for m in convention.montants.all()}


def _modifier(convention, auteur, **changements):
    valeurs = {
        "objet": convention.objet,
        "annee_debut": convention.annee_debut,
        "nombre_annees": convention.nombre_annees,
        "part_avance": Decimal("50"),
        "solde_apres_compte_rendu": True,
        "justificatifs": convention.justificatifs,
        "objectifs": ["Réparer 500 vélos"],
        "articles": {},
        "montants": _montants(convention),
    }
    valeurs.update(changements)
    services.modifier_convention(convention, auteur, **valeurs)


def _signer_structure(convention, membre):
    return services.signer(
        convention,
        membre,
        None,
        signataire_nom="Awa Diallo",
        signataire_qualite="Présidente",
        representant_declare=True,
    )


def _jusqu_a_la_signature_de_l_etat(convention, agent_etat, membre_structure):
    services.faire_avancer(convention, agent_etat, StatutConvention.ENVOYEE)
    _signer_structure(convention, membre_structure)
    services.signer(
        convention,
        agent_etat,
        convention.parties.get().financeur,
        signataire_nom="M. le préfet",
        signataire_qualite="Préfet",
    )


def test_it_drafts_one_convention_per_funder_that_granted_an_amount(decide, epci, prefecture):
    conventions = Convention.objects.filter(dossiers=decide)
    assert sorted(c.parties.get().financeur.nom for c in conventions) == sorted([epci.nom, prefecture.nom])
    etat = conventions.get(parties__financeur=prefecture)
    assert etat.statut == StatutConvention.PROJET
    assert [m.montant for m in etat.montants.all()] == [Decimal("30000")]
    assert etat.articles.count() == 12
    assert etat.articles.get(numero=1).titre == "Objet de la convention"


def test_it_spreads_a_multi_year_amount_over_the_years_to_the_cent():
    assert services.repartir(Decimal("10000"), 3) == [Decimal("3333.33"), Decimal("3333.33"), Decimal("3333.34")]


def test_it_does_not_draft_twice_for_the_same_funder(decide, agent):
    services.generer_conventions(decide, agent)
    assert Convention.objects.filter(dossiers=decide).count() == 2


def test_it_refuses_yearly_amounts_that_do_not_add_up_to_the_decided_amount(de_l_etat, agent_etat, prefecture):
    annee = de_l_etat.annee_debut
    with pytest.raises(ValidationError) as erreur:
        _modifier(
            de_l_etat,
            agent_etat,
            nombre_annees=2,
            montants={(prefecture.pk, annee): Decimal("15000"), (prefecture.pk, annee + 1): Decimal("14000")},
        )
    assert "totalisent 29 000,00 €" in " ".join(erreur.value.messages).replace("\u202f", " ")
    de_l_etat.refresh_from_db()
    assert de_l_etat.nombre_annees == 1
    assert list(de_l_etat.objectifs.values_list("libelle", flat=True)) != ["Réparer 500 vélos"]


def test_it_saves_a_split_that_adds_up(de_l_etat, agent_etat, prefecture):
    annee = de_l_etat.annee_debut
    _modifier(
        de_l_etat,
        agent_etat,
        nombre_annees=2,
        montants={(prefecture.pk, annee): Decimal("20000"), (prefecture.pk, annee + 1): Decimal("10000")},
        articles={2: "Deux ans."},
    )
    de_l_etat.refresh_from_db()
    assert de_l_etat.pluriannuelle
    assert _montants(de_l_etat) == {
        (prefecture.pk, annee): Decimal("20000"),
        (prefecture.pk, annee + 1): Decimal("10000"),
    }
    assert de_l_etat.articles.get(numero=2).texte == "Deux ans."


def test_it_refuses_a_cpo_longer_than_four_years(de_l_etat, agent_etat):
    with pytest.raises(ValidationError, match="au plus 4 ans"):
        _modifier(de_l_etat, agent_etat, nombre_annees=5)


def test_only_a_party_funder_edits_the_draft(de_l_etat, agent, membre_structure):
    for personne in (agent, membre_structure):
        with pytest.raises(PermissionDenied):
            _modifier(de_l_etat, personne)


def test_a_sent_convention_is_no_longer_edited(de_l_etat, agent_etat):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    with pytest.raises(PermissionDenied, match="avenant"):
        _modifier(de_l_etat, agent_etat)


def test_a_funder_cannot_sign_before_the_structure(de_l_etat, agent_etat, prefecture):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    with pytest.raises(ValidationError, match="La structure signe d'abord"):
        services.signer(de_l_etat, agent_etat, prefecture, signataire_nom="Préfet", signataire_qualite="Préfet")
    assert not de_l_etat.signatures.exists()


def test_the_structure_cannot_sign_a_draft_not_sent(de_l_etat, membre_structure):
    with pytest.raises(ValidationError, match="ne se signe pas"):
        _signer_structure(de_l_etat, membre_structure)


def test_someone_who_may_not_commit_a_party_cannot_sign_for_it(de_l_etat, agent_etat, agent, prefecture):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    with pytest.raises(PermissionDenied):
        _signer_structure(de_l_etat, agent_etat)
    with pytest.raises(PermissionDenied):
        services.signer(de_l_etat, agent, prefecture, signataire_nom="X", signataire_qualite="Y")


def test_the_structure_declares_its_legal_representative(de_l_etat, agent_etat, membre_structure):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    with pytest.raises(ValidationError, match="représentant légal"):
        services.signer(de_l_etat, membre_structure, None, signataire_nom="Awa Diallo", signataire_qualite="Trésorière")
    de_l_etat.refresh_from_db()
    assert de_l_etat.statut == StatutConvention.ENVOYEE


def test_a_collectivite_signs_with_the_reference_and_date_of_its_deliberation(
    decide, agent, agent_etat, membre_structure, epci
):
    metropole = Convention.objects.get(dossiers=decide, parties__financeur=epci)
    services.faire_avancer(metropole, agent, StatutConvention.ENVOYEE)
    _signer_structure(metropole, membre_structure)
    with pytest.raises(ValidationError, match="délibération"):
        services.signer(metropole, agent, epci, signataire_nom="Nathalie Appéré", signataire_qualite="Présidente")
    services.signer(
        metropole,
        agent,
        epci,
        signataire_nom="Nathalie Appéré",
        signataire_qualite="Présidente",
        reference_acte="DEL-2027-042",
        date_acte=date(2026, 10, 3),
        fichier=fichier_pdf("convention-signee.pdf"),
    )
    metropole.refresh_from_db()
    assert metropole.statut == StatutConvention.SIGNEE_FINANCEURS
    signature = metropole.signatures.get(financeur=epci)
    assert (signature.reference_acte, signature.enregistree_par) == ("DEL-2027-042", agent)
    assert signature.chemin.startswith("prive/conventions/")


def test_a_signed_pdf_must_be_a_pdf(de_l_etat, agent_etat, membre_structure, prefecture):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    _signer_structure(de_l_etat, membre_structure)
    image = SimpleUploadedFile("signee.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    with pytest.raises(ValidationError, match="en PDF"):
        services.signer(
            de_l_etat, agent_etat, prefecture, signataire_nom="P", signataire_qualite="Préfet", fichier=image
        )
    assert not de_l_etat.signatures.filter(financeur=prefecture).exists()


def test_a_multi_funder_cpo_waits_for_every_funder(structure, agent, agent_etat, membre_structure, epci, prefecture):
    cpo = services.creer_convention(
        structure,
        agent,
        financeurs={epci: [Decimal("10000")] * 3, prefecture: [Decimal("20000")] * 3},
        annee_debut=2027,
        nombre_annees=3,
        objet="le projet associatif",
    )
    services.faire_avancer(cpo, agent, StatutConvention.ENVOYEE)
    _signer_structure(cpo, membre_structure)
    services.signer(cpo, agent_etat, prefecture, signataire_nom="Préfet", signataire_qualite="Préfet")
    cpo.refresh_from_db()
    assert cpo.statut == StatutConvention.SIGNEE_STRUCTURE
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        services.signer(cpo, agent_etat, prefecture, signataire_nom="Préfet", signataire_qualite="Préfet")
    services.signer(
        cpo,
        agent,
        epci,
        signataire_nom="Présidente",
        signataire_qualite="Présidente",
        reference_acte="DEL-1",
        date_acte=date(2026, 10, 5),
    )
    cpo.refresh_from_db()
    assert cpo.statut == StatutConvention.SIGNEE_FINANCEURS
    assert cpo.type_subvention == "fonctionnement"


def test_a_cpo_of_more_than_four_years_is_refused(structure, agent, epci):
    with pytest.raises(ValidationError, match="au plus 4 ans"):
        services.creer_convention(
            structure, agent, financeurs={epci: [Decimal("1")] * 5}, annee_debut=2027, nombre_annees=5, objet="x"
        )
    assert not Convention.objects.exists()


def test_the_dossier_cannot_start_without_the_signed_convention_above_the_threshold(decide, agent_etat):
    with pytest.raises(ValidationError, match="Préfecture d'Ille-et-Vilaine"):
        services_dossiers.faire_avancer(decide, agent_etat, StatutDossier.EN_COURS)
    decide.refresh_from_db()
    assert decide.statut == StatutDossier.DECIDE


def test_the_manual_transition_to_conventionne_is_gone(decide, agent):
    with pytest.raises(ValidationError, match="entrent en vigueur"):
        services_dossiers.faire_avancer(decide, agent, StatutDossier.CONVENTIONNE)


def test_the_dossier_is_conventionne_when_all_its_conventions_come_into_force(
    decide, de_l_etat, agent, agent_etat, membre_structure, epci
):
    _jusqu_a_la_signature_de_l_etat(de_l_etat, agent_etat, membre_structure)
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.EN_VIGUEUR)
    decide.refresh_from_db()
    assert decide.statut == StatutDossier.DECIDE  # la convention de la métropole n'est pas encore en vigueur
    services_dossiers.faire_avancer(decide, agent_etat, StatutDossier.EN_COURS)  # celle de l'État est signée
    decide.refresh_from_db()
    assert decide.statut == StatutDossier.EN_COURS


def test_coming_into_force_makes_the_dossier_conventionne(decide, de_l_etat, agent, agent_etat, membre_structure, epci):
    metropole = Convention.objects.get(dossiers=decide, parties__financeur=epci)
    services.faire_avancer(metropole, agent, StatutConvention.RESILIEE, "Décision revue : financement retiré.")
    _jusqu_a_la_signature_de_l_etat(de_l_etat, agent_etat, membre_structure)
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.EN_VIGUEUR)
    decide.refresh_from_db()
    assert (decide.statut, decide.conventionne_le is not None) == (StatutDossier.CONVENTIONNE, True)
    de_l_etat.refresh_from_db()
    assert de_l_etat.en_vigueur_le is not None
    evenements = list(de_l_etat.journal.order_by("date", "pk").values_list("a_statut", flat=True))
    assert evenements == ["projet", "envoyee", "signee_structure", "signee_financeurs", "en_vigueur"]


def test_resiliation_and_back_to_draft_need_a_reason(de_l_etat, agent_etat):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    with pytest.raises(ValidationError, match="motif"):
        services.faire_avancer(de_l_etat, agent_etat, StatutConvention.PROJET, " ")
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.PROJET, "Décision revue à la baisse.")
    de_l_etat.refresh_from_db()
    assert de_l_etat.statut == StatutConvention.PROJET
    assert de_l_etat.journal.filter(motif="Décision revue à la baisse.").exists()


def test_each_step_is_notified_to_the_parties(de_l_etat, agent_etat):
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    destinataires = {t.args["destinataire"] for t in taches("envoyer_courriel") if "Convention" in t.args["sujet"]}
    assert {"tresoriere@exemple.fr", "etat@exemple.fr"} <= destinataires


def test_signature_states_are_not_chosen_by_hand(de_l_etat, agent_etat):
    with pytest.raises(ValidationError, match="suit des signatures"):
        services.faire_avancer(de_l_etat, agent_etat, StatutConvention.SIGNEE_STRUCTURE)
    assert ConventionMontant.objects.filter(convention=de_l_etat).count() == 1


def test_a_non_financed_dossier_gets_no_convention(brouillon, membre_structure, agent, epci):
    remplir(brouillon, membre_structure, {epci: Decimal("5000")})
    services_dossiers.deposer(brouillon, membre_structure)
    instruction.prendre_en_instruction(brouillon, agent)
    instruction.decider(brouillon, agent, epci, "0", motif="Hors priorités.")
    assert not Convention.objects.filter(dossiers=brouillon).exists()


def test_renewal_creates_the_next_convention_from_the_last_one(de_l_etat, agent_etat, membre_structure, prefecture):
    _jusqu_a_la_signature_de_l_etat(de_l_etat, agent_etat, membre_structure)
    with pytest.raises(ValidationError, match="en vigueur ou terminée"):
        services.renouveler(de_l_etat, agent_etat)
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.EN_VIGUEUR)
    suivante = services.renouveler(de_l_etat, agent_etat)
    assert (suivante.statut, suivante.precedente, suivante.annee_debut) == (
        StatutConvention.PROJET,
        de_l_etat,
        de_l_etat.annee_fin + 1,
    )
    assert _montants(suivante) == {(prefecture.pk, de_l_etat.annee_fin + 1): Decimal("30000")}
    assert not suivante.dossiers.exists()
    with pytest.raises(ValidationError, match="déjà été renouvelée"):
        services.renouveler(de_l_etat, agent_etat)


def test_only_a_party_funder_renews(de_l_etat, agent_etat, membre_structure):
    _jusqu_a_la_signature_de_l_etat(de_l_etat, agent_etat, membre_structure)
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.EN_VIGUEUR)
    with pytest.raises(PermissionDenied):
        services.renouveler(de_l_etat, membre_structure)
    assert not Convention.objects.filter(precedente=de_l_etat).exists()


def test_cancelling_the_last_pending_draft_makes_the_dossier_conventionne(
    decide, de_l_etat, agent, agent_etat, membre_structure, epci
):
    _jusqu_a_la_signature_de_l_etat(de_l_etat, agent_etat, membre_structure)
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.EN_VIGUEUR)
    metropole = Convention.objects.get(dossiers=decide, parties__financeur=epci)
    services.faire_avancer(metropole, agent, StatutConvention.RESILIEE, "Financement retiré.")
    decide.refresh_from_db()
    assert decide.statut == StatutDossier.CONVENTIONNE


def test_cancelling_every_convention_does_not_make_the_dossier_conventionne(decide, agent, agent_etat):
    for convention in decide.conventions.all():
        financeur = convention.parties.get().financeur
        services.faire_avancer(
            convention, agent_etat if financeur.type == "etat" else agent, StatutConvention.RESILIEE, "Retiré."
        )
    decide.refresh_from_db()
    assert decide.statut == StatutDossier.DECIDE


def _en_vigueur(convention, agent_etat, membre_structure):
    _jusqu_a_la_signature_de_l_etat(convention, agent_etat, membre_structure)
    services.faire_avancer(convention, agent_etat, StatutConvention.EN_VIGUEUR)


def test_an_avenant_changes_the_amounts_once_every_party_signed_and_keeps_the_previous_ones(
    de_l_etat, agent_etat, membre_structure, prefecture
):
    _en_vigueur(de_l_etat, agent_etat, membre_structure)
    annee = de_l_etat.annee_debut
    avenant = services.preparer_avenant(
        de_l_etat,
        agent_etat,
        objet="Montant révisé",
        motif="Second quartier.",
        montants={(prefecture.pk, annee): Decimal("35000")},
    )
    services.signer_avenant(
        avenant,
        membre_structure,
        None,
        signataire_nom="Awa Diallo",
        signataire_qualite="Présidente",
        representant_declare=True,
    )
    assert _montants(de_l_etat) == {(prefecture.pk, annee): Decimal("30000")}  # rien n'est appliqué avant la fin
    services.signer_avenant(
        avenant,
        agent_etat,
        prefecture,
        signataire_nom="M. le préfet",
        signataire_qualite="Préfet",
        fichier=fichier_pdf("avenant.pdf"),
    )
    assert _montants(de_l_etat) == {(prefecture.pk, annee): Decimal("35000")}
    avenant.refresh_from_db()
    assert avenant.statut == "signe"
    assert services.differences(avenant, {prefecture.pk: "Préfecture"}) == [
        ("Préfecture", str(annee), Decimal("30000"), Decimal("35000"))
    ]
    with pytest.raises(ValidationError, match="déjà signé"):
        services.signer_avenant(avenant, agent_etat, prefecture, signataire_nom="P", signataire_qualite="Préfet")


def test_an_avenant_needs_a_convention_in_force_a_reason_and_a_party_funder(
    de_l_etat, agent_etat, membre_structure, prefecture
):
    montants = {(prefecture.pk, de_l_etat.annee_debut): Decimal("35000")}
    with pytest.raises(ValidationError, match="en vigueur"):
        services.preparer_avenant(de_l_etat, agent_etat, objet="x", motif="y", montants=montants)
    _en_vigueur(de_l_etat, agent_etat, membre_structure)
    with pytest.raises(ValidationError, match="pourquoi"):
        services.preparer_avenant(de_l_etat, agent_etat, objet="x", motif=" ", montants=montants)
    with pytest.raises(PermissionDenied):
        services.preparer_avenant(de_l_etat, membre_structure, objet="x", motif="y", montants=montants)
    assert not de_l_etat.avenants.exists()
