"""Les tâches de fond des contrats : le rappel de la fin d'une concertation, cherché chaque heure (un worker arrêté
à l'heure dite ne fait manquer aucun rappel : le suivant le trouve ; RappelConcertation fait qu'il ne part
qu'une fois)."""

from procrastinate.contrib.django import app

from contrats.services import concertation

FILE_RAPPELS = "rappels"


@app.periodic(cron="2 * * * *")
@app.task(queue=FILE_RAPPELS, queueing_lock="rappeler_fins_de_concertation", lock="rappeler_fins_de_concertation")
def rappeler_fins_de_concertation(timestamp: int) -> int:
    """Trois jours avant sa fin, les publics d'une concertation."""
    return concertation.rappeler_fins_de_concertation()
