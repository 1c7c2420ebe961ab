"""Le PDF d'un bilan : ses textes, ses chiffres (figés s'il est validé), ses graphiques et leurs tableaux, l'avis
du conseil citoyen et la validation en comité de pilotage. Rendu par une tâche de fond
(`evaluation.taches.rendre_pdf_bilan`) et gardé dans le stockage sous une empreinte de ses données, comme les PDF
des contrats (config/pdf.py) : un téléchargement ne rend jamais rien."""

import hashlib
import json

from django.template.loader import render_to_string

from config.pdf import edition_existe, html_en_pdf, lecture_coherente, ranger_edition
from evaluation.contenu_bilan import contenu, presenter
from evaluation.models import Bilan

GABARIT = "pdf/bilan.html"

# À changer à chaque modification du gabarit ou du rendu qui change le document (contrats.documents).
VERSION_GABARIT = "2026-12-07.1"


def nom_document(bilan_id: int) -> str:
    return f"bilan-{bilan_id}"


def _bilan(bilan_id: int) -> Bilan | None:
    return Bilan.objects.select_related("contrat", "avis_par").filter(pk=bilan_id).first()


def contexte(bilan: Bilan, donnees: dict | None = None) -> dict:
    donnees = contenu(bilan) if donnees is None else donnees
    return {"bilan": bilan, "contrat": bilan.contrat, **presenter(donnees)}


def empreinte(bilan: Bilan, donnees: dict | None = None) -> str:
    """Change avec les textes et l'état du bilan (`modifie_le`, qui suit chaque enregistrement) et avec ses
    chiffres : figés pour un bilan validé, ceux du moment sinon (assemblés en un nombre fixe de requêtes)."""
    donnees = dict(contenu(bilan) if donnees is None else donnees)
    donnees.pop("assemble_le", None)
    if bilan.est_fige:
        donnees = {"fige": bilan.valide_le.isoformat() if bilan.valide_le else ""}
    texte = json.dumps(donnees, sort_keys=True, default=str)
    return hashlib.sha256(
        f"{VERSION_GABARIT}:{bilan.statut}:{bilan.modifie_le.isoformat()}:{texte}".encode()
    ).hexdigest()[:24]


def pdf_bilan(bilan: Bilan) -> bytes:
    """Le bilan en PDF, rendu maintenant (sans passer par le stockage)."""
    return html_en_pdf(render_to_string(GABARIT, contexte(bilan)))


def mettre_a_jour(bilan_id: int) -> bool:
    """Rend et range le PDF du bilan pour ses données actuelles, s'il ne l'est pas déjà (le travail de la tâche
    de fond). Rend True s'il a été rendu, False s'il était à jour ou si le bilan n'existe plus."""
    with lecture_coherente():
        bilan = _bilan(bilan_id)
        if bilan is None:
            return False
        donnees = contenu(bilan)
        nom, valeur = nom_document(bilan.pk), empreinte(bilan, donnees)
        if edition_existe(nom, valeur):
            return False
        html = render_to_string(GABARIT, contexte(bilan, donnees))
    ranger_edition(nom, valeur, html_en_pdf(html))
    return True
