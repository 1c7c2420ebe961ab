from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from financements.models import AppelAProjets, Dossier, StatutDossier
from financements.services import instruction
from tests.financements.conftest import PDF, remplir
from tests.taches import puis_executer_taches, rendre_les_pdf, taches


def test_it_shows_a_published_call_to_anyone(client, appel):
    page = client.get(reverse("financements:appel", args=[appel.pk]))
    assert page.status_code == 200
    contenu = unescape(page.content.decode())
    assert "Appel à projets 2027" in contenu
    assert "BOP 147" in contenu
    assert "Relevé d'identité bancaire" in contenu
    assert client.get(reverse("financements:appels", args=[appel.contrat.code])).status_code == 200


def test_it_hides_an_unpublished_call(client, appel, agent):
    appel.publie_le = None
    appel.save()
    assert client.get(reverse("financements:appel", args=[appel.pk])).status_code == 404
    client.force_login(agent)
    assert client.get(reverse("financements:appel", args=[appel.pk])).status_code == 200


def test_it_lets_the_carrier_launch_a_call_from_the_page(client, agent, contrat, prefecture, epci, priorite):
    client.force_login(agent)
    url = reverse("financements:nouvel_appel", args=[contrat.code])
    assert client.get(url).status_code == 200
    donnees = {
        "titre": "Appel 2028",
        "annee": "2028",
        "ouverture": "2028-01-01",
        "cloture": "2028-03-01",
        "priorites": [priorite.pk],
        "pieces_demandees": ["statuts"],
        "reponses_collectives": "on",
        "publier": "on",
        "financeurs-TOTAL_FORMS": "4",
        "financeurs-INITIAL_FORMS": "0",
        "financeurs-0-organisation": epci.pk,
        "financeurs-0-enveloppe": "100000",
        "financeurs-1-organisation": prefecture.pk,
        "financeurs-1-enveloppe": "150000,50",
    }
    reponse = client.post(url, donnees)
    appel = AppelAProjets.objects.get(titre="Appel 2028")
    assert reponse.status_code == 302
    assert appel.est_publie
    assert sorted(appel.financeurs.values_list("enveloppe", flat=True)) == [Decimal("100000"), Decimal("150000.50")]


def test_it_forbids_launching_a_call_to_others(client, agent_etat, contrat):
    client.force_login(agent_etat)
    assert client.get(reverse("financements:nouvel_appel", args=[contrat.code])).status_code == 403


