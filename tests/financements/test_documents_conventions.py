"""Les PDF de la convention et de ses avenants : ce qu'ils montrent, balisés pour l'accessibilité (PDF/UA),
rendus par un worker sous une empreinte qui change avec les données montrées, téléchargés par les parties."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from financements import documents
from financements.models import Convention, StatutConvention
from financements.services import conventions as services
from tests.taches import rendre_les_pdf


@pytest.fixture
def de_l_etat(decide, prefecture):
    return Convention.objects.get(dossiers=decide, parties__financeur=prefecture)


def _texte(pdf: bytes) -> str:
    lecteur = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in lecteur.pages)).replace("\u202f", " ")


def _signer_structure(objet, membre, signer=services.signer):
    return signer(
        objet, membre, None, signataire_nom="Awa Diallo", signataire_qualite="Présidente", representant_declare=True
    )


def _en_vigueur(convention, agent_etat, membre_structure, prefecture):
    services.faire_avancer(convention, agent_etat, StatutConvention.ENVOYEE)
    _signer_structure(convention, membre_structure)
    services.signer(convention, agent_etat, prefecture, signataire_nom="M. le préfet", signataire_qualite="Préfet")
    services.faire_avancer(convention, agent_etat, StatutConvention.EN_VIGUEUR)


def test_the_convention_pdf_shows_parties_amounts_articles_signatures_and_annexes(
    decide, de_l_etat, agent, agent_etat, membre_structure, epci, prefecture
):
    services.ajouter_financeur(de_l_etat, agent_etat, epci, [Decimal("10000")])
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    _signer_structure(de_l_etat, membre_structure)

    texte = _texte(documents.pdf_convention(de_l_etat.pk))

    for attendu in (
        "Les parties",
        "Préfecture d'Ille-et-Vilaine",
        str(epci),
        "Montants par année et par financeur",
        "30 000,00 €",
        "40 000,00 €",
        "Article 12 — Annexes",
        f"Pour {de_l_etat.structure}",
        "Signé le",
        "Awa Diallo, Présidente",
        "La personne habilitée à engager le financeur",  # les financeurs n'ont pas encore signé
        "Annexe 1 — Description de l'action",
        decide.titre,
        "Annexe 2 — Budget",
        f"Budget prévisionnel — {decide.titre}",
    ):
        assert attendu in texte, attendu


def test_the_convention_pdf_is_tagged_for_accessibility(de_l_etat):
    lecteur = PdfReader(io.BytesIO(documents.pdf_convention(de_l_etat.pk)))
    catalogue = lecteur.trailer["/Root"]
    assert "/StructTreeRoot" in catalogue
    assert catalogue["/MarkInfo"]["/Marked"]
    assert catalogue["/Lang"] == "fr"
    assert "Convention annuelle" in str(lecteur.metadata.title)


def test_the_avenant_pdf_shows_what_changes_why_and_the_amounts_before_and_after(
    de_l_etat, agent_etat, membre_structure, prefecture
):
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    annee = de_l_etat.annee_debut
    avenant = services.preparer_avenant(
        de_l_etat,
        agent_etat,
        objet="Une année de plus",
        motif="Un second quartier.",
        montants={(prefecture.pk, annee): Decimal("30000"), (prefecture.pk, annee + 1): Decimal("25000")},
        nombre_annees=2,
    )
    texte = _texte(documents.pdf_avenant(avenant.pk))
    for attendu in (
        "Avenant n° 1",
        "Une année de plus",
        "Un second quartier.",
        "de 1 an à 2 ans",
        "Montants avant et après l'avenant n° 1",
        "25 000,00 €",
        f"Pour {de_l_etat.structure}",
    ):
        assert attendu in texte, attendu
    catalogue = PdfReader(io.BytesIO(documents.pdf_avenant(avenant.pk))).trailer["/Root"]
    assert catalogue["/Lang"] == "fr" and "/StructTreeRoot" in catalogue


def test_the_fingerprint_changes_with_the_data_shown_and_only_then(de_l_etat, agent_etat, membre_structure):
    avant = documents.empreinte_convention(de_l_etat)
    assert documents.empreinte_convention(Convention.objects.get(pk=de_l_etat.pk)) == avant
    services.faire_avancer(de_l_etat, agent_etat, StatutConvention.ENVOYEE)
    de_l_etat.refresh_from_db()
    envoyee = documents.empreinte_convention(de_l_etat)
    assert envoyee != avant
    _signer_structure(de_l_etat, membre_structure)
    de_l_etat.refresh_from_db()
    assert documents.empreinte_convention(de_l_etat) != envoyee


def test_the_fingerprint_takes_one_query(de_l_etat, django_assert_num_queries):
    # La page lit la convention avec sa structure (financements.acces.convention_visible).
    de_l_etat = Convention.objects.select_related("structure").get(pk=de_l_etat.pk)
    with django_assert_num_queries(1):
        documents.empreinte_convention(de_l_etat)


@pytest.mark.django_db(transaction=True)
def test_the_parties_download_the_convention_pdf_once_a_worker_has_rendered_it(
    client, de_l_etat, membre_structure, agent_etat, agent
):
    url = reverse("financements:pdf_convention", args=[de_l_etat.pk])
    client.force_login(membre_structure)
    en_preparation = client.get(url)
    assert en_preparation.status_code == 202
    assert "PDF en préparation" in en_preparation.content.decode()

    rendre_les_pdf()

    for personne in (membre_structure, agent_etat):
        client.force_login(personne)
        reponse = client.get(url)
        assert reponse.status_code == 200
        assert b"".join(reponse.streaming_content).startswith(b"%PDF")
    client.force_login(agent)  # la métropole n'est pas partie à cette convention
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_parties_download_the_avenant_pdf(client, de_l_etat, membre_structure, agent_etat, prefecture):
    _en_vigueur(de_l_etat, agent_etat, membre_structure, prefecture)
    avenant = services.preparer_avenant(
        de_l_etat,
        agent_etat,
        objet="Montant",
        motif="Révision",
        montants={(prefecture.pk, de_l_etat.annee_debut): Decimal("31000")},
    )
    url = reverse("financements:pdf_avenant", args=[de_l_etat.pk, avenant.pk])
    client.force_login(membre_structure)
    assert client.get(url).status_code == 202
    rendre_les_pdf()
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == f'attachment; filename="convention-{de_l_etat.pk}-avenant-1.pdf"'
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")
