"""Les tâches de fond de l'annuaire : l'import de structures confirmé depuis la page d'import."""

from procrastinate.contrib.django import app

from acteurs_ess import imports

# Un import de 100 000 lignes prend plusieurs minutes : sa propre file, pour qu'un worker dédié aux e-mails ou
# aux rappels ne l'attende pas (README, « Combien, où »).
FILE_IMPORTS = "imports"


@app.task(queue=FILE_IMPORTS)
def importer_structures(jeton: str) -> None:
    """Écrit l'import confirmé de l'aperçu `jeton` (`acteurs_ess.imports.executer_import`). Différée avec le
    verrou de file `importer_structures:<jeton>` (`acteurs_ess.services.confirmer_import`) : un double clic
    n'importe pas deux fois."""
    imports.executer_import(jeton)
