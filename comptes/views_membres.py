"""Pages de gestion des membres d'une organisation : retirer un membre, changer son rôle, annuler ou renvoyer
une invitation, quitter une organisation (`comptes.membres`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from comptes import membres
from comptes.acces import organisation_visible
from comptes.contexte import contexte_de_requete
from comptes.forms import RoleMembreForm
from comptes.models import Adhesion, Invitation, Organisation
from comptes.permissions import peut_gerer_membres, roles_invitables


def _adhesion_a_gerer(request: HttpRequest, pk: int, adhesion_pk: int) -> tuple[Organisation, Adhesion]:
    organisation = organisation_visible(request.user, pk)
    adhesion = get_object_or_404(
        Adhesion.objects.select_related("utilisateur", "organisation"), pk=adhesion_pk, organisation=organisation
    )
    if not peut_gerer_membres(contexte_de_requete(request), organisation):
        raise PermissionDenied("Seuls les gestionnaires de l'organisation gèrent ses membres.")
    return organisation, adhesion


def _message(erreur: ValidationError) -> str:
    return erreur.messages[0]


@require_http_methods(["GET", "POST"])
def retirer_membre(request: HttpRequest, pk: int, adhesion_pk: int) -> HttpResponse:
    organisation, adhesion = _adhesion_a_gerer(request, pk, adhesion_pk)
    erreur = None
    if request.method == "POST":
        try:
            membres.retirer_membre(contexte_de_requete(request), adhesion)
        except ValidationError as exc:
            erreur = _message(exc)
        else:
            messages.success(request, f"{adhesion.utilisateur} ne fait plus partie de {organisation}.")
            return redirect("comptes:organisation", pk=organisation.pk)
    return render(
        request,
        "comptes/retirer_membre.html",
        {"organisation": organisation, "adhesion": adhesion, "erreur": erreur},
        # 409 : la demande est comprise mais contredit l'état de l'organisation (son dernier gestionnaire).
        status=409 if erreur else 200,
    )


@require_http_methods(["GET", "POST"])
def changer_role(request: HttpRequest, pk: int, adhesion_pk: int) -> HttpResponse:
    organisation, adhesion = _adhesion_a_gerer(request, pk, adhesion_pk)
    roles = [role for role in roles_invitables(contexte_de_requete(request), organisation) if role != adhesion.role]
    form = RoleMembreForm(request.POST or None, roles=roles)
    statut = 200
    if request.method == "POST" and not form.is_valid():
        statut = 400
    elif request.method == "POST":
        try:
            membres.changer_role(contexte_de_requete(request), adhesion, form.cleaned_data["role"])
        except ValidationError as exc:
            form.add_error("role", _message(exc))
            statut = 409
        else:
            adhesion.refresh_from_db()
            messages.success(request, f"{adhesion.utilisateur} a maintenant le rôle « {adhesion.get_role_display()} ».")
            return redirect("comptes:organisation", pk=organisation.pk)
    return render(
        request,
        "comptes/changer_role.html",
        {"organisation": organisation, "adhesion": adhesion, "form": form, "roles": roles},
        status=statut,
    )


def _invitation_a_gerer(request: HttpRequest, pk: int, invitation_pk: int) -> tuple[Organisation, Invitation]:
    organisation = organisation_visible(request.user, pk)
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation"), pk=invitation_pk, organisation=organisation
    )
    if not membres.peut_gerer_invitation(contexte_de_requete(request), invitation):
        raise PermissionDenied(
            "Seuls les gestionnaires de l'organisation (ou qui l'a envoyée) gèrent cette invitation."
        )
    return organisation, invitation


@require_POST
def annuler_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation, invitation = _invitation_a_gerer(request, pk, invitation_pk)
    try:
        membres.annuler_invitation(contexte_de_requete(request), invitation)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, f"L'invitation de {invitation.email} est annulée : son lien ne fonctionne plus.")
    return redirect("comptes:organisation", pk=organisation.pk)


@require_POST
def renvoyer_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation, invitation = _invitation_a_gerer(request, pk, invitation_pk)
    try:
        nouvelle, _ = membres.renvoyer_invitation(request.user, invitation)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request,
            f"Nouvelle invitation envoyée à {nouvelle.email}, valable jusqu'au {nouvelle.expire_le:%d/%m/%Y} ; "
            "l'ancien lien ne fonctionne plus.",
        )
    return redirect("comptes:organisation", pk=organisation.pk)


@require_http_methods(["GET", "POST"])
def quitter(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_visible(request.user, pk)
    adhesion = get_object_or_404(Adhesion, organisation=organisation, utilisateur=request.user)
    erreur = None
    if request.method == "POST":
        try:
            membres.quitter(request.user, adhesion)
        except ValidationError as exc:
            erreur = _message(exc)
        else:
            messages.success(request, f"Vous ne faites plus partie de {organisation}.")
            return redirect("comptes:mon_espace")
    return render(
        request,
        "comptes/quitter.html",
        {"organisation": organisation, "adhesion": adhesion, "erreur": erreur},
        status=409 if erreur else 200,
    )
