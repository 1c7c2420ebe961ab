"""Pages des demandes d'adhésion des collectivités (`comptes.adhesions_collectivites`) : la demande, la liste
des demandes à examiner, l'acceptation, le refus avec motif, la pièce justificative."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes import adhesions_collectivites as adhesions
from comptes.contexte import contexte_de_requete
from comptes.filtres import DemandeAdhesionFiltre
from comptes.forms import DemandeAdhesionCollectiviteForm, RefusDemandeForm
from comptes.mfa import exiger_double_authentification
from comptes.models import DemandeAdhesionCollectivite
from config.lib.stockage import MESSAGE_ENVOI_IMPOSSIBLE, StockageIndisponible, telechargement

PAR_PAGE = 30


@require_http_methods(["GET", "POST"])
def demander(request: HttpRequest) -> HttpResponse:
    """Une personne connectée demande que sa collectivité rejoigne la plateforme."""
    form = DemandeAdhesionCollectiviteForm(request.POST or None, request.FILES or None)
    statut = 200
    deja_inscrite = False
    if request.method == "POST":
        statut = 400
        if form.is_valid():
            try:
                demande = adhesions.demander(
                    request.user,
                    form.cleaned_data["trouvee"],
                    form.cleaned_data["fonction"],
                    form.cleaned_data["justificatif"],
                    form.cleaned_data.get("piece"),
                )
            except ValidationError as erreur:
                deja_inscrite = erreur.code == "deja_inscrite"
                form.add_error("collectivite", erreur)
                statut = 409
            except StockageIndisponible:
                form.add_error("piece", MESSAGE_ENVOI_IMPOSSIBLE)
                statut = 503
            else:
                messages.success(
                    request,
                    f"Votre demande pour {demande.nom} est envoyée : vous recevrez un e-mail quand elle sera examinée.",
                )
                return redirect("comptes:demander_adhesion")
    mes_demandes = request.user.demandes_adhesion_collectivite.order_by("-cree_le", "-pk")[:20]
    return render(
        request,
        "comptes/demander_adhesion.html",
        {"form": form, "mes_demandes": mes_demandes, "deja_inscrite": deja_inscrite},
        status=statut,
    )


@require_GET
def demandes(request: HttpRequest) -> HttpResponse:
    """Les demandes que la personne examine : administrateurs, agents de l'État d'un département."""
    acces = contexte_de_requete(request)
    if not adhesions.peut_voir_demandes(acces):
        raise PermissionDenied("Seuls les agents de l'État et les administrateurs examinent ces demandes.")
    filtre = DemandeAdhesionFiltre(request.GET or {"etat": "en_attente"}, queryset=adhesions.demandes_a_examiner(acces))
    for champ in filtre.form.fields.values():
        champ.widget.attrs.setdefault("class", "fr-input" if not hasattr(champ, "choices") else "fr-select")
    page = Paginator(filtre.qs, PAR_PAGE).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "comptes/demandes_adhesion.html",
        {"filtre": filtre, "page": page, "parametres": parametres.urlencode(), "form_refus": RefusDemandeForm()},
    )


def _demande_a_examiner(request: HttpRequest, pk: int) -> DemandeAdhesionCollectivite:
    """404 pour qui ne peut pas examiner la demande : elle ne lui est pas montrée."""
    demande = get_object_or_404(DemandeAdhesionCollectivite.objects.select_related("demandeur"), pk=pk)
    if not adhesions.peut_examiner(contexte_de_requete(request), demande):
        raise Http404("Demande introuvable.")
    return demande


@require_POST
@exiger_double_authentification
def accepter(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande_a_examiner(request, pk)
    try:
        demande = adhesions.accepter(request.user, demande)
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
    else:
        messages.success(request, f"{demande.demandeur} est maintenant agent de {demande.nom}.")
    return redirect("comptes:demandes_adhesion")


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def refuser(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande_a_examiner(request, pk)
    form = RefusDemandeForm(request.POST or None)
    statut = 200
    if request.method == "POST":
        statut = 400
        if form.is_valid():
            try:
                adhesions.refuser(request.user, demande, form.cleaned_data["motif"])
            except ValidationError as erreur:
                form.add_error("motif", erreur)
                statut = 409
            else:
                messages.success(request, f"La demande de {demande.demandeur} pour {demande.nom} est refusée.")
                return redirect("comptes:demandes_adhesion")
    return render(request, "comptes/refuser_adhesion.html", {"demande": demande, "form": form}, status=statut)


@require_GET
def piece(request: HttpRequest, pk: int) -> HttpResponse:
    """La pièce justificative : à qui a fait la demande et à qui l'examine."""
    demande = get_object_or_404(DemandeAdhesionCollectivite, pk=pk)
    if demande.demandeur_id != request.user.pk and not adhesions.peut_examiner(contexte_de_requete(request), demande):
        raise Http404("Demande introuvable.")
    if not demande.piece_chemin:
        raise Http404("Cette demande n'a pas de pièce justificative.")
    return telechargement(demande.piece_chemin, demande.piece_nom, demande.piece_type)
