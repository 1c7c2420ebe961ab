/* Éditeur des sections (django-prose-editor, servi par son paquet) : la zone éditable qu'il crée prend le nom
 * et l'aide du champ qu'elle remplace, pour les lecteurs d'écran. Sans JavaScript, la zone de texte reste. */
(function () {
  "use strict";
  document.addEventListener("prose-editor:ready", function (evenement) {
    var zone = evenement.detail.textarea;
    var editable = evenement.detail.editor.view.dom;
    var etiquette = zone.labels && zone.labels[0];
    if (etiquette) {
      etiquette.id = etiquette.id || zone.id + "-etiquette";
      editable.setAttribute("aria-labelledby", etiquette.id);
    }
    if (zone.getAttribute("aria-describedby")) {
      editable.setAttribute("aria-describedby", zone.getAttribute("aria-describedby"));
    }
    editable.setAttribute("aria-multiline", "true");
  });
})();
