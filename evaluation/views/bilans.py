"""Les bilans d'un contrat : liste, page d'un bilan, création, textes, avis du conseil citoyen, commentaires,
transitions, PDF, données ouvertes (CSV) et compte rendu du comité de pilotage."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.lib.stockage import telechargement
from config.pdf import reponse_pdf
from contrats.acces import contrat_visible
from contrats.models import ContratDeVille
from evaluation import documents_bilans, exports, taches
from evaluation.acces import bilan_a_preparer, bilan_visible, contrat_pour_bilan
from evaluation.contenu_bilan import contenu, presenter, valeurs_du_bilan
from evaluation.forms_bilans import (
    AvisForm,
    BilanForm,
    CommentaireForm,
    ReprendreForm,
    TextesBilanForm,
    ValidationForm,
)
from evaluation.models import Bilan, StatutBilan
from evaluation.permissions import (
    peut_commenter_bilan,
    peut_ecrire_avis,
    peut_lire_commentaires,
    peut_preparer_bilan,
    peut_voir_bilan,
)
from evaluation.services import bilans as services
from evaluation.views.commun import fil_contrat


def _fil(contrat: ContratDeVille, *liens: tuple[str, str]) -> list[dict]:
    return fil_contrat(contrat, *liens, rubrique="Bilans", page="evaluation:bilans")


def _erreurs(form: Form, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    else:
        form.add_error(None, erreur)


@login_not_required
@require_GET
def liste(request: HttpRequest, code: str) -> HttpResponse:
    """Les bilans du contrat : tous pour ses associés, les seuls bilans publiés pour les autres. Un bilan publié
    est public : la liste des bilans publiés l'est aussi, même d'un contrat que la personne ne lit pas (404 s'il
    n'en a aucun)."""
    try:
        contrat = contrat_visible(request.user, code)
    except Http404:
        contrat = get_object_or_404(
            ContratDeVille.objects.filter(bilans__statut=StatutBilan.PUBLIE).distinct(), code=code
        )
    bilans = [
        b
        for b in contrat.bilans.prefetch_related("conseils_citoyens").order_by("-annee", "type")
        if peut_voir_bilan(request.user, b)
    ]
    return render(
        request,
        "evaluation/bilans.html",
        {
            "contrat": contrat,
            "bilans": bilans,
            "peut_preparer": peut_preparer_bilan(request.user, contrat),
            "fil_ariane": _fil(contrat),
        },
    )


@require_http_methods(["GET", "POST"])
def nouveau(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_pour_bilan(request.user, code)
    form = BilanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            bilan = services.creer_bilan(contrat, request.user, d["type"], d["annee"], list(d["conseils_citoyens"]))
        except ValidationError as erreur:
            _erreurs(form, erreur)
        else:
            messages.success(request, f"{bilan.titre} créé, en préparation.")
            return redirect(bilan.get_absolute_url())
    return render(
        request,
        "evaluation/bilan_formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": "Nouveau bilan",
            "retour": reverse("evaluation:bilans", args=[contrat.code]),
            "fil_ariane": _fil(contrat, ("Nouveau bilan", "")),
        },
    )


@login_not_required
@require_GET
def bilan(request: HttpRequest, pk: int) -> HttpResponse:
    """La page d'un bilan : ses textes, ses chiffres (figés s'il est validé), ses graphiques et leurs tableaux,
    l'avis du conseil citoyen, les commentaires des partenaires (lecteurs des brouillons seulement), le journal
    et les actions permises."""
    bilan = bilan_visible(request.user, pk)
    contrat = bilan.contrat
    prepare = peut_preparer_bilan(request.user, contrat)
    return render(
        request,
        "evaluation/bilan.html",
        {
            "bilan": bilan,
            "contrat": contrat,
            **presenter(contenu(bilan)),
            "peut_preparer": prepare,
            "peut_commenter": peut_commenter_bilan(request.user, bilan),
            "peut_ecrire_avis": peut_ecrire_avis(request.user, bilan),
            "commentaires": (
                list(bilan.commentaires.select_related("auteur", "organisation"))
                if peut_lire_commentaires(request.user, bilan)
                else None
            ),
            "journal": list(bilan.journal.select_related("auteur")) if prepare else [],
            "form_commentaire": CommentaireForm(),
            "form_validation": ValidationForm(),
            "form_reprendre": ReprendreForm(),
            "fil_ariane": _fil(contrat, (bilan.titre, "")),
        },
    )


def _formulaire(
    request: HttpRequest, bilan: Bilan, form: Form, titre: str, action: Callable[[dict], object], succes: str
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as erreur:
            _erreurs(form, erreur)
        else:
            messages.success(request, succes)
            return redirect(bilan.get_absolute_url())
    return render(
        request,
        "evaluation/bilan_formulaire.html",
        {
            "form": form,
            "contrat": bilan.contrat,
            "bilan": bilan,
            "titre": titre,
            "retour": bilan.get_absolute_url(),
            "fil_ariane": _fil(bilan.contrat, (bilan.titre, bilan.get_absolute_url()), (titre, "")),
        },
    )


@require_http_methods(["GET", "POST"])
def textes(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = bilan_a_preparer(request.user, pk)
    if not bilan.textes_modifiables:
        raise PermissionDenied(services.REFUS_FIGE)
    form = TextesBilanForm(
        request.POST or None,
        initial={
            "synthese": bilan.synthese,
            "analyse": bilan.analyse,
            "conseils_citoyens": list(bilan.conseils_citoyens.all()),
        },
    )
    return _formulaire(
        request,
        bilan,
        form,
        "Synthèse et analyse",
        lambda d: services.modifier_textes(
            bilan, request.user, d["synthese"], d["analyse"], list(d["conseils_citoyens"])
        ),
        "Synthèse et analyse enregistrées.",
    )


@require_http_methods(["GET", "POST"])
def avis(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = bilan_visible(request.user, pk)
    if not peut_ecrire_avis(request.user, bilan):
        raise PermissionDenied("Seuls les membres des conseils citoyens associés écrivent leur avis, avant validation.")
    form = AvisForm(request.POST or None, initial={"texte": bilan.avis_conseil_citoyen})
    return _formulaire(
        request,
        bilan,
        form,
        "Avis du conseil citoyen",
        lambda d: services.ecrire_avis(bilan, request.user, d["texte"]),
        "Avis du conseil citoyen enregistré.",
    )


@require_POST
def commenter(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = bilan_visible(request.user, pk)
    form = CommentaireForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Écrivez votre commentaire.")
    else:
        try:
            services.commenter(bilan, request.user, form.cleaned_data["texte"])
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, "Commentaire enregistré.")
    return redirect(bilan.get_absolute_url() + "#commentaires")


def _transition(request: HttpRequest, bilan: Bilan, action: Callable[[], object], succes: str) -> HttpResponse:
    try:
        action()
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, succes)
    return redirect(bilan.get_absolute_url())


@require_POST
def soumettre(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = bilan_a_preparer(request.user, pk)
    return _transition(request, bilan, lambda: services.soumettre(bilan, request.user), "Bilan soumis aux partenaires.")


@require_POST
def reprendre(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = bilan_a_preparer(request.user, pk)
    form = ReprendreForm(request.POST)
    motif = form.cleaned_data["motif"] if form.is_valid() else ""
    return _transition(
        request, bilan, lambda: services.reprendre(bilan, request.user, motif), "Bilan repris en préparation."
    )


@require_http_methods(["GET", "POST"])
def valider(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = bilan_a_preparer(request.user, pk)
    form = ValidationForm(request.POST or None, request.FILES or None)
    return _formulaire(
        request,
        bilan,
        form,
        "Validation en comité de pilotage",
        lambda d: services.valider(bilan, request.user, d["date_copil"], d["compte_rendu_copil"], d["fichier"]),
        "Bilan validé en comité de pilotage : ses chiffres sont figés.",
    )


@require_POST
def publier(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = bilan_a_preparer(request.user, pk)
    return _transition(request, bilan, lambda: services.publier(bilan, request.user), "Bilan publié.")


@login_not_required
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Le PDF du bilan, pour qui le lit, rendu par un worker une fois par état de ses données ; en attendant, la
    page « PDF en préparation » (config.pdf.reponse_pdf)."""
    bilan = bilan_visible(request.user, pk)
    return reponse_pdf(
        request,
        nom=documents_bilans.nom_document(bilan.pk),
        empreinte=documents_bilans.empreinte(bilan),
        nom_fichier=f"{slugify(bilan.titre)}-{bilan.contrat.code}.pdf",
        preparer=lambda: taches.differer_rendu_bilan(bilan.pk),
        verrou=taches.verrou_pdf_bilan(bilan.pk),
        retour={"url": bilan.get_absolute_url(), "titre": "Retour au bilan"},
    )


@login_not_required
@require_GET
def valeurs_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Les valeurs d'indicateurs d'un bilan publié, figées à sa validation : données ouvertes. Un bilan non
    publié n'a pas de CSV (404), même pour ses associés, qui ont celui des valeurs du contrat."""
    bilan = bilan_visible(request.user, pk)
    if bilan.statut != StatutBilan.PUBLIE:
        raise Http404("Les données d'un bilan sont ouvertes une fois le bilan publié.")
    return exports.reponse_csv(
        exports.SourceDeValeurs(f"bilan-{bilan.type}-{bilan.annee}-{bilan.contrat.code}", valeurs_du_bilan(bilan))
    )


@login_not_required
@require_GET
def compte_rendu_copil(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = bilan_visible(request.user, pk)
    if not bilan.compte_rendu_chemin:
        raise Http404("Ce bilan n'a pas de compte rendu en fichier.")
    return telechargement(bilan.compte_rendu_chemin, bilan.compte_rendu_nom, bilan.compte_rendu_type)
