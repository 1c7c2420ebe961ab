"""Imprime l'état de la file des tâches de fond : par file, les tâches prêtes, programmées, en cours et en échec,
l'attente de la plus vieille tâche prête, et les workers vivants (comptes/supervision.py)."""

import json

from django.core.management.base import BaseCommand

from comptes.supervision import RETARD_FILE_SECONDES, etat_taches


def _duree(secondes: float | None) -> str:
    if secondes is None:
        return "—"
    if secondes < 120:
        return f"{secondes:.0f} s"
    if secondes < 7200:
        return f"{secondes / 60:.0f} min"
    return f"{secondes / 3600:.1f} h"


class Command(BaseCommand):
    help = "État de la file des tâches de fond (Procrastinate) : attente, workers vivants."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="sortie JSON (pour un moniteur)")

    def handle(self, *args, **options):
        etat = etat_taches()
        if options["json"]:
            from dataclasses import asdict

            self.stdout.write(json.dumps(asdict(etat), ensure_ascii=False))
            return
        if etat.erreur:
            self.stderr.write(f"File illisible : {etat.erreur}")
            return
        self.stdout.write(f"Workers vivants : {etat.workers_vivants}")
        entetes = ("file", "prêtes", "programmées", "en cours", "en échec", "plus vieille attente")
        lignes = [
            (f.nom, str(f.pretes), str(f.programmees), str(f.en_cours), str(f.en_echec), _duree(f.attente_max_secondes))
            for f in etat.files
        ]
        largeurs = [max(len(ligne[i]) for ligne in [entetes, *lignes]) for i in range(len(entetes))]
        for ligne in [entetes, *lignes]:
            self.stdout.write(
                "  ".join(cellule.ljust(largeur) for cellule, largeur in zip(ligne, largeurs, strict=True))
            )
        if not lignes:
            self.stdout.write("Aucune tâche en attente, en cours ou en échec.")
        if etat.statut == "alerte":
            self.stdout.write(
                self.style.WARNING(
                    f"Alerte : des tâches prêtes attendent depuis plus de {RETARD_FILE_SECONDES // 60} minutes, "
                    "ou aucun worker ne tourne."
                )
            )
