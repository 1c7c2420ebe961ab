"""Une seule règle de visibilité des valeurs d'indicateurs (`Valeur.objects.publiques()`) : une ligne de base
officielle est publique ; une valeur saisie pour un contrat l'est quand un bilan publié de ce contrat couvre son
année (annuel : son année et les précédentes ; mi-parcours : jusqu'à 2027 ; final : toutes) ; une valeur sans
année et les cibles, dès le premier bilan publié. La page d'une valeur suit la même règle."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contrats.models import StatutContrat
from evaluation.models import Bilan, Indicateur, NatureValeur, Origine, Sens, StatutBilan, TypeBilan, Unite, Valeur
from evaluation.services import valeurs as services
from evaluation.services.valeurs import Saisie, Territoire
from tests.contrats.factories import ContratFactory
from tests.evaluation.bilans_publies import publier_bilan

pytestmark = pytest.mark.django_db

BASE, CIBLE, REALISE = NatureValeur.LIGNE_DE_BASE, NatureValeur.CIBLE, NatureValeur.REALISE


@pytest.fixture
def valeurs(contrat, agent) -> dict[str, Valeur]:
    """Un contrat signé : une ligne de base officielle de son QPV, du réalisé 2024 à 2028, une cible 2030, une
    ligne de base du contrat entier saisie sans année."""
    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    qpv = contrat.qpv.order_by("code").first()
    indicateur = Indicateur.objects.create(
        contrat=contrat, code="accompagnes", nom="Habitants accompagnés", unite=Unite.NOMBRE, sens=Sens.HAUSSE
    )

    def saisir(annee, nature, valeur, territoire: Territoire | None = None) -> Valeur:
        territoire = territoire or Territoire("qpv", qpv_id=qpv.code)
        saisie = Saisie(indicateur, territoire, annee, nature, Decimal(valeur))
        return services.saisir_valeur(contrat, agent, saisie)

    resultat = {
        "officielle": Valeur.objects.create(
            indicateur=indicateur,
            niveau="qpv",
            qpv=qpv,
            cle_territoire=f"qpv:{qpv.code}",
            nature=BASE,
            valeur=Decimal(8),
            origine=Origine.IMPORT,
        ),
        "cible": saisir(2030, CIBLE, "40"),
        "sans_annee": saisir(None, BASE, "9", Territoire("contrat")),  # millésime non précisé
    }
    for annee in range(2024, 2029):
        resultat[str(annee)] = saisir(annee, REALISE, str(annee - 2010))
    return resultat


def _publiques(valeurs: dict[str, Valeur]) -> set[str]:
    ids = set(Valeur.objects.publiques().values_list("pk", flat=True))
    return {nom for nom, valeur in valeurs.items() if valeur.pk in ids}


def test_without_a_published_review_only_the_official_baseline_is_public(contrat, agent, valeurs):
    for statut in (StatutBilan.PREPARATION, StatutBilan.SOUMIS, StatutBilan.VALIDE):
        Bilan.objects.update_or_create(
            contrat=contrat, type=TypeBilan.ANNUEL, annee=2025, defaults={"statut": statut, "cree_par": agent}
        )
        assert _publiques(valeurs) == {"officielle"}


def test_an_annual_review_exposes_its_year_and_the_previous_ones_the_target_and_undated_values(contrat, agent, valeurs):
    publier_bilan(contrat, agent, TypeBilan.ANNUEL, 2025)

    assert _publiques(valeurs) == {"officielle", "cible", "sans_annee", "2024", "2025"}


def test_the_mid_term_review_covers_up_to_2027_and_the_final_review_everything(contrat, agent, valeurs):
    publier_bilan(contrat, agent, TypeBilan.MI_PARCOURS)
    assert _publiques(valeurs) == {"officielle", "cible", "sans_annee", "2024", "2025", "2026", "2027"}

    publier_bilan(contrat, agent, TypeBilan.FINAL, 2026)  # le bilan final couvre toutes les années
    assert _publiques(valeurs) == set(valeurs)


def test_the_review_of_another_contract_exposes_nothing(agent, valeurs):
    publier_bilan(ContratFactory(signe=True), agent, TypeBilan.FINAL)

    assert _publiques(valeurs) == {"officielle"}


def test_it_is_one_query_whatever_the_number_of_values_and_reviews(contrat, agent, valeurs, django_assert_num_queries):
    publier_bilan(contrat, agent, TypeBilan.ANNUEL, 2024)
    publier_bilan(contrat, agent, TypeBilan.ANNUEL, 2026)

    with django_assert_num_queries(1):
        assert len(list(Valeur.objects.publiques().filter(contrat=contrat))) == 5  # cible, sans année, 2024-2026


def test_the_page_of_a_value_follows_the_same_rule(client, exterieur, agent, contrat, valeurs):
    url_2025 = reverse("evaluation:valeur", args=[valeurs["2025"].pk])
    url_2026 = reverse("evaluation:valeur", args=[valeurs["2026"].pk])
    assert client.get(reverse("evaluation:valeur", args=[valeurs["officielle"].pk])).status_code == 200
    assert client.get(url_2025).status_code == 404
    client.force_login(exterieur)
    assert client.get(url_2025).status_code == 404

    publier_bilan(contrat, agent, TypeBilan.ANNUEL, 2025)

    assert client.get(url_2025).status_code == 200
    assert client.get(url_2026).status_code == 404
    client.logout()
    assert client.get(url_2025).status_code == 200
    # Une valeur publique se lit ; elle ne se corrige pas pour autant (403 pour qui ne saisit pas).
    client.force_login(exterieur)
    assert client.get(reverse("evaluation:corriger", args=[valeurs["2025"].pk])).status_code == 403


def test_the_public_page_of_a_value_names_its_author_in_the_public_form(client, agent, contrat, valeurs):
    publier_bilan(contrat, agent, TypeBilan.ANNUEL, 2025)
    url = reverse("evaluation:valeur", args=[valeurs["2025"].pk])

    public = client.get(url).content.decode()
    assert agent.nom_public in public
    # Le fil d'Ariane mène au tableau de bord (public), pas à la page des indicateurs (réservée aux associés).
    assert reverse("evaluation:tableau", args=[contrat.code]) in public
    assert f'href="{reverse("evaluation:contrat", args=[contrat.code])}"' not in public
    assert agent.email not in public and agent.get_full_name() not in public

    client.force_login(agent)  # un associé du contrat : le nom entier
    assert agent.get_full_name() in client.get(url).content.decode()
