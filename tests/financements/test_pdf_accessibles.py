"""Chaque PDF de la plateforme passe les règles de PDF/UA-1 qu'une machine vérifie (tests/pdfua.py) : figures
(cartes, graphiques) avec un texte de remplacement, cellules d'en-tête avec leur portée, langue, titre.

Ce test vit dans tests/financements parce que d'ici se voient les données de test des contrats (tests/contrats/
fixtures.py) et celles des financements (tests/financements/conftest.py). Un nouveau PDF s'y ajoute en une ligne
de `DOCUMENTS` : son nom, la donnée de test (fixture) qui le remplit et la fonction qui le rend."""

import pytest

from contrats import documents as documents_contrats
from evaluation import documents as documents_evaluation
from evaluation import documents_bilans
from financements import documents as documents_financements
from financements.documents_comptes_rendus import pdf_compte_rendu
from tests.pdfua import compte, defauts_pdfua

pytestmark = pytest.mark.django_db

DOCUMENTS = [
    pytest.param("contrat_complet", documents_contrats.pdf_contrat, id="contrat"),
    pytest.param("contrat_complet", documents_contrats.pdf_synthese, id="synthese-contrat"),
    pytest.param("contrat_finance", documents_contrats.pdf_synthese, id="synthese-avec-montants-decides"),
    pytest.param("decide", documents_financements.pdf_dossier, id="dossier"),
    pytest.param("cpo", lambda convention: documents_financements.pdf_convention(convention.pk), id="convention"),
    pytest.param("avenant_cpo", lambda avenant: documents_financements.pdf_avenant(avenant.pk), id="avenant"),
    pytest.param("cr_depose", pdf_compte_rendu, id="compte-rendu"),
    pytest.param("quartier", documents_evaluation.pdf_synthese_qpv, id="synthese-qpv"),
    pytest.param("contrat_evalue", documents_contrats.pdf_synthese, id="synthese-avec-indicateurs-et-projets"),
    pytest.param("bilan_finance", documents_bilans.pdf_bilan, id="bilan"),
]


@pytest.fixture
def avenant_cpo(cpo, agent):
    """Un avenant à la CPO en vigueur : la troisième année de la métropole passe à 12 000 €."""
    from decimal import Decimal

    from financements.services import conventions

    epci = cpo.parties.order_by("pk").first().financeur
    montants = {(m.financeur_id, m.annee): m.montant for m in cpo.montants.all()}
    montants[(epci.pk, cpo.annee_fin)] = Decimal("12000")
    return conventions.preparer_avenant(
        cpo, agent, objet="La troisième année grandit.", motif="Un atelier de plus.", montants=montants
    )


@pytest.fixture
def contrat_finance(decide):
    """Le contrat d'un dossier décidé : sa synthèse montre le graphique des montants décidés et son tableau."""
    return decide.appel.contrat


@pytest.fixture
def quartier(decide, agent, membre_structure):
    """Un QPV rempli de tout ce que sa synthèse montre : lignes de base, graphique de tendance et son tableau,
    carte du périmètre, projet décidé (tests/evaluation/synthese.py)."""
    from tests.evaluation.synthese import remplir_quartier

    return remplir_quartier(decide, agent, membre_structure)


@pytest.fixture
def contrat_evalue(quartier, decide):
    """Le contrat de ce quartier : sa synthèse montre aussi ses indicateurs et ses projets financés."""
    return decide.appel.contrat


@pytest.fixture
def bilan_finance(contrat_complet, convention_cr, agent, conseil_citoyen):
    """Le bilan à mi-parcours du contrat complet, avec le dossier décidé, sa CPO et des valeurs d'indicateurs :
    ses graphiques (indicateurs, montants par année et par orientation) et leurs tableaux."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from evaluation.models import Indicateur, NatureValeur, TypeBilan, Unite
    from evaluation.services import bilans
    from evaluation.services.valeurs import Saisie, Territoire, saisir_valeur

    indicateur = Indicateur.objects.create(code="emploi", nom="Taux d'emploi", unite=Unite.POURCENTAGE)
    qpv = contrat_complet.qpv.order_by("code").first()
    for annee, valeur in ((2024, "40"), (2025, "42"), (2026, "43")):
        saisir_valeur(
            contrat_complet,
            agent,
            Saisie(
                indicateur,
                Territoire("qpv", qpv_id=qpv.code),
                annee,
                NatureValeur.REALISE,
                Decimal(valeur),
                unite=Unite.POURCENTAGE,
            ),
        )
    bilan = bilans.creer_bilan(contrat_complet, agent, TypeBilan.MI_PARCOURS, conseils_citoyens=[conseil_citoyen])
    bilans.modifier_textes(bilan, agent, "Le contrat avance.", "L'emploi progresse.")
    bilans.soumettre(bilan, agent)
    bilans.valider(bilan, agent, timezone.localdate() - timedelta(days=1), "Validé en comité.")
    bilan.refresh_from_db()
    return bilan


@pytest.mark.parametrize(("donnees", "rendre"), DOCUMENTS)
def test_every_pdf_passes_the_machine_checkable_pdf_ua_rules(request, donnees, rendre):
    pdf = rendre(request.getfixturevalue(donnees))

    assert compte(pdf, "/Table") > 0  # le test lit bien un arbre de structure avec des tableaux
    assert defauts_pdfua(pdf) == []


def test_the_review_pdf_shows_its_charts_as_figures(bilan_finance):
    # Le taux d'emploi, les montants par année, les montants par orientation.
    assert compte(documents_bilans.pdf_bilan(bilan_finance), "/Figure") >= 3


@pytest.mark.parametrize("rendre", [documents_contrats.pdf_contrat, documents_contrats.pdf_synthese])
def test_the_contract_pdfs_show_their_maps_as_figures(contrat_complet, rendre):
    # Le contrat : la carte d'ensemble et celle du QPV dont le périmètre est connu ; la synthèse : la carte.
    assert compte(rendre(contrat_complet), "/Figure") >= 1


def test_the_quartier_synthesis_shows_its_map_and_trend_as_figures(quartier):
    # La carte du périmètre et le graphique de tendance, chacun avec son texte de remplacement (test ci-dessus).
    assert compte(documents_evaluation.pdf_synthese_qpv(quartier), "/Figure") >= 2
