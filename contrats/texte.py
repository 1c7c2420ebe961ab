"""Le texte riche des sections : nettoyage (nh3), découpage en blocs et différences entre deux versions.

Le même nettoyage sert à l'enregistrement et à l'affichage (pages et PDF) : ce qui est affiché est
exactement ce qui est stocké, et un texte ancien stocké avant un durcissement des règles est nettoyé à
nouveau à l'affichage.
"""

import difflib
import re
from dataclasses import dataclass
from html import escape, unescape
from html.parser import HTMLParser

import nh3
from django_prose_editor.config import allowlist_from_extensions

# Ce que l'éditeur des sections (django-prose-editor) sait écrire : titres 2 à 4, gras, italique, listes,
# citations, liens et tableaux. Les règles du nettoyage en sont tirées (l'extra « sanitize » du paquet) : ce que
# l'éditeur montre est ce qui est gardé, et rien d'autre.
EXTENSIONS_EDITEUR = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # La correction orthographique du navigateur reste active (l'éditeur la coupe par défaut).
    "NoSpellCheck": False,
    # Les titres des boutons en français (static/contrats/barre_editeur.js, réglage DJANGO_PROSE_EDITOR_EXTENSIONS).
    "BarreEnFrancais": True,
}
_REGLES = allowlist_from_extensions(EXTENSIONS_EDITEUR)
BALISES: set[str] = _REGLES["tags"]
# Un lien garde son adresse et son titre ; son `rel` est toujours le nôtre (`link_rel` plus bas), jamais le saisi.
ATTRIBUTS: dict[str, set[str]] = {balise: set(noms) - {"rel"} for balise, noms in _REGLES["attributes"].items()}
# Plus étroit que les schémas admis par défaut par nh3 (ftp, tel…) : des liens vers le web ou une adresse.
SCHEMAS_URL = {"http", "https", "mailto"}
# ProseMirror envoie au moins un paragraphe, vide pour un éditeur vide.
ELEMENT_VIDE = re.compile(r"^<(\w+)></\1>$")

# Ce qui, dans un texte saisi, ne peut être qu'une tentative d'exécuter du code : refusé avec un message,
# plutôt que retiré en silence, pour que l'auteur voie ce qui ne sera pas enregistré.
DANGEREUX = re.compile(
    r"<\s*(script|iframe|object|embed|style|link|meta|svg|math|form|base)\b|\son[a-z]+\s*=|javascript\s*:|vbscript\s*:|data\s*:\s*text/html",
    re.IGNORECASE,
)


