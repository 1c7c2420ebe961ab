"""Les tableaux de bord des conventions : celui d'un financeur, celui de l'État (programme 147), et « Mes
conventions » dans Mon espace ; qui les voit, ce qu'ils montrent, leur nombre de requêtes."""

from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acteurs_ess.choix import FormeJuridique
from acteurs_ess.models import Structure
from comptes.models import Role
from financements import tableaux
from financements.forms import FinanceurAppelForm
from financements.models import (
    Avenant,
    AvisCompteRendu,
    CompteRendu,
    Convention,
    FinanceurAppel,
    NatureVersement,
    SensAvisCompteRendu,
    StatutCompteRendu,
    StatutConvention,
    StatutVersement,
    Versement,
)
from financements.services import conventions as services
from tests.factories import AdhesionFactory, OrganisationFactory

TABLEAU = reverse("financements:tableau_conventions")
ETAT = reverse("financements:tableau_etat")
MON_ESPACE = reverse("comptes:mon_espace")


def _texte(reponse) -> str:
    return unescape(reponse.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def _liste(reponse) -> str:
    """La liste choisie du tableau d'un financeur, sans les compteurs qui la précèdent."""
    texte = _texte(reponse)
    return texte[texte.index("Listes du tableau de bord") :]


def _requetes(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url, params or {}).status_code == 200
    return len(requetes)


def _convention(structure, auteur, financeurs, debut, annees=3, statut=StatutConvention.EN_VIGUEUR, dossiers=()):
    convention = services.creer_convention(
        structure,
        auteur,
        financeurs={f: [Decimal(m)] * annees for f, m in financeurs.items()},
        annee_debut=debut,
        nombre_annees=annees,
        objet="le projet associatif",
        dossiers=dossiers,
    )
    Convention.objects.filter(pk=convention.pk).update(statut=statut)
    convention.refresh_from_db()
    return convention


def _versement(convention, financeur, auteur, montant="1000", statut=StatutVersement.PREVU, jours=10, annee=None):
    return Versement.objects.create(
        convention=convention,
        financeur=financeur,
        annee=annee or convention.annee_debut,
        nature=NatureVersement.AVANCE,
        montant=Decimal(montant),
        date_prevue=timezone.localdate() + timedelta(days=jours),
        statut=statut,
        cree_par=auteur,
    )


def _depose(convention, annee, membre, statut=StatutCompteRendu.DEPOSE):
    return CompteRendu.objects.create(
        convention=convention, annee=annee, statut=statut, depose_le=timezone.now(), depose_par=membre
    )


# --- Tableau d'un financeur -------------------------------------------------------------------------------


def test_it_shows_a_funder_only_its_own_payments(client, agent, agent_etat, structure, epci, prefecture):
    convention = _convention(structure, agent, {epci: "20000", prefecture: "30000"}, timezone.localdate().year)
    _versement(convention, prefecture, agent_etat, montant="15000")
    _versement(convention, epci, agent, montant="7777")
    client.force_login(agent_etat)
    texte = _texte(client.get(TABLEAU))
    assert "15 000,00 €" in texte
    assert "7 777" not in texte
    client.force_login(agent)
    texte = _texte(client.get(TABLEAU))
    assert "7 777,00 €" in texte
    assert "15 000" not in texte


def test_a_funder_not_party_sees_none_of_the_conventions(client, agent_etat, structure, epci, agent):
    convention = _convention(structure, agent, {epci: "20000"}, timezone.localdate().year)
    _versement(convention, epci, agent, montant="7777")
    client.force_login(agent_etat)
    texte = _texte(client.get(TABLEAU, {"vue": "conventions"}))
    assert convention.get_absolute_url() not in texte
    assert "7 777" not in _texte(client.get(TABLEAU))


def test_payments_due_within_thirty_days_are_to_be_mandated(client, agent_etat, structure, prefecture):
    convention = _convention(structure, agent_etat, {prefecture: "30000"}, timezone.localdate().year)
    _versement(convention, prefecture, agent_etat, montant="1000", jours=5)
    _versement(convention, prefecture, agent_etat, montant="2000", jours=90)
    _versement(convention, prefecture, agent_etat, montant="4000", statut=StatutVersement.PAYE)
    chiffres = tableaux.chiffres_financeur([prefecture.pk], timezone.localdate())
    assert (chiffres.a_mandater, chiffres.montant_a_mandater) == (1, Decimal("1000"))
    assert (chiffres.a_venir, chiffres.montant_a_venir) == (1, Decimal("2000"))
    client.force_login(agent_etat)
    texte = _texte(client.get(TABLEAU))
    assert "à mandater" in texte
    assert "4 000" not in texte  # un versement payé n'est plus à suivre


def test_payments_filter_by_state_and_structure(client, agent_etat, structure, prefecture):
    convention = _convention(structure, agent_etat, {prefecture: "30000"}, timezone.localdate().year)
    _versement(convention, prefecture, agent_etat, montant="1111")
    _versement(convention, prefecture, agent_etat, montant="2222", statut=StatutVersement.MANDATE)
    client.force_login(agent_etat)
    texte = _liste(client.get(TABLEAU, {"vue": "versements", "statut": "mandate"}))
    assert "2 222,00 €" in texte and "1 111,00 €" not in texte
    assert "1 111,00 €" not in _liste(client.get(TABLEAU, {"vue": "versements", "structure": "inconnue"}))
    assert "1 111,00 €" in _liste(client.get(TABLEAU, {"vue": "versements", "structure": "ateliers"}))


def test_overdue_reports_are_the_ended_years_without_a_filed_report(
    client, agent_etat, membre_structure, structure, prefecture
):
    jour = timezone.localdate()
    derniere = tableaux.derniere_annee_due(jour)
    convention = _convention(structure, agent_etat, {prefecture: "30000"}, derniere - 1, annees=4)
    _depose(convention, derniere - 1, membre_structure)
    en_retard = list(tableaux.conventions_en_retard([prefecture.pk], jour))
    assert en_retard == [convention]
    assert tableaux.annees_en_retard(en_retard[0], jour) == [derniere]
    client.force_login(agent_etat)
    texte = _texte(client.get(TABLEAU, {"vue": "retards"}))
    assert f"{derniere} (dû le 30 juin {derniere + 1})" in texte
    _depose(convention, derniere, membre_structure)
    assert not tableaux.conventions_en_retard([prefecture.pk], jour).exists()


def test_a_report_is_due_on_june_30th_of_the_following_year():
    assert tableaux.derniere_annee_due(date(2026, 6, 30)) == 2024
    assert tableaux.derniere_annee_due(date(2026, 7, 1)) == 2025


def test_a_draft_report_is_still_overdue(agent_etat, membre_structure, structure, prefecture):
    jour = timezone.localdate()
    derniere = tableaux.derniere_annee_due(jour)
    convention = _convention(structure, agent_etat, {prefecture: "30000"}, derniere, annees=2)
    CompteRendu.objects.create(convention=convention, annee=derniere)  # en préparation
    assert list(tableaux.conventions_en_retard([prefecture.pk], jour)) == [convention]


def test_reports_to_review_are_those_without_an_opinion_of_the_funder(
    client, agent, agent_etat, membre_structure, structure, epci, prefecture
):
    convention = _convention(structure, agent, {epci: "20000", prefecture: "30000"}, timezone.localdate().year - 1)
    compte_rendu = _depose(convention, convention.annee_debut, membre_structure)
    # L'avis de la métropole ne vaut pas pour l'État.
    AvisCompteRendu.objects.create(
        compte_rendu=compte_rendu, financeur=epci, sens=SensAvisCompteRendu.ACCEPTE, auteur=agent
    )
    assert list(tableaux.comptes_rendus_a_examiner([prefecture.pk])) == [compte_rendu]
    assert not tableaux.comptes_rendus_a_examiner([epci.pk]).exists()
    client.force_login(agent_etat)
    assert f"Compte-rendu financier {convention.annee_debut}" in _texte(client.get(TABLEAU, {"vue": "a_examiner"}))
    AvisCompteRendu.objects.create(
        compte_rendu=compte_rendu, financeur=prefecture, sens=SensAvisCompteRendu.ACCEPTE, auteur=agent_etat
    )
    assert not tableaux.comptes_rendus_a_examiner([prefecture.pk]).exists()


def test_a_report_filed_again_after_a_request_for_more_is_to_review_again(
    agent_etat, membre_structure, structure, prefecture
):
    convention = _convention(structure, agent_etat, {prefecture: "30000"}, timezone.localdate().year - 1)
    compte_rendu = _depose(convention, convention.annee_debut, membre_structure)
    AvisCompteRendu.objects.create(
        compte_rendu=compte_rendu,
        financeur=prefecture,
        sens=SensAvisCompteRendu.COMPLEMENTS,
        motif="Joignez le détail des charges.",
        auteur=agent_etat,
        date=timezone.now() - timedelta(days=3),
    )
    CompteRendu.objects.filter(pk=compte_rendu.pk).update(depose_le=timezone.now())
    assert list(tableaux.comptes_rendus_a_examiner([prefecture.pk])) == [compte_rendu]


def test_conventions_ending_within_six_months(agent_etat, structure, prefecture):
    assert tableaux.derniere_annee_fin_proche(date(2026, 6, 30)) == 2025
    assert tableaux.derniere_annee_fin_proche(date(2026, 7, 1)) == 2026
    finit = _convention(structure, agent_etat, {prefecture: "1000"}, 2024, annees=3)
    _convention(structure, agent_etat, {prefecture: "1000"}, 2025, annees=3)
    _convention(structure, agent_etat, {prefecture: "1000"}, 2026, annees=1, statut=StatutConvention.RESILIEE)
    assert list(tableaux.conventions_fin_proche([prefecture.pk], date(2026, 9, 1))) == [finit]
    assert not tableaux.conventions_fin_proche([prefecture.pk], date(2026, 3, 1)).exists()
    assert tableaux.chiffres_financeur([prefecture.pk], date(2026, 9, 1)).fin_proche == 1


def test_the_counters_give_conventions_by_state(agent_etat, structure, prefecture):
    _convention(structure, agent_etat, {prefecture: "1000"}, 2026, statut=StatutConvention.EN_VIGUEUR)
    _convention(structure, agent_etat, {prefecture: "1000"}, 2027, statut=StatutConvention.PROJET)
    _convention(structure, agent_etat, {prefecture: "1000"}, 2027, statut=StatutConvention.PROJET)
    par_etat = dict(tableaux.chiffres_financeur([prefecture.pk], timezone.localdate()).par_etat)
    assert par_etat["Projet"] == 2
    assert par_etat["En vigueur"] == 1
    assert par_etat["Résiliée"] == 0


def test_only_funders_agents_open_the_board(client, membre_structure, habitant, admin_plateforme):
    for personne in (membre_structure, habitant, admin_plateforme):
        client.force_login(personne)
        assert client.get(TABLEAU).status_code == 403
    client.logout()
    assert client.get(TABLEAU).status_code == 302


def test_an_unknown_list_falls_back_to_payments(client, agent_etat):
    client.force_login(agent_etat)
    assert "Versements à mandater et à venir" in _texte(client.get(TABLEAU, {"vue": "inconnue"}))


def test_an_agent_of_two_funders_filters_by_funder(client, agent_etat, structure, prefecture):
    autre = OrganisationFactory(etat=True, nom="Préfecture du Finistère")
    AdhesionFactory(utilisateur=agent_etat, organisation=autre, role=Role.ETAT)
    convention = _convention(structure, agent_etat, {prefecture: "1000", autre: "1000"}, timezone.localdate().year)
    _versement(convention, prefecture, agent_etat, montant="1111")
    _versement(convention, autre, agent_etat, montant="2222")
    client.force_login(agent_etat)
    texte = _liste(client.get(TABLEAU, {"financeur": autre.pk}))
    assert "2 222,00 €" in texte and "1 111,00 €" not in texte


@pytest.mark.parametrize("vue", list(__import__("financements.views.tableaux", fromlist=["VUES"]).VUES))
def test_the_funder_board_runs_a_fixed_number_of_queries(
    client, vue, agent_etat, membre_structure, structure, prefecture
):
    jour = timezone.localdate()

    def lot():
        convention = _convention(structure, agent_etat, {prefecture: "30000"}, tableaux.derniere_annee_due(jour) - 1)
        _versement(convention, prefecture, agent_etat)
        _depose(convention, convention.annee_debut, membre_structure)

    lot()
    client.force_login(agent_etat)
    avant = _requetes(client, TABLEAU, {"vue": vue})
    for _ in range(5):
        lot()
    assert _requetes(client, TABLEAU, {"vue": vue}) == avant


# --- Tableau de l'État ------------------------------------------------------------------------------------


@pytest.fixture
def credits(decide, agent, agent_etat, prefecture, epci, membre_structure):
    """Les conventions du dossier décidé (État 30 000 €, métropole 10 000 €) signées ; l'enveloppe de l'État
    de l'appel marquée programme 147. La convention de l'État devient une CPO de trois ans ; celle de la
    métropole reste annuelle."""
    FinanceurAppel.objects.filter(appel=decide.appel, organisation=prefecture).update(programme_147=True)
    de_l_etat = Convention.objects.get(dossiers=decide, parties__financeur=prefecture)
    Convention.objects.filter(dossiers=decide).update(statut=StatutConvention.EN_VIGUEUR)
    return de_l_etat


def test_the_state_board_shows_the_share_to_associations_through_cpo(client, agent_etat, credits, structure):
    annee = credits.annee_debut
    client.force_login(agent_etat)
    # Une convention annuelle : 0 % par des CPO.
    texte = _texte(client.get(ETAT, {"annee": annee}))
    assert "30 000,00 €" in texte
    assert "non atteinte" in texte
    # Devenue une CPO de trois ans avec une association : 100 %.
    Convention.objects.filter(pk=credits.pk).update(nombre_annees=3)
    tableau = tableaux.tableau_etat(list(tableaux.contrats_de_l_etat(agent_etat)), annee)
    assert (tableau.total.etat, tableau.total.etat_asso_cpo) == (Decimal("30000"), Decimal("30000"))
    assert (tableau.total.part_montant, tableau.total.part_nombre) == (100, 100)
    # La métropole est un autre financeur : pour information.
    assert tableau.total.autres == Decimal("10000")
    assert "atteinte" in _texte(client.get(ETAT, {"annee": annee}))


def test_a_cooperative_does_not_count_as_an_association(agent_etat, credits, structure):
    Convention.objects.filter(pk=credits.pk).update(nombre_annees=3)
    Structure.objects.filter(pk=structure.pk).update(forme_juridique=FormeJuridique.SCIC)
    tableau = tableaux.tableau_etat(list(tableaux.contrats_de_l_etat(agent_etat)), credits.annee_debut)
    assert tableau.total.etat == Decimal("30000")
    assert tableau.total.etat_asso_cpo == 0
    assert [ligne["forme"] for ligne in tableau.par_forme] == [FormeJuridique.SCIC.label]


def test_state_credits_outside_programme_147_and_unsigned_conventions_do_not_count(agent_etat, credits, prefecture):
    FinanceurAppel.objects.filter(organisation=prefecture).update(programme_147=False)
    contrats = list(tableaux.contrats_de_l_etat(agent_etat))
    assert tableaux.tableau_etat(contrats, credits.annee_debut).total.etat == 0
    FinanceurAppel.objects.filter(organisation=prefecture).update(programme_147=True)
    Convention.objects.filter(pk=credits.pk).update(statut=StatutConvention.ENVOYEE)
    assert tableaux.tableau_etat(contrats, credits.annee_debut).total.etat == 0


def test_the_state_board_is_for_state_agents_only(client, agent, membre_structure, partenaire, admin_plateforme):
    for personne in (agent, membre_structure, partenaire, admin_plateforme):
        client.force_login(personne)
        assert client.get(ETAT).status_code == 403
    client.logout()
    assert client.get(ETAT).status_code == 302


def test_a_state_agent_of_another_department_sees_none_of_these_contracts(client, credits):
    ailleurs = OrganisationFactory(etat=True, nom="Préfecture du Finistère")
    agent_finistere = AdhesionFactory(organisation=ailleurs, role=Role.ETAT).utilisateur
    client.force_login(agent_finistere)
    texte = _texte(client.get(ETAT, {"annee": credits.annee_debut}))
    assert "CN03501I" not in texte
    assert "30 000" not in texte


def test_the_state_board_filters_by_contract(client, agent_etat, credits):
    client.force_login(agent_etat)
    assert "CN03501I" in _texte(client.get(ETAT, {"contrat": "CN03501I"}))
    assert "CN03501I" not in _texte(client.get(ETAT, {"contrat": "Brest"}))


def test_the_state_board_runs_a_fixed_number_of_queries(client, agent_etat, credits, structure, prefecture, agent):
    client.force_login(agent_etat)
    params = {"annee": credits.annee_debut}
    avant = _requetes(client, ETAT, params)
    for dossier in credits.dossiers.all():
        for _ in range(3):
            _convention(structure, agent, {prefecture: "5000"}, credits.annee_debut, annees=2, dossiers=[dossier])
    assert _requetes(client, ETAT, params) == avant


def test_only_a_state_envelope_is_marked_programme_147(epci, prefecture):
    refuse = FinanceurAppelForm({"organisation": epci.pk, "enveloppe": "1000", "programme_147": "on"})
    assert not refuse.is_valid()
    assert "programme 147" in refuse.errors["programme_147"][0]
    accepte = FinanceurAppelForm({"organisation": prefecture.pk, "enveloppe": "1000", "programme_147": "on"})
    assert accepte.is_valid(), accepte.errors


# --- Mon espace d'une structure ---------------------------------------------------------------------------


def test_a_structure_sees_what_to_sign_report_and_receive(client, agent_etat, membre_structure, structure, prefecture):
    jour = timezone.localdate()
    envoyee = _convention(structure, agent_etat, {prefecture: "1000"}, jour.year + 1, statut=StatutConvention.ENVOYEE)
    en_vigueur = _convention(structure, agent_etat, {prefecture: "30000"}, jour.year - 1)
    Avenant.objects.create(
        convention=en_vigueur, numero=1, objet="Montant 2027", motif="Nouvelle action", cree_par=agent_etat
    )
    _versement(en_vigueur, prefecture, agent_etat, montant="12345", jours=40)
    client.force_login(membre_structure)
    texte = _texte(client.get(MON_ESPACE))
    assert envoyee.get_absolute_url() in texte
    assert "la convention vous est envoyée, signez-la" in texte
    assert "Avenant n° 1" in texte
    assert f"30 juin {jour.year}" in texte  # le compte-rendu de l'année passée
    assert "12 345,00 €" in texte


def test_another_structure_sees_none_of_it(client, agent_etat, membre_co_porteur, structure, prefecture):
    convention = _convention(structure, agent_etat, {prefecture: "1000"}, 2027, statut=StatutConvention.ENVOYEE)
    client.force_login(membre_co_porteur)
    texte = _texte(client.get(MON_ESPACE))
    assert convention.get_absolute_url() not in texte
    assert "Mes conventions" not in texte


def test_funders_and_the_state_find_their_boards_in_mon_espace(client, agent, agent_etat):
    client.force_login(agent)
    texte = _texte(client.get(MON_ESPACE))
    assert TABLEAU in texte and ETAT not in texte
    client.force_login(agent_etat)
    texte = _texte(client.get(MON_ESPACE))
    assert TABLEAU in texte and ETAT in texte


def test_mon_espace_runs_a_fixed_number_of_queries_for_a_structure(
    client, agent_etat, membre_structure, structure, prefecture
):
    jour = timezone.localdate()

    def lot():
        convention = _convention(structure, agent_etat, {prefecture: "1000"}, jour.year - 1)
        _versement(convention, prefecture, agent_etat)
        _convention(structure, agent_etat, {prefecture: "1000"}, jour.year + 1, statut=StatutConvention.ENVOYEE)

    lot()
    client.force_login(membre_structure)
    avant = _requetes(client, MON_ESPACE)
    for _ in range(4):
        lot()
    assert _requetes(client, MON_ESPACE) == avant


# --- Générateur des mesures ---------------------------------------------------------------------------------


def test_the_generator_writes_conventions_with_their_amounts_payments_and_reports(decide):
    from financements.generateur import generer_conventions

    jour = date(decide.appel.annee + 2, 9, 1)
    for graine in range(2027, 2060):
        Convention.objects.all().delete()
        generees = generer_conventions(graine=graine, nombre=1, jour=jour)
        convention = Convention.objects.get()
        if convention.statut in tableaux.STATUTS_EXECUTION:
            break
    assert generees.conventions == 1
    assert sorted(convention.parties.values_list("financeur__nom", flat=True)) == [
        "Préfecture d'Ille-et-Vilaine",
        "Rennes Métropole",
    ]
    total = sum(convention.montants.values_list("montant", flat=True))
    assert abs(total - Decimal("40000")) < 1  # les montants décidés, répartis sur les années
    assert convention.versements.exists()
    assert generees.versements == convention.versements.count()


def test_launching_a_call_marks_only_state_envelopes_as_programme_147(contrat, agent, epci, prefecture):
    from django.core.exceptions import ValidationError

    from financements.services import dossiers as services_dossiers

    jour = timezone.localdate()
    commun = {"titre": "Appel 2028", "annee": 2028, "ouverture": jour, "cloture": jour + timedelta(days=30)}
    with pytest.raises(ValidationError, match="programme 147"):
        services_dossiers.creer_appel(contrat, agent, financeurs=[(epci, Decimal("1000"), "", True)], **commun)
    assert not FinanceurAppel.objects.exists()  # rien n'est à moitié enregistré
    appel = services_dossiers.creer_appel(
        contrat,
        agent,
        financeurs=[(epci, Decimal("1000"), ""), (prefecture, Decimal("2000"), "BOP 147", True)],
        **commun,
    )
    assert dict(appel.financeurs.values_list("organisation__nom", "programme_147")) == {
        "Rennes Métropole": False,
        "Préfecture d'Ille-et-Vilaine": True,
    }


def test_a_bad_filter_value_is_explained_on_its_field(client, agent_etat):
    client.force_login(agent_etat)
    for url in (TABLEAU, ETAT):
        reponse = client.get(url, {"annee": "deux mille"})
        assert reponse.status_code == 200
        assert "Saisissez un nombre" in _texte(reponse)
        assert 'aria-describedby="id_annee-erreur"' in _texte(reponse)
