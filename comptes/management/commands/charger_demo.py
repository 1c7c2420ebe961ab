from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from comptes.demo import COMPTES, MOT_DE_PASSE, hors_demo


class Command(BaseCommand):
    help = "Charge (ou remet à zéro) les données de démonstration ; peut être relancée sans risque."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="adresse affichée à la fin")
        parser.add_argument(
            "--force",
            action="store_true",
            help="charge la démonstration même dans une base qui contient d'autres comptes ou organisations",
        )

    def handle(self, *args, url, force=False, **options):
        comptes, organisations = hors_demo()
        if (comptes or organisations) and not force:
            raise CommandError(
                f"Cette base contient {comptes} compte{'s' if comptes > 1 else ''} et {organisations} "
                f"organisation{'s' if organisations > 1 else ''} qui ne viennent pas de la démonstration : "
                "rien n'a été chargé. La démonstration crée des comptes au mot de passe connu de tous, dont un "
                "administrateur ; utilisez une base à part, ou relancez avec --force si c'est bien voulu."
            )
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
