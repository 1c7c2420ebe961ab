"""La démonstration de l'évaluation : lignes de base réelles des QPV de démonstration, indicateurs locaux et
valeurs 2024–2026 du contrat de Rennes Métropole, dont son bilan annuel 2025 publié expose 2024 et 2025 dans la
synthèse publique d'un quartier ; rechargée sans erreur ni doublon."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import Bilan, Indicateur, NatureValeur, Origine, StatutBilan, Valeur

pytestmark = pytest.mark.django_db


def test_the_demo_loads_baselines_from_the_real_file_and_values_for_the_contract(client):
    call_command("charger_demo", stdout=io.StringIO())
    call_command("charger_demo", stdout=io.StringIO())

    assert Valeur.objects.filter(origine=Origine.IMPORT).count() == 210
    assert Indicateur.objects.filter(contrat__code="CN03501I").count() == 2
    annees = set(
        Valeur.objects.filter(contrat__code="CN03501I", nature=NatureValeur.REALISE).values_list("annee", flat=True)
    )
    assert annees == {2024, 2025, 2026}
    # Maurepas (QN03504M) : les chiffres du fichier officiel sur sa page.
    contenu = client.get(reverse("territoires:qpv", args=["QN03504M"])).content.decode()
    assert "Lignes de base officielles" in contenu and "6\u202f778" in contenu


def test_the_demo_has_a_published_annual_review_and_the_mid_term_review_in_preparation(client):
    call_command("charger_demo", stdout=io.StringIO())
    call_command("charger_demo", stdout=io.StringIO())

    bilans = {(b.type, b.annee): b for b in Bilan.objects.filter(contrat__code="CN03501I")}
    assert set(bilans) == {("annuel", 2025), ("mi_parcours", 2027)}
    publie, mi_parcours = bilans[("annuel", 2025)], bilans[("mi_parcours", 2027)]
    assert publie.statut == StatutBilan.PUBLIE and publie.instantane["indicateurs"]
    assert mi_parcours.statut == StatutBilan.PREPARATION
    # Public : la page du bilan publié et ses données ouvertes.
    assert "Les actions d'insertion des jeunes" in client.get(publie.get_absolute_url()).content.decode().replace(
        "&#x27;", "'"
    )
    assert client.get(reverse("evaluation:valeurs_bilan_csv", args=[publie.pk])).status_code == 200


def test_the_demo_synthesis_of_a_quartier_shows_the_trend_its_published_review_exposes():
    from evaluation import documents
    from territoires.models import Qpv

    call_command("charger_demo", stdout=io.StringIO())

    # Le bilan annuel 2025 publié expose le réalisé 2024 et 2025 (et les cibles) ; 2026 reste aux associés.
    (tendance,) = documents.tendances(Qpv.objects.get(code="QN03504M"))
    assert tendance.indicateur.code == "taux_emploi"
    assert sorted(tendance.realise) == [2024, 2025] and sorted(tendance.cible) == [2026, 2030]
