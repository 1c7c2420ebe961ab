"""Les pièces jointes et le PDF d'un dossier sur le stockage objet (SeaweedFS réel, tests/seaweedfs.py), et
ce que voit chacun quand le stockage est arrêté."""

from html import unescape

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from financements.models import JournalDossier, Message, PieceJointe
from tests.financements.conftest import PDF
from tests.taches import puis_executer_taches, rendre_les_pdf

ARRETE = "Le fichier n'a pas été enregistré : le stockage des fichiers ne répond pas pour le moment."


def test_an_attachment_uploaded_through_the_page_is_downloaded_from_object_storage(
    client, brouillon, membre_structure, stockage_s3
):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("financements:pieces_dossier", args=[brouillon.pk]),
        {"type": "statuts", "fichier": SimpleUploadedFile("statuts.pdf", PDF)},
    )
    assert reponse.status_code == 302
    piece = brouillon.pieces.get()
    assert default_storage.exists(piece.chemin)

    reponse = client.get(reverse("financements:piece", args=[brouillon.pk, piece.pk]))

    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == 'attachment; filename="statuts.pdf"'
    assert reponse["Cache-Control"] == "private, no-store"
    assert b"".join(reponse.streaming_content) == PDF


@pytest.mark.django_db(transaction=True)
def test_the_dossier_pdf_is_rendered_into_object_storage_by_a_worker(client, depose, membre_structure, stockage_s3):
    client.force_login(membre_structure)
    url = reverse("financements:pdf_dossier", args=[depose.pk])
    assert client.get(url).status_code == 202

    rendre_les_pdf()

    premier = b"".join(client.get(url).streaming_content)
    assert premier.startswith(b"%PDF-")
    _, editions = default_storage.listdir(f"pdf/dossier-{depose.pk}")
    assert len(editions) == 1
    assert b"".join(client.get(url).streaming_content) == premier


def test_a_stopped_store_refuses_the_upload_and_keeps_nothing(client, brouillon, membre_structure, stockage_arrete):
    client.force_login(membre_structure)
    journal = JournalDossier.objects.filter(dossier=brouillon).count()

    reponse = client.post(
        reverse("financements:pieces_dossier", args=[brouillon.pk]),
        {"type": "rib", "fichier": SimpleUploadedFile("rib.pdf", PDF)},
    )

    assert reponse.status_code == 503
    contenu = unescape(reponse.content.decode())
    assert ARRETE in contenu
    assert '<option value="rib" selected>' in contenu  # le reste du formulaire est gardé
    assert not PieceJointe.objects.exists()
    assert JournalDossier.objects.filter(dossier=brouillon).count() == journal


def test_a_message_whose_attachment_cannot_be_stored_is_not_sent_and_keeps_its_text(
    client, depose, agent_etat, stockage_arrete
):
    client.force_login(agent_etat)
    with puis_executer_taches():
        reponse = client.post(
            reverse("financements:message_dossier", args=[depose.pk]),
            {"texte": "Merci de joindre le devis signé.", "fichier": SimpleUploadedFile("devis.pdf", PDF)},
        )

    assert reponse.status_code == 503
    contenu = unescape(reponse.content.decode())
    assert ARRETE in contenu
    assert "Merci de joindre le devis signé." in contenu
    assert not Message.objects.exists()
    assert not PieceJointe.objects.filter(message__isnull=False).exists()


def test_downloads_answer_503_with_a_message_when_the_store_is_stopped(
    client, depose, membre_structure, stockage_arrete
):
    client.force_login(membre_structure)
    piece = depose.pieces.first()

    for url in (
        reverse("financements:piece", args=[depose.pk, piece.pk]),
        reverse("financements:pdf_dossier", args=[depose.pk]),
    ):
        reponse = client.get(url)
        assert reponse.status_code == 503, url
        assert reponse["Retry-After"] == "60"
        contenu = unescape(reponse.content.decode())
        assert "Service momentanément indisponible" in contenu
        assert "Le stockage des fichiers ne répond pas pour le moment" in contenu
