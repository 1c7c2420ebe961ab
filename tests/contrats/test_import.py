import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from contrats.imports import FICHIER_CONTRATS, FICHIER_QPV, importer_dossier
from contrats.models import ContratDeVille, JournalContrat, StatutContrat
from territoires.imports.erreurs import ErreurImport
from tests.contrats.factories import CommuneFactory, EpciFactory, QpvFactory

pytestmark = pytest.mark.django_db

ENTETE_CONTRATS = "code_cv,nom,libelle_anct,codgeo,type_codgeo,departement,population_qpv,lon,lat\n"
ENTETE_QPV = (
    "code_qpv,nom_qpv,departement,region,communes_insee,communes_insee_cog2026,communes_noms,arrondissements_insee,"
    "epci_siren,siren_epci_contrat_ville,population,code_contrat_ville\n"
)


def _dossier(tmp_path: Path, contrats: str, qpv: str = "") -> Path:
    (tmp_path / FICHIER_CONTRATS).write_text(ENTETE_CONTRATS + contrats, encoding="utf-8")
    (tmp_path / FICHIER_QPV).write_text(ENTETE_QPV + qpv, encoding="utf-8")
    return tmp_path


CONTRATS_VALIDES = (
    "CN03501I,Rennes Métropole,35 - Rennes Métropole,243500139,epci,35,33840,-1.7,48.1\n"
    "CN98701M,Arue,987 - Arue,98712,commune,987,73292,-2.9,46.7\n"
    "CN98701M,Papeete,987 - Papeete,98735,commune,987,73292,-3.0,46.5\n"
)
QPV_VALIDES = (
    "QN03502M,Villejean,35,53,35238,35238,Rennes,,243500139,243500139,8570,CN03501I\n"
    "QN03504M,Maurepas,35,53,35238,35238,Rennes,,243500139,243500139,6778,CN03501I;CN98701M\n"
)


@pytest.fixture
def referentiel(db):
    epci = EpciFactory()
    CommuneFactory(epci=epci)
    return [QpvFactory(code="QN03502M", epci=epci), QpvFactory(code="QN03504M", epci=epci)]


def test_it_imports_contracts_with_their_carrier_and_qpv(tmp_path, referentiel):
    bilan = importer_dossier(_dossier(tmp_path, CONTRATS_VALIDES, QPV_VALIDES))

    assert (bilan.lignes, bilan.crees) == (3, 2)
    rennes = ContratDeVille.objects.get(code="CN03501I")
    assert (rennes.epci_id, rennes.type_porteur, rennes.population_qpv) == ("243500139", "epci", 33840)
    assert sorted(rennes.qpv.values_list("code", flat=True)) == ["QN03502M", "QN03504M"]
    assert list(rennes.communes.values_list("code", flat=True)) == ["35238"]
    assert rennes.statut == StatutContrat.ELABORATION
    assert JournalContrat.objects.get(contrat=rennes).auteur is None
    # Un QPV peut relever de deux contrats ; un porteur absent du référentiel garde son code.
    polynesie = ContratDeVille.objects.get(code="CN98701M")
    assert list(polynesie.qpv.values_list("code", flat=True)) == ["QN03504M"]
    assert (polynesie.commune, polynesie.code_porteur, polynesie.nom) == (None, "98712", "Arue")
    assert bilan.porteurs_absents == {"98712"}


def test_it_changes_nothing_on_a_second_run_and_says_so(tmp_path, referentiel):
    dossier = _dossier(tmp_path, CONTRATS_VALIDES, QPV_VALIDES)
    importer_dossier(dossier)
    bilan = importer_dossier(dossier)
    assert (bilan.crees, bilan.modifies, bilan.inchanges, bilan.liens_qpv) == (0, 0, 2, 0)
    assert "La liste des contrats était déjà à jour : rien n'a changé." in bilan.resume()


def test_it_keeps_the_state_of_a_known_contract_and_deletes_nothing(tmp_path, referentiel, agent):
    importer_dossier(_dossier(tmp_path, CONTRATS_VALIDES, QPV_VALIDES))
    ContratDeVille.objects.filter(code="CN03501I").update(statut=StatutContrat.SIGNE, nom="Ancien nom")
    bilan = importer_dossier(_dossier(tmp_path, CONTRATS_VALIDES.splitlines(keepends=True)[0], ""))
    rennes = ContratDeVille.objects.get(code="CN03501I")
    assert (rennes.statut, rennes.nom, bilan.modifies) == (StatutContrat.SIGNE, "Rennes Métropole", 1)
    assert ContratDeVille.objects.count() == 2
    assert rennes.qpv.count() == 2


def test_it_writes_nothing_in_a_dry_run(tmp_path, referentiel):
    sortie = io.StringIO()
    call_command(
        "importer_contrats",
        str(_dossier(tmp_path, CONTRATS_VALIDES, QPV_VALIDES)),
        "--dry-run",
        stdout=sortie,
        verbosity=0,
    )
    assert "Import à blanc : rien n'a été écrit." in sortie.getvalue()
    assert not ContratDeVille.objects.exists()


