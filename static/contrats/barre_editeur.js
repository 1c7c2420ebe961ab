/* La barre d'outils de l'éditeur des sections, en français.
 *
 * django-prose-editor 0.28 écrit en anglais, sans passer par gettext, le titre de la plupart de ses boutons
 * (l'infobulle, et le nom que lit un lecteur d'écran) et les choix de sa liste des types de bloc ; son catalogue
 * français ne couvre que ses boîtes de dialogue. Cette extension (réglage DJANGO_PROSE_EDITOR_EXTENSIONS, chargée
 * par le préréglage « configurable » du paquet) passe chacun de ces textes par gettext, qui lit le catalogue servi
 * par /jsi18n/ : locale/fr/LC_MESSAGES/djangojs.po du projet. Un texte sans traduction reste tel quel.
 */
import { Extension, gettext } from "django-prose-editor/editor"

// Les groupes de la barre (DEFAULT_MENU_GROUPS du paquet) : chaque bouton appartient à l'un d'eux au moins.
const GROUPES = "blockType lists nodes marks nodeClass textClass link textAlign table history utility"

export const BarreEnFrancais = Extension.create({
  name: "barreEnFrancais",

  // Les boutons des autres extensions sont définis avant les siens, dans l'ordre des priorités décroissantes (les
  // liens : 1000, les tableaux : 100) : la plus basse possible (0 compterait comme 100) passe après eux tous.
  priority: 1,

  addMenuItems({ menu }) {
    for (const element of menu.items(GROUPES)) {
      const bouton = element.button
      const titre = bouton?.getAttribute("title")
      if (titre) {
        const traduit = gettext(titre)
        bouton.setAttribute("title", traduit)
        bouton.setAttribute("aria-label", traduit)
      }
      // Les choix de la liste déroulante (« Heading 2 », « Paragraph ») : du texte seul, sans élément enfant.
      const choix = element.option
      if (choix && choix.childElementCount === 0 && choix.textContent) {
        choix.textContent = gettext(choix.textContent)
      }
    }
  },
})
