from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from comptes import registres, services
from comptes.acces import organisation_pour_inviter, organisation_visible
from comptes.adhesions_collectivites import peut_voir_demandes
from comptes.contexte import contexte_de_requete
from comptes.forms import CreationCompteInvitationForm, InvitationForm
from comptes.models import Organisation, Role, Utilisateur
from comptes.permissions import peut_gerer_membres, peut_inviter, peut_voir_adresses, roles_invitables
from comptes.recherche import chercher_organisations, libelle_organisation
from config.lib.autocompletion import reponse_json

DESCRIPTION_ROLES = {
    Role.AGENT: "Vous rédigez et pilotez les contrats de ville portés par votre collectivité, et donnez votre "
    "avis sur les projets qu'elle cofinance.",
    Role.ETAT: "Vous co-instruisez les projets, décidez de la part de l'État et contribuez aux contrats.",
    Role.ELU: "Vous consultez les contrats signés par votre collectivité et téléchargez leurs synthèses.",
    Role.STRUCTURE: "Vous tenez à jour la fiche de votre structure, répondez aux appels à projets et suivez "
    "vos dossiers, conventions et bilans.",
    Role.HABITANT: "Vous contribuez aux concertations ouvertes et suivez les réponses apportées.",
    Role.PARTENAIRE: "Vous contribuez aux contrats que votre organisation a signés.",
    Role.ADMIN: "Vous administrez la plateforme : imports, modération, comptes.",
}


def mon_espace(request: HttpRequest) -> HttpResponse:
    acces = contexte_de_requete(request)
    roles = [
        {
            "organisation": adhesion.organisation,
            "role": adhesion.get_role_display(),
            "description": DESCRIPTION_ROLES[adhesion.role],
            "peut_inviter": peut_inviter(acces, adhesion.organisation),
        }
        for adhesion in acces.adhesions
    ]
    return render(
        request,
        "comptes/mon_espace.html",
        {
            "roles": roles,
            "est_admin": acces.est_admin,
            "examine_adhesions": peut_voir_demandes(acces),
            "description_habitant": DESCRIPTION_ROLES[Role.HABITANT],
            "blocs": registres.blocs(request),
        },
    )


def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_visible(request.user, pk)
    membres = organisation.adhesions.select_related("utilisateur").order_by("utilisateur__nom", "utilisateur__email")
    acces = contexte_de_requete(request)
    gere = peut_inviter(acces, organisation)
    gere_membres = peut_gerer_membres(acces, organisation)
    voit_adresses = peut_voir_adresses(request.user, organisation)
    invitations = organisation.invitations.en_attente().select_related("invitee_par") if gere else []
    if gere and not voit_adresses:
        # Qui invite sans gérer (un·e habitant·e d'un conseil citoyen) ne voit que ses propres invitations.
        invitations = invitations.filter(invitee_par=request.user)
    return render(
        request,
        "comptes/organisation.html",
        {
            "organisation": organisation,
            "membres": membres,
            "invitations": invitations,
            "peut_inviter": gere,
            "voit_adresses": voit_adresses,
            "gere_membres": gere_membres,
            "plusieurs_roles": len(roles_invitables(acces, organisation)) > 1,
            "est_membre": acces.role_dans(organisation) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def inviter(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_pour_inviter(request.user, pk)
    roles = roles_invitables(request.user, organisation)
    form = InvitationForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.inviter(
                request.user, organisation, form.cleaned_data["email"], form.cleaned_data["role"]
            )
        except (ValidationError, PermissionDenied) as erreur:
            form.add_error(None, erreur.messages[0] if isinstance(erreur, ValidationError) else str(erreur))
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invitation.email} ({invitation.get_role_display()}). "
                f"Le lien est valable jusqu'au {invitation.expire_le:%d/%m/%Y}.",
            )
            return redirect("comptes:organisation", pk=organisation.pk)
    return render(request, "comptes/inviter.html", {"organisation": organisation, "form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, jeton: str) -> HttpResponse:
    try:
        invitation = services.invitation_valide(jeton)
    except services.InvitationInvalide as erreur:
        return _invitation_invalide(request, erreur)

    contexte = {"invitation": invitation, "form": None, "compte_existant": False, "autre_compte": False}
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            contexte["autre_compte"] = True
        elif request.method == "POST":
            try:
                services.accepter(invitation, request.user)
            except services.InvitationInvalide as erreur:
                return _invitation_invalide(request, erreur)
            messages.success(request, f"Vous avez rejoint {invitation.organisation}.")
            return redirect("comptes:mon_espace")
        return render(request, "comptes/invitation.html", contexte)

    if Utilisateur.objects.filter(email__iexact=invitation.email).exists():
        contexte["compte_existant"] = True
        contexte["lien_connexion"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "comptes/invitation.html", contexte)

    form = CreationCompteInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            adhesion = services.creer_compte_et_accepter(
                invitation, form.cleaned_data["prenom"], form.cleaned_data["nom"], form.cleaned_data["password1"]
            )
        except services.InvitationInvalide as erreur:
            return _invitation_invalide(request, erreur)
        login(request, adhesion.utilisateur, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Votre compte est créé et vous avez rejoint {invitation.organisation}.")
        return redirect("comptes:mon_espace")
    contexte["form"] = form
    return render(request, "comptes/invitation.html", contexte)


def _invitation_invalide(request: HttpRequest, erreur: Exception) -> HttpResponse:
    return render(request, "comptes/invitation_invalide.html", {"erreur": str(erreur)}, status=410)


@require_GET
def autocompletion_organisations(request: HttpRequest) -> JsonResponse:
    """Les organisations partenaires (signataires, financeurs possibles) dont le nom ressemble à `q`, pour les
    formulaires des personnes connectées."""
    return reponse_json(request, Organisation.objects.partenaires(), chercher_organisations, libelle_organisation)
