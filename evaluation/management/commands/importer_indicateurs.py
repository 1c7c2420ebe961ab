from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evaluation.services.lignes_de_base import FICHIER, importer_lignes_de_base
from territoires.imports.erreurs import ErreurImport


class Command(BaseCommand):
    help = (
        f"Importe les lignes de base officielles des indicateurs des QPV ({FICHIER}) depuis DOSSIER (par défaut, "
        "le dossier des données partagées). Le référentiel territorial doit être importé avant."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", type=Path, nargs="?", help="dossier du fichier (défaut : DONNEES_PARTAGEES)")
        parser.add_argument(
            "--dry-run", "--a-blanc", action="store_true", dest="a_blanc", help="montre ce qui changerait sans écrire"
        )

    def handle(self, *args, dossier: Path | None, a_blanc: bool, verbosity: int, **options):
        ecrire = (lambda texte: self.stderr.write(texte, ending="")) if verbosity > 0 else None
        try:
            bilan = importer_lignes_de_base(dossier or settings.DONNEES_PARTAGEES, a_blanc=a_blanc, ecrire=ecrire)
        except ErreurImport as erreur:
            raise CommandError(f"Import refusé, rien n'a été écrit.\n{erreur.message}") from None
        for ligne in bilan.resume():
            self.stdout.write(ligne)
