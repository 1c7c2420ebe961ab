"""Petits outils partagés par toutes les applications, un besoin par module (montants en euros, textes à
comparer, tableurs, changements d'état journalisés). Ils ne connaissent aucune application du projet."""
