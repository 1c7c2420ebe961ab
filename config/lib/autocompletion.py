"""Choisir une ligne parmi des milliers (organisations, structures, collectifs) : un champ texte à autocomplétion.

Avec JavaScript (`static/coville/autocompletion.js`), le champ devient une « combobox » de l'ARIA : la saisie
interroge un point d'accès JSON (`reponse_json`), les suggestions s'affichent dans une liste, et le choix
remplit un champ caché `<nom>_id` avec l'identifiant. Sans JavaScript, la personne saisit le nom (ou le libellé
complet) et le serveur le retrouve : un nom introuvable ou ambigu revient avec un message qui dit quoi faire,
et les noms les plus proches. Jamais un `<select>` de toutes les lignes.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from config.lib.texte import sans_accents

SUFFIXE_IDENTIFIANT = "_id"
SUGGESTIONS_DANS_UN_MESSAGE = 5

Chercheur = Callable[[QuerySet, str], Sequence[Any]]


def _forme(texte: str) -> str:
    return " ".join(sans_accents(texte).lower().split())


class Autocompletion(forms.TextInput):
    """Le champ texte (le nom lu et saisi) et le champ caché de l'identifiant choisi dans les suggestions."""

    def __init__(self, url: str, attrs: dict[str, Any] | None = None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.url = url

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str]:
        return (str(data.get(name + SUFFIXE_IDENTIFIANT, "")).strip(), str(data.get(name, "")))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + SUFFIXE_IDENTIFIANT not in data

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        identifiant, texte = value if isinstance(value, tuple) else ("", value or "")
        attrs = {**(attrs or {}), "data-autocompletion": reverse(self.url), "data-autocompletion-champ": ""}
        champ = super().render(name, texte, attrs, renderer)
        return format_html(
            '{}<input type="hidden" name="{}" value="{}" data-autocompletion-identifiant>',
            champ,
            name + SUFFIXE_IDENTIFIANT,
            identifiant,
        )


class ChampAutocompletion(forms.ModelChoiceField):
    """Un `ModelChoiceField` qui accepte l'identifiant choisi dans les suggestions, ou le nom saisi.

    `chercher(queryset, texte)` rend les lignes qui ressemblent au texte, les plus proches d'abord (par exemple
    `territoires.recherche.par_ressemblance`) ; `libelle` rend le texte affiché d'une ligne, qui distingue les
    homonymes (un SIRET, une commune) ; `noms` rend les noms sous lesquels on peut la saisir sans JavaScript.
    """

    def __init__(
        self,
        queryset: QuerySet | None,
        *,
        url: str,
        chercher: Chercheur,
        libelle: Callable[[Any], str] = str,
        noms: Callable[[Any], Sequence[str]] = lambda objet: [str(objet)],
        **kwargs: Any,
    ):
        kwargs.setdefault("help_text", "Saisissez au moins deux lettres du nom, puis choisissez dans la liste.")
        super().__init__(queryset, widget=Autocompletion(url), **kwargs)
        self.chercher = chercher
        self.libelle = libelle
        self.noms = noms

    def _lignes(self) -> QuerySet:
        if self.queryset is None:
            raise ValueError("ChampAutocompletion : le queryset n'est pas fourni.")
        return self.queryset

    def label_from_instance(self, obj: Model) -> str:
        return self.libelle(obj)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, tuple):
            return value
        if value in self.empty_values:
            return ("", "")
        if isinstance(value, Model):
            return (str(value.pk), self.libelle(value))
        objet = self._lignes().filter(pk=value).first() if str(value).isdigit() else None
        return (str(value), self.libelle(objet)) if objet else ("", str(value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        avant = self.prepare_value(initial)
        apres = self.prepare_value(data)
        return (avant[0] or avant[1]) != (apres[0] or apres[1])

    def to_python(self, value: Any) -> Model | None:
        identifiant, texte = value if isinstance(value, tuple) else ("", str(value or ""))
        texte = " ".join(texte.split())
        if identifiant.isdigit():
            objet = self._lignes().filter(pk=identifiant).first()
            # Un identifiant venu des suggestions, dont le texte n'a pas été retouché depuis.
            if objet is not None and (not texte or _forme(texte) == _forme(self.libelle(objet))):
                return objet
        elif texte.isdigit() and len(texte) < 9:
            # L'identifiant seul, comme l'envoie un `<select>` (clients d'API, liens, anciens formulaires) ; un
            # SIREN ou un SIRET (9 ou 14 chiffres) est cherché comme un nom.
            objet = self._lignes().filter(pk=texte).first()
            if objet is not None:
                return objet
        if not texte:
            return None
        return self._retrouver(texte)

    def _retrouver(self, texte: str) -> Model:
        candidats = list(self.chercher(self._lignes(), texte))
        forme = _forme(texte)
        exacts = [c for c in candidats if forme == _forme(self.libelle(c))] or [
            c for c in candidats if forme in {_forme(n) for n in self.noms(c)}
        ]
        if len(exacts) == 1:
            return exacts[0]
        proches = " ; ".join(f"« {self.libelle(c)} »" for c in (exacts or candidats)[:SUGGESTIONS_DANS_UN_MESSAGE])
        if len(exacts) > 1:
            raise ValidationError(
                "Plusieurs choix portent le nom « %(texte)s » : %(proches)s. Saisissez le libellé complet de "
                "celui que vous voulez.",
                code="ambigu",
                params={"texte": texte, "proches": proches},
            )
        if candidats:
            raise ValidationError(
                "Aucun choix ne porte exactement le nom « %(texte)s ». Les plus proches : %(proches)s. Saisissez "
                "le libellé complet de celui que vous voulez.",
                code="approche",
                params={"texte": texte, "proches": proches},
            )
        raise ValidationError(
            "Aucun choix ne correspond à « %(texte)s » : vérifiez l'orthographe, ou saisissez un autre nom.",
            code="introuvable",
            params={"texte": texte},
        )


def reponse_json(
    request: HttpRequest, queryset: QuerySet, chercher: Chercheur, libelle: Callable[[Any], str]
) -> JsonResponse:
    """La réponse d'un point d'accès d'autocomplétion : `{"q": …, "resultats": [{"id", "libelle"}]}`, avec les
    seules requêtes de `chercher` (en nombre fixe, bornées)."""
    texte = request.GET.get("q", "").strip()[:100]
    resultats = [{"id": objet.pk, "libelle": libelle(objet)} for objet in chercher(queryset, texte)]
    return JsonResponse({"q": texte, "resultats": resultats})
