from decimal import Decimal

from django import template

from evaluation.models import Indicateur

register = template.Library()


@register.filter
def valeur_formatee(indicateur: Indicateur, valeur: Decimal | None) -> str:
    """`{{ indicateur|valeur_formatee:valeur }}` : la valeur à la française, avec l'unité de l'indicateur."""
    return indicateur.formater(valeur)
