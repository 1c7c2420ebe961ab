"""Les pièces d'un dossier prises dans le coffre-fort de la structure : jointes au lieu d'être téléversées,
valables au dépôt, lues par les instructeurs comme les autres ; un document joint à un dossier déposé ne se
supprime pas ; un RIB du coffre validé sert aux versements."""

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acteurs_ess import coffre
from acteurs_ess import services as services_annuaire
from acteurs_ess.models import DocumentStructure
from financements.models import NatureVersement, PieceJointe, StatutDossier, StatutVersement, Versement
from financements.services import dossiers as services
from financements.services import retraits, versements
from tests.financements.conftest import DEBUT, IBAN, PDF, fichier_pdf, remplir

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()


def deposer_au_coffre(membre, structure, type_piece, **kwargs):
    return coffre.ajouter_document(
        membre, structure, type=type_piece, fichier=fichier_pdf(f"{type_piece}-coffre.pdf"), **kwargs
    )


@pytest.fixture
def documents(structure, membre_structure):
    """Les statuts et le RIB des Ateliers, dans leur coffre."""
    return {t: deposer_au_coffre(membre_structure, structure, t) for t in ("statuts", "rib")}


@pytest.fixture
def depose_du_coffre(brouillon, membre_structure, epci, prefecture, documents):
    """Un dossier déposé dont les deux pièces demandées viennent du coffre."""
    remplir(brouillon, membre_structure, {epci: Decimal("10000"), prefecture: Decimal("30000")}, pieces=())
    for document in documents.values():
        services.joindre_document(brouillon, membre_structure, document)
    services.deposer(brouillon, membre_structure)
    brouillon.refresh_from_db()
    return brouillon


def test_the_pieces_page_offers_the_valid_vault_documents_for_each_requested_piece(
    client, brouillon, membre_structure, structure, documents
):
    deposer_au_coffre(membre_structure, structure, "rib", valable_jusqu_au=AUJOURD_HUI - timedelta(days=1))
    client.force_login(membre_structure)
    page = unescape(client.get(reverse("financements:pieces_dossier", args=[brouillon.pk])).content.decode())
    assert reverse("financements:joindre_document", args=[brouillon.pk, "statuts"]) in page
    assert reverse("financements:joindre_document", args=[brouillon.pk, "rib"]) in page
    assert page.count("rib-coffre.pdf (sans date de fin)") == 1
    assert f"valable jusqu'au {AUJOURD_HUI - timedelta(days=1):%d/%m/%Y}" not in page


def test_a_member_joins_a_vault_document_to_the_dossier_from_the_page(client, brouillon, membre_structure, documents):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("financements:joindre_document", args=[brouillon.pk, "statuts"]),
        {"statuts-document": documents["statuts"].pk},
    )
    assert reponse.status_code == 302
    piece = PieceJointe.objects.get(dossier=brouillon)
    assert (piece.document, piece.type, piece.nom, piece.chemin) == (
        documents["statuts"],
        "statuts",
        "statuts-coffre.pdf",
        documents["statuts"].chemin,
    )
    assert brouillon.journal.filter(evenement__contains="depuis le coffre de la structure").exists()


def test_the_deposited_dossier_points_to_the_vault_documents(depose_du_coffre, documents):
    assert depose_du_coffre.statut == StatutDossier.DEPOSE
    pieces = {p.type: p.document for p in depose_du_coffre.pieces.all()}
    assert pieces == {"statuts": documents["statuts"], "rib": documents["rib"]}


def test_a_document_of_another_structure_is_not_offered_nor_joined(
    client, brouillon, membre_structure, autre_structure, membre_co_porteur
):
    ailleurs = deposer_au_coffre(membre_co_porteur, autre_structure, "statuts")
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("financements:joindre_document", args=[brouillon.pk, "statuts"]), {"statuts-document": ailleurs.pk}
    )
    assert reponse.status_code == 400
    with pytest.raises(ValidationError, match="pas dans le coffre de la structure porteuse"):
        services.joindre_document(brouillon, membre_structure, ailleurs)
    assert not PieceJointe.objects.exists()


