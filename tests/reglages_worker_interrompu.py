"""Les réglages des tests, avec un stockage local qui s'arrête au milieu de l'écriture d'un fichier
(tests/stockage_interrompu.py) : ceux du worker que le test tue en plein rendu d'un PDF."""

from config.settings_test import *  # noqa: F403
from config.settings_test import STORAGES

STORAGES = {**STORAGES, "default": {"BACKEND": "tests.stockage_interrompu.StockageLocalInterrompu"}}
