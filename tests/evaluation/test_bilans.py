"""Les bilans d'un contrat : cycle de vie et journal, mauvaises saisies (rien d'enregistré), qui voit les
brouillons, qui commente, qui écrit l'avis du conseil citoyen, chiffres assemblés (justes sur un petit jeu de
données), chiffres figés à la validation, données ouvertes (CSV), PDF, nombre de requêtes de la page."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evaluation.contenu_bilan import assembler
from evaluation.models import Bilan, CommentaireBilan, NatureValeur, StatutBilan, TypeBilan, Unite
from evaluation.services import bilans as services
from evaluation.services import valeurs as services_valeurs
from evaluation.services.valeurs import Saisie, Territoire
from financements.models import StatutConvention, StatutVersement, Versement
from financements.models.convention import Convention
from financements.services.conventions import creer_convention

pytestmark = pytest.mark.django_db

HIER = timezone.localdate() - timedelta(days=1)


@pytest.fixture
def bilan(contrat, agent, conseil_citoyen):
    return services.creer_bilan(contrat, agent, TypeBilan.ANNUEL, 2025, [conseil_citoyen])


@pytest.fixture
def soumis(bilan, agent):
    services.soumettre(bilan, agent)
    bilan.refresh_from_db()
    return bilan


@pytest.fixture
def publie(soumis, agent):
    services.valider(soumis, agent, HIER, "Le comité valide le bilan.")
    services.publier(soumis, agent)
    soumis.refresh_from_db()
    return soumis


def _saisir(contrat, agent, indicateur, qpv, annee, nature, valeur):
    return services_valeurs.saisir_valeur(
        contrat,
        agent,
        Saisie(indicateur, Territoire("qpv", qpv_id=qpv.code), annee, nature, Decimal(valeur), unite=Unite.POURCENTAGE),
    )


# --- Cycle de vie ----------------------------------------------------------------------------------------------


def test_an_agent_of_the_carrier_takes_a_review_from_preparation_to_publication(client, contrat, agent):
    client.force_login(agent)
    reponse = client.post(
        reverse("evaluation:nouveau_bilan", args=[contrat.code]), {"type": "annuel", "annee": "2025"}, follow=True
    )
    bilan = Bilan.objects.get()
    assert "Bilan annuel 2025 créé" in reponse.content.decode()
    client.post(reverse("evaluation:soumettre_bilan", args=[bilan.pk]))
    client.post(
        reverse("evaluation:valider_bilan", args=[bilan.pk]),
        {"date_copil": HIER.isoformat(), "compte_rendu_copil": "Validé à l'unanimité."},
    )
    client.post(reverse("evaluation:publier_bilan", args=[bilan.pk]))

    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.PUBLIE
    assert bilan.date_copil == HIER and bilan.instantane is not None
    assert list(bilan.journal.values_list("a_statut", flat=True)) == ["preparation", "soumis", "valide", "publie"]
    assert all(e.auteur == agent for e in bilan.journal.all())


def test_a_validation_without_copil_date_is_refused_and_saves_nothing(client, soumis, agent):
    client.force_login(agent)
    reponse = client.post(
        reverse("evaluation:valider_bilan", args=[soumis.pk]),
        {"date_copil": "", "compte_rendu_copil": "Compte rendu."},
    )

    assert "Indiquez la date du comité de pilotage qui a validé le bilan." in reponse.content.decode()
    soumis.refresh_from_db()
    assert soumis.statut == StatutBilan.SOUMIS and soumis.instantane is None and soumis.compte_rendu_copil == ""
    assert soumis.journal.count() == 2


def test_a_validation_without_minutes_is_refused(soumis, agent):
    with pytest.raises(Exception, match="Joignez le compte rendu du comité de pilotage"):
        services.valider(soumis, agent, HIER, "")
    soumis.refresh_from_db()
    assert soumis.statut == StatutBilan.SOUMIS


def test_the_copil_minutes_can_be_a_file_read_by_those_who_read_the_review(client, soumis, agent, elu):
    client.force_login(agent)
    fichier = SimpleUploadedFile("copil.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(
        reverse("evaluation:valider_bilan", args=[soumis.pk]), {"date_copil": HIER.isoformat(), "fichier": fichier}
    )
    soumis.refresh_from_db()
    assert soumis.statut == StatutBilan.VALIDE and soumis.compte_rendu_nom == "copil.pdf"

    client.force_login(elu)
    reponse = client.get(reverse("evaluation:compte_rendu_copil", args=[soumis.pk]))
    assert reponse.status_code == 200 and b"".join(reponse.streaming_content).startswith(b"%PDF")


def test_a_forbidden_transition_is_refused_with_a_french_message(client, bilan, agent):
    client.force_login(agent)
    reponse = client.post(reverse("evaluation:publier_bilan", args=[bilan.pk]), follow=True)

    assert "Un bilan « En préparation » ne peut pas passer à « Publié »" in reponse.content.decode()
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.PREPARATION and bilan.journal.count() == 1


def test_a_second_review_of_the_same_kind_and_year_is_refused(client, bilan, contrat, agent):
    client.force_login(agent)
    url = reverse("evaluation:nouveau_bilan", args=[contrat.code])
    reponse = client.post(url, {"type": "annuel", "annee": "2025"})
    assert "Ce contrat a déjà un bilan annuel 2025" in reponse.content.decode()

    client.post(url, {"type": "mi_parcours"})
    reponse = client.post(url, {"type": "mi_parcours"})
    assert "Ce contrat a déjà un bilan à mi-parcours (2027)" in reponse.content.decode()
    assert sorted(Bilan.objects.values_list("type", "annee")) == [("annuel", 2025), ("mi_parcours", 2027)]


def test_an_annual_review_outside_the_contract_period_is_refused(client, contrat, agent):
    client.force_login(agent)
    reponse = client.post(reverse("evaluation:nouveau_bilan", args=[contrat.code]), {"type": "annuel", "annee": "2031"})
    assert "L&#x27;année 2031 est hors de la période du contrat (2024–2030)." in reponse.content.decode()
    assert not Bilan.objects.exists()


def test_a_validated_review_no_longer_changes_its_texts(client, publie, agent):
    client.force_login(agent)
    assert client.get(reverse("evaluation:textes_bilan", args=[publie.pk])).status_code == 403
    with pytest.raises(Exception, match="Ce bilan est validé"):
        services.modifier_textes(publie, agent, "Autre", "Autre")


# --- Permissions -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("personne", "statut"),
    [
        (None, 404),
        ("exterieur", 404),
        ("membre_structure", 404),
        ("elu", 200),
        ("agent_etat", 200),
        ("partenaire", 200),
        ("habitant", 200),  # membre du conseil citoyen associé au bilan
        ("agent", 200),
    ],
)
def test_only_the_contract_associates_and_its_citizen_council_read_a_draft(request, client, bilan, personne, statut):
    if personne:
        client.force_login(request.getfixturevalue(personne))
    assert client.get(reverse("evaluation:bilan", args=[bilan.pk])).status_code == statut


def test_a_citizen_council_not_associated_with_the_review_does_not_read_it(client, contrat, agent, habitant):
    bilan = services.creer_bilan(contrat, agent, TypeBilan.FINAL)
    client.force_login(habitant)
    assert client.get(reverse("evaluation:bilan", args=[bilan.pk])).status_code == 404


def test_a_published_review_is_public_without_the_partners_comments(client, publie, partenaire):
    CommentaireBilan.objects.create(bilan=publie, auteur=partenaire, texte="Remarque interne du bailleur.")
    reponse = client.get(reverse("evaluation:bilan", args=[publie.pk]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Bilan annuel 2025" in contenu and "Remarque interne du bailleur." not in contenu


# Le conseil citoyen lit le bilan où il donne son avis, pas le contrat en élaboration : 404 pour en créer un.
@pytest.mark.parametrize(
    ("personne", "creation"), [("elu", 403), ("partenaire", 403), ("habitant", 404), ("agent_etat", 403)]
)
def test_only_agents_of_the_carrier_prepare_reviews(request, client, bilan, contrat, personne, creation):
    client.force_login(request.getfixturevalue(personne))
    assert client.post(reverse("evaluation:soumettre_bilan", args=[bilan.pk])).status_code == 403
    assert client.get(reverse("evaluation:nouveau_bilan", args=[contrat.code])).status_code == creation
    assert client.get(reverse("evaluation:textes_bilan", args=[bilan.pk])).status_code == 403
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.PREPARATION


def test_signatory_partners_comment_a_submitted_review(client, soumis, partenaire, bailleur):
    client.force_login(partenaire)
    client.post(reverse("evaluation:commenter_bilan", args=[soumis.pk]), {"texte": "Ajouter le relogement."})

    commentaire = CommentaireBilan.objects.get()
    assert commentaire.auteur == partenaire and commentaire.organisation == bailleur
    assert "Ajouter le relogement." in client.get(reverse("evaluation:bilan", args=[soumis.pk])).content.decode()


@pytest.mark.parametrize("personne", ["elu", "habitant"])
def test_readers_who_are_not_signatory_partners_may_not_comment(request, client, soumis, personne):
    client.force_login(request.getfixturevalue(personne))
    reponse = client.post(reverse("evaluation:commenter_bilan", args=[soumis.pk]), {"texte": "Un avis."})
    assert reponse.status_code == 403
    assert not CommentaireBilan.objects.exists()


def test_partners_comment_only_a_submitted_review(client, bilan, partenaire):
    client.force_login(partenaire)
    reponse = client.post(reverse("evaluation:commenter_bilan", args=[bilan.pk]), {"texte": "Trop tôt."}, follow=True)
    assert "Les partenaires commentent un bilan quand il leur est soumis." in reponse.content.decode()
    assert not CommentaireBilan.objects.exists()


def test_members_of_the_citizen_council_write_its_opinion_until_validation(client, soumis, habitant, agent, elu):
    client.force_login(elu)
    assert client.get(reverse("evaluation:avis_bilan", args=[soumis.pk])).status_code == 403
    client.force_login(habitant)
    client.post(reverse("evaluation:avis_bilan", args=[soumis.pk]), {"texte": "Les jeunes ont été entendus."})
    soumis.refresh_from_db()
    assert soumis.avis_conseil_citoyen == "Les jeunes ont été entendus." and soumis.avis_par == habitant

    services.valider(soumis, agent, HIER, "Validé.")
    assert client.get(reverse("evaluation:avis_bilan", args=[soumis.pk])).status_code == 403


def test_an_empty_opinion_is_refused(client, bilan, habitant):
    client.force_login(habitant)
    reponse = client.post(reverse("evaluation:avis_bilan", args=[bilan.pk]), {"texte": "  "})
    assert reponse.status_code == 200 and "Ce champ est obligatoire." in reponse.content.decode()
    bilan.refresh_from_db()
    assert bilan.avis_conseil_citoyen == ""


# --- Contenu ---------------------------------------------------------------------------------------------------


@pytest.fixture
def finance(contrat, decide, convention_cr, agent, epci, prefecture, structure, priorite):
    """Le dossier décidé (10 000 € de la métropole, 30 000 € de l'État, appel 2027), sa CPO de deux ans (20 000 €
    par an), une convention annuelle de 10 000 € et un versement payé de 7 500 € par l'État."""
    decide.priorites.set([priorite])
    annuelle = creer_convention(
        structure,
        agent,
        financeurs={epci: [Decimal("10000")]},
        annee_debut=2026,
        nombre_annees=1,
        objet="x",
        dossiers=[decide],
    )
    Convention.objects.filter(pk=annuelle.pk).update(statut=StatutConvention.EN_VIGUEUR)
    Versement.objects.create(
        convention=convention_cr,
        financeur=prefecture,
        annee=convention_cr.annee_debut,
        nature="avance",
        montant=Decimal("7500"),
        date_prevue=date(2025, 2, 1),
        statut=StatutVersement.PAYE,
        paye_le=date(2025, 2, 3),
        cree_par=agent,
    )
    return decide


