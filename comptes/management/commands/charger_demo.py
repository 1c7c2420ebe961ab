from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from comptes.demo import COMPTES, MOT_DE_PASSE


class Command(BaseCommand):
    help = "Charge (ou remet à zéro) les données de démonstration ; peut être relancée sans risque."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="adresse affichée à la fin")

    def handle(self, *args, url, **options):
        # Chaque application fournit son module demo.py ; l'ordre d'INSTALLED_APPS suit celui des dépendances.
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as erreur:
                    if erreur.name != f"{config.name}.demo":
                        raise
                    continue
                module.charger(sortie=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Coville est servi sur {url}"))
        self.stdout.write(f"Comptes de démonstration (mot de passe pour tous : {MOT_DE_PASSE}) :")
        for compte in COMPTES:
            self.stdout.write(f"  {compte.email:<32} {compte.role.label:<32} {compte.organisation}")
        self.stdout.write("")
