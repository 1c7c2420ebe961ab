"""Les tâches de fond des financements : le rendu des PDF (résumé d'un dossier, convention, avenant ; file `pdf`)
et les rappels par
date, cherchés chaque heure (un worker arrêté à l'heure dite ne fait manquer aucun rappel : le suivant le
trouve ; RappelDossier fait qu'il ne part qu'une fois)."""

from datetime import UTC, datetime

from django.utils import timezone
from procrastinate.contrib.django import app

from config.taches import FILE_PDF, differer_une_fois, rendre_pdf_ou_reessayer
from financements import documents, documents_comptes_rendus
from financements.services import rappels

FILE_RAPPELS = "rappels"


def verrou_pdf(dossier_id: int) -> str:
    return f"pdf:dossier-{dossier_id}"


def differer_rendu(dossier_id: int, *, tentative: int = 1, dans_secondes: int | None = None) -> int | None:
    """Demande le rendu du résumé du dossier : une seule tâche par dossier attend, deux workers ne le rendent
    jamais en même temps (config.taches.differer_une_fois)."""
    return differer_une_fois(
        rendre_pdf_dossier,
        verrou=verrou_pdf(dossier_id),
        dans_secondes=dans_secondes,
        dossier=dossier_id,
        tentative=tentative,
    )


@app.task(queue=FILE_PDF)
def rendre_pdf_dossier(*, dossier: int, tentative: int = 1) -> str:
    """Rend le résumé du dossier pour ses données du moment, s'il ne l'est pas déjà
    (financements.documents.mettre_a_jour)."""
    return rendre_pdf_ou_reessayer(
        lambda: documents.mettre_a_jour(dossier),
        tentative=tentative,
        reessayer=lambda suivante, attente: differer_rendu(dossier, tentative=suivante, dans_secondes=attente),
    )


def verrou_pdf_convention(convention_id: int) -> str:
    return f"pdf:convention-{convention_id}"


def verrou_pdf_avenant(avenant_id: int) -> str:
    return f"pdf:avenant-{avenant_id}"


def differer_rendu_convention(
    convention_id: int, *, tentative: int = 1, dans_secondes: int | None = None
) -> int | None:
    return differer_une_fois(
        rendre_pdf_convention,
        verrou=verrou_pdf_convention(convention_id),
        dans_secondes=dans_secondes,
        convention=convention_id,
        tentative=tentative,
    )


def differer_rendu_avenant(avenant_id: int, *, tentative: int = 1, dans_secondes: int | None = None) -> int | None:
    return differer_une_fois(
        rendre_pdf_avenant,
        verrou=verrou_pdf_avenant(avenant_id),
        dans_secondes=dans_secondes,
        avenant=avenant_id,
        tentative=tentative,
    )


@app.task(queue=FILE_PDF)
def rendre_pdf_convention(*, convention: int, tentative: int = 1) -> str:
    """Rend la convention pour ses données du moment, si elle ne l'est pas déjà."""
    return rendre_pdf_ou_reessayer(
        lambda: documents.mettre_a_jour_convention(convention),
        tentative=tentative,
        reessayer=lambda suivante, attente: differer_rendu_convention(
            convention, tentative=suivante, dans_secondes=attente
        ),
    )


@app.task(queue=FILE_PDF)
def rendre_pdf_avenant(*, avenant: int, tentative: int = 1) -> str:
    """Rend l'avenant pour ses données du moment (ses signatures), s'il ne l'est pas déjà."""
    return rendre_pdf_ou_reessayer(
        lambda: documents.mettre_a_jour_avenant(avenant),
        tentative=tentative,
        reessayer=lambda suivante, attente: differer_rendu_avenant(avenant, tentative=suivante, dans_secondes=attente),
    )


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


# --- Comptes-rendus financiers annuels ----------------------------------------------------------------------


def verrou_pdf_compte_rendu(compte_rendu_id: int) -> str:
    return f"pdf:compte-rendu-{compte_rendu_id}"


def differer_rendu_compte_rendu(
    compte_rendu_id: int, *, tentative: int = 1, dans_secondes: int | None = None
) -> int | None:
    """Demande le rendu du PDF du compte-rendu : une seule tâche par compte-rendu attend, deux workers ne le
    rendent jamais en même temps (config.taches.differer_une_fois)."""
    return differer_une_fois(
        rendre_pdf_compte_rendu,
        verrou=verrou_pdf_compte_rendu(compte_rendu_id),
        dans_secondes=dans_secondes,
        compte_rendu=compte_rendu_id,
        tentative=tentative,
    )


@app.task(queue=FILE_PDF)
def rendre_pdf_compte_rendu(*, compte_rendu: int, tentative: int = 1) -> str:
    """Rend le PDF du compte-rendu pour ses données du moment, s'il ne l'est pas déjà
    (financements.documents_comptes_rendus.mettre_a_jour)."""
    return rendre_pdf_ou_reessayer(
        lambda: documents_comptes_rendus.mettre_a_jour(compte_rendu),
        tentative=tentative,
        reessayer=lambda suivante, attente: differer_rendu_compte_rendu(
            compte_rendu, tentative=suivante, dans_secondes=attente
        ),
    )


@app.periodic(cron="22 * * * *")
@app.task(queue=FILE_RAPPELS, queueing_lock="rappeler_comptes_rendus", lock="rappeler_comptes_rendus")
def rappeler_comptes_rendus(timestamp: int) -> int:
    """Les membres de la structure dont le compte-rendu annuel est dû dans trente jours, dans sept jours, ou en
    retard (une fois chacun), d'après le jour de l'heure prévue de la tâche (`timestamp`)."""
    jour = timezone.localtime(datetime.fromtimestamp(timestamp, tz=UTC)).date()
    return rappels.rappeler_comptes_rendus(jour)


@app.task(queue=FILE_RAPPELS)
def alerter_publication_appel(*, appel: int) -> int:
    """À la publication d'un appel, l'alerte aux membres des structures de son territoire
    (financements.alertes)."""
    from financements import alertes

    return alertes.alerter(appel)
