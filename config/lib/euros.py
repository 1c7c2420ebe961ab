"""Les montants en euros écrits à la française : « 123 456,50 € », espace fine insécable entre les milliers.

Une seule fonction, `euros`, pour le code (messages d'erreur, journal des dossiers, noms des objets dans
l'administration) et pour les gabarits, où elle est le filtre `{{ montant|euros }}`, disponible partout.
"""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter(name="euros")
def euros(montant: Decimal | int | float | str | None) -> str:
    """123456.5 → « 123 456,50 € » (espaces insécables fines comme séparateur de milliers) ; un montant
    absent → « — »."""
    if montant is None or montant == "":
        return "—"
    texte = f"{Decimal(montant):,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{texte} €"
