"""Filtres des pages et e-mails des dossiers."""

from decimal import Decimal

from django import template

from financements.services.dossiers import euros as _euros

register = template.Library()


@register.filter
def euros(montant) -> str:
    """1234.5 → « 1 234,50 € »."""
    if montant in (None, ""):
        return "—"
    return _euros(Decimal(montant))
