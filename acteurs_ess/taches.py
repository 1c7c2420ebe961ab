"""Les tâches de fond de l'annuaire : l'import de structures confirmé depuis la page d'import, et la purge des
aperçus d'import jamais confirmés."""

from procrastinate.contrib.django import app

from acteurs_ess import apercus, imports
from config.taches import FILE_MAINTENANCE

# Un import de 100 000 lignes prend plusieurs minutes : sa propre file, pour qu'un worker dédié aux e-mails ou
# aux rappels ne l'attende pas (README, « Combien, où »).
FILE_IMPORTS = "imports"


@app.task(queue=FILE_IMPORTS)
def importer_structures(jeton: str) -> None:
    """Écrit l'import confirmé de l'aperçu `jeton` (`acteurs_ess.imports.executer_import`). Différée avec le
    verrou de file et d'exécution `importer_structures:<jeton>` (`acteurs_ess.services.confirmer_import`) : un
    double clic n'importe pas deux fois, et deux tâches du même import ne l'écrivent jamais en même temps."""
    imports.executer_import(jeton)


@app.periodic(cron="47 * * * *")
@app.task(queue=FILE_MAINTENANCE, queueing_lock="purger_apercus_abandonnes")
def purger_apercus_abandonnes(timestamp: int) -> int:
    """Chaque heure, supprime du stockage les aperçus d'import déposés depuis plus de
    `COVILLE_APERCUS_IMPORT_HEURES` heures et jamais confirmés ; rend leur nombre."""
    return apercus.purger_apercus_abandonnes()