@pytest.mark.parametrize(
    "ligne, message",
    [
        ("XX123,Rennes,35 - Rennes,243500139,epci,35,10,,\n", "ligne 2 : code de contrat « XX123 » invalide"),
        ("CN03501I,Rennes,35 - Rennes,2435,epci,35,10,,\n", "ligne 2 : SIREN d'EPCI « 2435 » invalide"),
        ("CN03501I,Rennes,35 - Rennes,243500139,region,35,10,,\n", "ligne 2 : type de porteur « region » inconnu"),
        ("CN03501I,Rennes,35 - Rennes,243500139,epci,35,beaucoup,,\n", "ligne 2 : population « beaucoup » invalide"),
        ("CN03501I,,35 - Rennes,243500139,epci,35,10,,\n", "ligne 2 : le contrat CN03501I n'a pas de nom"),
    ],
)
def test_it_refuses_a_bad_contracts_file_with_the_line_number(tmp_path, referentiel, ligne, message):
    with pytest.raises(ErreurImport) as erreur:
        importer_dossier(_dossier(tmp_path, CONTRATS_VALIDES + ligne.replace("ligne 2", ""), QPV_VALIDES))
    assert message.replace("ligne 2", "ligne 5") in erreur.value.message
    assert not ContratDeVille.objects.exists()


def test_it_refuses_a_qpv_pointing_to_an_unknown_contract(tmp_path, referentiel):
    qpv = QPV_VALIDES + "QN03505M,Le Blosne,35,53,35238,35238,Rennes,,243500139,243500139,11809,CN03599I\n"
    with pytest.raises(ErreurImport, match="ligne 4 : le QPV QN03505M renvoie au contrat CN03599I"):
        importer_dossier(_dossier(tmp_path, CONTRATS_VALIDES, qpv))
    assert not ContratDeVille.objects.exists()


def test_it_refuses_missing_columns_and_missing_files(tmp_path):
    (tmp_path / FICHIER_CONTRATS).write_text("code,nom\nCN03501I,Rennes\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ligne 1 : colonnes manquantes : code_cv, codgeo"):
        call_command("importer_contrats", str(tmp_path), verbosity=0)
    with pytest.raises(CommandError, match="(?s)rien n.a été écrit.*dossier introuvable"):
        call_command("importer_contrats", str(tmp_path / "absent"), verbosity=0)


def test_it_refuses_a_file_that_is_not_utf8(tmp_path):
    (tmp_path / FICHIER_CONTRATS).write_bytes(
        (ENTETE_CONTRATS + "CN03501I,Orléans,45,243500139,epci,45,1,,\n").encode("latin-1")
    )
    (tmp_path / FICHIER_QPV).write_text(ENTETE_QPV, encoding="utf-8")
    with pytest.raises(ErreurImport, match="n'est pas en UTF-8"):
        importer_dossier(tmp_path)


@pytest.mark.donnees_nationales
def test_it_imports_the_national_list(capsys):
    dossier = Path(settings.DONNEES_PARTAGEES)
    for fichier in (FICHIER_CONTRATS, FICHIER_QPV):
        if not (dossier / fichier).is_file():
            pytest.fail(f"{dossier / fichier} est absent : ce test lit les fichiers réels de ../shared/data.")
    from territoires.imports.service import importer_dossier as importer_territoires

    importer_territoires(dossier)

    bilan = importer_dossier(dossier)

    # 448 lignes, 446 codes : CN98701M (Arue et Papeete) et CV428 (CC de Petite-Terre et Dzaoudzi) ont deux
    # porteurs ; le premier est le porteur, l'autre commune s'ajoute aux communes couvertes.
    assert (bilan.lignes, bilan.crees, ContratDeVille.objects.count()) == (448, 446, 446)
    assert ContratDeVille.objects.filter(code__startswith="CV").count() == 55
    assert bilan.porteurs_absents == set()
    # 1 508 QPV ont un contrat, dont 22 en ont deux.
    assert bilan.liens_qpv == 1530
    assert ContratDeVille.qpv.through.objects.values("qpv_id").distinct().count() == 1508
    rennes = ContratDeVille.objects.get(code="CN03501I")
    assert rennes.epci.nom == "Rennes Métropole"
    assert sorted(rennes.qpv.values_list("code", flat=True)) == [
        "QN03502M",
        "QN03503I",
        "QN03504M",
        "QN03505M",
        "QN03506I",
    ]
    papeete = ContratDeVille.objects.get(code="CN98701M")
    assert (papeete.commune_id, papeete.communes.filter(code="98735").exists()) == ("98712", True)
    deux = ContratDeVille.objects.filter(qpv__code="QN05901M").count()
    assert deux in (1, 2)

    encore = importer_dossier(dossier)
    assert (encore.crees, encore.modifies, encore.liens_qpv, encore.liens_communes) == (0, 0, 0, 0)
