"""Le compte-rendu financier annuel en PDF (parties de la convention), rendu par une tâche de fond
(`financements.taches.rendre_pdf_compte_rendu`) et gardé dans le stockage sous une empreinte de ses données,
comme le résumé d'un dossier (financements/documents.py) : un téléchargement ne rend jamais rien."""

import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Max
from django.template.loader import render_to_string

from config.pdf import edition_existe, html_en_pdf, lecture_coherente, ranger_edition
from financements.models import CompteRendu, LigneCompteRendu
from financements.models.dossier import SensBudget, TrancheAge

GABARIT = "pdf/compte_rendu.html"


def nom_document(compte_rendu_id: int) -> str:
    return f"compte-rendu-{compte_rendu_id}"


def empreinte(compte_rendu: CompteRendu) -> str:
    """Change à chaque enregistrement du compte-rendu (`modifie_le` : contenu, lignes, indicateurs, dépôt, état)
    et à chaque avis d'un financeur : une requête."""
    dernier = compte_rendu.avis.aggregate(n=Max("pk"))["n"] or 0
    return hashlib.sha256(f"{compte_rendu.modifie_le.isoformat()}-{dernier}".encode()).hexdigest()[:16]


def totaux(lignes: Iterable[LigneCompteRendu]) -> dict[str, dict[str, Decimal]]:
    """Le prévu et le réalisé des charges et des produits."""
    resultat = {sens: {"prevu": Decimal(0), "realise": Decimal(0)} for sens in SensBudget.values}
    for ligne in lignes:
        resultat[ligne.sens]["prevu"] += ligne.prevu
        resultat[ligne.sens]["realise"] += ligne.realise
    return resultat


def contexte(compte_rendu: CompteRendu) -> dict:
    lignes = list(compte_rendu.lignes.all())
    avis = sorted(compte_rendu.avis.all(), key=lambda a: (a.date, a.pk))
    return {
        "cr": compte_rendu,
        "convention": compte_rendu.convention,
        "parties": [p.financeur for p in compte_rendu.convention.parties.all()],
        "lignes": lignes,
        "totaux": totaux(lignes),
        "indicateurs": compte_rendu.indicateurs.all(),
        "ages": [(t.label, compte_rendu.beneficiaires_par_age.get(t.value)) for t in TrancheAge],
        "avis": avis,
    }


def _compte_rendu(compte_rendu_id: int) -> CompteRendu | None:
    return (
        CompteRendu.objects.select_related("convention__structure", "depose_par")
        .prefetch_related("lignes", "indicateurs", "avis__financeur", "convention__parties__financeur")
        .filter(pk=compte_rendu_id)
        .first()
    )


def pdf_compte_rendu(compte_rendu: CompteRendu) -> bytes:
    """Le compte-rendu, rendu maintenant (sans passer par le stockage)."""
    return html_en_pdf(render_to_string(GABARIT, contexte(compte_rendu)))


def mettre_a_jour(compte_rendu_id: int) -> bool:
    """Rend et range le PDF du compte-rendu pour ses données actuelles, s'il ne l'est pas déjà (le travail de la
    tâche de fond). Rend True s'il a été rendu, False s'il était à jour ou si le compte-rendu n'existe plus."""
    with lecture_coherente():
        compte_rendu = _compte_rendu(compte_rendu_id)
        if compte_rendu is None:
            return False
        nom, valeur = nom_document(compte_rendu.pk), empreinte(compte_rendu)
        if edition_existe(nom, valeur):
            return False
        html = render_to_string(GABARIT, contexte(compte_rendu))
    ranger_edition(nom, valeur, html_en_pdf(html))
    return True