def test_the_funding_figures_are_assembled_from_live_data(contrat, agent, finance, territoire):
    bilan = services.creer_bilan(contrat, agent, TypeBilan.MI_PARCOURS)
    financements = assembler(bilan)["financements"]
    qpv = finance.qpv.get()

    assert financements["decide"] == "40000" and financements["paye"] == "7500"
    assert financements["part_ess"] == "100" and financements["part_collectif"] == "0"
    assert financements["par_orientation"] == [["Emploi", "40000"]]
    assert financements["par_qpv"] == [[f"{qpv.nom} ({qpv.code})", "40000"]]
    financeurs = {f: (d, p) for f, d, p in financements["par_financeur"]}
    assert financeurs["Rennes Métropole"] == ("10000", "0")
    assert financeurs["Préfecture d'Ille-et-Vilaine"] == ("30000", "7500")
    assert financements["par_annee"] == [[2025, "0", "7500"], [2027, "40000", "0"]]


def test_the_cpo_share_counts_multi_year_conventions(contrat, agent, finance):
    bilan = services.creer_bilan(contrat, agent, TypeBilan.MI_PARCOURS)
    conventions = assembler(bilan)["conventions"]
    assert (conventions["total"], conventions["cpo"], conventions["part_cpo"]) == ("50000", "40000", "80")
    assert [c["type"] for c in conventions["liste"]] == [
        "Convention pluriannuelle d'objectifs",
        "Convention annuelle",
    ]


