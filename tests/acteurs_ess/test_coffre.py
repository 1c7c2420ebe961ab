"""Le coffre-fort des documents d'une structure : ajout, nouvelle version, archivage, suppression, validité ;
réservé aux membres de la structure ; fichiers refusés sans rien enregistrer."""

import json
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from acteurs_ess import coffre, services
from acteurs_ess.models import DocumentStructure, EtatValidite, Rib
from comptes.models import ActionAudit, EntreeAudit, Role
from config.lib.fichiers import TAILLE_MAXIMUM
from config.lib.stockage import MESSAGE_ENVOI_IMPOSSIBLE
from tests.acteurs_ess.factories import StructureFactory
from tests.factories import AdhesionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AUJOURD_HUI = timezone.localdate()
IBAN = "FR7630006000011234567890189"


@pytest.fixture(autouse=True)
def _stockage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(nom="statuts.pdf", contenu=PDF):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def deposer(membre, structure, type="statuts", nom="statuts.pdf", **kwargs):
    return coffre.ajouter_document(membre, structure, type=type, fichier=pdf(nom), **kwargs)


def fichiers_du_coffre(structure) -> list[str]:
    repertoire = f"{coffre.PREFIXE_COFFRE}/{structure.pk}"
    return default_storage.listdir(repertoire)[1] if default_storage.exists(repertoire) else []


@pytest.fixture
def membre_ailleurs(db):
    """Membre d'une autre structure : le coffre des Ateliers n'existe pas pour lui."""
    autre = StructureFactory(raison_sociale="Maurepas Mobilité")
    return AdhesionFactory(
        organisation=autre.organisation, role=Role.STRUCTURE, utilisateur__email="maurepas@exemple.fr"
    ).utilisateur


def test_it_adds_a_document_from_the_page_and_journals_it(client, membre_structure, structure):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:ajouter_document", args=[structure.pk]),
        {"type": "comptes", "fichier": pdf("comptes-2025.pdf"), "date_document": "2026-06-30"},
    )
    assert reponse.status_code == 302
    document = DocumentStructure.objects.get()
    assert (document.structure, document.type, document.nom, document.depose_par) == (
        structure,
        "comptes",
        "comptes-2025.pdf",
        membre_structure,
    )
    assert document.date_document == date(2026, 6, 30) and document.valable_jusqu_au is None
    assert document.chemin.startswith(f"{coffre.PREFIXE_COFFRE}/{structure.pk}/")
    with default_storage.open(document.chemin) as fichier:
        assert fichier.read() == PDF
    entree = EntreeAudit.objects.get(action=ActionAudit.DOCUMENT_AJOUTE)
    assert (entree.object_id, entree.auteur, entree.organisation) == (
        str(document.pk),
        membre_structure,
        structure.organisation,
    )
    page = client.get(reverse("acteurs_ess:documents", args=[structure.pk])).content.decode()
    assert "comptes-2025.pdf" in page and "Derniers comptes approuvés" in page


def test_the_structure_page_links_its_members_to_the_vault(client, membre_structure, membre_ailleurs, structure):
    lien = reverse("acteurs_ess:documents", args=[structure.pk])
    client.force_login(membre_structure)
    assert lien in client.get(structure.get_absolute_url()).content.decode()
    client.force_login(membre_ailleurs)
    assert lien not in client.get(structure.get_absolute_url()).content.decode()


def test_the_vault_of_another_structure_does_not_exist_for_its_outsiders(
    client, membre_structure, membre_ailleurs, structure, admin_plateforme
):
    document = deposer(membre_structure, structure)
    for personne in (membre_ailleurs, admin_plateforme):
        client.force_login(personne)
        assert client.get(reverse("acteurs_ess:documents", args=[structure.pk])).status_code == 404
        assert client.get(document.get_absolute_url()).status_code == 404
        assert client.get(reverse("acteurs_ess:ajouter_document", args=[structure.pk])).status_code == 404
        reponse = client.post(reverse("acteurs_ess:supprimer_document", args=[structure.pk, document.pk]))
        assert reponse.status_code == 404
        reponse = client.post(reverse("acteurs_ess:archiver_document", args=[structure.pk, document.pk]))
        assert reponse.status_code == 404
    document.refresh_from_db()
    assert document.est_actif
    with pytest.raises(PermissionDenied):
        deposer(membre_ailleurs, structure)
    assert DocumentStructure.objects.count() == 1


