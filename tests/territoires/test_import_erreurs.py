"""Fichiers fautifs : un message clair en français (fichier, ligne ou entité, problème), et rien d'écrit."""

import json

import pytest
from django.core.management import CommandError, call_command

from territoires.imports.erreurs import ErreurImport
from territoires.imports.service import importer_dossier
from territoires.models import Commune, Qpv, Region

pytestmark = pytest.mark.django_db


def _modifier_json(chemin, modifier):
    donnees = json.loads(chemin.read_text(encoding="utf-8"))
    modifier(donnees)
    chemin.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")


def _refuse(dossier) -> str:
    with pytest.raises(ErreurImport) as erreur:
        importer_dossier(dossier)
    assert not Region.objects.exists(), "un import refusé ne doit rien écrire"
    assert not Qpv.objects.exists()
    return erreur.value.message


def test_it_refuses_a_missing_folder(tmp_path):
    assert "dossier introuvable" in _refuse(tmp_path / "absent")


def test_it_refuses_a_folder_without_official_files(tmp_path):
    (tmp_path / "autre.txt").write_text("rien")

    message = _refuse(tmp_path)

    assert "aucun fichier officiel trouvé" in message
    assert "decoupage-administratif/communes.json" in message


def test_it_refuses_a_file_of_another_format(dossier):
    (dossier / "decoupage-administratif/regions.json").write_text("code,nom\n53,Bretagne\n", encoding="utf-8")

    message = _refuse(dossier)

    assert message.startswith("decoupage-administratif/regions.json : ligne 1 : ce n'est pas un fichier JSON valide")


def test_it_refuses_json_that_is_not_a_list(dossier):
    (dossier / "decoupage-administratif/communes.json").write_text('{"code": "35238"}', encoding="utf-8")

    assert "une liste d'objets JSON était attendue" in _refuse(dossier)


def test_it_refuses_a_missing_property(dossier):
    _modifier_json(dossier / "decoupage-administratif/communes.json", lambda c: c[2].pop("nom"))

    assert "decoupage-administratif/communes.json : élément 3 : propriété manquante : nom" in _refuse(dossier)


@pytest.mark.parametrize("code", ["3523", "35A38", "2C004", "352380"])
def test_it_refuses_an_invalid_insee_code(dossier, code):
    _modifier_json(dossier / "decoupage-administratif/communes.json", lambda c: c[0].update(code=code))

    assert f"élément 1 : code INSEE « {code} » invalide" in _refuse(dossier)


def test_it_accepts_corsican_and_leading_zero_codes(dossier):
    def ajouter(communes):
        communes.append({**communes[0], "code": "2A004", "nom": "Ajaccio", "siren": "", "codesPostaux": []})

    _modifier_json(dossier / "decoupage-administratif/communes.json", ajouter)

    importer_dossier(dossier)

    assert Commune.objects.filter(code="2A004").exists()


def test_it_refuses_an_invalid_siren(dossier):
    _modifier_json(dossier / "decoupage-administratif/epci.json", lambda e: e[1].update(code="243100519"))

    assert "decoupage-administratif/epci.json : élément 2 : SIREN « 243100519 » invalide" in _refuse(dossier)


def test_it_refuses_an_invalid_qpv_code(dossier):
    _modifier_json(
        dossier / "qpv_2024_anct.geojson", lambda g: g["features"][4]["properties"].update(code_qp="QP03504M")
    )

    assert "qpv_2024_anct.geojson : entité 5 : code QPV « QP03504M » invalide" in _refuse(dossier)


def test_it_refuses_a_duplicate_code(dossier):
    _modifier_json(dossier / "decoupage-administratif/communes.json", lambda c: c.append(dict(c[0])))

    message = _refuse(dossier)

    assert "élément 10 : code INSEE « 31069 » en double (déjà en élément 1)" in message


def test_it_refuses_a_duplicate_qpv_in_the_csv(dossier):
    chemin = dossier / "qpv_2024.csv"
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    chemin.write_text("\n".join(lignes + [lignes[1]]) + "\n", encoding="utf-8")

    assert f"qpv_2024.csv : ligne {len(lignes) + 1} : code QPV « QN03104M » en double (déjà en ligne 2)" in _refuse(
        dossier
    )


def test_it_refuses_a_latin1_csv(dossier):
    chemin = dossier / "qpv_2024.csv"
    chemin.write_bytes(chemin.read_text(encoding="utf-8").encode("latin-1"))

    message = _refuse(dossier)

    assert "qpv_2024.csv : ligne 6 : le fichier n'est pas encodé en UTF-8" in message


def test_it_refuses_a_csv_with_semicolons(dossier):
    chemin = dossier / "qpv_2024.csv"
    chemin.write_text(chemin.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")

    assert "qpv_2024.csv : ligne 1 : séparateur « ; » détecté" in _refuse(dossier)


def test_it_refuses_a_csv_with_a_missing_column(dossier):
    chemin = dossier / "qpv_2024.csv"
    chemin.write_text(chemin.read_text(encoding="utf-8").replace("population,", "habitants,", 1), encoding="utf-8")

    assert "qpv_2024.csv : ligne 1 : colonne manquante : population" in _refuse(dossier)


def test_it_refuses_a_geojson_that_is_not_a_feature_collection(dossier):
    (dossier / "qpv_2024_anct.geojson").write_text("[]", encoding="utf-8")

    assert "une FeatureCollection GeoJSON était attendue" in _refuse(dossier)


def test_it_refuses_a_missing_geojson_property(dossier):
    _modifier_json(dossier / "qpv_2024_anct.geojson", lambda g: g["features"][0]["properties"].pop("siren_epci"))

    assert "qpv_2024_anct.geojson : entité 1 : propriété manquante : siren_epci" in _refuse(dossier)


def test_it_refuses_an_invalid_geometry(dossier):
    _modifier_json(dossier / "qpv_2024_anct.geojson", lambda g: g["features"][0].update(geometry={"type": "Point"}))

    assert "entité 1 : QPV QN03104M : géométrie absente ou invalide" in _refuse(dossier)


def test_it_refuses_a_reference_to_an_unknown_commune(dossier):
    chemin = dossier / "qpv_2024.csv"
    chemin.write_text(chemin.read_text(encoding="utf-8").replace(",31069,31069,", ",31069,31999,", 1), encoding="utf-8")

    assert "qpv_2024.csv : ligne 2 : commune « 31999 » inconnu du référentiel" in _refuse(dossier)


def test_a_refused_import_leaves_the_previous_reference_untouched(dossier):
    importer_dossier(dossier)
    _modifier_json(dossier / "decoupage-administratif/regions.json", lambda r: r[0].update(nom="Autre nom"))
    _modifier_json(dossier / "qpv_2024_anct.geojson", lambda g: g["features"][0]["properties"].update(code_qp="X"))

    with pytest.raises(ErreurImport):
        importer_dossier(dossier)

    assert Region.objects.get(code="53").nom == "Bretagne"


def test_the_command_reports_the_error_in_french(dossier):
    (dossier / "qpv_2024_anct.geojson").write_text("[]", encoding="utf-8")

    with pytest.raises(CommandError, match="Import refusé, rien n'a été écrit.\nqpv_2024_anct.geojson : "):
        call_command("importer_territoires", str(dossier), verbosity=0)
