"""Un menu déroulant (`<select>`) écrit d'un trait en Python.

Django écrit chaque `<option>` par un gabarit (select_option.html, inclus une fois par option) : un menu des 65
QPV d'un contrat coûte ainsi plus que tout le reste d'un formulaire de filtres. `MenuRapide` écrit le même HTML
(mêmes attributs, même option choisie, textes échappés) en une jointure ; il ne connaît que les choix à plat et
une seule valeur choisie, et laisse Django écrire les autres (groupes d'options, choix multiple).

    django_filters.ModelChoiceFilter(label="Quartier", queryset=…, widget=MenuRapide)
"""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class MenuRapide(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        choix = list(iter(self.choices))  # sans len() : celui d'un ModelChoiceIterator compte en SQL
        if self.allow_multiple_selected or any(isinstance(libelle, (list, tuple)) for _, libelle in choix):
            return super().render(name, value, attrs, renderer)
        choisie = next(iter(self.format_value(value)), None)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if valeur is None else str(valeur),
                    SafeString(" selected") if choisie is not None and str(valeur) == choisie else "",
                    libelle,
                )
                for valeur, libelle in choix
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )
