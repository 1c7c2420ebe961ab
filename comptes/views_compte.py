"""« Mon compte » (nom, export de ses données, suppression du compte) et les pages publiques « Mentions
légales » et « Données personnelles »."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from comptes import mfa, rgpd
from comptes.audit import journaliser
from comptes.forms import IdentiteForm, SuppressionCompteForm
from comptes.models import ActionAudit


def _contexte_editeur() -> dict[str, str]:
    return {
        "editeur": settings.COVILLE_EDITEUR,
        "editeur_adresse": settings.COVILLE_EDITEUR_ADRESSE,
        "directeur_publication": settings.COVILLE_DIRECTEUR_PUBLICATION,
        "hebergeur": settings.COVILLE_HEBERGEUR,
        "contact_donnees": settings.COVILLE_CONTACT_DONNEES,
    }


@login_not_required
@require_GET
def mentions_legales(request: HttpRequest) -> HttpResponse:
    return render(request, "comptes/compte/mentions_legales.html", _contexte_editeur())


@login_not_required
@require_GET
def donnees_personnelles(request: HttpRequest) -> HttpResponse:
    return render(request, "comptes/compte/donnees_personnelles.html", _contexte_editeur())


@require_http_methods(["GET", "POST"])
def mon_compte(request: HttpRequest) -> HttpResponse:
    utilisateur = request.user
    form = IdentiteForm(request.POST or None, initial={"prenom": utilisateur.prenom, "nom": utilisateur.nom})
    if request.method == "POST" and form.is_valid():
        utilisateur.prenom = form.cleaned_data["prenom"]
        utilisateur.nom = form.cleaned_data["nom"]
        utilisateur.save(update_fields=["prenom", "nom"])
        messages.success(request, "Votre nom a été enregistré.")
        return redirect("comptes:mon_compte")
    return render(
        request,
        "comptes/compte/mon_compte.html",
        {
            "form": form,
            "double_authentification_active": mfa.double_authentification_active(request.user),
            "double_authentification_exigee": mfa.double_authentification_exigee(request.user),
        },
    )


@require_GET
def telecharger_donnees(request: HttpRequest) -> HttpResponse:
    """Les données personnelles de la personne connectée, en un fichier JSON (RGPD, art. 15 et 20)."""
    journaliser(
        ActionAudit.EXPORT_DONNEES_PERSONNELLES,
        auteur=request.user,
        objet=request.user,
        details={"export": "ses propres données (RGPD, JSON)"},
        request=request,
    )
    contenu = json.dumps(rgpd.donnees_personnelles(request.user), ensure_ascii=False, indent=2)
    reponse = HttpResponse(contenu, content_type="application/json; charset=utf-8")
    jour = timezone.localdate().isoformat()
    reponse["Content-Disposition"] = f'attachment; filename="coville-mes-donnees-{jour}.json"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@require_http_methods(["GET", "POST"])
def supprimer_compte(request: HttpRequest) -> HttpResponse:
    form = SuppressionCompteForm(request.POST or None, utilisateur=request.user)
    if request.method == "POST" and form.is_valid():
        rgpd.anonymiser(request.user, request=request)
        logout(request)
        messages.success(
            request,
            "Votre compte a été supprimé. Vos contributions et vos messages restent publiés sans votre nom, "
            "signés « Compte supprimé ».",
        )
        return redirect("accueil")
    return render(request, "comptes/compte/supprimer.html", {"form": form})