def test_an_expired_or_replaced_document_cannot_be_joined(brouillon, membre_structure, structure, documents):
    expire = deposer_au_coffre(membre_structure, structure, "statuts", valable_jusqu_au=AUJOURD_HUI - timedelta(1))
    with pytest.raises(ValidationError, match="n'est plus valable depuis"):
        services.joindre_document(brouillon, membre_structure, expire)
    deposer_au_coffre(membre_structure, structure, "rib", remplace=documents["rib"])
    documents["rib"].refresh_from_db()
    with pytest.raises(ValidationError, match="remplacé ou archivé"):
        services.joindre_document(brouillon, membre_structure, documents["rib"])
    assert not PieceJointe.objects.exists()


def test_a_joined_document_must_still_be_valid_on_the_day_of_filing(
    brouillon, membre_structure, structure, epci, documents
):
    remplir(brouillon, membre_structure, {epci: Decimal("10000")}, pieces=("rib",))
    bientot = deposer_au_coffre(membre_structure, structure, "statuts", valable_jusqu_au=AUJOURD_HUI)
    services.joindre_document(brouillon, membre_structure, bientot)
    assert services.refus_depot(brouillon) == []
    erreurs = services.refus_depot(brouillon, jour=AUJOURD_HUI + timedelta(days=1))
    assert erreurs == [
        f"« statuts-coffre.pdf » (Statuts de la structure) n'est plus valable depuis le {AUJOURD_HUI:%d/%m/%Y} : "
        "déposez une nouvelle version dans le coffre de la structure, retirez cette pièce et joignez la nouvelle."
    ]


def test_the_instructor_reads_the_vault_piece_like_any_other(client, depose_du_coffre, agent):
    piece = depose_du_coffre.pieces.get(type="statuts")
    client.force_login(agent)
    page = client.get(depose_du_coffre.get_absolute_url()).content.decode()
    assert piece.get_absolute_url() in page
    reponse = client.get(piece.get_absolute_url())
    assert b"".join(reponse.streaming_content) == PDF


def test_the_instructor_of_a_deposited_dossier_reads_the_document_but_does_not_manage_it(
    client, depose_du_coffre, documents, agent, structure
):
    document = documents["statuts"]
    client.force_login(agent)
    assert b"".join(client.get(document.get_absolute_url()).streaming_content) == PDF
    assert client.get(reverse("acteurs_ess:documents", args=[structure.pk])).status_code == 404
    url = reverse("acteurs_ess:remplacer_document", args=[structure.pk, document.pk])
    assert client.get(url).status_code == 403
    reponse = client.post(reverse("acteurs_ess:archiver_document", args=[structure.pk, document.pk]))
    assert reponse.status_code == 403
    document.refresh_from_db()
    assert document.est_actif


def test_the_funders_of_a_draft_do_not_read_its_vault_documents(client, brouillon, membre_structure, documents, agent):
    services.joindre_document(brouillon, membre_structure, documents["statuts"])
    client.force_login(agent)
    assert client.get(documents["statuts"].get_absolute_url()).status_code == 404


def test_a_document_joined_to_a_deposited_dossier_cannot_be_deleted(
    client, depose_du_coffre, documents, membre_structure, structure
):
    document = documents["statuts"]
    client.force_login(membre_structure)
    url = reverse("acteurs_ess:supprimer_document", args=[structure.pk, document.pk])
    assert "Archiver le document" in client.get(url).content.decode()
    reponse = client.post(url)
    assert reponse.status_code == 400
    page = unescape(reponse.content.decode())
    assert f"Il est joint au(x) dossier(s) déposé(s) {depose_du_coffre.reference} « Vélos solidaires »." in page
    assert "Remplacez-le par une version à jour, ou archivez-le" in page
    assert DocumentStructure.objects.filter(pk=document.pk).exists()
    assert depose_du_coffre.pieces.filter(document=document).exists()
    assert default_storage.exists(document.chemin)


