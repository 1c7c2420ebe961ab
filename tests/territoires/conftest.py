import shutil
from pathlib import Path

import pytest

from territoires.demo import DOSSIER_DEMO
from territoires.imports.service import importer_dossier


@pytest.fixture
def referentiel(db):
    """Le référentiel de démonstration : Rennes Métropole et Toulouse Métropole, 9 communes, 21 QPV réels."""
    return importer_dossier(DOSSIER_DEMO, partiel=True)


@pytest.fixture
def dossier(tmp_path) -> Path:
    """Une copie modifiable des fichiers de démonstration, pour fabriquer des fichiers fautifs."""
    copie = tmp_path / "donnees"
    shutil.copytree(DOSSIER_DEMO, copie)
    (copie / "README.md").unlink()
    return copie
