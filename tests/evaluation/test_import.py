"""L'import des lignes de base officielles, sur des fichiers fabriqués : lecture telle quelle, non diffusé,
hors plage, erreurs avec la ligne, atomicité, idempotence, à blanc, valeurs saisies à la main gardées."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from evaluation.models import DistributionNationale, Indicateur, NatureValeur, Origine, Valeur
from evaluation.services.lignes_de_base import importer_lignes_de_base, valeur_du_quartier
from territoires.imports.erreurs import ErreurImport
from tests.contrats.factories import CommuneFactory, QpvFactory
from tests.evaluation.conftest import ecrire_fichier

pytestmark = pytest.mark.django_db


def _ligne(qpv: str, commune: str, population="1000", taux_logements="80.5", taux_emploi="45.2", menages="400"):
    # population, indice jeunesse, ménages, logements sociaux, taux logements sociaux, taux d'emploi, pauvreté,
    # personnes couvertes CAF, allocataires CAF, allocataires RSA
    return [qpv, commune, population, "1.5", menages, "300", taux_logements, taux_emploi, "40", "900", "400", "100"]


@pytest.fixture
def quartiers(db):
    rennes, saint_jacques, paris = (
        CommuneFactory(code="35238"),
        CommuneFactory(code="35281"),
        CommuneFactory(code="75056"),
    )
    return {
        "blosne": QpvFactory(code="QN03501M"),
        "deux_communes": QpvFactory(code="QN03502M"),
        "paris": QpvFactory(code="QN07501M"),
        "communes": (rennes, saint_jacques, paris),
    }


def _valeur(qpv: str, code: str, cle: str | None = None) -> Valeur:
    return Valeur.objects.get(
        qpv_id=qpv, indicateur__code=code, courante=True, **({"cle_territoire": cle} if cle else {})
    )


def test_it_imports_each_row_per_qpv_and_commune(tmp_path, quartiers):
    dossier = ecrire_fichier(
        tmp_path,
        [
            _ligne("QN03501M", "35238"),
            _ligne("QN03502M", "35238", population="700"),
            _ligne("QN03502M", "35281", population="300"),
            _ligne("QN07501M", "75113"),
        ],
    )
    bilan = importer_lignes_de_base(dossier)

    assert bilan.creees == 40
    assert Indicateur.objects.filter(contrat=None).count() == 10
    blosne = _valeur("QN03501M", "taux_emploi")
    assert blosne.valeur == Decimal("45.2")
    assert blosne.annee is None and blosne.libelle_annee == "non précisé"
    assert blosne.nature == NatureValeur.LIGNE_DE_BASE and blosne.origine == Origine.IMPORT
    assert blosne.cle_territoire == "qpv:QN03501M"
    # Un QPV sur deux communes : une valeur par commune, comme dans le fichier.
    parties = Valeur.objects.filter(qpv_id="QN03502M", indicateur__code="population_municipale").order_by(
        "cle_territoire"
    )
    assert [(v.commune_id, v.valeur) for v in parties] == [("35238", 700), ("35281", 300)]
    assert parties[0].partie.startswith("partie ")
    # Un arrondissement de Paris (75113) : rattaché à la commune de Paris.
    paris = _valeur("QN07501M", "taux_emploi")
    assert (paris.commune_id, paris.cle_territoire) == ("75056", "qpv:QN07501M")


def test_a_blank_is_not_diffused_never_zero(tmp_path, quartiers):
    ligne = _ligne("QN03501M", "35238", taux_emploi="")
    importer_lignes_de_base(ecrire_fichier(tmp_path, [ligne]))

    valeur = _valeur("QN03501M", "taux_emploi")
    assert valeur.valeur is None and valeur.non_diffusee
    assert valeur.texte == "non diffusé"


def test_a_value_outside_the_plausible_range_is_imported_with_a_warning(tmp_path, quartiers):
    bilan = importer_lignes_de_base(ecrire_fichier(tmp_path, [_ligne("QN03501M", "35238", taux_logements="161.6")]))

    valeur = _valeur("QN03501M", "taux_logements_sociaux")
    assert valeur.valeur == Decimal("161.6") and valeur.hors_plage
    assert bilan.hors_plage == [
        "ligne 2 : QN03501M (35238), Taux de logements sociaux = 161,6 % (plausible : de 0 à 100 %)"
    ]


def test_it_reports_errors_with_their_line_and_writes_nothing(tmp_path, quartiers):
    dossier = ecrire_fichier(
        tmp_path,
        [_ligne("QN03501M", "35238"), _ligne("QN03501M", "35238x"), _ligne("QN03502M", "35238", taux_emploi="4O.5")],
    )
    with pytest.raises(ErreurImport) as erreur:
        importer_lignes_de_base(dossier)

    assert "ligne 3 : code INSEE de commune « 35238x » invalide" in erreur.value.message
    assert "ligne 4 : taux_emploi : « 4O.5 » n'est pas un nombre" in erreur.value.message
    assert not Valeur.objects.exists() and not Indicateur.objects.exists()


def test_it_refuses_a_file_without_its_columns(tmp_path, quartiers):
    dossier = ecrire_fichier(tmp_path, [["QN03501M", "35238"]], entete=["code_qpv", "commune_insee"])
    with pytest.raises(ErreurImport, match="colonnes manquantes : population_municipale"):
        importer_lignes_de_base(dossier)


def test_the_command_says_in_french_what_went_wrong(tmp_path, quartiers):
    with pytest.raises(CommandError, match="Import refusé, rien n'a été écrit.\n.*introuvable"):
        call_command("importer_indicateurs", str(tmp_path / "absent"), stdout=io.StringIO(), stderr=io.StringIO())


def test_it_ignores_and_reports_a_qpv_missing_from_the_reference(tmp_path, quartiers):
    bilan = importer_lignes_de_base(
        ecrire_fichier(tmp_path, [_ligne("QN03501M", "35238"), _ligne("QN97601M", "97611")])
    )

    assert bilan.ignorees == ["ligne 3 : QPV QN97601M absent du référentiel territorial"]
    assert Valeur.objects.count() == 10


def test_it_is_idempotent_and_a_dry_run_writes_nothing(tmp_path, quartiers):
    dossier = ecrire_fichier(tmp_path, [_ligne("QN03501M", "35238")])
    a_blanc = importer_lignes_de_base(dossier, a_blanc=True)
    assert a_blanc.creees == 10 and not Valeur.objects.exists()
    assert "Import à blanc : rien n'a été écrit." in a_blanc.resume()

    importer_lignes_de_base(dossier)
    seconde = importer_lignes_de_base(dossier)
    assert (seconde.creees, seconde.modifiees, seconde.inchangees) == (0, 0, 10)
    assert "Les lignes de base étaient déjà à jour : rien n'a changé." in seconde.resume()

    # Une valeur publiée change : nouvelle version, l'ancienne gardée.
    importer_lignes_de_base(ecrire_fichier(tmp_path, [_ligne("QN03501M", "35238", taux_emploi="47")]))
    versions = Valeur.objects.filter(qpv_id="QN03501M", indicateur__code="taux_emploi").order_by("version")
    assert [(v.version, v.valeur, v.courante) for v in versions] == [(1, Decimal("45.2"), False), (2, 47, True)]


def test_a_reimport_never_replaces_a_value_entered_by_hand(tmp_path, quartiers, agent):
    dossier = ecrire_fichier(tmp_path, [_ligne("QN03501M", "35238")])
    importer_lignes_de_base(dossier)
    officielle = _valeur("QN03501M", "taux_emploi")
    Valeur.objects.filter(pk=officielle.pk).update(courante=False)
    Valeur.objects.create(
        indicateur=officielle.indicateur,
        niveau="qpv",
        qpv_id="QN03501M",
        cle_territoire=officielle.cle_territoire,
        nature=NatureValeur.LIGNE_DE_BASE,
        valeur=Decimal("50"),
        origine=Origine.SAISIE,
        saisie_par=agent,
        version=2,
        precedente=officielle,
    )

    bilan = importer_lignes_de_base(ecrire_fichier(tmp_path, [_ligne("QN03501M", "35238", taux_emploi="46")]))

    assert bilan.gardees == 1
    assert _valeur("QN03501M", "taux_emploi").valeur == 50


def test_the_national_distribution_counts_each_qpv_once(tmp_path, quartiers):
    QpvFactory(code="QN03503M")
    importer_lignes_de_base(
        ecrire_fichier(
            tmp_path,
            [
                _ligne("QN03501M", "35238", population="1000", taux_emploi="40"),
                # Le fichier répète les chiffres d'un QPV sur deux communes : compté une fois.
                _ligne("QN03502M", "35238", population="2000", taux_emploi="50"),
                _ligne("QN03502M", "35281", population="2000", taux_emploi="50"),
                _ligne("QN03503M", "35238", population="3000", taux_emploi="60"),
            ],
        )
    )
    population = DistributionNationale.objects.get(indicateur__code="population_municipale")
    assert population.nombre_qpv == 3
    assert (population.premier_quartile, population.mediane, population.troisieme_quartile) == (1500, 2000, 2500)


def test_counts_of_differing_parts_are_summed_and_rates_never_averaged(nationaux):
    assert valeur_du_quartier(nationaux["population_municipale"], [Decimal(700), Decimal(300)]) == (1000, False)
    assert valeur_du_quartier(nationaux["taux_emploi"], [Decimal(40), Decimal(50)]) == (None, False)
    assert valeur_du_quartier(nationaux["taux_emploi"], [Decimal(40), None]) == (None, True)
    assert valeur_du_quartier(nationaux["taux_emploi"], [Decimal(40), Decimal(40)]) == (40, False)


def test_the_command_shows_progress_and_the_summary(tmp_path, quartiers):
    sortie, progression = io.StringIO(), io.StringIO()
    call_command(
        "importer_indicateurs",
        str(ecrire_fichier(tmp_path, [_ligne("QN03501M", "35238")])),
        stdout=sortie,
        stderr=progression,
    )

    assert "5/5 terminé" in progression.getvalue()
    assert "Valeurs créées : 10" in sortie.getvalue()
