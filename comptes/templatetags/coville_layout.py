from django import template
from django.contrib.messages import constants
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

TYPES = {
    constants.DEBUG: "info",
    constants.INFO: "info",
    constants.SUCCESS: "success",
    constants.WARNING: "warning",
    constants.ERROR: "error",
}


@register.simple_tag(takes_context=True)
def messages_fermables(context) -> SafeString:
    """Les messages de Django en alertes DSFR avec un bouton « Masquer le message ».

    Le bouton de django-dsfr repose sur un `onclick` en ligne que notre politique de sécurité du contenu
    bloque ; celui-ci porte `data-coville-fermer`, que `static/coville/coville.js` écoute.
    """
    alertes = [
        render_to_string(
            "dsfr/alert.html",
            {
                "self": {
                    "type": TYPES.get(message.level, "info"),
                    "content": str(message),
                    "title": None,
                    "id": f"message-{rang}",
                    "is_collapsible": True,
                    "collapsible_attrs": {"data-coville-fermer": "", "type": "button"},
                    "extra_classes": message.extra_tags or "",
                }
            },
        )
        for rang, message in enumerate(context.get("messages") or [])
    ]
    if not alertes:
        return mark_safe("")  # nosec B308 B703 # chaîne vide
    return mark_safe('<div class="fr-my-4v">' + "".join(alertes) + "</div>")  # nosec B308 B703 # alertes rendues par gabarit (échappées)
