"""La barre d'outils de l'éditeur des sections en français : django-prose-editor 0.28 écrit en anglais le titre de
la plupart de ses boutons ; static/contrats/barre_editeur.js les passe par gettext, qui lit le catalogue du projet
(locale/fr/LC_MESSAGES/djangojs.po, servi par /jsi18n/). Dans le navigateur : tests/e2e/test_contrat.py."""

import gettext
import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django_prose_editor.config import expand_extensions

from contrats.texte import EXTENSIONS_EDITEUR

pytestmark = pytest.mark.django_db

# Les titres (en anglais, tels que le paquet les écrit) des boutons et des choix de la liste déroulante que chaque
# extension de l'éditeur ajoute à la barre ; une extension sans bouton : liste vide. Une extension activée
# absente d'ici fait échouer le test : dites quels boutons elle ajoute, et traduisez-les.
BOUTONS = {
    "Document": [],
    "Text": [],
    "Dropcursor": [],
    "Gapcursor": [],
    "Menu": [],
    "HardBreak": [],
    "ListItem": [],
    "TableRow": [],
    "TableHeader": [],
    "TableCell": [],
    "BarreEnFrancais": [],
    "Paragraph": ["paragraph", "Paragraph"],
    "Heading": ["heading 2", "heading 3", "heading 4", "Heading 2", "Heading 3", "Heading 4"],
    "Bold": ["bold"],
    "Italic": ["italic"],
    "BulletList": ["unordered list"],
    # « List properties » est traduit par le catalogue du paquet.
    "OrderedList": ["ordered list", "List properties"],
    "Blockquote": ["blockquote"],
    "Link": ["insert link", "remove link"],
    "Table": [
        "Insert table",
        "Add column",
        "Delete column",
        "Add row",
        "Delete row",
        "Merge cells",
        "Split cell",
        "Toggle header cell",
        "Delete table",
    ],
    "History": ["undo", "redo"],
}


def catalogue_servi(client) -> dict[str, str]:
    reponse = client.get(reverse("catalogue_javascript"))
    assert reponse.status_code == 200
    return json.loads(re.search(r"const newcatalog = (\{.*?\});", reponse.content.decode(), re.DOTALL)[1])


def test_every_enabled_extension_says_which_buttons_it_adds():
    assert set(expand_extensions(EXTENSIONS_EDITEUR)) == set(BOUTONS)


def test_the_served_catalogue_holds_a_french_title_for_every_toolbar_button(client):
    catalogue = catalogue_servi(client)  # public, comme les fichiers statiques
    titres = [titre for liste in BOUTONS.values() for titre in liste]
    manquants = [titre for titre in titres if not catalogue.get(titre) or catalogue[titre] == titre]
    assert manquants == []
    assert catalogue["bold"] == "Gras"
    assert catalogue["heading 2"] == catalogue["Heading 2"] == "Titre de niveau 2"
    # Les dialogues restent traduits par le paquet.
    assert catalogue["Insert Table"] == "Insérer un tableau"


def test_the_english_titles_are_the_ones_the_package_writes():
    # À une mise à jour du paquet, un titre renommé ne serait plus traduit : ce test le signale.
    with open(finders.find("django_prose_editor/editor.js"), encoding="utf-8") as fichier:
        source = fichier.read()
    for titre in [titre for liste in BOUTONS.values() for titre in liste]:
        if titre.lower().startswith("heading "):
            assert re.search(r"`heading \$\{\w+\}`", source) and re.search(r"`Heading \$\{\w+\}`", source)
        else:
            assert f'"{titre}"' in source, titre


def test_the_section_editor_loads_the_french_toolbar(client, agent, section):
    client.force_login(agent)
    contenu = client.get(reverse("contrats:modifier_section", args=[section.contrat.code, section.pk])).content.decode()
    configuration = json.loads(
        re.search(r'data-django-prose-editor-configurable="([^"]*)"', contenu)[1].replace("&quot;", '"')
    )
    assert "/static/contrats/barre_editeur.js" in configuration["js_modules"]
    assert "BarreEnFrancais" in configuration["extensions"]
    assert finders.find("contrats/barre_editeur.js")


def test_the_committed_mo_file_is_compiled_from_the_po_file():
    # Les .mo sont committés (l'installation n'a pas besoin de gettext) : `make messages` après chaque
    # modification du .po.
    repertoire = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES"
    po = (repertoire / "djangojs.po").read_text(encoding="utf-8")
    attendu = dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po, re.MULTILINE))
    with open(repertoire / "djangojs.mo", "rb") as fichier:
        compile = gettext.GNUTranslations(fichier)._catalog
    assert {cle: valeur for cle, valeur in compile.items() if cle} == attendu
