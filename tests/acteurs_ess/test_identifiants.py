import csv

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from acteurs_ess.identifiants import normaliser_rna, normaliser_siren, normaliser_siret


def test_it_accepts_a_valid_siren_with_spaces():
    assert normaliser_siren("443 061 841") == "443061841"


@pytest.mark.parametrize("saisie", ["443061842", "12345678", "ABCDEFGHI", "4430618411"])
def test_it_rejects_an_invalid_siren_with_a_french_message(saisie):
    with pytest.raises(ValidationError, match="SIREN"):
        normaliser_siren(saisie)


def test_it_accepts_a_valid_siret():
    assert normaliser_siret("443 061 841 00047") == "44306184100047"


def test_it_rejects_a_siret_with_a_wrong_check_digit():
    with pytest.raises(ValidationError, match="clé de contrôle est fausse"):
        normaliser_siret("44306184100048")


def test_it_rejects_a_siret_of_the_wrong_length():
    with pytest.raises(ValidationError, match="il faut 14 chiffres"):
        normaliser_siret("4430618410004")


@pytest.mark.parametrize("siret", ["35600000000048", "35600000049837", "35600000012341"])
def test_it_accepts_la_poste_sirets_that_do_not_follow_luhn(siret):
    # La Poste : la somme des chiffres est un multiple de 5, pas la clé de Luhn.
    assert normaliser_siret(siret) == siret


def test_it_rejects_a_la_poste_siret_whose_digit_sum_is_wrong():
    with pytest.raises(ValidationError, match="clé de contrôle"):
        normaliser_siret("35600000049838")


@pytest.mark.parametrize("saisie, attendu", [("W353012345", "W353012345"), ("w2a1000123", "W2A1000123")])
def test_it_accepts_rna_numbers(saisie, attendu):
    assert normaliser_rna(saisie) == attendu


@pytest.mark.parametrize("saisie", ["353012345", "W35301234", "W3530123456", "W35301234é", "X353012345"])
def test_it_rejects_malformed_rna_numbers(saisie):
    with pytest.raises(ValidationError, match="n'est pas un numéro RNA"):
        normaliser_rna(saisie)


def _sirens(nom_fichier: str) -> list[str]:
    chemin = settings.DONNEES_PARTAGEES / nom_fichier
    # Pas de skip : sans les fichiers réels, le test doit échouer bruyamment.
    assert chemin.exists(), f"Fichier de référence introuvable : {chemin} (voir COVILLE_DONNEES)"
    with chemin.open(encoding="utf-8") as fichier:
        return [ligne["siren"] for ligne in csv.DictReader(fichier) if ligne["siren"]]


@pytest.mark.donnees_nationales
@pytest.mark.parametrize("nom_fichier, minimum", [("communes.csv", 34_000), ("epci.csv", 1_200)])
def test_it_accepts_the_real_siren_of_every_commune_and_epci(nom_fichier, minimum):
    sirens = _sirens(nom_fichier)
    assert len(sirens) >= minimum
    refuses = []
    for siren in sirens:
        try:
            normaliser_siren(siren)
        except ValidationError:
            refuses.append(siren)
    assert refuses == []