def nettoyer(html: str) -> str:
    """Le HTML réduit aux balises de mise en forme permises ; scripts, attributs d'événement, styles et
    liens `javascript:` disparaissent."""
    propre = nh3.clean(
        html or "",
        tags=BALISES,
        attributes=ATTRIBUTS,
        url_schemes=SCHEMAS_URL,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
    return "" if ELEMENT_VIDE.match(propre) else propre


def contenu_dangereux(html: str) -> bool:
    return bool(DANGEREUX.search(html or ""))


MESSAGE_DANGEREUX = (
    "Le texte contient des éléments interdits (script, gestionnaire d'événement « on… », lien « javascript: » "
    "ou contenu embarqué) : retirez-les puis enregistrez à nouveau. Rien n'a été enregistré."
)


def texte_brut(html: str) -> str:
    """Le texte sans balises (pour un extrait, une recherche, un e-mail)."""
    return re.sub(r"\s+", " ", unescape(nh3.clean(html or "", tags=set()))).strip()


class _Blocs(HTMLParser):
    """Découpe un HTML nettoyé en ses éléments de premier niveau (paragraphes, titres, listes, tableaux)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocs: list[str] = []
        self.courant: list[str] = []
        self.profondeur = 0

    def _fermer_si_racine(self):
        if self.profondeur == 0 and self.courant:
            bloc = "".join(self.courant).strip()
            if bloc:
                self.blocs.append(bloc)
            self.courant = []

    def handle_starttag(self, tag, attrs):
        attributs = "".join(f' {nom}="{escape(valeur or "", quote=True)}"' for nom, valeur in attrs)
        if tag == "br":
            self.courant.append(f"<br{attributs}>")
            return
        if self.profondeur == 0:
            self._fermer_si_racine()
        self.courant.append(f"<{tag}{attributs}>")
        self.profondeur += 1

    def handle_endtag(self, tag):
        if tag == "br":
            return
        self.courant.append(f"</{tag}>")
        self.profondeur = max(self.profondeur - 1, 0)
        self._fermer_si_racine()

    def handle_data(self, data):
        if self.profondeur == 0 and not data.strip():
            return
        self.courant.append(escape(data, quote=False))

    def close(self):
        super().close()
        self.profondeur = 0
        self._fermer_si_racine()


def blocs(html: str) -> list[str]:
    analyseur = _Blocs()
    analyseur.feed(nettoyer(html))
    analyseur.close()
    return analyseur.blocs


@dataclass(frozen=True)
class LigneDiff:
    """Un bloc dans la comparaison : « egal », « supprime », « ajoute » (`html` nettoyé), ou « modifie » :
    un paragraphe ou un titre retouché, dont `html` montre mot à mot le texte retiré (`<del>`) et ajouté
    (`<ins>`), construit à partir de texte échappé."""

    nature: str
    html: str


BALISE = re.compile(r"^<(p|h2|h3|h4|blockquote)>")
SUPPRIME = '<del><span class="fr-sr-only">[supprimé : </span>{}<span class="fr-sr-only">]</span></del>'
AJOUTE = '<ins><span class="fr-sr-only">[ajouté : </span>{}<span class="fr-sr-only">]</span></ins>'


def _retouche(avant: str, apres: str) -> str | None:
    """Le bloc retouché mot à mot, si les deux blocs sont de même nature et se ressemblent assez."""
    balise_avant, balise_apres = BALISE.match(avant), BALISE.match(apres)
    if not balise_avant or not balise_apres or balise_avant.group(1) != balise_apres.group(1):
        return None
    mots_avant, mots_apres = texte_brut(avant).split(" "), texte_brut(apres).split(" ")
    comparaison = difflib.SequenceMatcher(a=mots_avant, b=mots_apres, autojunk=False)
    if comparaison.ratio() < 0.5:
        return None
    morceaux = []
    for operation, a1, a2, b1, b2 in comparaison.get_opcodes():
        if operation == "equal":
            morceaux.append(escape(" ".join(mots_avant[a1:a2])))
            continue
        if a2 > a1:
            morceaux.append(SUPPRIME.format(escape(" ".join(mots_avant[a1:a2]))))
        if b2 > b1:
            morceaux.append(AJOUTE.format(escape(" ".join(mots_apres[b1:b2]))))
    balise = balise_avant.group(1)
    return f"<{balise}>{' '.join(morceaux)}</{balise}>"


def differences(ancien: str, nouveau: str) -> list[LigneDiff]:
    """Les blocs des deux textes, alignés par difflib : inchangés, supprimés, ajoutés ; un paragraphe retouché
    est montré mot à mot."""
    avant, apres = blocs(ancien), blocs(nouveau)
    lignes: list[LigneDiff] = []
    for operation, a1, a2, b1, b2 in difflib.SequenceMatcher(a=avant, b=apres, autojunk=False).get_opcodes():
        if operation == "equal":
            lignes.extend(LigneDiff("egal", bloc) for bloc in avant[a1:a2])
            continue
        if operation == "replace" and a2 - a1 == b2 - b1:
            retouches = [_retouche(x, y) for x, y in zip(avant[a1:a2], apres[b1:b2], strict=True)]
            if all(retouches):
                lignes.extend(LigneDiff("modifie", html) for html in retouches)
                continue
        lignes.extend(LigneDiff("supprime", bloc) for bloc in avant[a1:a2])
        lignes.extend(LigneDiff("ajoute", bloc) for bloc in apres[b1:b2])
    return lignes
