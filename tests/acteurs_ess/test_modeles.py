import pytest
from django.db import IntegrityError

from acteurs_ess.models import Structure
from tests.acteurs_ess.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_it_derives_the_siren_and_search_keywords_on_save():
    structure = StructureFactory(siret="44306184100047", agrements=["esus"], domaines=["jeunesse"])
    structure.refresh_from_db()
    assert structure.siren == "443061841"
    assert "Agrément ESUS" in structure.mots_cles
    assert "Jeunesse" in structure.mots_cles
    # « Association » ne départage rien (la plupart des structures en sont) : c'est un filtre, pas un mot-clé.
    assert "Association" not in structure.mots_cles
    assert "SCOP" in StructureFactory(forme_juridique="scop").mots_cles


def test_it_refuses_two_structures_with_the_same_siret():
    StructureFactory(siret="44306184100047")
    with pytest.raises(IntegrityError):
        StructureFactory(siret="44306184100047")


def test_it_allows_many_structures_without_siret_or_rna():
    StructureFactory()
    StructureFactory()
    assert Structure.objects.filter(siret="", rna="").count() == 2


def test_it_refuses_two_structures_with_the_same_rna():
    StructureFactory(rna="W353012345")
    with pytest.raises(IntegrityError):
        StructureFactory(rna="W353012345")


def test_it_indexes_names_descriptions_and_labels_without_accents():
    StructureFactory(raison_sociale="Régie de quartier", description="Entretien des espaces verts", domaines=["sante"])
    recherche = Structure.objects.values_list("recherche", flat=True).get()
    assert "'reg':" in recherche
    assert "'entretien':" in recherche
    assert "'sant':" in recherche
