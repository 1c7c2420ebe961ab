"""Le journal du contrat pour ce qui n'en change pas l'état : une ligne par modification, avec qui et quoi."""

from contrats.models import ContratDeVille, JournalContrat


def journaliser_modification(contrat: ContratDeVille, auteur, motif: str) -> JournalContrat:
    return JournalContrat.objects.create(contrat=contrat, auteur=auteur, de_statut="", a_statut="", motif=motif)
