// Autocomplétion de la recherche des territoires (motif « combobox » de l'ARIA).
// Sans JavaScript, le formulaire mène à la page de résultats : ce fichier n'ajoute que les suggestions.
(function () {
  "use strict";

  function installer(champ) {
    var adresse = champ.getAttribute("data-autocompletion");
    var liste = document.createElement("ul");
    var identifiant = champ.id + "-suggestions";
    var resultats = [];
    var actif = -1;
    var minuterie = null;
    var demande = 0;

    liste.id = identifiant;
    liste.className = "territoires-suggestions";
    liste.setAttribute("role", "listbox");
    liste.setAttribute("aria-label", "Suggestions");
    liste.hidden = true;
    champ.parentNode.appendChild(liste);
    champ.setAttribute("role", "combobox");
    champ.setAttribute("aria-autocomplete", "list");
    champ.setAttribute("aria-controls", identifiant);
    champ.setAttribute("aria-expanded", "false");

    function fermer() {
      liste.hidden = true;
      champ.setAttribute("aria-expanded", "false");
      champ.removeAttribute("aria-activedescendant");
      actif = -1;
    }

    function selectionner(index) {
      var options = liste.querySelectorAll("li");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      actif = index;
      if (index >= 0) {
        champ.setAttribute("aria-activedescendant", options[index].id);
      } else {
        champ.removeAttribute("aria-activedescendant");
      }
    }

    function afficher(donnees) {
      resultats = donnees.resultats;
      liste.textContent = "";
      if (!resultats.length) {
        fermer();
        return;
      }
      resultats.forEach(function (resultat, i) {
        var option = document.createElement("li");
        var sorte = document.createElement("span");
        option.id = identifiant + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = resultat.nom + (resultat.precision ? " — " + resultat.precision : "");
        sorte.className = "territoires-sorte";
        sorte.textContent = resultat.libelle_sorte;
        option.appendChild(sorte);
        option.addEventListener("mousedown", function (evenement) {
          evenement.preventDefault();
          window.location.href = resultat.url;
        });
        liste.appendChild(option);
      });
      liste.hidden = false;
      champ.setAttribute("aria-expanded", "true");
      actif = -1;
    }

    function chercher() {
      var texte = champ.value.trim();
      var numero = ++demande;
      if (texte.length < 2) {
        fermer();
        return;
      }
      fetch(adresse + "?q=" + encodeURIComponent(texte), { headers: { Accept: "application/json" } })
        .then(function (reponse) { return reponse.ok ? reponse.json() : { resultats: [] }; })
        .then(function (donnees) { if (numero === demande) { afficher(donnees); } })
        .catch(fermer);
    }

    champ.addEventListener("input", function () {
      clearTimeout(minuterie);
      minuterie = setTimeout(chercher, 150);
    });
    champ.addEventListener("keydown", function (evenement) {
      if (liste.hidden) { return; }
      if (evenement.key === "ArrowDown") {
        evenement.preventDefault();
        selectionner(Math.min(actif + 1, resultats.length - 1));
      } else if (evenement.key === "ArrowUp") {
        evenement.preventDefault();
        selectionner(Math.max(actif - 1, 0));
      } else if (evenement.key === "Enter" && actif >= 0) {
        evenement.preventDefault();
        window.location.href = resultats[actif].url;
      } else if (evenement.key === "Escape") {
        fermer();
      }
    });
    champ.addEventListener("blur", function () { setTimeout(fermer, 100); });
  }

  document.querySelectorAll("input[data-autocompletion]").forEach(installer);
})();
