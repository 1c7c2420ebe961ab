"""La synthèse d'un QPV pour les élus : son contenu (une page), publique sans rien de ce qui ne l'est pas, rendue
par un worker à la première demande puis servie depuis le stockage tant que ses données ne changent pas ; les
liens depuis la page du QPV et Mon espace ; les blocs d'indicateurs et de projets de la synthèse du contrat."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob
from pypdf import PdfReader

from contrats import documents as documents_contrats
from contrats.models import ContratDeVille, StatutContrat
from evaluation import documents, taches
from evaluation.models import Bilan, Indicateur, NatureValeur, StatutBilan, TypeBilan, Valeur
from evaluation.selectors import indicateurs_pour_synthese
from evaluation.services import bilans as services_bilans
from evaluation.services import valeurs as services_valeurs
from financements.models import Financement
from tests.evaluation.bilans_publies import publier_bilan
from tests.evaluation.synthese import BROUILLON, charger, remplir_quartier, saisir

pytestmark = pytest.mark.django_db


@pytest.fixture
def quartier(decide, agent, membre_structure):
    return remplir_quartier(decide, agent, membre_structure)


def _texte(pdf: bytes) -> tuple[int, str]:
    lecteur = PdfReader(io.BytesIO(pdf))
    return len(lecteur.pages), " ".join(" ".join(page.extract_text().split()) for page in lecteur.pages)


def _taux_emploi():
    return Indicateur.objects.get(code="taux_emploi", contrat=None)


def _statut(client, url: str) -> int:
    """Le statut de la réponse, lue jusqu'au bout (un PDF servi depuis le stockage est un fichier ouvert, que le
    client de test ferme à la fin de la lecture)."""
    reponse = client.get(url)
    if reponse.streaming:
        b"".join(reponse.streaming_content)
    return reponse.status_code


def _jobs(code: str) -> int:
    return ProcrastinateJob.objects.filter(lock=taches.verrou_pdf(code)).count()


def test_it_shows_key_figures_trend_projects_and_contract_on_one_page(quartier, decide):
    pages, texte = _texte(documents.pdf_synthese_qpv(quartier))

    assert pages == 1
    assert f"Quartier prioritaire {quartier.nom}" in texte
    # La ligne de base du quartier et la distribution nationale.
    assert "Taux d'emploi 41,5 % 38,2 % 46,7 % 53,1 %" in texte
    # La tendance : le graphique a son tableau (réalisé par année), la cible est dans son résumé.
    assert "Taux d'emploi : de 41,5 % en 2024 à 44,5 % en 2026 (cible : 50 % en 2030)" in texte
    assert "Indicateur (réalisé) 2024 2025 2026 Taux d'emploi 41,5 % 43 % 44,5 %" in texte
    # Le projet décidé, sa structure et son montant ; le contrat et son état.
    assert decide.titre in texte and str(decide.structure) in texte and "40 000" in texte
    assert decide.appel.contrat.nom in texte and "en exécution" in texte


def test_it_stays_on_one_page_when_full(quartier, decide, agent):
    charger(quartier, decide.appel.contrat, agent)

    pages, texte = _texte(documents.pdf_synthese_qpv(quartier))

    assert pages == 1
    assert texte.count("les données du graphique") == 1  # un graphique pour les trois indicateurs
    for nom in ("Taux d'emploi 41,5 %", "Taux de pauvreté (seuil à 60 %) 30 %", "Taux de logements sociaux 30 %"):
        assert nom in texte


def test_it_shows_nothing_that_is_not_public(quartier, decide, agent):
    contrat = decide.appel.contrat
    # Les valeurs d'un contrat signé qu'aucun bilan publié n'expose (son bilan est seulement validé) n'entrent
    # pas dans la tendance.
    Bilan.objects.filter(contrat=contrat).update(statut=StatutBilan.VALIDE)

    _, texte = _texte(documents.pdf_synthese_qpv(quartier))

    assert BROUILLON not in texte  # le dossier non décidé
    assert "Aucune valeur annuelle n'est encore publiée" in texte
    assert "44,5" not in texte
    # Aucune donnée personnelle : ni l'agent qui a saisi les valeurs, ni son adresse.
    assert agent.email not in texte and agent.nom not in texte


def test_it_is_public_rendered_by_the_worker_once_then_served_from_storage(client, quartier):
    url = reverse("evaluation:synthese_qpv", args=[quartier.code])

    # Première demande, même anonyme : « PDF en préparation », et une tâche de rendu.
    attente = client.get(url)
    assert attente.status_code == 202 and "PDF en préparation" in attente.content.decode()
    assert _jobs(quartier.code) == 1
    assert _statut(client, url) == 202 and _jobs(quartier.code) == 1  # la même tâche, pas deux

    assert documents.mettre_a_jour(quartier.code) is True  # le travail du worker
    reponse = client.get(url)
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    assert f"synthese-quartier-{quartier.code}.pdf" in reponse["Content-Disposition"]
    assert b"".join(reponse.streaming_content).startswith(b"%PDF-")

    # Deuxième demande : rien n'est rendu à nouveau, aucune tâche de plus.
    assert documents.mettre_a_jour(quartier.code) is False
    assert _statut(client, url) == 200 and _jobs(quartier.code) == 1


def test_a_changed_value_makes_a_new_edition(client, quartier, decide, agent):
    url = reverse("evaluation:synthese_qpv", args=[quartier.code])
    documents.mettre_a_jour(quartier.code)
    avant = documents.empreinte(quartier.code)

    valeur = Valeur.objects.get(qpv=quartier, annee=2026, nature=NatureValeur.REALISE, courante=True)
    services_valeurs.corriger_valeur(
        valeur, decide.appel.contrat, agent, Decimal("45.5"), commentaire="Chiffre définitif de France Travail."
    )

    assert documents.empreinte(quartier.code) != avant
    assert _statut(client, url) == 202  # jamais l'ancienne édition
    assert documents.mettre_a_jour(quartier.code) is True
    assert "45,5 %" in _texte(documents.pdf_synthese_qpv(quartier))[1]


def test_a_changed_decision_makes_a_new_edition(quartier, decide):
    documents.mettre_a_jour(quartier.code)
    avant = documents.empreinte(quartier.code)

    Financement.objects.filter(dossier=decide, financeur__type="epci").update(montant_accorde=Decimal("8000"))

    assert documents.empreinte(quartier.code) != avant


def test_an_undecided_dossier_or_another_quartier_does_not_change_it(quartier, decide, agent):
    avant = documents.empreinte(quartier.code)

    brouillon = decide.appel.dossiers.get(titre=BROUILLON)
    brouillon.titre = "Autre titre"
    brouillon.save()
    autre = decide.appel.contrat.qpv.exclude(pk=quartier.pk).get()
    saisir(decide.appel.contrat, agent, autre, _taux_emploi(), 2024, NatureValeur.REALISE, "12")

    assert documents.empreinte(quartier.code) == avant


def test_an_unknown_quartier_is_not_found(client, db):
    assert client.get(reverse("evaluation:synthese_qpv", args=["QN99999Z"])).status_code == 404


def test_the_quartier_page_links_to_its_synthesis(client, quartier):
    page = client.get(reverse("territoires:qpv", args=[quartier.code])).content.decode()

    assert reverse("evaluation:synthese_qpv", args=[quartier.code]) in page
    assert "Synthèse pour les élus" in page


def test_an_elected_official_finds_the_syntheses_of_her_quartiers_in_her_space(client, elu, quartier):
    client.force_login(elu)

    page = client.get(reverse("comptes:mon_espace")).content.decode()

    assert "Synthèses de mes quartiers" in page
    for qpv in quartier.contrats.get().qpv.all():
        assert reverse("evaluation:synthese_qpv", args=[qpv.code]) in page


def test_the_syntheses_block_is_for_elected_officials_only(client, agent, quartier):
    client.force_login(agent)

    assert "Synthèses de mes quartiers" not in client.get(reverse("comptes:mon_espace")).content.decode()


def test_the_contract_synthesis_shows_indicators_and_funded_projects(quartier, decide, convention_cr):
    pages, texte = _texte(documents_contrats.pdf_synthese(decide.appel.contrat))

    assert pages <= 2
    assert "Indicateurs suivis" in texte
    assert "Taux d'emploi" in texte and "44,5 % (2026)" in texte and "50 % (2030)" in texte
    assert "Projets financés et conventions" in texte
    assert "1 projet financé pour 40 000" in texte
    assert "1 convention en vigueur ou terminée, dont 1 pluriannuelle (CPO)" in texte
    assert BROUILLON not in texte


def test_the_contract_synthesis_changes_with_its_indicators(quartier, decide, agent):
    contrat = decide.appel.contrat
    avant = documents_contrats.empreinte(contrat, "synthese")

    pauvrete = Indicateur.objects.get(code="taux_pauvrete_60", contrat=None)
    saisir(contrat, agent, quartier, pauvrete, 2025, NatureValeur.REALISE, "31")  # couverte par le bilan 2026

    assert documents_contrats.empreinte(contrat, "synthese") != avant


def test_the_public_contract_synthesis_shows_only_public_values(quartier, decide, agent):
    contrat = decide.appel.contrat
    saisir(contrat, agent, quartier, _taux_emploi(), 2027, NatureValeur.REALISE, "46")  # après le bilan 2026
    avant = documents_contrats.empreinte(contrat, "synthese")

    (ligne,) = indicateurs_pour_synthese(contrat)
    assert ligne[3:] == ("44,5 % (2026)", "50 % (2030)")

    Bilan.objects.filter(contrat=contrat).update(statut=StatutBilan.VALIDE)  # plus aucun bilan publié
    assert indicateurs_pour_synthese(contrat) == ()
    assert documents_contrats.empreinte(contrat, "synthese") != avant


def test_the_synthesis_of_an_unsigned_contract_keeps_all_its_values_for_its_associates(quartier, decide, agent):
    # Avant la signature, seuls les associés téléchargent la synthèse du contrat : elle montre toutes ses valeurs.
    contrat = decide.appel.contrat
    ContratDeVille.objects.filter(pk=contrat.pk).update(statut=StatutContrat.VALIDATION)
    contrat.refresh_from_db()
    Bilan.objects.filter(contrat=contrat).delete()
    saisir(contrat, agent, quartier, _taux_emploi(), 2027, NatureValeur.REALISE, "46")

    (ligne,) = indicateurs_pour_synthese(contrat)
    assert ligne[3:] == ("46 % (2027)", "50 % (2030)")


def test_the_syntheses_block_runs_one_query_whatever_the_number_of_quartiers(
    rf, elu, quartier, django_assert_num_queries
):
    from comptes.contexte import contexte_de_requete
    from evaluation.blocs import mes_syntheses
    from tests.contrats.factories import QpvFactory

    def rendre() -> str:
        requete = rf.get("/mon-espace/")
        requete.user = elu
        contexte_de_requete(requete).adhesions  # noqa: B018 # lu par la page avant les blocs
        # 1 les quartiers des contrats de la personne
        with django_assert_num_queries(1):
            return mes_syntheses(requete)

    assert rendre().count("Synthèse du quartier") == 2
    quartier.contrats.get().qpv.add(*QpvFactory.create_batch(3))
    assert rendre().count("Synthèse du quartier") == 5


def test_it_reads_its_data_in_a_fixed_number_of_queries(quartier, decide, agent, django_assert_num_queries):
    from tests.contrats.factories import ContratFactory

    def lire() -> dict:
        qpv = documents.qpv_de_la_synthese(quartier.code)
        # 1 lignes de base et distributions, 2 projets, 3 leur nombre et total, 4 valeurs de la tendance,
        # 5 conventions, 6 contrats du quartier
        with django_assert_num_queries(6):
            return documents.contexte(qpv)

    assert len(lire()["tendances"].series) == 1
    # Un second indicateur suivi, un second contrat qui couvre le quartier : autant de requêtes.
    pauvrete = Indicateur.objects.get(code="taux_pauvrete_60", contrat=None)
    for annee in (2024, 2025):
        saisir(decide.appel.contrat, agent, quartier, pauvrete, annee, NatureValeur.REALISE, "31")
    ContratFactory(code="CN03599Z").qpv.add(quartier)
    contexte = lire()
    assert len(contexte["tendances"].series) == 2 and len(contexte["contrats"]) == 2
    with django_assert_num_queries(1):
        documents.empreinte(quartier.code)


def test_a_robot_cannot_fill_the_pdf_queue_but_a_connected_person_still_can(client, quartier, elu, settings):
    # Un robot anonyme qui parcourt les synthèses des QPV : au-delà de la limite de rendus en attente, il n'en
    # fait plus rendre (503, Retry-After) ; une personne connectée, si.
    settings.PDF_EN_ATTENTE_MAX_ANONYMES = 2
    taches.differer_rendu("QN01111A")
    taches.differer_rendu("QN02222B")
    url = reverse("evaluation:synthese_qpv", args=[quartier.code])

    robot = client.get(url)
    assert robot.status_code == 503
    assert robot["Retry-After"] == "300"
    assert "Trop de documents sont en préparation" in robot.content.decode()
    assert _jobs(quartier.code) == 0

    client.force_login(elu)
    assert client.get(url).status_code == 202
    assert _jobs(quartier.code) == 1


def test_a_draft_convention_does_not_change_it(quartier, decide):
    # Un projet de convention (en négociation, non public) n'est pas dans la synthèse : le changer ne fait pas
    # rendre une nouvelle édition, et l'empreinte n'en laisse rien deviner.
    from financements.models import ConventionMontant, StatutConvention

    projet = decide.conventions.filter(statut=StatutConvention.PROJET).first()
    assert projet is not None
    avant = documents.empreinte(quartier.code)

    ConventionMontant.objects.filter(convention=projet).update(montant=Decimal("1"))

    assert documents.empreinte(quartier.code) == avant


def _annees_en_tendance(quartier) -> dict[str, list[int]]:
    return {t.indicateur.code: sorted(t.realise) for t in documents.tendances(quartier)}


def test_values_without_a_published_review_are_left_out_until_one_covers_their_year(quartier, decide, agent):
    contrat = decide.appel.contrat
    bilan = Bilan.objects.get(contrat=contrat)
    Bilan.objects.filter(pk=bilan.pk).update(statut=StatutBilan.VALIDE, publie_le=None)
    bilan.refresh_from_db()
    assert documents.tendances(quartier) == []
    avant = documents.empreinte(quartier.code)

    services_bilans.publier(bilan, agent)  # le bilan annuel 2026

    assert documents.empreinte(quartier.code) != avant
    assert _annees_en_tendance(quartier) == {"taux_emploi": [2024, 2025, 2026]}


def test_a_value_after_the_year_of_the_published_reviews_is_left_out(quartier, decide, agent):
    contrat = decide.appel.contrat
    saisir(contrat, agent, quartier, _taux_emploi(), 2027, NatureValeur.REALISE, "46")
    assert _annees_en_tendance(quartier) == {"taux_emploi": [2024, 2025, 2026]}

    publier_bilan(contrat, agent, TypeBilan.MI_PARCOURS)  # couvre jusqu'à 2027

    assert _annees_en_tendance(quartier) == {"taux_emploi": [2024, 2025, 2026, 2027]}