def test_it_walks_a_structure_through_its_dossier(client, appel, structure, membre_structure, epci, prefecture):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("financements:nouveau_dossier", args=[appel.pk]),
        {"structure": structure.pk, "titre": "Jardins partagés"},
    )
    dossier = Dossier.objects.get(titre="Jardins partagés")
    assert reponse.url == reverse("financements:modifier_dossier", args=[dossier.pk])
    qpv = appel.qpv.first()
    reponse = client.post(
        reverse("financements:modifier_dossier", args=[dossier.pk]),
        {
            "titre": "Jardins partagés",
            "description": "Des jardins au pied des tours.",
            "objectifs": "Du lien.",
            "qpv": [qpv.pk],
            "tranches_age": ["adultes"],
            "date_debut": "2027-01-01",
            "date_fin": "2027-12-31",
            "nombre_annees": "1",
        },
    )
    assert reponse.status_code == 302
    budget = reverse("financements:budget_dossier", args=[dossier.pk])
    assert client.get(budget).status_code == 200
    donnees = {
        "lignes-TOTAL_FORMS": "4",
        "lignes-INITIAL_FORMS": "0",
        "lignes-0-compte": "60",
        "lignes-0-montant": "5000",
        "lignes-1-compte": "74",
        "lignes-1-montant": "4000",
        "lignes-1-financeur": epci.pk,
        "lignes-2-compte": "75",
        "lignes-2-montant": "500",
        f"plan-financeur_{epci.pk}": "4000",
        "plan-fonds_propres": "500",
    }
    reponse = client.post(budget, donnees, follow=True)
    assert "diffèrent de 500,00 €" in unescape(reponse.content.decode())  # enregistré, mais signalé
    assert dossier.lignes_budget.count() == 3
    # Un montant négatif : rien n'est enregistré, les lignes précédentes restent.
    reponse = client.post(budget, {**donnees, "lignes-2-montant": "-10"})
    assert reponse.status_code == 400
    assert "négatif" in reponse.content.decode()
    assert dossier.lignes_budget.count() == 3
    client.post(budget, {**donnees, "lignes-2-montant": "1000", "plan-fonds_propres": "1000"})
    for type_piece in ("statuts", "rib"):
        client.post(
            reverse("financements:pieces_dossier", args=[dossier.pk]),
            {"type": type_piece, "fichier": SimpleUploadedFile(f"{type_piece}.pdf", PDF)},
        )
    with puis_executer_taches():
        reponse = client.post(reverse("financements:deposer_dossier", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.statut == StatutDossier.DEPOSE, reponse.content.decode()
    # La trésorière est prévenue du dépôt (les agents des financeurs sollicités aussi, par un autre message).
    assert ["tresoriere@exemple.fr"] in [m.to for m in mail.outbox if "Votre dossier" in m.subject]


def test_it_keeps_the_draft_and_explains_a_refused_submission(client, brouillon, membre_structure):
    client.force_login(membre_structure)
    reponse = client.post(reverse("financements:deposer_dossier", args=[brouillon.pk]))
    assert reponse.status_code == 400
    contenu = unescape(reponse.content.decode())
    assert "Le dossier n'est pas déposé, il reste en brouillon" in contenu
    assert "Pièces demandées manquantes" in contenu
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutDossier.BROUILLON


def test_it_refuses_a_disallowed_or_disguised_or_oversized_file(client, brouillon, membre_structure, settings):
    client.force_login(membre_structure)
    url = reverse("financements:pieces_dossier", args=[brouillon.pk])
    cas = [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "n&#x27;est pas d&#x27;un type accepté"),
        (SimpleUploadedFile("faux.pdf", b"<html>pas un pdf</html>"), "ne correspond pas à son extension"),
        (SimpleUploadedFile("faux.docx", b"PK\x03\x04nimportequoi"), "ne correspond pas à son extension"),
        (SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024)), "la taille maximale est de 10 Mo"),
    ]
    for fichier, message in cas:
        reponse = client.post(url, {"type": "statuts", "fichier": fichier})
        assert reponse.status_code == 400
        assert message in reponse.content.decode()
    assert not brouillon.pieces.exists()


def test_it_accepts_real_office_and_image_files(brouillon, membre_structure):
    import io
    import zipfile

    from financements.services import dossiers as services

    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    services.ajouter_piece(brouillon, membre_structure, SimpleUploadedFile("statuts.odt", tampon.getvalue()), "statuts")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    services.ajouter_piece(brouillon, membre_structure, SimpleUploadedFile("rib.png", png), "rib")
    assert brouillon.pieces.count() == 2