def test_the_annual_review_counts_only_funding_up_to_its_year(contrat, agent, finance):
    bilan = services.creer_bilan(contrat, agent, TypeBilan.ANNUEL, 2025)
    financements = assembler(bilan)["financements"]
    assert financements["decide"] == "0" and financements["paye"] == "7500"


def test_indicators_go_from_baseline_to_latest_value_and_target_with_their_trend(contrat, agent, territoire, nationaux):
    qpv = contrat.qpv.order_by("code").first()
    emploi, pauvrete = nationaux["taux_emploi"], nationaux["taux_pauvrete_60"]
    _saisir(contrat, agent, emploi, qpv, 2024, NatureValeur.LIGNE_DE_BASE, "40")
    _saisir(contrat, agent, emploi, qpv, 2025, NatureValeur.REALISE, "42")
    _saisir(contrat, agent, emploi, qpv, 2026, NatureValeur.REALISE, "44")  # après l'année du bilan
    _saisir(contrat, agent, emploi, qpv, 2030, NatureValeur.CIBLE, "50")
    _saisir(contrat, agent, pauvrete, qpv, 2024, NatureValeur.REALISE, "30")
    _saisir(contrat, agent, pauvrete, qpv, 2025, NatureValeur.REALISE, "32")
    bilan = services.creer_bilan(contrat, agent, TypeBilan.ANNUEL, 2025)

    lignes = {ligne["code"]: ligne for ligne in assembler(bilan)["indicateurs"]}

    assert (lignes["taux_emploi"]["base"], lignes["taux_emploi"]["dernier"], lignes["taux_emploi"]["cible"]) == (
        "40",
        "42",
        "50",
    )
    assert lignes["taux_emploi"]["dernier_annee"] == 2025 and lignes["taux_emploi"]["cible_annee"] == 2030
    assert lignes["taux_emploi"]["tendance"] == "en amélioration"
    # Plus de pauvreté, c'est moins bien.
    assert lignes["taux_pauvrete_60"]["tendance"] == "en dégradation"


