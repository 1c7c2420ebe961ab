// Autocomplétion (motif « combobox » de l'ARIA), sous deux formes :
// - champ de choix (organisations, structures, collectifs, QPV ; attribut data-autocompletion-champ) : le champ
//   texte garde le nom lu, le choix d'une suggestion remplit le champ caché « <nom>_id » qui le suit ; sans
//   JavaScript, le nom saisi est retrouvé par le serveur (config/lib/autocompletion.py) ;
// - recherche qui mène à une page (territoires) : le choix d'une suggestion ouvre son adresse (resultat.url) ;
//   sans JavaScript, le formulaire mène à la page de résultats.
(function () {
  "use strict";

  var DELAI = 150;
  var LONGUEUR_MINIMALE = 2;

  function installer(champ) {
    var adresse = champ.getAttribute("data-autocompletion");
    var navigation = !champ.hasAttribute("data-autocompletion-champ");
    var cache = navigation ? null : champ.parentNode.querySelector("input[data-autocompletion-identifiant]");
    var identifiant = champ.id + "-suggestions";
    var liste = document.createElement("ul");
    var annonce = document.createElement("p");
    var resultats = [];
    var actif = -1;
    var minuterie = null;
    var demande = 0;

    liste.id = identifiant;
    liste.className = navigation ? "coville-suggestions coville-suggestions--dessous" : "coville-suggestions";
    liste.setAttribute("role", "listbox");
    liste.setAttribute("aria-label", "Suggestions");
    liste.hidden = true;
    annonce.className = "fr-sr-only";
    annonce.setAttribute("aria-live", "polite");
    annonce.setAttribute("role", "status");
    if (navigation) {
      // Dans la barre de recherche du DSFR (flex), la liste vient après le bouton, sous la barre entière.
      champ.parentNode.appendChild(liste);
      champ.parentNode.appendChild(annonce);
    } else {
      champ.insertAdjacentElement("afterend", liste);
      liste.insertAdjacentElement("afterend", annonce);
    }
    champ.parentNode.classList.add("coville-autocompletion");
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

    function mettreEnAvant(index) {
      var options = liste.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      actif = index;
      if (index >= 0) {
        champ.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        champ.removeAttribute("aria-activedescendant");
      }
    }

    function libelle(resultat) {
      return resultat.libelle || resultat.nom + (resultat.precision ? " — " + resultat.precision : "");
    }

    function choisir(index) {
      var resultat = resultats[index];
      if (navigation) {
        window.location.href = resultat.url;
        return;
      }
      champ.value = libelle(resultat);
      if (cache) { cache.value = resultat.id; }
      fermer();
      annonce.textContent = libelle(resultat) + " choisi.";
    }

    function afficher(donnees) {
      resultats = donnees.resultats;
      liste.textContent = "";
      if (!resultats.length) {
        fermer();
        annonce.textContent = "Aucune suggestion.";
        return;
      }
      resultats.forEach(function (resultat, i) {
        var option = document.createElement("li");
        option.id = identifiant + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = libelle(resultat);
        if (resultat.libelle_sorte) {
          var sorte = document.createElement("span");
          sorte.className = "coville-suggestions__sorte";
          sorte.textContent = resultat.libelle_sorte;
          option.appendChild(sorte);
        }
        option.addEventListener("mousedown", function (evenement) {
          evenement.preventDefault();
          choisir(i);
        });
        liste.appendChild(option);
      });
      liste.hidden = false;
      champ.setAttribute("aria-expanded", "true");
      actif = -1;
      annonce.textContent = resultats.length + (resultats.length > 1 ? " suggestions" : " suggestion") +
        " : flèches haut et bas pour parcourir, Entrée pour choisir.";
    }

    function chercher() {
      var texte = champ.value.trim();
      var numero = ++demande;
      if (texte.length < LONGUEUR_MINIMALE) {
        fermer();
        return;
      }
      fetch(adresse + "?q=" + encodeURIComponent(texte), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (reponse) { return reponse.ok ? reponse.json() : { resultats: [] }; })
        .then(function (donnees) { if (numero === demande) { afficher(donnees); } })
        .catch(fermer);
    }

    champ.addEventListener("input", function () {
      // Le texte retouché ne désigne plus la suggestion choisie : le serveur le relira.
      if (cache) { cache.value = ""; }
      clearTimeout(minuterie);
      minuterie = setTimeout(chercher, DELAI);
    });
    champ.addEventListener("keydown", function (evenement) {
      if (liste.hidden) {
        if (evenement.key === "ArrowDown" && champ.value.trim().length >= LONGUEUR_MINIMALE) {
          evenement.preventDefault();
          chercher();
        }
        return;
      }
      if (evenement.key === "ArrowDown") {
        evenement.preventDefault();
        mettreEnAvant(Math.min(actif + 1, resultats.length - 1));
      } else if (evenement.key === "ArrowUp") {
        evenement.preventDefault();
        mettreEnAvant(Math.max(actif - 1, 0));
      } else if (evenement.key === "Enter" && actif >= 0) {
        evenement.preventDefault();
        choisir(actif);
      } else if (evenement.key === "Escape") {
        evenement.preventDefault();
        fermer();
      }
    });
    champ.addEventListener("blur", function () { setTimeout(fermer, 100); });
  }

  document.querySelectorAll("input[data-autocompletion]").forEach(installer);
})();
