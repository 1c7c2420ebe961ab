"""Les tâches de fond de l'évaluation (file `pdf`), à la première demande, comme les PDF des contrats
(contrats.taches) : le rendu de la synthèse d'un QPV pour les élus et celui du PDF d'un bilan."""

from procrastinate.contrib.django import app

from config.taches import FILE_PDF, differer_une_fois, rendre_pdf_ou_reessayer
from evaluation import documents, documents_bilans


def verrou_pdf(code: str) -> str:
    return f"pdf:synthese-qpv-{code}"


def differer_rendu(code: str, *, tentative: int = 1, dans_secondes: int | None = None) -> int | None:
    """Demande le rendu de la synthèse du QPV : une seule tâche par quartier attend, et deux workers ne la
    rendent jamais en même temps (config.taches.differer_une_fois)."""
    return differer_une_fois(
        rendre_pdf_synthese_qpv,
        verrou=verrou_pdf(code),
        dans_secondes=dans_secondes,
        qpv=code,
        tentative=tentative,
    )


@app.task(queue=FILE_PDF)
def rendre_pdf_synthese_qpv(*, qpv: str, tentative: int = 1) -> str:
    """Rend la synthèse du QPV pour ses données du moment, si elle ne l'est pas déjà
    (evaluation.documents.mettre_a_jour)."""
    return rendre_pdf_ou_reessayer(
        lambda: documents.mettre_a_jour(qpv),
        tentative=tentative,
        reessayer=lambda suivante, attente: differer_rendu(qpv, tentative=suivante, dans_secondes=attente),
    )


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
    """Rend le PDF du bilan pour ses données du moment, s'il ne l'est pas déjà (evaluation.documents_bilans)."""
    return rendre_pdf_ou_reessayer(
        lambda: documents_bilans.mettre_a_jour(bilan),
        tentative=tentative,
        reessayer=lambda suivante, attente: differer_rendu_bilan(bilan, tentative=suivante, dans_secondes=attente),
    )
