from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe

from contrats.texte import nettoyer

register = template.Library()


# Le nettoyage ne dépend que du texte : un même texte (une version déjà affichée) n'est pas nettoyé deux fois
# par le même processus. La clé est le texte lui-même, jamais un identifiant qui pourrait désigner un autre texte.
_nettoyer_en_memoire = lru_cache(maxsize=1024)(nettoyer)


@register.filter
def html_sur(valeur: str) -> str:
    """Affiche un texte riche de section, nettoyé à nouveau juste avant l'affichage."""
    return mark_safe(_nettoyer_en_memoire(valeur or ""))  # nosec B308 B703 # nettoyé par nh3 juste au-dessus
