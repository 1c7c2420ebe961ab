from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from acteurs_ess import imports


class Command(BaseCommand):
    help = (
        "Importe des structures de l'ESS depuis un fichier CSV ou XLSX (colonnes : "
        + ", ".join(imports.COLONNES)
        + ") ; tout ou rien, relançable sans doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="analyse le fichier sans rien écrire")

    def handle(self, *args, fichier: Path, dry_run: bool, **options):
        if not fichier.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        analyse = imports.analyser(fichier.name, fichier.read_bytes())
        if analyse.erreur:
            raise CommandError(analyse.erreur)
        if analyse.colonnes_inconnues:
            self.stdout.write(f"Colonnes inconnues, ignorées : {', '.join(analyse.colonnes_inconnues)}")
        for ligne in analyse.rejets:
            self.stderr.write(f"Ligne {ligne.numero} ({ligne.raison_sociale or 'sans nom'}) : {ligne.explication}")
        resume = analyse.resume
        self.stdout.write(
            f"{len(analyse.lignes)} lignes : {resume['creation']} à créer, {resume['mise_a_jour']} à mettre à jour, "
            f"{resume['inchangee']} inchangées, {resume['ignoree']} ignorées (fiches tenues par leurs membres), "
            f"{resume['rejet']} rejetées."
        )
        if analyse.rejets:
            raise CommandError(f"{len(analyse.rejets)} ligne(s) rejetée(s) : rien n'a été écrit.")
        if dry_run:
            self.stdout.write("Essai à blanc (--dry-run) : rien n'a été écrit.")
            return
        bilan = imports.ecrire(analyse)
        self.stdout.write(
            self.style.SUCCESS(f"Import terminé : {bilan.creees} créée(s), {bilan.mises_a_jour} mise(s) à jour.")
        )
