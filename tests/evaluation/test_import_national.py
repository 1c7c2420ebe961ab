"""Le vrai fichier (../shared/data/qpv_2024_indicateurs.csv) sur le référentiel national : comptes attendus,
seconde exécution sans changement, et la page d'un QPV importé qui montre les valeurs du fichier."""

import csv
import html
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from evaluation.models import DistributionNationale, Valeur
from evaluation.services.lignes_de_base import importer_lignes_de_base
from territoires.imports.service import importer_dossier

FICHIER = "qpv_2024_indicateurs.csv"


@pytest.fixture
def fichier():
    chemin = settings.DONNEES_PARTAGEES / FICHIER
    # Échoue (et ne saute pas) : sans ce fichier, l'import réel n'est plus vérifié.
    assert chemin.is_file(), f"{FICHIER} introuvable dans {settings.DONNEES_PARTAGEES} (réglage DONNEES_PARTAGEES)."
    return chemin


def _texte(contenu: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", contenu))


@pytest.mark.donnees_nationales
@pytest.mark.django_db
def test_it_imports_the_real_file_and_the_qpv_pages_show_its_values(client, fichier):
    importer_dossier(settings.DONNEES_PARTAGEES)

    bilan = importer_lignes_de_base(settings.DONNEES_PARTAGEES)

    assert bilan.lignes == 1713 and not bilan.ignorees
    assert bilan.creees == 17130
    assert bilan.non_diffusees == 1800
    # Les taux de logements sociaux au-delà de 100 % : importés, signalés.
    assert len(bilan.hors_plage) == 271
    assert Valeur.objects.filter(hors_plage=True, indicateur__code="taux_logements_sociaux").count() == 271
    assert DistributionNationale.objects.get(indicateur__code="population_municipale").nombre_qpv == 1518
    seconde = importer_lignes_de_base(settings.DONNEES_PARTAGEES)
    assert (seconde.creees, seconde.modifiees, seconde.inchangees) == (0, 0, 17130)

    with fichier.open(encoding="utf-8") as flux:
        lignes = list(csv.DictReader(flux))
    # Un QPV sur une commune, un sur deux communes, un avec des valeurs non diffusées, un au-delà de 100 %.
    for code in ("QN00101M", "QN00201M", "QN00301M", "QN00306M"):
        contenu = client.get(reverse("territoires:qpv", args=[code])).content.decode()
        for ligne in (ligne for ligne in lignes if ligne["code_qpv"] == code):
            for colonne in ("population_municipale", "taux_emploi", "taux_logements_sociaux"):
                cellule = re.search(
                    rf'data-indicateur="{colonne}" data-commune="(?:{ligne["commune_insee"]})?">(.*?)</span>',
                    contenu,
                    re.S,
                )
                assert cellule, (code, colonne)
                texte = _texte(cellule.group(1))
                attendu = ligne[colonne]
                if attendu == "":
                    assert "non diffusé" in texte
                else:
                    nombre = (
                        re.search(r"\d[\d\u202f]*(?:,\d+)?", texte).group(0).replace("\u202f", "").replace(",", ".")
                    )
                    assert Decimal(nombre) == Decimal(attendu), (code, colonne, texte, attendu)
    assert "hors plage plausible" in client.get(reverse("territoires:qpv", args=["QN00306M"])).content.decode()
