"""La démonstration de l'évaluation : lignes de base réelles des QPV de démonstration, indicateurs locaux et
valeurs 2024–2026 du contrat de Rennes Métropole ; rechargée sans erreur ni doublon."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import Indicateur, NatureValeur, Origine, Valeur

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