def test_a_document_is_served_to_a_member_as_a_private_attachment(client, membre_structure, structure):
    document = deposer(membre_structure, structure)
    client.force_login(membre_structure)
    reponse = client.get(document.get_absolute_url())
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF
    assert reponse["Content-Disposition"].startswith("attachment")
    assert reponse["Cache-Control"] == "private, no-store"


def test_a_document_of_the_wrong_type_is_refused_and_nothing_is_saved(client, membre_structure, structure):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:ajouter_document", args=[structure.pk]),
        {"type": "statuts", "fichier": SimpleUploadedFile("statuts.exe", b"MZ\x90\x00")},
    )
    assert reponse.status_code == 400
    assert "n'est pas d'un type accepté" in unescape(reponse.content.decode())
    assert not DocumentStructure.objects.exists() and fichiers_du_coffre(structure) == []
    assert not EntreeAudit.objects.filter(action=ActionAudit.DOCUMENT_AJOUTE).exists()


def test_a_pdf_whose_content_is_not_a_pdf_is_refused(membre_structure, structure):
    with pytest.raises(ValidationError) as erreur:
        coffre.ajouter_document(
            membre_structure, structure, type="statuts", fichier=pdf("statuts.pdf", b"<html>pas un PDF</html>")
        )
    assert "ne correspond pas à son extension .pdf" in " ".join(erreur.value.messages)
    assert not DocumentStructure.objects.exists() and fichiers_du_coffre(structure) == []


def test_a_document_over_ten_megabytes_is_refused_with_its_size(client, membre_structure, structure):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:ajouter_document", args=[structure.pk]),
        {"type": "comptes", "fichier": pdf("comptes.pdf", PDF + b"0" * TAILLE_MAXIMUM)},
    )
    assert reponse.status_code == 400
    assert "la taille maximale est de 10 Mo" in unescape(reponse.content.decode())
    assert not DocumentStructure.objects.exists() and fichiers_du_coffre(structure) == []


def test_a_rib_in_the_vault_is_a_pdf_or_an_image_never_an_office_document(membre_structure, structure):
    with pytest.raises(ValidationError) as erreur:
        coffre.ajouter_document(
            membre_structure, structure, type="rib", fichier=SimpleUploadedFile("rib.odt", b"PK\x03\x04")
        )
    assert "PDF, PNG ou JPEG" in " ".join(erreur.value.messages)
    assert not DocumentStructure.objects.exists()


def test_an_end_of_validity_before_the_document_date_is_refused(client, membre_structure, structure):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:ajouter_document", args=[structure.pk]),
        {"type": "comptes", "fichier": pdf(), "date_document": "2026-06-30", "valable_jusqu_au": "2026-01-01"},
    )
    assert reponse.status_code == 400
    assert "ne peut pas précéder la date du document" in unescape(reponse.content.decode())
    assert not DocumentStructure.objects.exists() and fichiers_du_coffre(structure) == []


def test_the_bilan_of_an_action_is_not_a_vault_document(membre_structure, structure):
    with pytest.raises(ValidationError, match="type du document"):
        deposer(membre_structure, structure, type="bilan")


def test_validity_is_read_against_the_day_with_a_thirty_day_warning(membre_structure, structure):
    sans_fin = deposer(membre_structure, structure)
    assert sans_fin.validite(AUJOURD_HUI) == EtatValidite.VALABLE
    document = deposer(membre_structure, structure, type="rib", nom="rib.pdf", valable_jusqu_au=AUJOURD_HUI)
    assert document.validite(AUJOURD_HUI - timedelta(days=30)) == EtatValidite.VALABLE
    assert document.validite(AUJOURD_HUI - timedelta(days=29)) == EtatValidite.BIENTOT_EXPIRE
    assert document.validite(AUJOURD_HUI) == EtatValidite.BIENTOT_EXPIRE and document.est_valable(AUJOURD_HUI)
    assert document.validite(AUJOURD_HUI + timedelta(days=1)) == EtatValidite.EXPIRE
    assert not document.est_valable(AUJOURD_HUI + timedelta(days=1))
    assert list(DocumentStructure.objects.valables(AUJOURD_HUI + timedelta(days=1))) == [sans_fin]


