"""Import des fichiers officiels : comptes, idempotence, import à blanc, communes disparues."""

import json

import pytest
from django.core.management import call_command

from territoires.imports.service import importer_dossier
from territoires.models import Commune, Departement, Epci, Qpv, Region

pytestmark = pytest.mark.django_db


def _json(chemin):
    return json.loads(chemin.read_text(encoding="utf-8"))


def _ecrire_json(chemin, donnees):
    chemin.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")


def test_it_imports_every_official_file_of_the_folder(dossier):
    bilan = importer_dossier(dossier)

    assert {sorte: c.crees for sorte, c in bilan.comptes.items()} == {
        "Régions": 2,
        "Départements": 2,
        "EPCI et EPT": 2,
        "Communes": 9,
        "QPV": 21,
    }
    rennes = Commune.objects.select_related("epci", "departement__region").get(code="35238")
    assert rennes.nom == "Rennes"
    assert rennes.epci.siren == "243500139"
    assert rennes.departement.region.nom == "Bretagne"
    assert rennes.codes_postaux == ["35000", "35200", "35700"]
    maurepas = Qpv.objects.get(code="QN03504M")
    assert maurepas.nom == "Maurepas"
    assert list(maurepas.communes.values_list("code", flat=True)) == ["35238"]
    assert maurepas.epci_id == "243500139"
    assert maurepas.population == 6778
    assert maurepas.perimetre["type"] == "MultiPolygon"
    lon_min, lat_min, lon_max, lat_max = maurepas.emprise
    assert -1.7 < lon_min < lon_max < -1.6 and 48.1 < lat_min < lat_max < 48.2


def test_it_changes_nothing_on_a_second_run_and_says_so(dossier):
    importer_dossier(dossier)

    bilan = importer_dossier(dossier)

    assert not bilan.a_change
    assert bilan.comptes["Communes"].inchanges == 9
    assert bilan.comptes["QPV"].inchanges == 21
    assert "Le référentiel était déjà à jour : rien n'a changé." in bilan.lignes()


def test_it_reports_an_update(dossier):
    importer_dossier(dossier)
    communes = _json(dossier / "decoupage-administratif/communes.json")
    communes[0]["population"] += 1
    _ecrire_json(dossier / "decoupage-administratif/communes.json", communes)

    bilan = importer_dossier(dossier)

    assert (bilan.comptes["Communes"].modifies, bilan.comptes["Communes"].inchanges) == (1, 8)
    assert Commune.objects.get(code=communes[0]["code"]).population == communes[0]["population"]


def test_it_writes_nothing_on_a_dry_run(dossier):
    bilan = importer_dossier(dossier, a_blanc=True)

    assert bilan.comptes["Communes"].crees == 9
    assert not Commune.objects.exists()
    assert not Region.objects.exists()
    assert "Import à blanc : rien n'a été écrit." in bilan.lignes()


def test_it_marks_a_vanished_commune_obsolete_with_its_successor(dossier):
    importer_dossier(dossier)
    chemin = dossier / "decoupage-administratif/communes.json"
    communes = _json(chemin)
    # Saint-Jacques-de-la-Lande fusionne dans Rennes (fusion imaginaire, pour le test).
    communes = [c for c in communes if c["code"] != "35281"]
    next(c for c in communes if c["code"] == "35238")["anciensCodes"] = ["35281"]
    _ecrire_json(chemin, communes)

    bilan = importer_dossier(dossier)

    assert bilan.comptes["Communes"].obsoletes == 1
    disparue = Commune.objects.get(code="35281")
    assert disparue.obsolete
    assert disparue.remplacee_par_id == "35238"
    assert disparue.nom == "Saint-Jacques-de-la-Lande"
    assert Commune.objects.count() == 9
    assert not importer_dossier(dossier).a_change


def test_it_keeps_absent_territories_current_in_a_partial_import(dossier):
    importer_dossier(dossier)
    chemin = dossier / "decoupage-administratif/communes.json"
    _ecrire_json(chemin, [c for c in _json(chemin) if c["code"] != "35281"])

    bilan = importer_dossier(dossier, partiel=True)

    assert bilan.comptes["Communes"].obsoletes == 0
    assert not Commune.objects.get(code="35281").obsolete


def test_it_imports_delegated_communes_as_obsolete(dossier):
    chemin = dossier / "decoupage-administratif/communes.json"
    communes = _json(chemin)
    communes.append(
        {
            "code": "35999",
            "nom": "Ancienne-Commune",
            "type": "commune-deleguee",
            "chefLieu": "35238",
            "departement": "35",
            "region": "53",
        }
    )
    _ecrire_json(chemin, communes)

    importer_dossier(dossier)

    ancienne = Commune.objects.get(code="35999")
    assert ancienne.obsolete and ancienne.remplacee_par_id == "35238"


def test_the_command_prints_a_summary_per_kind(dossier, capsys):
    call_command("importer_territoires", str(dossier), "--dry-run", verbosity=0)

    sortie = capsys.readouterr().out
    assert "Communes      créés :      9" in sortie
    assert "Import à blanc : rien n'a été écrit." in sortie
    assert not Departement.objects.exists()


def test_the_command_shows_a_progress_bar(dossier, capsys):
    call_command("importer_territoires", str(dossier))

    erreurs = capsys.readouterr().err
    assert "communes : lecture" in erreurs
    assert "terminé" in erreurs
    assert Epci.objects.count() == 2
