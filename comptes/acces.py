"""Récupération des objets avec contrôle d'accès : 404 pour qui ne doit pas les voir, 403 pour qui les
voit sans pouvoir agir (healthchecks, `_get_rw_check_for_user`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from comptes.models import Organisation
from comptes.permissions import peut_inviter, peut_voir_organisation, role_dans


def organisation_visible(user, pk: int) -> Organisation:
    """L'organisation, avec `role_du_membre` (le rôle de la personne, None si elle n'en est pas membre) lu
    une fois pour les prédicats que la vue appelle ensuite."""
    organisation = get_object_or_404(Organisation, pk=pk)
    organisation.role_du_membre = role_dans(user, organisation)
    if not peut_voir_organisation(user, organisation, organisation.role_du_membre):
        raise Http404("Organisation introuvable.")
    return organisation


def organisation_pour_inviter(user, pk: int) -> Organisation:
    organisation = organisation_visible(user, pk)
    if not peut_inviter(user, organisation, role_du_membre=organisation.role_du_membre):
        raise PermissionDenied("Votre rôle ne vous permet pas d'inviter des membres dans cette organisation.")
    return organisation
