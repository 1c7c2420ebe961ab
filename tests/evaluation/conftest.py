"""Le catalogue national (les indicateurs du fichier officiel, sans valeurs) et des aides pour fabriquer des
fichiers de lignes de base, sur le contrat de Rennes Métropole (tests/contrats/fixtures.py)."""

from pathlib import Path

import pytest

from evaluation.catalogue import NATIONAUX, champs_indicateur
from evaluation.models import Indicateur
from evaluation.services.lignes_de_base import COLONNES

# Les dossiers et conventions du contrat (tests/financements/conftest.py), pour les liens et comptes-rendus.
from tests.financements.conftest import (  # noqa: F401
    _stockage,
    appel,
    brouillon,
    convention_cr,
    decide,
    depose,
    priorite,
    structure,
)


@pytest.fixture
def nationaux(db) -> dict[str, Indicateur]:
    return {d.code: Indicateur.objects.create(code=d.code, **champs_indicateur(d)) for d in NATIONAUX}


def ecrire_fichier(dossier: Path, lignes: list[list[str]], entete: list[str] | None = None) -> Path:
    """Un qpv_2024_indicateurs.csv fabriqué : `lignes` donne code_qpv, commune_insee puis les 10 valeurs."""
    dossier.mkdir(parents=True, exist_ok=True)
    chemin = dossier / "qpv_2024_indicateurs.csv"
    texte = ",".join(entete or COLONNES) + "\n" + "".join(",".join(ligne) + "\n" for ligne in lignes)
    chemin.write_text(texte, encoding="utf-8")
    return dossier