def test_the_list_flags_expired_and_soon_expired_documents(client, membre_structure, structure):
    deposer(
        membre_structure, structure, type="comptes", nom="comptes.pdf", valable_jusqu_au=AUJOURD_HUI - timedelta(days=1)
    )
    deposer(membre_structure, structure, type="rib", nom="rib.pdf", valable_jusqu_au=AUJOURD_HUI + timedelta(days=10))
    deposer(membre_structure, structure, nom="statuts.pdf")
    client.force_login(membre_structure)
    page = unescape(client.get(reverse("acteurs_ess:documents", args=[structure.pk])).content.decode())
    assert f"Expiré le {AUJOURD_HUI - timedelta(days=1):%d/%m/%Y}" in page
    assert f"Expire le {AUJOURD_HUI + timedelta(days=10):%d/%m/%Y}" in page
    assert "1 document expiré" in page and "1 document expire dans moins de 30 jours" in page
    assert "Sans date de fin" in page


def test_a_new_version_replaces_the_document_which_stays_readable(client, membre_structure, structure):
    ancien = deposer(membre_structure, structure, nom="statuts-2015.pdf")
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:remplacer_document", args=[structure.pk, ancien.pk]),
        {"fichier": pdf("statuts-2026.pdf"), "date_document": "2026-03-01"},
    )
    assert reponse.status_code == 302
    nouveau = DocumentStructure.objects.get(nom="statuts-2026.pdf")
    ancien.refresh_from_db()
    assert ancien.remplace_par == nouveau and nouveau.type == "statuts"
    assert list(DocumentStructure.objects.actifs()) == [nouveau]
    assert b"".join(client.get(ancien.get_absolute_url()).streaming_content) == PDF
    page = client.get(reverse("acteurs_ess:documents", args=[structure.pk])).content.decode()
    assert "Versions précédentes et archives" in page and "statuts-2015.pdf" in page
    # Une version déjà remplacée ne se remplace plus.
    with pytest.raises(ValidationError, match="déjà été remplacé"):
        coffre.ajouter_document(membre_structure, structure, type="statuts", fichier=pdf(), remplace=ancien)


def test_archiving_takes_the_document_out_of_use_and_is_journalled(client, membre_structure, structure):
    document = deposer(membre_structure, structure)
    client.force_login(membre_structure)
    reponse = client.post(reverse("acteurs_ess:archiver_document", args=[structure.pk, document.pk]))
    assert reponse.status_code == 302
    document.refresh_from_db()
    assert document.archive_le is not None and document.archive_par == membre_structure
    assert not DocumentStructure.objects.actifs().exists()
    assert EntreeAudit.objects.filter(action=ActionAudit.DOCUMENT_ARCHIVE, object_id=str(document.pk)).exists()


