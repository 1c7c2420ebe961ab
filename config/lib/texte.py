"""Des textes ramenés à une forme commune pour les comparer : sans accents, sans majuscules ni ponctuation.

Pour comparer en Python (en-têtes et valeurs d'un tableur importé, requêtes d'un banc d'essai). Une recherche
en base compare plutôt avec `territoires.models.nom_normalise`, la même fonction que ses index.
"""

import unicodedata


def sans_accents(texte: str) -> str:
    """« Évry-Courcouronnes » → « Evry-Courcouronnes » : les lettres gardent leur casse, les accents partent."""
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))


def cle(texte: object) -> str:
    """« Raison sociale », « raison_sociale », « RAISON-SOCIALE » → « raisonsociale »."""
    return "".join(c for c in sans_accents(str(texte)).lower() if c.isalnum())
