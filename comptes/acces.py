"""Récupération des objets avec contrôle d'accès : 404 pour qui ne doit pas les voir, 403 pour qui les
voit sans pouvoir agir (healthchecks, `_get_rw_check_for_user`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from comptes.contexte import Qui
from comptes.models import Organisation
from comptes.permissions import peut_inviter, peut_voir_organisation


def organisation_visible(qui: Qui, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not peut_voir_organisation(qui, organisation):
        raise Http404("Organisation introuvable.")
    return organisation


def organisation_pour_inviter(qui: Qui, pk: int) -> Organisation:
    organisation = organisation_visible(qui, pk)
    if not peut_inviter(qui, organisation):
        raise PermissionDenied("Votre rôle ne vous permet pas d'inviter des membres dans cette organisation.")
    return organisation
