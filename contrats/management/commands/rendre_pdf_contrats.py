"""Demande aux workers de rendre à l'avance les PDF des contrats (contrat complet et synthèse) dont les données
ont changé, pour que les téléchargements les trouvent prêts (après un import, ou une modification des gabarits).
Chaque document d'un contrat est une tâche de la file `pdf` ; un PDF déjà rendu pour les données actuelles n'est
pas rendu à nouveau."""

from django.core.management.base import BaseCommand, CommandError

from contrats.models import ContratDeVille
from contrats.taches import differer_rendus


class Command(BaseCommand):
    help = (
        "Demande aux workers (file pdf) le rendu des PDF des contrats de ville dont les données ont changé "
        "(tous les contrats signés par défaut)."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="codes des contrats (par défaut : les contrats signés)")

    def handle(self, *args, codes, **options):
        contrats = ContratDeVille.objects.order_by("code")
        contrats = contrats.filter(code__in=codes) if codes else contrats.publics()
        contrats = list(contrats.only("pk", "code"))
        inconnus = sorted(set(codes) - {contrat.code for contrat in contrats})
        if inconnus:
            raise CommandError(f"Contrat(s) introuvable(s) : {', '.join(inconnus)}.")
        for contrat in contrats:
            differer_rendus(contrat.pk)
            self.stdout.write(f"{contrat.code} : rendu demandé.")
        self.stdout.write(f"{len(contrats)} contrat(s) : les workers de la file pdf rendent ceux qui ont changé.")