def test_the_figures_of_a_validated_review_are_frozen(client, contrat, agent, territoire, nationaux, soumis):
    qpv = contrat.qpv.order_by("code").first()
    _saisir(contrat, agent, nationaux["taux_emploi"], qpv, 2025, NatureValeur.REALISE, "42")
    services.valider(soumis, agent, HIER, "Validé.")
    services.publier(soumis, agent)
    valeur = _saisir(contrat, agent, nationaux["taux_emploi"], qpv, 2024, NatureValeur.REALISE, "41")
    services_valeurs.corriger_valeur(
        valeur.__class__.objects.get(annee=2025),
        contrat,
        agent,
        Decimal("47"),
        False,
        Unite.POURCENTAGE,
        "",
        "Relevé corrigé",
        False,
    )

    contenu = client.get(reverse("evaluation:bilan", args=[soumis.pk])).content.decode()
    assert "42 %" in contenu and "47 %" not in contenu
    lignes = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("evaluation:valeurs_bilan_csv", args=[soumis.pk])).getvalue().decode("utf-8-sig")
            )
        )
    )
    assert [(ligne["annee"], ligne["valeur"]) for ligne in lignes] == [("2025", "42")]


# --- Données ouvertes, PDF, page -------------------------------------------------------------------------------


def test_the_open_data_csv_exists_only_for_a_published_review(client, soumis, agent):
    client.force_login(agent)
    assert client.get(reverse("evaluation:valeurs_bilan_csv", args=[soumis.pk])).status_code == 404
    services.valider(soumis, agent, HIER, "Validé.")
    assert client.get(reverse("evaluation:valeurs_bilan_csv", args=[soumis.pk])).status_code == 404
    services.publier(soumis, agent)
    client.logout()
    reponse = client.get(reverse("evaluation:valeurs_bilan_csv", args=[soumis.pk]))
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("text/csv")
    page = client.get(reverse("evaluation:bilan", args=[soumis.pk])).content.decode()
    assert reverse("evaluation:valeurs_bilan_csv", args=[soumis.pk]) in page


def test_the_csv_has_one_row_per_indicator_territory_year_and_kind(
    client, contrat, agent, territoire, nationaux, soumis
):
    qpv = contrat.qpv.order_by("code").first()
    for annee, nature, valeur in ((2024, "realise", "40"), (2025, "realise", "42"), (2030, "cible", "50")):
        _saisir(contrat, agent, nationaux["taux_emploi"], qpv, annee, nature, valeur)
    services.valider(soumis, agent, HIER, "Validé.")
    services.publier(soumis, agent)

    reponse = client.get(reverse("evaluation:valeurs_bilan_csv", args=[soumis.pk]))
    lignes = list(csv.DictReader(io.StringIO(reponse.getvalue().decode("utf-8-sig"))))
    assert [(r["indicateur_code"], r["territoire_code"], r["annee"], r["nature"], r["valeur"]) for r in lignes] == [
        ("taux_emploi", qpv.code, "2024", "Réalisé", "40"),
        ("taux_emploi", qpv.code, "2025", "Réalisé", "42"),
        ("taux_emploi", qpv.code, "2030", "Cible", "50"),
    ]


