"""Le résumé PDF d'un dossier (porteur, co-porteurs, instructeurs), rendu par une tâche de fond
(`financements.taches.rendre_pdf_dossier`) et gardé dans le stockage sous une empreinte du dossier, comme les
PDF des contrats (config/pdf.py) : un téléchargement ne rend jamais rien."""

import hashlib

from django.db.models import Prefetch
from django.template.loader import render_to_string

from config.pdf import edition_existe, html_en_pdf, lecture_coherente, ranger_edition
from financements.models import Dossier, Financement, LigneBudget
from financements.services import dossiers as services

GABARIT = "pdf/dossier.html"

# À changer à chaque modification du gabarit ou du rendu qui change le document : les résumés gardés sous
# l'ancienne version ne sont plus servis (contrats.documents.VERSION_GABARITS).
VERSION_GABARIT = "2026-12-07.1"


def nom_document(dossier_id: int) -> str:
    return f"dossier-{dossier_id}"


def empreinte(dossier: Dossier) -> str:
    """Change à chaque enregistrement du dossier (`modifie_le`) et à chaque entrée de son journal (budget,
    pièces, avis, décisions) : une requête."""
    dernier = dossier.journal.order_by("-pk").values_list("pk", flat=True).first() or 0
    return hashlib.sha256(f"{VERSION_GABARIT}:{dossier.modifie_le.isoformat()}-{dernier}".encode()).hexdigest()[:16]


def contexte(dossier: Dossier) -> dict:
    # Le même PDF sert au porteur et aux instructeurs : il ne montre que ce que le porteur peut lire.
    return {
        "dossier": dossier,
        "totaux": services.totaux_budget(dossier),
        "lignes": dossier.lignes_budget.all(),
        "financements": dossier.financements.all(),
        "co_porteurs": dossier.co_porteurs.all(),
        "journal": dossier.journal.pour_porteur(dossier)
        .exclude(a_statut="")
        .select_related("auteur")
        .order_by("date", "pk"),
        "decisions_visibles": services.est_decide(dossier),
    }


def _dossier(dossier_id: int) -> Dossier | None:
    return (
        Dossier.objects.select_related("appel__contrat", "structure")
        .prefetch_related(
            Prefetch("financements", queryset=Financement.objects.select_related("financeur", "decision")),
            Prefetch("lignes_budget", queryset=LigneBudget.objects.select_related("financeur")),
            "co_porteurs__structure",
            "qpv",
        )
        .filter(pk=dossier_id)
        .first()
    )


def pdf_dossier(dossier: Dossier) -> bytes:
    """Le résumé du dossier, rendu maintenant (sans passer par le stockage)."""
    return html_en_pdf(render_to_string(GABARIT, contexte(dossier)))


def mettre_a_jour(dossier_id: int) -> bool:
    """Rend et range le résumé du dossier pour ses données actuelles, s'il ne l'est pas déjà (le travail de la
    tâche de fond). Rend True s'il a été rendu, False s'il était à jour ou si le dossier n'existe plus."""
    with lecture_coherente():
        dossier = _dossier(dossier_id)
        if dossier is None:
            return False
        nom, valeur = nom_document(dossier.pk), empreinte(dossier)
        if edition_existe(nom, valeur):
            return False
        html = render_to_string(GABARIT, contexte(dossier))
    ranger_edition(nom, valeur, html_en_pdf(html))
    return True
