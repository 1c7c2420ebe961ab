"""Les montants décidés pour les projets d'un contrat, par année et par financeur : un graphique en barres et son
tableau, sur la page du contrat et dans sa synthèse PDF (bloc enregistré par financements dans les registres des
contrats, qui n'importent pas les financements)."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pikepdf
import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from contrats import documents
from contrats.models import StatutContrat
from financements.blocs import montants_decides_du_contrat
from financements.selectors import montants_decides_par_annee
from financements.services import dossiers as services
from tests.financements.fabrique import dossiers_decides
from tests.pdfua import defauts_pdfua, elements
from tests.taches import taches

pytestmark = pytest.mark.django_db


@pytest.fixture
def appel_2028(appel, agent, epci, prefecture):
    aujourd_hui = timezone.localdate()
    return services.creer_appel(
        appel.contrat,
        agent,
        titre="Appel à projets 2028",
        annee=2028,
        ouverture=aujourd_hui - timedelta(days=10),
        cloture=aujourd_hui + timedelta(days=20),
        financeurs=[(epci, Decimal("200000"), ""), (prefecture, Decimal("300000"), "BOP 147")],
        priorites=list(appel.priorites.all()),
        qpv=list(appel.qpv.all()),
        pieces_demandees=[],
        reponses_collectives=True,
        publier=True,
    )


@pytest.fixture
def finances(appel, appel_2028, epci, prefecture):
    """2027 : deux projets financés par la métropole et l'État (12 000 € chacun par financeur) ; 2028 : un
    projet financé par l'État seul (5 000 €)."""
    dossiers_decides(appel, [epci, prefecture], 2)
    dossiers_decides(appel_2028, [prefecture], 1, montant=Decimal("5000"))
    return appel.contrat


def _texte(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace("\u202f", " ")


def _bloc(contrat) -> str:
    return montants_decides_du_contrat(RequestFactory().get("/"), contrat)


def test_it_sums_the_decided_amounts_per_year_and_funder(finances, epci, prefecture):
    assert sorted(montants_decides_par_annee(finances)) == sorted(
        [
            (2027, epci.nom, Decimal("24000.00")),
            (2027, prefecture.nom, Decimal("24000.00")),
            (2028, prefecture.nom, Decimal("5000.00")),
        ]
    )


def test_undecided_dossiers_are_not_counted(depose, contrat):
    assert montants_decides_par_annee(contrat) == []
    assert _bloc(contrat) == ""


def test_the_block_shows_the_chart_its_summary_and_its_table(finances, epci, prefecture):
    html = _bloc(finances)
    texte = _texte(html)

    assert html.count("<svg") == 1
    assert 'role="img"' in html
    assert "<title" in html and "<desc" in html
    assert "Montants décidés par année et par financeur : les données du graphique" in texte
    assert "53 000,00 € décidés de 2027 à 2028 pour les projets du contrat par 2 financeurs" in texte
    assert f"{prefecture.nom} en apporte la plus grande part (55 %)" in texte
    assert f"{epci.nom} 24 000,00 € —" in texte  # rien de la métropole en 2028
    assert f"{prefecture.nom} 24 000,00 € 5 000,00 €" in texte
    assert '<th scope="row">' in html


def test_the_contract_page_shows_the_block(client, finances, agent):
    client.force_login(agent)

    page = client.get(finances.get_absolute_url()).content.decode()

    assert 'id="montants-decides-titre"' in page
    assert "<script" not in page.split('id="montants-decides-titre"')[1].split("</section>")[0]


def test_the_block_runs_one_query_whatever_the_number_of_projects(
    appel, appel_2028, epci, prefecture, django_assert_num_queries
):
    dossiers_decides(appel, [epci], 1)
    with django_assert_num_queries(1):
        assert "<svg" in _bloc(appel.contrat)
    dossiers_decides(appel, [epci, prefecture], 5)
    dossiers_decides(appel_2028, [epci, prefecture], 5)
    with django_assert_num_queries(1):
        assert "<svg" in _bloc(appel.contrat)


def test_the_synthesis_pdf_shows_the_same_chart_as_an_accessible_figure(finances):
    finances.statut = StatutContrat.SIGNE
    pdf = documents.pdf_synthese(finances)

    with pikepdf.open(io.BytesIO(pdf)) as lu:
        alternatives = [str(e.objet.get("/Alt")) for e in elements(lu) if e.type == "/Figure"]
    assert "Montants décidés par année et par financeur" in alternatives
    assert defauts_pdfua(pdf) == []


def test_a_new_decision_changes_the_fingerprint_of_the_synthesis_only(finances, appel, epci):
    synthese, contrat = documents.empreinte(finances, "synthese"), documents.empreinte(finances, "contrat")

    dossiers_decides(appel, [epci], 1)

    assert documents.empreinte(finances, "synthese") != synthese
    assert documents.empreinte(finances, "contrat") == contrat


def test_a_funder_decision_asks_the_workers_to_render_the_synthesis_again(depose, agent, epci):
    from financements.services import instruction

    instruction.prendre_en_instruction(depose, agent)
    with connection.cursor() as curseur:  # les rendus demandés par la création du contrat de test
        curseur.execute("DELETE FROM procrastinate_jobs")

    instruction.decider(depose, agent, epci, "10000")

    assert [(t.args["contrat"], t.args["document"]) for t in taches("rendre_pdf_contrat")] == [
        (depose.appel.contrat_id, "synthese")
    ]
