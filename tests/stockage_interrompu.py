"""Un stockage local dont l'écriture s'arrête au milieu d'un fichier, pour le worker que
tests/contrats/test_pdf_en_arriere_plan.py tue en plein rendu (réglages : tests/reglages_worker_interrompu.py).

Le vrai StockageLocal écrit : après le premier morceau du PDF, le fichier COVILLE_ECRITURE_COMMENCEE est créé
pour prévenir le test, et l'écriture attend indéfiniment qu'on tue le processus."""

import os
import time
from pathlib import Path

from django.core.files.base import ContentFile

from config.lib.stockage import StockageLocal


class _Interrompu(ContentFile):
    def chunks(self, chunk_size=None):
        contenu = self.read()
        yield contenu[: len(contenu) // 2]
        Path(os.environ["COVILLE_ECRITURE_COMMENCEE"]).touch()
        while True:
            time.sleep(1)  # jusqu'au SIGKILL du test


class StockageLocalInterrompu(StockageLocal):
    def _save(self, name, content):
        return super()._save(name, _Interrompu(content.read(), name=name))