def test_an_archived_document_stays_with_the_deposited_dossier(depose_du_coffre, documents, membre_structure):
    coffre.archiver_document(membre_structure, documents["statuts"])
    piece = depose_du_coffre.pieces.get(type="statuts")
    assert piece.document == documents["statuts"] and default_storage.exists(piece.chemin)


def test_deleting_a_document_removes_it_from_the_drafts_only(
    brouillon, membre_structure, documents, django_capture_on_commit_callbacks
):
    services.joindre_document(brouillon, membre_structure, documents["statuts"])
    with django_capture_on_commit_callbacks(execute=True):
        coffre.supprimer_document(membre_structure, documents["statuts"])
    assert not PieceJointe.objects.filter(dossier=brouillon).exists()
    assert not default_storage.exists(documents["statuts"].chemin)


def test_removing_a_vault_piece_from_a_draft_keeps_the_file_of_the_vault(
    brouillon, membre_structure, documents, django_capture_on_commit_callbacks
):
    piece = services.joindre_document(brouillon, membre_structure, documents["statuts"])
    with django_capture_on_commit_callbacks(execute=True):
        services.retirer_piece(piece, membre_structure)
    assert not PieceJointe.objects.exists()
    assert default_storage.exists(documents["statuts"].chemin)


def test_deleting_a_draft_keeps_the_files_of_the_vault_but_not_its_own(
    brouillon, membre_structure, documents, django_capture_on_commit_callbacks
):
    services.joindre_document(brouillon, membre_structure, documents["statuts"])
    televersee = services.ajouter_piece(brouillon, membre_structure, fichier_pdf("budget.pdf"), "autre")
    with django_capture_on_commit_callbacks(execute=True):
        retraits.supprimer_brouillon(brouillon, membre_structure)
    assert default_storage.exists(documents["statuts"].chemin)
    assert not default_storage.exists(televersee.chemin)


def test_a_rib_from_the_vault_validated_by_a_funder_is_used_by_payments(
    cpo, structure, membre_structure, agent_etat, prefecture, depose, documents
):
    """Le RIB proposé depuis le coffre, validé par l'État (financeur d'un dossier déposé), est celui du mandat."""
    rib = services_annuaire.proposer_rib(
        membre_structure, structure, iban=IBAN, titulaire="Les Ateliers du Blosne", document_coffre=documents["rib"]
    )
    services_annuaire.valider_rib(agent_etat, rib)
    versements.generer_echeancier(cpo, agent_etat, prefecture)
    avance = Versement.objects.get(convention=cpo, financeur=prefecture, annee=DEBUT, nature=NatureVersement.AVANCE)
    versements.mandater(avance, agent_etat, mandate_le=AUJOURD_HUI - timedelta(days=1), reference="M-1")
    avance.refresh_from_db()
    assert (avance.statut, avance.iban) == (StatutVersement.MANDATE, IBAN)
    with pytest.raises(ValidationError, match="document d'un RIB"):
        coffre.supprimer_document(membre_structure, documents["rib"])


def test_the_pieces_page_runs_as_many_queries_whatever_the_size_of_the_vault(
    client, brouillon, membre_structure, structure, documents
):
    client.force_login(membre_structure)
    url = reverse("financements:pieces_dossier", args=[brouillon.pk])
    client.get(url)

    def compter() -> int:
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        return len(requetes)

    avant = compter()
    for i in range(5):
        deposer_au_coffre(membre_structure, structure, "statuts" if i % 2 else "rib")
    services.joindre_document(brouillon, membre_structure, documents["statuts"])
    assert compter() == avant


def test_each_vault_choice_is_labelled_with_its_requested_piece(client, brouillon, membre_structure, documents):
    client.force_login(membre_structure)
    page = unescape(client.get(reverse("financements:pieces_dossier", args=[brouillon.pk])).content.decode())
    assert "Statuts de la structure : document du coffre" in page
    assert "Relevé d'identité bancaire (RIB) : document du coffre" in page
