/* Éditeur des sections du projet de territoire (TinyMCE 6, servi depuis static/vendor/tinymce).
 * Sans JavaScript, la zone de texte reste un champ HTML simple : le serveur nettoie ce qui est reçu. */
(function () {
  "use strict";
  var script = document.getElementById("script-editeur");
  if (!window.tinymce || !script) {
    return;
  }
  var base = script.getAttribute("data-base");
  window.tinymce.init({
    selector: 'textarea[data-editeur="riche"]',
    base_url: base,
    suffix: ".min",
    language: "fr_FR",
    language_url: base + "/langs/fr_FR.js",
    content_css: script.getAttribute("data-contenu"),
    menubar: false,
    branding: false,
    promotion: false,
    // Sans barre d'état : sa poignée de redimensionnement porte un attribut ARIA refusé par axe-core.
    statusbar: false,
    resize: false,
    height: 520,
    plugins: "lists link table autolink",
    toolbar: "undo redo | blocks | bold italic | bullist numlist blockquote | link | table",
    block_formats: "Paragraphe=p; Titre 2=h2; Titre 3=h3; Titre 4=h4",
    // Les mêmes balises que le nettoyage du serveur (contrats/texte.py) : ce qui est vu est ce qui est gardé.
    valid_elements:
      "p,h2,h3,h4,ul,ol,li,a[href],strong/b,em/i,table,thead,tbody,tr,th[scope|colspan|rowspan],td[colspan|rowspan],blockquote,br",
    table_default_attributes: {},
    table_default_styles: {},
    table_appearance_options: false,
    table_advtab: false,
    table_cell_advtab: false,
    table_row_advtab: false,
    table_style_by_css: false,
    link_default_target: "",
    link_target_list: false,
    link_title: false,
    link_default_protocol: "https",
    convert_urls: false,
    setup: function (editor) {
      // Le champ caché reste à jour : le formulaire envoie toujours le texte affiché.
      editor.on("change input undo redo", function () {
        editor.save();
      });
    },
  });
})();
