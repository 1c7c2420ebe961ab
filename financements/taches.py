"""Les tâches de fond des financements : les rappels par date, cherchés chaque heure (un worker arrêté à l'heure
dite ne fait manquer aucun rappel : le suivant le trouve ; RappelDossier fait qu'il ne part qu'une fois)."""

from procrastinate.contrib.django import app

from financements.services import rappels

FILE_RAPPELS = "rappels"


@app.periodic(cron="7 * * * *")
@app.task(queue=FILE_RAPPELS, queueing_lock="rappeler_clotures_appels", lock="rappeler_clotures_appels")
def rappeler_clotures_appels(timestamp: int) -> int:
    """Une semaine avant la clôture d'un appel, les structures dont le dossier est en brouillon."""
    return rappels.rappeler_clotures()


@app.periodic(cron="12 * * * *")
@app.task(queue=FILE_RAPPELS, queueing_lock="rappeler_decisions_attendues", lock="rappeler_decisions_attendues")
def rappeler_decisions_attendues(timestamp: int) -> int:
    """Les instructeurs d'un dossier qui attend une décision depuis plus de trente jours."""
    return rappels.rappeler_decisions_attendues()
