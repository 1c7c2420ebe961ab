from django import template
from django.utils.safestring import mark_safe

from contrats.texte import nettoyer

register = template.Library()


@register.filter
def html_sur(valeur: str) -> str:
    """Affiche un texte riche de section, nettoyé à nouveau juste avant l'affichage."""
    return mark_safe(nettoyer(valeur))  # noqa: S308 — nettoyé par nh3 juste au-dessus
