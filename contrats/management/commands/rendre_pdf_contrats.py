"""Rend à l'avance les PDF des contrats (contrat complet et synthèse) dont les données ont changé, pour que
les téléchargements lisent le stockage au lieu de rendre pendant la requête (à lancer après un import, ou
régulièrement). Un PDF déjà rendu pour les données actuelles n'est pas rendu à nouveau."""

from django.core.management.base import BaseCommand, CommandError

from contrats.documents import pdf_contrat, pdf_synthese
from contrats.models import ContratDeVille


class Command(BaseCommand):
    help = "Rend les PDF des contrats de ville dont les données ont changé (tous les contrats signés par défaut)."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="codes des contrats (par défaut : les contrats signés)")

    def handle(self, *args, codes, **options):
        contrats = ContratDeVille.objects.avec_porteur().order_by("code")
        contrats = contrats.filter(code__in=codes) if codes else contrats.publics()
        contrats = list(contrats)
        inconnus = sorted(set(codes) - {contrat.code for contrat in contrats})
        if inconnus:
            raise CommandError(f"Contrat(s) introuvable(s) : {', '.join(inconnus)}.")
        for contrat in contrats:
            pdf_contrat(contrat)
            pdf_synthese(contrat)
            self.stdout.write(f"{contrat.code} : PDF à jour.")
        self.stdout.write(f"{len(contrats)} contrat(s) traité(s).")
