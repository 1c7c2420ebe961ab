"""Filtres des pages, PDF et e-mails des dossiers : `{% load dossiers %}` charge le filtre `euros` partagé
(`config.lib.euros`), déjà disponible dans tous les gabarits."""

from config.lib.euros import register

__all__ = ["register"]
