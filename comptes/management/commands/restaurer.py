"""Restaure une archive de `sauvegarder` dans une base et un stockage vides (comptes/sauvegarde.py ;
`make restauration FICHIER=…`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comptes.sauvegarde import ErreurSauvegarde, restaurer


class Command(BaseCommand):
    help = "Restaure une sauvegarde dans la base de DATABASE_URL et le stockage des fichiers, tous deux vides."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="archive écrite par `manage.py sauvegarder`")

    def handle(self, *args, **options):
        try:
            restauration = restaurer(options["archive"])
        except ErreurSauvegarde as erreur:
            raise CommandError(str(erreur)) from erreur
        if restauration.ecarts:
            raise CommandError("Restauration différente de la sauvegarde :\n" + "\n".join(restauration.ecarts))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration vérifiée : {restauration.tables} tables, {restauration.lignes} lignes et "
                f"{restauration.fichiers} fichiers, identiques au manifeste."
            )
        )