def test_it_refuses_office_files_that_are_archive_bombs(client, brouillon, membre_structure, monkeypatch):
    from config.lib import archives
    from tests.archives import MO, archive_zip

    # Des bornes réduites pour un test rapide (tests/test_lib.py en essaie une aux bornes réelles).
    monkeypatch.setattr(archives, "TAILLE_DECOMPRESSEE_MAXIMUM", 4 * MO)
    monkeypatch.setattr(archives, "TAILLE_ENTREE_MAXIMUM", 2 * MO)
    client.force_login(membre_structure)
    url = reverse("financements:pieces_dossier", args=[brouillon.pk])
    odt = "application/vnd.oasis.opendocument.text"
    cas = [
        # Un petit fichier qui se décompresse au-delà de la borne, en une entrée ou en plusieurs.
        ("statuts.odt", archive_zip({"mimetype": odt, "content.xml": 3 * MO}), "plus de 4 Mo une fois décompressé"),
        ("statuts.ods", archive_zip({"mimetype": odt, "a.xml": 2 * MO, "b.xml": 2 * MO + 1}), "décompressé"),
        # L'entrée « mimetype » elle-même, que la vérification du type lisait en entier.
        ("statuts.odt", archive_zip({"mimetype": 3 * MO}), "une fois décompressé"),
        ("statuts.odt", archive_zip({"mimetype": odt} | {f"{i}.xml": "" for i in range(1001)}), "plus de 1000 entrées"),
        ("statuts.docx", archive_zip({"[Content_Types].xml": "", "word/document.xml": 3 * MO}), "décompressé"),
    ]
    for nom, contenu, message in cas:
        reponse = client.post(url, {"type": "statuts", "fichier": SimpleUploadedFile(nom, contenu)})
        assert reponse.status_code == 400
        assert message in unescape(reponse.content.decode())
    assert not brouillon.pieces.exists()


def test_it_serves_attachments_only_to_those_who_see_the_dossier(
    client, depose, membre_structure, agent_etat, partenaire
):
    piece = depose.pieces.first()
    url = reverse("financements:piece", args=[depose.pk, piece.pk])
    assert url.startswith("/contrats/appels-a-projets/")
    assert not piece.chemin.startswith("/")
    for personne in (membre_structure, agent_etat):
        client.force_login(personne)
        reponse = client.get(url)
        assert reponse.status_code == 200
        assert reponse["Content-Disposition"].startswith("attachment;")
        assert b"".join(reponse.streaming_content) == PDF

    client.force_login(partenaire)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_it_does_not_serve_media_files_publicly(client, depose, settings):
    piece = depose.pieces.first()
    assert client.get("/" + settings.MEDIA_URL.strip("/") + "/" + piece.chemin).status_code in (302, 404)


def test_it_lets_a_co_porteur_confirm_from_the_page(
    client, brouillon, membre_structure, membre_co_porteur, autre_structure
):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("financements:co_porteurs_dossier", args=[brouillon.pk]),
        {"structure": "villejean solidaire", "role": "Lieu"},
    )
    assert reponse.status_code == 302
    client.force_login(membre_co_porteur)
    page = client.get(reverse("financements:dossier", args=[brouillon.pk])).content.decode()
    assert "Confirmer notre participation" in page
    client.post(reverse("financements:confirmer_co_portage", args=[brouillon.pk]))
    assert brouillon.co_porteurs.get().est_confirme


def test_it_lets_funders_instruct_and_decide_from_the_page(
    client, depose, agent, agent_etat, epci, prefecture, membre_structure
):
    client.force_login(agent)
    client.post(reverse("financements:prendre_dossier", args=[depose.pk]))
    reponse = client.post(
        reverse("financements:decision_dossier", args=[depose.pk]),
        {
            "financeur": prefecture.pk,
            "montant": "30000",
            "nature": "aide en numéraire",
            "conditions_versement": "unique",
        },
    )
    assert reponse.status_code == 400  # la métropole ne décide pas pour l'État
    client.post(
        reverse("financements:decision_dossier", args=[depose.pk]),
        {"financeur": epci.pk, "montant": "10000", "nature": "aide en numéraire", "conditions_versement": "unique"},
    )
    client.force_login(agent_etat)
    client.post(
        reverse("financements:avis_dossier", args=[depose.pk]),
        {"organisation": prefecture.pk, "sens": "favorable", "montant_propose": "30000"},
    )
    client.post(reverse("financements:note_dossier", args=[depose.pk]), {"texte": "Vu avec le délégué du préfet."})
    client.post(
        reverse("financements:decision_dossier", args=[depose.pk]),
        {
            "financeur": prefecture.pk,
            "montant": "30000",
            "reference": "ARR-2027-4",
            "nature": "aide en numéraire",
            "conditions_versement": "échelonné",
        },
    )
    depose.refresh_from_db()
    assert (depose.statut, depose.issue) == (StatutDossier.DECIDE, "finance")
    client.force_login(membre_structure)
    page = client.get(reverse("financements:dossier", args=[depose.pk])).content.decode()
    assert "Financé" in page
    assert "Vu avec le délégué" not in page


