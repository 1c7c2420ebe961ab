"""Les tâches de fond des contrats : le rendu de leurs PDF (file `pdf`) et le rappel de la fin d'une
concertation, cherché chaque heure (un worker arrêté à l'heure dite ne fait manquer aucun rappel : le suivant le
trouve ; RappelConcertation fait qu'il ne part qu'une fois)."""

from procrastinate.contrib.django import app

from config.taches import FILE_PDF, differer_une_fois, rendre_pdf_ou_reessayer
from contrats import documents
from contrats.services import concertation

FILE_RAPPELS = "rappels"


def verrou_pdf(contrat_id: int, cle: str) -> str:
    return f"pdf:{cle}-contrat-{contrat_id}"


def differer_rendu(contrat_id: int, cle: str, *, tentative: int = 1, dans_secondes: int | None = None) -> int | None:
    """Demande le rendu du document `cle` du contrat : une seule tâche par document et par contrat attend
    (les changements suivants se fondent en elle, puisqu'elle lit l'empreinte au moment où elle s'exécute),
    et deux workers ne rendent jamais le même document en même temps."""
    return differer_une_fois(
        rendre_pdf_contrat,
        verrou=verrou_pdf(contrat_id, cle),
        dans_secondes=dans_secondes,
        contrat=contrat_id,
        document=cle,
        tentative=tentative,
    )


def differer_rendus(contrat_id: int) -> None:
    """Les données du contrat ont changé : ses deux PDF sont rendus à nouveau en arrière-plan (le contrat
    complet d'abord : à priorité égale, les tâches partent dans l'ordre où elles ont été différées)."""
    for cle in documents.DOCUMENTS:
        differer_rendu(contrat_id, cle)


@app.task(queue=FILE_PDF)
def rendre_pdf_contrat(*, contrat: int, document: str, tentative: int = 1) -> str:
    """Rend le document (`contrat` ou `synthese`) du contrat pour ses données du moment, s'il ne l'est pas
    déjà (contrats.documents.mettre_a_jour)."""
    return rendre_pdf_ou_reessayer(
        lambda: documents.mettre_a_jour(contrat, document),
        tentative=tentative,
        reessayer=lambda suivante, attente: differer_rendu(
            contrat, document, tentative=suivante, dans_secondes=attente
        ),
    )


@app.periodic(cron="2 * * * *")
@app.task(queue=FILE_RAPPELS, queueing_lock="rappeler_fins_de_concertation", lock="rappeler_fins_de_concertation")
def rappeler_fins_de_concertation(timestamp: int) -> int:
    """Trois jours avant sa fin, les publics d'une concertation."""
    return concertation.rappeler_fins_de_concertation()


@app.periodic(cron="4 * * * *")
@app.task(
    queue=FILE_RAPPELS, queueing_lock="annoncer_ouvertures_de_concertation", lock="annoncer_ouvertures_de_concertation"
)
def annoncer_ouvertures_de_concertation(timestamp: int) -> int:
    """Le jour de leur début, les publics d'une concertation ouverte à l'avance reçoivent son annonce."""
    return concertation.annoncer_ouvertures()