def test_an_unused_document_is_deleted_with_its_file_and_journalled(
    client, membre_structure, structure, django_capture_on_commit_callbacks
):
    document = deposer(membre_structure, structure)
    client.force_login(membre_structure)
    assert (
        "Supprimer le document"
        in client.get(reverse("acteurs_ess:supprimer_document", args=[structure.pk, document.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("acteurs_ess:supprimer_document", args=[structure.pk, document.pk]))
    assert reponse.status_code == 302
    assert not DocumentStructure.objects.exists()
    assert not default_storage.exists(document.chemin)
    entree = EntreeAudit.objects.get(action=ActionAudit.DOCUMENT_RETIRE)
    assert entree.details["nom"] == "statuts.pdf" and entree.object_id == str(document.pk)


def test_the_list_runs_a_fixed_number_of_queries(client, membre_structure, structure, django_assert_num_queries):
    client.force_login(membre_structure)
    deposer(membre_structure, structure)
    url = reverse("acteurs_ess:documents", args=[structure.pk])
    client.get(url)  # session et utilisateur mis en cache de la requête, comme pour les pages suivantes

    def compter() -> int:
        with django_assert_num_queries(5) as requetes:
            assert client.get(url).status_code == 200
        return len(requetes)

    # 1 : session, 2 : utilisateur, 3 : ses adhésions (contexte d'accès), 4 : la structure,
    # 5 : ses documents avec qui les a déposés.
    avant = compter()
    for i in range(10):
        ancien = deposer(membre_structure, structure, type="comptes", nom=f"comptes-{i}.pdf")
        coffre.archiver_document(membre_structure, ancien)
    assert compter() == avant


# --- Le RIB pris dans le coffre ---------------------------------------------------------------------------


def test_a_rib_from_the_vault_is_proposed_without_uploading_it_again(client, membre_structure, structure):
    document = deposer(membre_structure, structure, type="rib", nom="rib-banque.pdf")
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:rib", args=[structure.pk]),
        {"iban": IBAN, "titulaire": "Les Ateliers du Blosne", "document_coffre": document.pk},
    )
    assert reponse.status_code == 302
    rib = Rib.objects.get()
    assert (rib.document, rib.chemin, rib.nom) == (document, document.chemin, "rib-banque.pdf")
    reponse = client.get(reverse("acteurs_ess:document_rib", args=[structure.pk, rib.pk]))
    assert b"".join(reponse.streaming_content) == PDF


def test_a_rib_document_of_another_type_or_expired_is_refused(membre_structure, structure):
    statuts = deposer(membre_structure, structure)
    expire = deposer(
        membre_structure, structure, type="rib", nom="rib.pdf", valable_jusqu_au=AUJOURD_HUI - timedelta(days=1)
    )
    for document in (statuts, expire):
        with pytest.raises(ValidationError, match="RIB valable du coffre"):
            services.proposer_rib(
                membre_structure, structure, iban=IBAN, titulaire="Les Ateliers", document_coffre=document
            )
    assert not Rib.objects.exists()


def test_a_document_used_by_a_rib_is_archived_not_deleted(client, membre_structure, structure):
    document = deposer(membre_structure, structure, type="rib", nom="rib.pdf")
    services.proposer_rib(membre_structure, structure, iban=IBAN, titulaire="Les Ateliers", document_coffre=document)
    client.force_login(membre_structure)
    reponse = client.post(reverse("acteurs_ess:supprimer_document", args=[structure.pk, document.pk]))
    assert reponse.status_code == 400
    page = unescape(reponse.content.decode())
    assert "document d'un RIB" in page and "archivez-le" in page
    assert DocumentStructure.objects.filter(pk=document.pk).exists()
    assert default_storage.exists(document.chemin)


def test_my_data_export_lists_the_documents_i_deposited(client, membre_structure, structure):
    deposer(membre_structure, structure, type="comptes", nom="comptes.pdf", valable_jusqu_au=date(2027, 6, 30))
    client.force_login(membre_structure)
    donnees = json.loads(client.post(reverse("comptes:telecharger_donnees")).content)
    assert donnees["documents_deposes_dans_les_coffres"] == [
        {
            "structure": "Les Ateliers du Blosne",
            "type": "Derniers comptes approuvés",
            "nom": "comptes.pdf",
            "depose_le": DocumentStructure.objects.get().depose_le.isoformat(),
            "valable_jusqu_au": "2027-06-30",
        }
    ]


def test_a_stopped_store_shows_the_form_again_and_saves_nothing(client, membre_structure, structure, stockage_arrete):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:ajouter_document", args=[structure.pk]),
        {"type": "comptes", "fichier": pdf("comptes.pdf"), "date_document": "2026-06-30"},
    )
    assert reponse.status_code == 503
    assert reponse.context["form"].errors["fichier"] == [MESSAGE_ENVOI_IMPOSSIBLE]
    assert 'value="2026-06-30"' in reponse.content.decode()
    assert not DocumentStructure.objects.exists()
    assert not EntreeAudit.objects.filter(action=ActionAudit.DOCUMENT_AJOUTE).exists()
