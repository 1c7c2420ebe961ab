"""Trouver les choses dans les contrats : recherche sans accents, filtres par noms, choix par autocomplétion
(sans JavaScript : le nom saisi), exports CSV et XLSX."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.models import ActionAudit, EntreeAudit
from contrats.models import Engagement, StatutContrat
from contrats.services import concertation as concertation_services
from tests.acteurs_ess.factories import CollectifFactory, StructureFactory
from tests.contrats.factories import ContratFactory, DepartementFactory, SectionFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


# --- Recherche et filtres de la liste -------------------------------------------------------------------------


def test_the_contract_search_ignores_accents_and_case(client):
    ContratFactory(nom="Contrat de ville d'Évry-Courcouronnes")
    ContratFactory(nom="Contrat de ville de Reims")

    contenu = client.get(reverse("contrats:liste"), {"q": "EVRY-courcouronnes"}).content.decode()

    assert "1 contrat" in contenu
    assert "Évry-Courcouronnes" in contenu


def test_the_department_filter_takes_a_name(client):
    ContratFactory(nom="Contrat du Finistère", departement=DepartementFactory(code="29", nom="Finistère"))
    ContratFactory(nom="Contrat de la Marne", departement=DepartementFactory(code="51", nom="Marne"))

    par_nom = client.get(reverse("contrats:liste"), {"departement": "finistere"}).content.decode()
    par_code = client.get(reverse("contrats:liste"), {"departement": "51"}).content.decode()

    assert "1 contrat" in par_nom and "Contrat du Finistère" in par_nom
    assert "1 contrat" in par_code and "Contrat de la Marne" in par_code


# --- Choix par le nom, sans JavaScript ------------------------------------------------------------------------


def test_a_signatory_is_added_by_its_typed_name(client, agent, contrat, commune):
    client.force_login(agent)

    reponse = client.post(
        reverse("contrats:nouveau_signataire", args=[contrat.code]), {"organisation": "ville de rennes"}
    )

    assert reponse.status_code == 302
    assert contrat.signataires.filter(organisation=commune).exists()


def test_a_signatory_name_that_matches_nothing_comes_back_with_a_message(client, agent, contrat):
    client.force_login(agent)

    reponse = client.post(reverse("contrats:nouveau_signataire", args=[contrat.code]), {"organisation": "Zzyzx"})

    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Aucun choix ne correspond à « Zzyzx »" in contenu
    assert 'value="Zzyzx"' in contenu
    assert contrat.signataires.count() == 2


def test_the_signatory_form_has_no_select_of_every_organisation(client, agent, contrat):
    client.force_login(agent)

    contenu = client.get(reverse("contrats:nouveau_signataire", args=[contrat.code])).content.decode()

    assert "<select" not in contenu
    assert 'data-autocompletion="/organisations/autocompletion/"' in contenu
    assert "/static/coville/autocompletion.js" in contenu


def test_a_structure_and_a_collective_are_chosen_by_name(client, agent, contrat):
    structure = StructureFactory(raison_sociale="Régie de quartier du Blosne")
    collectif = CollectifFactory(nom="PTCE Sud Rennes")
    client.force_login(agent)

    client.post(
        reverse("contrats:renseigner_ess", args=[contrat.code, "structure"]),
        {"structure": "regie de quartier du blosne", "role": "Chantiers d'insertion"},
    )
    client.post(
        reverse("contrats:renseigner_ess", args=[contrat.code, "dynamique"]),
        {"type": "ptce", "collectif": "", "collectif_id": str(collectif.pk), "integration": "Copilote"},
    )

    assert contrat.structures_ess.get().structure == structure
    assert contrat.dynamiques_cooperatives.get().collectif == collectif


# --- Exports --------------------------------------------------------------------------------------------------


def _csv(reponse) -> list[list[str]]:
    texte = b"".join(reponse.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(texte)))


def _xlsx(reponse) -> list[tuple]:
    classeur = openpyxl.load_workbook(io.BytesIO(reponse.content))
    return list(classeur.active.iter_rows(values_only=True))


def test_the_contract_list_exports_with_its_filters(client):
    ContratFactory(nom='=HYPERLINK("http://pirate")', statut=StatutContrat.SIGNE, code="CN99999I")
    ContratFactory(nom="Contrat de Reims")

    lignes = _csv(client.get(reverse("contrats:export_csv"), {"statut": "signe"}))

    assert lignes[0][:3] == ["Code", "Nom", "Porteur"]
    assert len(lignes) == 2
    assert lignes[1][0] == "CN99999I"
    # Le texte qui se lirait comme une formule est neutralisé par une apostrophe.
    assert lignes[1][1] == '\'=HYPERLINK("http://pirate")'
    assert lignes[1][7] == "Signé"


def test_the_contract_list_exports_to_xlsx_with_typed_cells(client):
    ContratFactory(nom="+33 quartiers", code="CN00001I", annee_debut=2024)

    reponse = client.get(reverse("contrats:export_xlsx"))

    assert reponse["Content-Disposition"].endswith('.xlsx"')
    lignes = _xlsx(reponse)
    assert lignes[0][0] == "Code"
    assert lignes[1][1] == "'+33 quartiers"
    assert lignes[1][5] == 2024


@pytest.mark.parametrize("nombre", [1, 15])
def test_the_contract_export_runs_a_fixed_number_of_queries(client, django_assert_num_queries, nombre):
    ContratFactory.create_batch(nombre)
    # Une requête : les contrats, leur porteur, leur département et leur nombre de QPV.
    with django_assert_num_queries(1):
        lignes = _csv(client.get(reverse("contrats:export_csv")))
    assert len(lignes) == nombre + 1


@pytest.fixture
def contribution(contrat, agent, agent_etat):
    section = SectionFactory(
        contrat=contrat, titre="Emploi", texte_initial="<p>Texte.</p>", texte_initial__auteur=agent
    )
    concertation = concertation_services.ouvrir(
        contrat,
        agent,
        "Concertation sur l'emploi",
        timezone.localdate(),
        timezone.localdate() + timedelta(days=30),
        ["signataires"],
        sections=[section],
    )
    contribution = concertation_services.contribuer(
        concertation, agent_etat, "@SOMME(A1:A9) des emplois", section=section
    )
    concertation_services.repondre(contribution, agent, "non_retenue", "Hors du champ du contrat.")
    return contribution


def test_the_contributions_export_holds_the_answers(client, agent, contribution):
    client.force_login(agent)

    lignes = _xlsx(client.get(reverse("contrats:contributions_xlsx", args=[contribution.concertation.contrat.code])))

    assert lignes[0][:3] == ("N°", "Concertation", "Porte sur")
    ligne = dict(zip(lignes[0], lignes[1], strict=True))
    assert ligne["N°"] == contribution.pk
    assert ligne["Porte sur"] == "Section : Emploi"
    assert ligne["Contribution"] == "'@SOMME(A1:A9) des emplois"
    assert ligne["État"] == "Non retenue"
    assert ligne["Réponse publique"] == "Hors du champ du contrat."
    assert ligne["Déposée le"].year == contribution.deposee_le.year  # une date, pas un texte


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_contributions_export_is_journaled(client, agent, contribution, format):
    contrat = contribution.concertation.contrat
    client.force_login(agent)

    reponse = client.get(reverse(f"contrats:contributions_{format}", args=[contrat.code]))
    if hasattr(reponse, "streaming_content"):
        b"".join(reponse.streaming_content)

    assert reponse.status_code == 200
    entree = EntreeAudit.objects.get(action=ActionAudit.EXPORT_CONTRIBUTIONS)
    assert (entree.auteur, entree.object_id) == (agent, str(contrat.pk))
    assert entree.details["export"] == f"contributions ({format.upper()})"


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_contributions_export_is_hidden_from_non_associates(client, contribution, habitant, format):
    client.force_login(habitant)

    url = reverse(f"contrats:contributions_{format}", args=[contribution.concertation.contrat.code])

    assert client.get(url).status_code == 404
    assert not EntreeAudit.objects.filter(action=ActionAudit.EXPORT_CONTRIBUTIONS).exists()


def test_the_contributions_export_asks_anonymous_visitors_to_log_in(client, contribution):
    reponse = client.get(reverse("contrats:contributions_csv", args=[contribution.concertation.contrat.code]))

    assert reponse.status_code == 302


def test_the_signatories_export_lists_engagements_with_amounts(client, agent, contrat, prefecture):
    signataire = contrat.signataires.get(organisation=prefecture)
    Engagement.objects.create(signataire=signataire, texte="-Financer les adultes-relais", montant=Decimal("1500.5"))
    client.force_login(agent)

    csv_lignes = _csv(client.get(reverse("contrats:signataires_csv", args=[contrat.code])))
    xlsx_lignes = _xlsx(client.get(reverse("contrats:signataires_xlsx", args=[contrat.code])))

    assert csv_lignes[0] == [
        "Signataire",
        "Signé par",
        "Date de signature",
        "Engagement",
        "Montant de l'engagement (€)",
    ]
    assert csv_lignes[1] == ["Préfecture d'Ille-et-Vilaine", "", "", "'-Financer les adultes-relais", "1500.50"]
    assert csv_lignes[2][0] == "Archipel Habitat"
    assert xlsx_lignes[1][4] == 1500.5


def test_the_signatories_export_follows_the_contract_visibility(client, contrat, exterieur):
    url = reverse("contrats:signataires_csv", args=[contrat.code])
    client.force_login(exterieur)
    assert client.get(url).status_code == 404

    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    client.logout()
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("nombre", [1, 8])
def test_the_signatories_export_runs_a_fixed_number_of_queries(
    client, agent, contrat, django_assert_num_queries, nombre
):
    for _ in range(nombre):
        signataire = contrat.signataires.create(organisation=OrganisationFactory(commune=True))
        signataire.engagements.create(texte="Engagement", montant=Decimal(10))
    client.force_login(agent)
    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    # Vue publique : ni session ni compte lus. 1 contrat ; 2 signataires et organisations, 3 leurs engagements.
    with django_assert_num_queries(3):
        lignes = _csv(client.get(reverse("contrats:signataires_csv", args=[contrat.code])))
    assert len(lignes) == nombre + 3
