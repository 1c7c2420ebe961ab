"""« Mon compte » (nom, export de ses données, suppression du compte) et les pages publiques « Mentions
légales » et « Données personnelles »."""

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes import alertes, mfa, rgpd
from comptes.audit import journaliser
from comptes.forms import IdentiteForm, SuppressionCompteForm
from comptes.models import ActionAudit, TypeAlerte


def _contexte_editeur() -> dict[str, str]:
    return {
        "editeur": settings.COVILLE_EDITEUR,
        "editeur_adresse": settings.COVILLE_EDITEUR_ADRESSE,
        "directeur_publication": settings.COVILLE_DIRECTEUR_PUBLICATION,
        "hebergeur": settings.COVILLE_HEBERGEUR,
        "contact_donnees": settings.COVILLE_CONTACT_DONNEES,
    }


def duree_lisible(jours: int) -> str:
    """« 5 ans » pour 1 825 jours, « 400 jours » pour ce qui ne tombe pas sur des années entières."""
    if jours % 365 == 0:
        ans = jours // 365
        return f"{ans} an" if ans == 1 else f"{ans} ans"
    return "1 jour" if jours == 1 else f"{jours} jours"


@login_not_required
@require_GET
def mentions_legales(request: HttpRequest) -> HttpResponse:
    return render(request, "comptes/compte/mentions_legales.html", _contexte_editeur())


@login_not_required
@require_GET
def donnees_personnelles(request: HttpRequest) -> HttpResponse:
    contexte = _contexte_editeur()
    contexte["conservation_journal_audit"] = duree_lisible(settings.COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS)
    # Les e-mails attendent dans la file des tâches (destinataire, objet, texte) jusqu'à la purge de nuit.
    contexte["conservation_courriels"] = duree_lisible(settings.TACHES_CONSERVATION_JOURS)
    contexte["conservation_courriels_en_echec"] = duree_lisible(settings.TACHES_ECHECS_JOURS)
    return render(request, "comptes/compte/donnees_personnelles.html", contexte)


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
            "alertes": alertes.abonnements(request.user),
        },
    )


def _export(
    request: HttpRequest,
    nom_format: str,
    extension: str,
    type_mime: str,
    ecrire: Callable[[dict[str, Any]], str | bytes],
) -> HttpResponse:
    """Les données personnelles de la personne connectée (`ecrire` les met en forme) en pièce jointe, jamais
    gardée en cache. L'export entre au journal d'audit dans sa transaction : l'entrée, écrite avant la lecture
    des données, figure dans l'export, et disparaît si l'export échoue."""
    with transaction.atomic():
        journaliser(
            ActionAudit.EXPORT_DONNEES_PERSONNELLES,
            auteur=request.user,
            objet=request.user,
            details={"export": f"ses propres données (RGPD, {nom_format})"},
            request=request,
        )
        contenu = ecrire(rgpd.donnees_personnelles(request.user))
    reponse = HttpResponse(contenu, content_type=type_mime)
    jour = timezone.localdate().isoformat()
    reponse["Content-Disposition"] = f'attachment; filename="coville-mes-donnees-{jour}.{extension}"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


def _json(donnees: dict[str, Any]) -> str:
    return json.dumps(donnees, ensure_ascii=False, indent=2)


# En POST (jeton CSRF) : chaque export écrit une entrée du journal d'audit, qu'une image d'un autre site ne doit
# pas pouvoir remplir au nom de la personne.
@require_POST
def telecharger_donnees(request: HttpRequest) -> HttpResponse:
    """Les données personnelles de la personne connectée, en un fichier JSON (RGPD, art. 15 et 20)."""
    return _export(request, "JSON", "json", "application/json; charset=utf-8", _json)


@require_POST
def telecharger_donnees_csv(request: HttpRequest) -> HttpResponse:
    """Les mêmes données en archive ZIP de fichiers CSV, un par rubrique, à ouvrir dans un tableur."""
    return _export(request, "CSV", "zip", "application/zip", rgpd.archive_csv)


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


@require_POST
def alerte(request: HttpRequest, type_alerte: str) -> HttpResponse:
    """S'abonner ou se désabonner d'une alerte depuis « Mon compte »."""
    if type_alerte not in TypeAlerte.values:
        raise Http404("Cette alerte n'existe pas.")
    abonne = request.POST.get("abonne") == "oui"
    alertes.abonner(request.user, type_alerte, abonne)
    libelle = TypeAlerte(type_alerte).label
    messages.success(
        request,
        f"Vous recevrez l'alerte « {libelle} »." if abonne else f"Vous ne recevrez plus l'alerte « {libelle} ».",
    )
    return redirect(reverse("comptes:mon_compte") + "#alertes")


@login_not_required
@csrf_exempt  # le jeton signé est l'autorisation ; les logiciels de messagerie le postent (RFC 8058)
@require_http_methods(["GET", "POST"])
def desabonnement(request: HttpRequest, jeton: str) -> HttpResponse:
    """Le lien de désabonnement d'un e-mail d'alerte, sans connexion. Le GET montre le bouton (un lien
    ouvert par un antivirus de messagerie ne désabonne personne), le POST désabonne puis y revient."""
    lu = alertes.lire_jeton(jeton)
    if lu is None:
        return render(request, "comptes/compte/desabonnement_invalide.html", status=400)
    utilisateur, type_alerte = lu
    if request.method == "POST":
        alertes.abonner(utilisateur, type_alerte, False)
        return redirect(request.path)
    abonne = any(a["abonne"] for a in alertes.abonnements(utilisateur) if a["type"] == type_alerte)
    return render(
        request,
        "comptes/compte/desabonnement.html",
        {"libelle": TypeAlerte(type_alerte).label, "fait": not abonne, "email": utilisateur.email},
    )
