"""Les PDF d'un contrat : le contrat complet, la synthèse pour les élus, leur empreinte, leur cache et qui
les télécharge."""

import io
import re
from datetime import date
from html import unescape
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from config.pdf import chemin_pdf
from contrats import documents
from contrats.models import (
    Contribution,
    Engagement,
    Orientation,
    Reunion,
    StatutContrat,
    StatutContribution,
)
from contrats.services import concertation as services_concertation
from contrats.services import sections as services_sections
from tests.contrats.factories import ContratFactory
from tests.taches import taches

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _stockage(settings, tmp_path):
    # Les PDF rendus vont dans un dossier jetable, jamais dans var/media.
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def complet(contrat_complet):
    return contrat_complet


@pytest.fixture
def contrat_signe_vide(territoire):
    return ContratFactory(epci=territoire["epci"], code="CN03502J", statut=StatutContrat.SIGNE)


SOMMAIRE = [
    "Signataires et engagements",
    "Quartiers prioritaires",
    "Projet de territoire",
    "Emploi et insertion",
    "Orientations et objectifs",
    "Gouvernance",
    "Annexe : contributions et réponses",
]


def _texte(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _sans_espaces(texte: str) -> str:
    return re.sub(r"[\s\u202f\xa0]", "", texte)


def test_it_renders_the_full_contract_with_all_its_parts(complet):
    lecteur = PdfReader(io.BytesIO(documents.pdf_contrat(complet)))
    texte = "\n".join(page.extract_text() for page in lecteur.pages)

    assert "Contrat de ville Rennes Métropole" in lecteur.pages[0].extract_text()
    sommaire = lecteur.pages[1].extract_text()
    for entree in SOMMAIRE:
        assert re.search(re.escape(entree) + r", page \d+", sommaire), entree
    for attendu in [
        "Préfecture d'Ille-et-Vilaine",
        "Archipel Habitat",
        "Crédits du programme 147",
        "Abattement de TFPB réinvesti",
        "Le préfet d'Ille-et-Vilaine",
        "Maurepas",
        "Le Blosne",
        "Emploi et insertion",
        "Premier texte.",
        "Réussite éducative",
        "Six cents enfants.",
        "Accès à l'emploi",
        "Lever les freins à l'emploi",
        "Comité de pilotage",
        "Réunion du 14/03/2025",
        "Diagnostic validé",
        "Associer les chantiers d'insertion.",
        "Retenue : les chantiers sont associés.",
        "Page 2 sur",
    ]:
        assert attendu in texte, attendu
    assert "1200000€" in _sans_espaces(texte)
    assert "population:678habitants" in _sans_espaces(texte)
    assert "population:11809habitants" in _sans_espaces(texte)


def test_it_leaves_hidden_and_unanswered_contributions_out(complet):
    texte = _texte(documents.pdf_contrat(complet))

    assert "Propos injurieux à ne jamais publier." not in texte
    assert "Une idée pas encore analysée." not in texte
    assert "1 est en cours d'analyse" in texte


def test_it_draws_the_qpv_perimeters(complet):
    html = documents.html_contrat(complet)

    assert html.count("<svg") == 2  # la carte d'ensemble et celle du seul QPV dont le périmètre est connu
    assert "<title>Carte du périmètre du quartier Maurepas.</title>" in html


def test_the_synthesis_fits_in_two_pages_with_key_figures_qpv_orientations_and_concertation(complet):
    lecteur = PdfReader(io.BytesIO(documents.pdf_synthese(complet)))
    texte = "\n".join(page.extract_text() for page in lecteur.pages)

    assert len(lecteur.pages) <= 2
    for attendu in [
        "Chiffres clés",
        "Maurepas",
        "Le Blosne",
        "Accès à l'emploi",
        "Lever les freins à l'emploi",
        "État de la concertation",
        "ouverte",
        "Préfecture d'Ille-et-Vilaine",
    ]:
        assert attendu in texte, attendu
    compact = _sans_espaces(texte)
    assert "12487habitantsdesquartiers" in compact
    assert "1200000€" in compact
    # Déposée, en analyse, retenue, partiellement retenue, non retenue : la masquée n'est pas comptée.
    assert "2contributions,1répondue" in compact


def test_the_synthesis_of_a_realistic_contract_fits_in_two_pages():
    from contrats.generateur import generer

    contrat = generer(nb_sections=20, nb_contributions=40).contrat

    lecteur = PdfReader(io.BytesIO(documents.pdf_synthese(contrat)))

    assert len(lecteur.pages) <= 2
    assert "Quartier de mesure 10" in "\n".join(page.extract_text() for page in lecteur.pages)


@pytest.mark.parametrize("fabriquer", [documents.pdf_contrat, documents.pdf_synthese])
def test_the_pdfs_are_tagged_for_accessibility_with_marianne(complet, fabriquer):
    lecteur = PdfReader(io.BytesIO(fabriquer(complet)))
    catalogue = lecteur.trailer["/Root"]

    assert "/StructTreeRoot" in catalogue
    assert catalogue["/MarkInfo"]["/Marked"]
    assert catalogue["/Lang"] == "fr"
    polices = {str(p.get_object()["/BaseFont"]) for p in lecteur.pages[0]["/Resources"]["/Font"].values()}
    assert any("Marianne" in police for police in polices)


def test_it_builds_the_documents_with_a_fixed_number_of_queries(complet, django_assert_num_queries):
    # Voir les commentaires de contexte_contrat et contexte_synthese ; la synthèse et son empreinte lisent en plus
    # les données des blocs que les applications supérieures y enregistrent : les indicateurs (evaluation, une
    # requête), les montants décidés (financements, une), les projets financés et conventions (financements,
    # trois : les totaux, les plus récents, les montants des conventions).
    blocs = 1 + 1 + 3
    with django_assert_num_queries(15):
        documents.contexte_contrat(complet)
    with django_assert_num_queries(8 + blocs):
        documents.contexte_synthese(complet)
    with django_assert_num_queries(1):
        documents.empreinte(complet)
    with django_assert_num_queries(1 + blocs):
        documents.empreinte(complet, "synthese")


# --- Empreinte et cache ------------------------------------------------------------------------------------


def test_the_fingerprint_is_stable_for_an_unchanged_contract(complet):
    assert documents.empreinte(complet) == documents.empreinte(complet)


def test_a_new_version_of_a_section_changes_the_fingerprint(complet, section, agent):
    avant = documents.empreinte(complet)

    services_sections.enregistrer(section, agent, "<p>Deuxième texte.</p>", version_base=section.numero)

    assert documents.empreinte(complet) != avant


def test_a_new_answer_changes_the_fingerprint(complet, agent):
    avant = documents.empreinte(complet)
    en_attente = Contribution.objects.get(texte="Une idée pas encore analysée.")

    services_concertation.repondre(en_attente, agent, StatutContribution.NON_RETENUE, "Non retenue : déjà prévu.")

    assert documents.empreinte(complet) != avant


@pytest.mark.parametrize(
    "changer",
    [
        lambda c: Engagement.objects.filter(signataire__contrat=c).update(texte="Nouvel engagement"),
        lambda c: Orientation.objects.filter(contrat=c).update(titre="Orientation renommée"),
        lambda c: Reunion.objects.filter(instance__contrat=c).update(decisions="Autre décision"),
        lambda c: c.signataires.filter(date_signature__isnull=True).update(date_signature=date(2024, 7, 1)),
        lambda c: c.qpv.first().orientations.clear(),
        lambda c: Contribution.objects.filter(statut="retenue").update(masquee=True, motif_masquage="Après coup"),
    ],
    ids=["engagement", "orientation", "reunion", "signature", "qpv-orientation", "masquage"],
)
def test_changes_without_a_modification_date_change_the_fingerprint(complet, changer):
    avant = documents.empreinte(complet)

    changer(complet)

    assert documents.empreinte(complet) != avant


def test_a_status_change_changes_the_fingerprint(complet, agent):
    avant = documents.empreinte(complet)

    complet.changer_statut(agent, StatutContrat.CONCERTATION, "Ouverture de la concertation")

    assert documents.empreinte(complet) != avant


def test_the_task_renders_a_document_once_per_state_of_the_data(complet, section, agent):
    with mock.patch("contrats.documents.html_en_pdf", wraps=documents.html_en_pdf) as rendu:
        assert documents.mettre_a_jour(complet.pk, "contrat") is True
        assert documents.mettre_a_jour(complet.pk, "contrat") is False
        assert rendu.call_count == 1
        assert documents.mettre_a_jour(complet.pk, "synthese") is True
        assert rendu.call_count == 2

        services_sections.enregistrer(section, agent, "<p>Texte révisé.</p>", version_base=section.numero)

        assert documents.mettre_a_jour(complet.pk, "contrat") is True
        assert rendu.call_count == 3
    chemin = chemin_pdf(f"contrat-{complet.code}", documents.empreinte(complet))
    with default_storage.open(chemin) as fichier:
        assert "Texte révisé." in _texte(fichier.read())


def test_the_task_does_nothing_for_a_deleted_contract():
    assert documents.mettre_a_jour(999_999, "contrat") is False


def test_a_new_rendering_removes_the_outdated_pdfs_of_the_same_document(complet, section, agent):
    documents.mettre_a_jour(complet.pk, "contrat")
    documents.mettre_a_jour(complet.pk, "synthese")
    services_sections.enregistrer(section, agent, "<p>Texte révisé.</p>", version_base=section.numero)

    documents.mettre_a_jour(complet.pk, "contrat")

    assert default_storage.listdir(f"pdf/contrat-{complet.code}") == ([], [f"{documents.empreinte(complet)}.pdf"])
    # La synthèse n'est pas encore rendue à nouveau : l'ancienne reste jusque-là, mais n'est plus servie.
    assert len(default_storage.listdir(f"pdf/synthese-{complet.code}")[1]) == 1


# --- Téléchargements et permissions -----------------------------------------------------------------------


def _telecharger(client, contrat, nom: str = "contrat_pdf"):
    return client.get(reverse(f"contrats:{nom}", args=[contrat.code]))


def _rendre(contrat) -> None:
    """Ce que fait le worker de la file pdf (contrats.taches.rendre_pdf_contrat), ici dans la transaction du
    test ; le parcours complet, avec un vrai worker, est dans tests/contrats/test_pdf_en_arriere_plan.py."""
    for cle in documents.DOCUMENTS:
        documents.mettre_a_jour(contrat.pk, cle)


@pytest.mark.parametrize("personne", ["agent", "elu", "agent_etat", "partenaire", "admin_plateforme"])
def test_the_partners_download_both_pdfs_before_signature(request, client, complet, personne):
    client.force_login(request.getfixturevalue(personne))
    _rendre(complet)

    for nom in ["contrat_pdf", "synthese_pdf"]:
        reponse = _telecharger(client, complet, nom)
        assert reponse.status_code == 200, nom
        assert reponse["Content-Type"] == "application/pdf"
        assert reponse["Content-Disposition"].startswith("attachment;")
        assert reponse["Cache-Control"] == "private, no-store"
        assert b"".join(reponse.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("personne", [None, "exterieur", "membre_structure", "habitant"])
def test_it_answers_404_to_others_before_signature(request, client, complet, personne):
    # L'association et l'habitant lisent le projet en ligne pendant la concertation ouverte, sans en emporter le PDF.
    if personne:
        client.force_login(request.getfixturevalue(personne))
    _rendre(complet)
    avant = len(taches("rendre_pdf_contrat"))

    assert _telecharger(client, complet, "contrat_pdf").status_code == 404
    assert _telecharger(client, complet, "synthese_pdf").status_code == 404
    assert len(taches("rendre_pdf_contrat")) == avant  # ni PDF ni rendu demandé


@pytest.mark.parametrize("statut", [StatutContrat.SIGNE, StatutContrat.EXECUTION, StatutContrat.CLOS])
def test_anyone_downloads_the_pdfs_of_a_signed_contract(client, complet, statut):
    complet.statut = statut
    complet.save()
    _rendre(complet)

    for nom in ["contrat_pdf", "synthese_pdf"]:
        reponse = _telecharger(client, complet, nom)
        assert reponse.status_code == 200
        assert b"".join(reponse.streaming_content).startswith(b"%PDF-")


def test_it_answers_404_for_an_unknown_contract(client):
    assert client.get(reverse("contrats:contrat_pdf", args=["CN99999X"])).status_code == 404


def test_a_second_download_reads_the_stored_pdf(client, complet, elu, django_assert_num_queries):
    client.force_login(elu)
    _rendre(complet)
    premier = b"".join(_telecharger(client, complet).streaming_content)

    # 1 session, 2 utilisateur, 3 contrat, 4 adhésions et 5 signataires (profil), 6 empreinte.
    with django_assert_num_queries(6):
        second = b"".join(_telecharger(client, complet).streaming_content)

    assert second == premier


# --- PDF en préparation ------------------------------------------------------------------------------------


def _vider_la_file() -> None:
    # Les rendus déjà demandés par la création du contrat.
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute("DELETE FROM procrastinate_jobs")


def test_a_pdf_not_yet_rendered_is_being_prepared_and_never_rendered_by_the_request(client, complet, elu):
    client.force_login(elu)
    url = reverse("contrats:contrat_pdf", args=[complet.code])
    _vider_la_file()

    with mock.patch("contrats.documents.html_en_pdf") as rendu:
        reponse = client.get(url)

    assert rendu.call_count == 0
    assert reponse.status_code == 202
    assert reponse["Content-Type"].startswith("text/html")
    assert reponse["Cache-Control"] == "no-store"
    contenu = unescape(reponse.content.decode())
    assert "<h1>PDF en préparation</h1>" in contenu
    assert f"Le document contrat-de-ville-{complet.code}.pdf est en cours de préparation" in contenu
    assert "Cette page ne se recharge pas d'elle-même." in contenu
    assert f'href="{url}">Vérifier à nouveau</a>' in contenu
    assert 'http-equiv="refresh"' not in contenu
    assert f'href="{complet.get_absolute_url()}">Retour au contrat de ville</a>' in contenu
    (demandee,) = taches()
    assert demandee.args == {"contrat": complet.pk, "document": "contrat", "tentative": 1}
    assert demandee.queue_name == "pdf"


def test_simultaneous_requests_for_a_pdf_in_preparation_queue_a_single_job(client, complet, elu, agent):
    # Chaque modification du contrat a déjà demandé ses deux rendus : un seul attend par document.
    attendues = {(t.args["document"], t.status) for t in taches("rendre_pdf_contrat")}
    assert attendues == {("contrat", "todo"), ("synthese", "todo")}

    for personne in (elu, agent, elu):
        client.force_login(personne)
        assert _telecharger(client, complet).status_code == 202
        assert _telecharger(client, complet, "synthese_pdf").status_code == 202

    assert len(taches("rendre_pdf_contrat")) == 2


def test_an_outdated_edition_is_never_served(client, complet, elu, agent):
    client.force_login(elu)
    _rendre(complet)
    assert b"".join(_telecharger(client, complet).streaming_content).startswith(b"%PDF-")

    masquee = Contribution.objects.get(texte="Associer les chantiers d'insertion.")
    services_concertation.masquer(masquee, agent, "Propos à retirer")

    reponse = _telecharger(client, complet)
    assert reponse.status_code == 202
    assert "PDF en préparation" in reponse.content.decode()


def test_the_contract_page_links_to_both_pdfs(client, complet, elu, exterieur):
    client.force_login(elu)
    page = client.get(complet.get_absolute_url()).content.decode()
    assert reverse("contrats:contrat_pdf", args=[complet.code]) in page
    assert reverse("contrats:synthese_pdf", args=[complet.code]) in page

    client.force_login(exterieur)
    assert (
        reverse("contrats:contrat_pdf", args=[complet.code])
        not in client.get(complet.get_absolute_url()).content.decode()
    )


def test_the_command_asks_the_workers_to_render_the_pdfs(complet, contrat_signe_vide):
    from django.core.management import CommandError, call_command

    from contrats.models import ContratDeVille

    _vider_la_file()
    sortie = io.StringIO()

    call_command("rendre_pdf_contrats", stdout=sortie)  # les contrats signés

    assert {(t.args["contrat"], t.args["document"]) for t in taches("rendre_pdf_contrat")} == {
        (contrat_signe_vide.pk, "contrat"),
        (contrat_signe_vide.pk, "synthese"),
    }
    call_command("rendre_pdf_contrats", complet.code, contrat_signe_vide.code, stdout=sortie)
    assert len(taches("rendre_pdf_contrat")) == 4  # ceux qui attendaient déjà ne sont pas demandés deux fois
    assert "rendu demandé" in sortie.getvalue()
    with pytest.raises(CommandError, match="CN99999X"):
        call_command("rendre_pdf_contrats", "CN99999X", stdout=io.StringIO())
    assert ContratDeVille.objects.count() == 2


def test_the_audience_of_an_open_concertation_reads_online_without_pdf(client, complet, membre_structure):
    client.force_login(membre_structure)

    page = client.get(complet.get_absolute_url()).content.decode()

    assert "Premier texte." in page
    assert reverse("contrats:contrat_pdf", args=[complet.code]) not in page
    assert "téléchargeables en PDF par tous après sa signature" in page
