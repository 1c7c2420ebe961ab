"""Les tâches de fond de l'évaluation : le rendu de la synthèse d'un QPV pour les élus (file `pdf`), à la
première demande, comme les PDF des contrats (contrats.taches)."""

from procrastinate.contrib.django import app

from config.taches import FILE_PDF, differer_une_fois, rendre_pdf_ou_reessayer
from evaluation import documents


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
