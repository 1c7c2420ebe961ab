"""Sauvegarde cohérente de la base puis des fichiers dans une archive (comptes/sauvegarde.py ; `make sauvegarde`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comptes.sauvegarde import ErreurSauvegarde, repertoire_par_defaut, sauvegarder


class Command(BaseCommand):
    help = "Sauvegarde la base (pg_dump) puis les fichiers du stockage, avec un manifeste, dans une archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repertoire", type=Path, default=None, help="dossier des archives (défaut : var/sauvegardes)"
        )

    def handle(self, *args, **options):
        try:
            archive, manifeste = sauvegarder(options["repertoire"] or repertoire_par_defaut())
        except ErreurSauvegarde as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(
            f"Sauvegarde écrite : {archive}\n"
            f"  PostgreSQL {manifeste.postgresql} : {len(manifeste.tables)} tables, "
            f"{sum(manifeste.tables.values())} lignes ; {len(manifeste.fichiers)} fichiers"
        )
