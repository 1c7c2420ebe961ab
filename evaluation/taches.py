"""Les tâches de fond de l'évaluation : le rendu du PDF d'un bilan (file `pdf`)."""

from procrastinate.contrib.django import app

from config.taches import FILE_PDF, differer_une_fois, rendre_pdf_ou_reessayer
from evaluation import documents


def verrou_pdf_bilan(bilan_id: int) -> str:
    return f"pdf:bilan-{bilan_id}"


def differer_rendu_bilan(bilan_id: int, *, tentative: int = 1, dans_secondes: int | None = None) -> int | None:
    """Demande le rendu du PDF du bilan : une seule tâche par bilan attend, deux workers ne le rendent jamais en
    même temps (config.taches.differer_une_fois)."""
    return differer_une_fois(
        rendre_pdf_bilan,
        verrou=verrou_pdf_bilan(bilan_id),
        dans_secondes=dans_secondes,
        bilan=bilan_id,
        tentative=tentative,
    )


@app.task(queue=FILE_PDF)
def rendre_pdf_bilan(*, bilan: int, tentative: int = 1) -> str:
    """Rend le PDF du bilan pour ses données du moment, s'il ne l'est pas déjà (evaluation.documents)."""
    return rendre_pdf_ou_reessayer(
        lambda: documents.mettre_a_jour(bilan),
        tentative=tentative,
        reessayer=lambda suivante, attente: differer_rendu_bilan(bilan, tentative=suivante, dans_secondes=attente),
    )
