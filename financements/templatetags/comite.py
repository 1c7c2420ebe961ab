"""`{% load comite %}` : `user|voit_comite:appel` dit si la personne voit le comité de programmation de l'appel
(le lien de la page de l'appel)."""

from django import template

from financements.permissions import peut_voir_comite

register = template.Library()


@register.filter
def voit_comite(user, appel) -> bool:
    return peut_voir_comite(user, appel)