def test_the_pdf_is_prepared_by_a_worker(client, bilan, agent):
    from procrastinate.contrib.django.models import ProcrastinateJob

    client.force_login(agent)
    reponse = client.get(reverse("evaluation:pdf_bilan", args=[bilan.pk]))
    assert reponse.status_code == 202
    assert ProcrastinateJob.objects.filter(task_name="evaluation.taches.rendre_pdf_bilan").count() == 1


def test_the_contract_page_links_to_its_reviews(client, publie):
    contrat = publie.contrat
    contrat.statut = "signe"
    contrat.save(update_fields=["statut"])
    page = client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    assert reverse("evaluation:bilans", args=[contrat.code]) in page
    liste = client.get(reverse("evaluation:bilans", args=[contrat.code])).content.decode()
    assert publie.get_absolute_url() in liste


def test_the_review_list_shows_drafts_only_to_associates(client, contrat, bilan, publie_final, exterieur):
    contrat.statut = "signe"
    contrat.save(update_fields=["statut"])
    client.force_login(exterieur)
    liste = client.get(reverse("evaluation:bilans", args=[contrat.code])).content.decode()
    assert publie_final.get_absolute_url() in liste and bilan.get_absolute_url() not in liste


@pytest.fixture
def publie_final(contrat, agent):
    bilan = services.creer_bilan(contrat, agent, TypeBilan.FINAL)
    services.soumettre(bilan, agent)
    services.valider(bilan, agent, HIER, "Validé.")
    services.publier(bilan, agent)
    return bilan


def test_the_review_page_runs_a_fixed_number_of_queries(
    client, contrat, agent, territoire, nationaux, finance, django_assert_num_queries
):
    bilan = services.creer_bilan(contrat, agent, TypeBilan.MI_PARCOURS)
    client.force_login(agent)
    url = reverse("evaluation:bilan", args=[bilan.pk])
    qpv = contrat.qpv.order_by("code").first()
    _saisir(contrat, agent, nationaux["taux_emploi"], qpv, 2024, NatureValeur.REALISE, "40")
    client.get(url)
    # session, utilisateur ; bilan, ses conseils citoyens, signataires du contrat ; adhésions (profil) ;
    # contenu : codes des QPV, valeurs (dossiers et conventions nommés : aucune requête sans eux), parts
    # accordées, orientations et QPV des projets, versements payés, conventions et leurs montants,
    # contributions par état et retenues ; commentaires, journal
    with django_assert_num_queries(18) as requetes:
        client.get(url)
    nombre = len(requetes.captured_queries)
    for qpv in contrat.qpv.all():
        for annee in (2025, 2026, 2027):
            _saisir(contrat, agent, nationaux["taux_emploi"], qpv, annee, NatureValeur.REALISE, "45")
            _saisir(contrat, agent, nationaux["taux_pauvrete_60"], qpv, annee, NatureValeur.REALISE, "30")
    with django_assert_num_queries(nombre):
        reponse = client.get(url)
    assert reponse.content.decode().count("<svg") >= 3


def test_published_reviews_are_listed_publicly_even_before_the_contract_is_signed(client, contrat, bilan, publie_final):
    liste = client.get(reverse("evaluation:bilans", args=[contrat.code]))
    assert liste.status_code == 200
    assert publie_final.get_absolute_url() in liste.content.decode()
    assert bilan.get_absolute_url() not in liste.content.decode()


def test_the_review_list_of_an_unsigned_contract_without_published_review_is_hidden(client, contrat, bilan):
    assert client.get(reverse("evaluation:bilans", args=[contrat.code])).status_code == 404


def test_a_submitted_review_goes_back_to_preparation_with_its_reason(client, soumis, agent):
    client.force_login(agent)
    client.post(reverse("evaluation:reprendre_bilan", args=[soumis.pk]), {"motif": "Tenir compte du bailleur."})

    soumis.refresh_from_db()
    assert soumis.statut == StatutBilan.PREPARATION
    dernier = soumis.journal.order_by("-pk").first()
    assert (dernier.de_statut, dernier.a_statut, dernier.motif) == (
        "soumis",
        "preparation",
        "Tenir compte du bailleur.",
    )