@pytest.mark.django_db(transaction=True)
def test_it_downloads_the_pdf_summary_once_a_worker_has_rendered_it(
    client, depose, membre_structure, agent_etat, partenaire
):
    url = reverse("financements:pdf_dossier", args=[depose.pk])
    client.force_login(membre_structure)
    en_preparation = client.get(url)
    assert en_preparation.status_code == 202
    assert "PDF en préparation" in en_preparation.content.decode()
    assert f'href="{depose.get_absolute_url()}">Retour au dossier</a>' in en_preparation.content.decode()

    rendre_les_pdf()

    for personne in (membre_structure, agent_etat):
        client.force_login(personne)
        reponse = client.get(url)
        assert reponse.status_code == 200
        assert reponse["Content-Disposition"] == f'attachment; filename="dossier-{depose.reference}.pdf"'
        assert b"".join(reponse.streaming_content).startswith(b"%PDF")
    client.force_login(partenaire)
    assert client.get(url).status_code == 404


def test_it_exchanges_messages_with_attachments_from_the_page(client, depose, agent_etat, membre_structure):
    client.force_login(agent_etat)
    with puis_executer_taches():
        client.post(
            reverse("financements:message_dossier", args=[depose.pk]),
            {"texte": "Merci de joindre le devis.", "fichier": SimpleUploadedFile("note.pdf", PDF)},
        )
    message = depose.messages.get()
    assert message.pieces.count() == 1
    client.force_login(membre_structure)
    page = client.get(reverse("financements:dossier", args=[depose.pk])).content.decode()
    assert "Merci de joindre le devis." in page
    reponse = client.get(message.pieces.get().get_absolute_url())
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF


def test_instruction_helper_is_reachable(depose, agent):
    instruction.prendre_en_instruction(depose, agent)
    assert Dossier.objects.get(pk=depose.pk).statut == StatutDossier.EN_INSTRUCTION


def test_remplir_helper_balances(brouillon, membre_structure, epci):
    remplir(brouillon, membre_structure, {epci: Decimal("1")})
    brouillon.refresh_from_db()
    assert brouillon.montant_demande == Decimal("1")


def _nombre_de_requetes(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def test_the_dossier_page_runs_the_same_queries_whatever_its_size(client, depose, agent_etat, membre_structure):
    from tests.financements.conftest import fichier_pdf

    url = reverse("financements:dossier", args=[depose.pk])
    client.force_login(agent_etat)
    instruction.envoyer_message(depose, agent_etat, "Première question", [fichier_pdf("q.pdf")])
    avant = _nombre_de_requetes(client, url)
    for i in range(5):
        instruction.envoyer_message(depose, agent_etat, f"Question {i}", [fichier_pdf(f"q{i}.pdf")])
        instruction.ecrire_note(depose, agent_etat, f"Note {i}")
    instruction.donner_avis(depose, agent_etat, "favorable", "30000")
    assert _nombre_de_requetes(client, url) == avant
    client.force_login(membre_structure)
    assert _nombre_de_requetes(client, url) <= avant


def test_a_message_posted_when_the_mail_server_is_down_is_kept(client, depose, agent_etat, smtp_en_panne):
    client.force_login(agent_etat)
    with puis_executer_taches():
        reponse = client.post(reverse("financements:message_dossier", args=[depose.pk]), {"texte": "Merci."})
    assert reponse.status_code == 302
    assert depose.messages.filter(texte="Merci.").exists()
    assert {t.status for t in taches("envoyer_courriel")} == {"todo"}
