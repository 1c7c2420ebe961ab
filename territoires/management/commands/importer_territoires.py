from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territoires.imports.erreurs import ErreurImport
from territoires.imports.service import FICHIERS, importer_dossier


class Command(BaseCommand):
    help = (
        "Importe le référentiel territorial (régions, départements, EPCI, EPT, communes, QPV 2024) depuis les "
        f"fichiers officiels présents dans DOSSIER : {', '.join(FICHIERS.values())}."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", type=Path, help="dossier des fichiers officiels")
        parser.add_argument(
            "--dry-run",
            "--a-blanc",
            action="store_true",
            dest="a_blanc",
            help="montre ce qui changerait, sans rien écrire",
        )

        parser.add_argument(
            "--partiel",
            action="store_true",
            help="les fichiers ne couvrent qu'une partie du territoire : ce qui en est absent ne devient pas obsolète",
        )

    def handle(self, *args, dossier: Path, a_blanc: bool, partiel: bool, verbosity: int, **options):
        ecrire = (lambda texte: self.stderr.write(texte, ending="")) if verbosity > 0 else None
        try:
            bilan = importer_dossier(dossier, a_blanc=a_blanc, partiel=partiel, ecrire=ecrire)
        except ErreurImport as erreur:
            raise CommandError(f"Import refusé, rien n'a été écrit.\n{erreur.message}") from None
        for ligne in bilan.lignes():
            self.stdout.write(ligne)
