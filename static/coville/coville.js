// Boutons « Masquer le message » des alertes (voir comptes/templatetags/coville_layout.py).
document.addEventListener("click", function (evenement) {
  const bouton = evenement.target.closest("[data-coville-fermer]");
  if (bouton) {
    const alerte = bouton.closest(".fr-alert");
    if (alerte) alerte.remove();
  }
});
