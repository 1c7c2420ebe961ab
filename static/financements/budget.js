// Lignes du budget d'un dossier (templates/financements/dossiers/budget.html) : « Ajouter une ligne » et
// « Retirer » agissent sans recharger la page. Sans ce script, les mêmes boutons renvoient la page au serveur,
// qui rend la saisie avec une ligne de plus ou de moins (financements/views/dossiers.py, _budget_remanie).
(function () {
  "use strict";

  const tableau = document.querySelector("table[data-lignes-budget]");
  if (!tableau) return;
  const formulaire = tableau.closest("form");
  const prefixe = tableau.dataset.lignesBudget;
  const corps = tableau.querySelector("tbody");
  const modele = document.getElementById(tableau.dataset.modele);
  const annonce = document.getElementById(tableau.dataset.annonce);
  const total = formulaire.querySelector('input[name="' + prefixe + '-TOTAL_FORMS"]');
  const maximum = parseInt(formulaire.querySelector('input[name="' + prefixe + '-MAX_NUM_FORMS"]').value, 10);
  const boutonAjouter = formulaire.querySelector("[data-ajouter-ligne]");
  const motif = new RegExp(prefixe + "-(\\d+|__prefix__)-");

  function annoncer(texte) {
    // Le message laissé par un envoi sans JavaScript n'est plus à jour.
    formulaire.querySelectorAll("[data-message-lignes]").forEach(function (message) {
      message.remove();
    });
    // Vidée puis remplie, la région est relue même si le texte est le même que la dernière fois.
    annonce.textContent = "";
    window.requestAnimationFrame(function () {
      annonce.textContent = texte;
    });
  }

  function lignes() {
    return Array.from(corps.querySelectorAll("tr[data-ligne]"));
  }

  // Les champs d'un formset Django se suivent (lignes-0-…, lignes-1-…) : après un retrait, on renumérote.
  function renumeroter() {
    const toutes = lignes();
    toutes.forEach(function (ligne, index) {
      ligne.querySelectorAll("[name], [id], label[for]").forEach(function (element) {
        ["name", "id", "for"].forEach(function (attribut) {
          const valeur = element.getAttribute(attribut);
          if (valeur) element.setAttribute(attribut, valeur.replace(motif, prefixe + "-" + index + "-"));
        });
      });
      ligne.querySelectorAll("[data-numero]").forEach(function (numero) {
        numero.textContent = String(index + 1);
      });
      ligne.querySelector("[data-retirer-ligne]").value = String(index);
    });
    total.value = String(toutes.length);
    return toutes.length;
  }

  function ajouter() {
    if (lignes().length >= maximum) {
      annoncer("Un budget compte " + maximum + " lignes au plus : aucune ligne n'est ajoutée.");
      return;
    }
    const ligne = modele.content.querySelector("tr[data-ligne]").cloneNode(true);
    corps.appendChild(ligne);
    const nombre = renumeroter();
    const premier = ligne.querySelector("select, input:not([type=hidden]), textarea");
    if (premier) premier.focus();
    annoncer("Ligne " + nombre + " ajoutée, à la fin du tableau.");
  }

  function retirer(bouton) {
    const ligne = bouton.closest("tr[data-ligne]");
    const numero = lignes().indexOf(ligne) + 1;
    const voisine = ligne.nextElementSibling || ligne.previousElementSibling;
    ligne.remove();
    const nombre = renumeroter();
    // Le focus va au bouton « Retirer » de la ligne qui prend sa place, sinon à « Ajouter une ligne ».
    (voisine ? voisine.querySelector("[data-retirer-ligne]") : boutonAjouter).focus();
    annoncer(
      "Ligne " + numero + " retirée ; " + (nombre > 1 ? "il reste " + nombre + " lignes." : nombre === 1 ? "il reste une ligne." : "le tableau est vide."),
    );
  }

  formulaire.addEventListener("click", function (evenement) {
    const boutonRetirer = evenement.target.closest("[data-retirer-ligne]");
    if (boutonRetirer) {
      evenement.preventDefault();
      retirer(boutonRetirer);
    } else if (evenement.target.closest("[data-ajouter-ligne]")) {
      evenement.preventDefault();
      ajouter();
    }
  });
})();
