"""Les pages du coffre-fort des documents d'une structure : la liste (documents en usage, expirés ou bientôt
expirés signalés, versions précédentes et archives), l'ajout, la nouvelle version, l'archivage, la suppression
et le téléchargement."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acteurs_ess import coffre
from acteurs_ess.acces import document_pour_gerer, document_pour_lire, structure_pour_coffre
from acteurs_ess.forms import DocumentForm
from acteurs_ess.models import JOURS_ALERTE_EXPIRATION, DocumentStructure, EtatValidite, Structure
from config.lib.stockage import MESSAGE_ENVOI_IMPOSSIBLE, StockageIndisponible, telechargement


def _fil(structure: Structure, *liens) -> list[dict]:
    return [
        {"titre": "Annuaire de l'ESS", "url": reverse("acteurs_ess:annuaire")},
        {"titre": structure.raison_sociale, "url": structure.get_absolute_url()},
        *liens,
    ]


@require_GET
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    """Le coffre : les documents en usage, chacun avec sa validité ; les versions remplacées et les archives à
    part. Deux requêtes quel que soit le nombre de documents (la structure, ses documents et leurs auteurs)."""
    structure = structure_pour_coffre(request.user, pk)
    jour = timezone.localdate()
    tous = list(DocumentStructure.objects.filter(structure=structure).select_related("depose_par"))
    en_usage = [(d, d.validite(jour)) for d in tous if d.est_actif]
    return render(
        request,
        "acteurs_ess/documents.html",
        {
            "structure": structure,
            "en_usage": en_usage,
            "anciens": [d for d in tous if not d.est_actif],
            "expires": sum(1 for _, v in en_usage if v == EtatValidite.EXPIRE),
            "bientot": sum(1 for _, v in en_usage if v == EtatValidite.BIENTOT_EXPIRE),
            "jours_alerte": JOURS_ALERTE_EXPIRATION,
            "fil_ariane": _fil(structure, {"titre": "Documents"}),
        },
    )


def _formulaire(request, structure: Structure, remplace: DocumentStructure | None = None) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None, remplacement=remplace is not None)
    statut = 200
    if request.method == "POST":
        statut = 400
        if form.is_valid():
            try:
                document = coffre.ajouter_document(
                    request.user,
                    structure,
                    type=form.cleaned_data.get("type", ""),
                    fichier=form.cleaned_data["fichier"],
                    date_document=form.cleaned_data["date_document"],
                    valable_jusqu_au=form.cleaned_data["valable_jusqu_au"],
                    remplace=remplace,
                )
            except ValidationError as erreur:
                for message in erreur.messages:
                    form.add_error(None, message)
            except StockageIndisponible:
                # Rien n'est enregistré (ajouter_document est tout ou rien) : le formulaire revient avec sa saisie.
                form.add_error("fichier", MESSAGE_ENVOI_IMPOSSIBLE)
                statut = 503
            else:
                if remplace is not None:
                    messages.success(
                        request,
                        f"Nouvelle version déposée : « {document.nom} » remplace « {remplace.nom} » pour les "
                        "prochains dossiers ; ceux qui joignent l'ancienne la gardent.",
                    )
                else:
                    messages.success(request, f"Document « {document.nom} » ajouté au coffre.")
                return redirect("acteurs_ess:documents", structure.pk)
    titre = f"Nouvelle version : {remplace}" if remplace else "Ajouter un document"
    return render(
        request,
        "acteurs_ess/document_formulaire.html",
        {
            "structure": structure,
            "form": form,
            "remplace": remplace,
            "titre": titre,
            "fil_ariane": _fil(
                structure,
                {"titre": "Documents", "url": reverse("acteurs_ess:documents", args=[structure.pk])},
                {"titre": titre},
            ),
        },
        status=statut,
    )


@require_http_methods(["GET", "POST"])
def ajouter_document(request: HttpRequest, pk: int) -> HttpResponse:
    return _formulaire(request, structure_pour_coffre(request.user, pk))


@require_http_methods(["GET", "POST"])
def remplacer_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = document_pour_gerer(request.user, pk, document_pk)
    if not document.est_actif:
        messages.error(request, "Ce document a déjà été remplacé ou archivé : partez de sa version en usage.")
        return redirect("acteurs_ess:documents", pk)
    return _formulaire(request, document.structure, remplace=document)


@require_http_methods(["GET", "POST"])
def supprimer_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """Confirmation, puis suppression ; refusée (le message dit pourquoi et propose d'archiver) quand un dossier
    déposé ou un RIB joint le document."""
    document = document_pour_gerer(request.user, pk, document_pk)
    obstacles = coffre.obstacles_suppression(document)
    statut = 200
    if request.method == "POST":
        try:
            coffre.supprimer_document(request.user, document)
        except ValidationError as erreur:
            obstacles, statut = erreur.messages, 400
        else:
            messages.success(request, f"Document « {document.nom} » supprimé du coffre.")
            return redirect("acteurs_ess:documents", pk)
    return render(
        request,
        "acteurs_ess/supprimer_document.html",
        {
            "structure": document.structure,
            "document": document,
            "obstacles": obstacles,
            "fil_ariane": _fil(
                document.structure,
                {"titre": "Documents", "url": reverse("acteurs_ess:documents", args=[pk])},
                {"titre": "Supprimer un document"},
            ),
        },
        status=statut,
    )


@require_POST
def archiver_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = document_pour_gerer(request.user, pk, document_pk)
    try:
        coffre.archiver_document(request.user, document)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"Document « {document.nom} » archivé : les dossiers qui le joignent le gardent.")
    return redirect("acteurs_ess:documents", pk)


@require_GET
def document_structure(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """Sert le fichier aux membres de la structure et aux lecteurs d'un dossier déposé qui le joint."""
    document = document_pour_lire(request.user, pk, document_pk)
    if not document.chemin.startswith(coffre.PREFIXE_COFFRE + "/"):
        raise Http404("Document introuvable.")
    return telechargement(document.chemin, document.nom, document.type_mime)
