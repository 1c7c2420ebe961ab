"""L'instruction : tableau des dossiers à instruire (filtres, totaux par financeur, conventions obligatoires,
parts ESS et collectives), exports CSV/XLSX du filtre courant, actions des instructeurs, export SCDL public."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from comptes.audit import journaliser
from comptes.mfa import exiger_double_authentification
from comptes.models import ActionAudit, Organisation, TypeOrganisation
from config.lib.stockage import MESSAGE_ENVOI_IMPOSSIBLE, StockageIndisponible
from financements.acces import dossier_pour_instruire, dossier_visible
from financements.filtres import TableauFiltre
from financements.forms import AvisForm, DecisionForm, MessageForm, MotifForm, NoteForm, RevisionDecisionForm
from financements.permissions import (
    financeurs_revisables,
    organisations_instructrices,
    peut_voir_tableau,
    profil_dossier,
)
from financements.selectors import dossiers_a_instruire, indicateurs, pour_liste, totaux_par_financeur
from financements.services import exports
from financements.services import instruction as services
from financements.views.dossiers import _dossier_complet, _erreurs, _page

PAR_PAGE = 50


def _filtre(request) -> TableauFiltre:
    if not peut_voir_tableau(request.user):
        raise PermissionDenied(
            "Le tableau d'instruction est réservé aux agents des collectivités, de l'État et des partenaires "
            "financeurs."
        )
    filtre = TableauFiltre(
        request.GET or None, queryset=dossiers_a_instruire(request.user).order_by("-depose_le", "-pk")
    )
    for champ in filtre.form.fields.values():
        champ.widget.attrs.setdefault("class", "fr-select" if isinstance(champ.widget, forms.Select) else "fr-input")
    return filtre


@require_GET
def tableau(request: HttpRequest) -> HttpResponse:
    filtre = _filtre(request)
    dossiers = filtre.qs
    chiffres = indicateurs(dossiers)
    paginateur = Paginator(pour_liste(dossiers), PAR_PAGE)
    paginateur.count = chiffres["nombre"]  # déjà compté avec les indicateurs : une requête de moins
    page = paginateur.get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "financements/dossiers/tableau.html",
        {
            "filtre": filtre,
            "page": page,
            "parametres": parametres.urlencode(),
            "totaux": totaux_par_financeur(dossiers),
            "indicateurs": chiffres,
            "mes_organisations": organisations_instructrices(request.user),
        },
    )


def _journaliser_export(request: HttpRequest, format: str) -> None:
    # Le tableau porte des dossiers non publics (en instruction, montants demandés) : qui l'a exporté, quand et
    # avec quel filtre entre au journal d'audit.
    journaliser(
        ActionAudit.EXPORT_INSTRUCTION,
        auteur=request.user,
        details={"export": f"tableau d'instruction ({format})", "filtre": request.GET.dict()},
        request=request,
    )


@require_GET
@exiger_double_authentification
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    dossiers = pour_liste(_filtre(request).qs)
    _journaliser_export(request, "CSV")
    reponse = StreamingHttpResponse(
        exports.csv_en_flux(exports.COLONNES_TABLEAU, exports.lignes_tableau(dossiers.iterator(chunk_size=500))),
        content_type="text/csv; charset=utf-8",
    )
    reponse["Content-Disposition"] = 'attachment; filename="dossiers.csv"'
    return reponse


@require_GET
@exiger_double_authentification
def export_xlsx(request: HttpRequest) -> HttpResponse:
    dossiers = pour_liste(_filtre(request).qs)
    _journaliser_export(request, "XLSX")
    reponse = HttpResponse(
        exports.xlsx_tableau(dossiers),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    reponse["Content-Disposition"] = 'attachment; filename="dossiers.xlsx"'
    return reponse


@login_not_required
@require_GET
def scdl(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Les subventions accordées par une collectivité (ou un autre financeur public), au format SCDL
    « subventions » v2.1.1 : UTF-8, virgules, une ligne par bénéficiaire. Public et diffusé en flux."""
    attribuant = get_object_or_404(
        Organisation.objects.exclude(
            type__in=[TypeOrganisation.STRUCTURE, TypeOrganisation.PLATEFORME, TypeOrganisation.CONSEIL_CITOYEN]
        ),
        pk=pk,
    )
    reponse = StreamingHttpResponse(
        exports.csv_en_flux(exports.COLONNES_SCDL, exports.lignes_scdl(attribuant)),
        content_type="text/csv; charset=utf-8",
    )
    nom = attribuant.siret or f"organisation-{attribuant.pk}"
    reponse["Content-Disposition"] = f'attachment; filename="subventions-{nom}.csv"'
    return reponse


def _agir(request, pk, action, succes: str, formulaire: str, form):
    dossier = dossier_pour_instruire(request.user, pk)
    if form.is_valid():
        try:
            action(dossier, form.cleaned_data)
        except (ValidationError, PermissionDenied) as erreur:
            if isinstance(erreur, PermissionDenied):
                raise
            form.add_error(None, _erreurs(erreur))
        else:
            messages.success(request, succes)
            return redirect(dossier)
    return _page(request, _dossier_complet(request.user, pk), statut=400, **{formulaire: form})


@require_POST
@exiger_double_authentification
def prendre(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_pour_instruire(request.user, pk)
    try:
        services.prendre_en_instruction(dossier, request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Dossier pris en instruction.")
    return redirect(dossier)


@require_POST
@exiger_double_authentification
def correction(request: HttpRequest, pk: int) -> HttpResponse:
    return _agir(
        request,
        pk,
        lambda d, c: services.demander_correction(d, request.user, c["motif"]),
        "Correction demandée : le porteur est prévenu par e-mail.",
        "form_correction",
        MotifForm(request.POST),
    )


@require_POST
@exiger_double_authentification
def note(request: HttpRequest, pk: int) -> HttpResponse:
    return _agir(
        request,
        pk,
        lambda d, c: services.ecrire_note(d, request.user, c["texte"]),
        "Note enregistrée (visible des seuls instructeurs).",
        "form_note",
        NoteForm(request.POST),
    )


def _organisations(request, pk):
    dossier = dossier_pour_instruire(request.user, pk)
    profil = profil_dossier(request.user, dossier)
    organisations = list(profil.financeurs) or [services._organisation_instructrice(request.user, dossier, None)]
    return dossier, organisations


@require_POST
@exiger_double_authentification
def avis(request: HttpRequest, pk: int) -> HttpResponse:
    _, organisations = _organisations(request, pk)
    par_pk = {str(o.pk): o for o in organisations}
    return _agir(
        request,
        pk,
        lambda d, c: services.donner_avis(
            d, request.user, c["sens"], c["montant_propose"], c["commentaire"], par_pk[c["organisation"]]
        ),
        "Avis enregistré.",
        "form_avis",
        AvisForm(request.POST, organisations=organisations),
    )


@require_POST
@exiger_double_authentification
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_pour_instruire(request.user, pk)
    financeurs = list(profil_dossier(request.user, dossier).financeurs)
    if not financeurs:
        raise PermissionDenied("Seuls les agents d'un financeur sollicité décident de sa part.")
    par_pk = {str(o.pk): o for o in financeurs}
    return _agir(
        request,
        pk,
        lambda d, c: services.decider(
            d,
            request.user,
            par_pk[c["financeur"]],
            c["montant"],
            c["reference"],
            c["motif"],
            c["nature"],
            c["conditions_versement"],
        ),
        "Décision enregistrée.",
        "form_decision",
        DecisionForm(request.POST, financeurs=financeurs),
    )


@require_POST
@exiger_double_authentification
def revision(request: HttpRequest, pk: int) -> HttpResponse:
    """Un agent d'un financeur qui a décidé revoit sa décision avant la convention, avec un motif."""
    dossier = dossier_pour_instruire(request.user, pk)
    financeurs = financeurs_revisables(request.user, dossier)
    if not financeurs:
        raise PermissionDenied(
            "Seuls les agents d'un financeur du dossier revoient sa décision, une fois le dossier décidé."
        )
    par_pk = {str(o.pk): o for o in financeurs}
    return _agir(
        request,
        pk,
        lambda d, c: services.reviser_decision(d, request.user, par_pk[c["financeur"]], c["montant"], c["motif"]),
        "Décision revue : les parties des conventions concernées sont prévenues.",
        "form_revision",
        RevisionDecisionForm(request.POST, financeurs=financeurs),
    )


@require_POST
@exiger_double_authentification
def message(request: HttpRequest, pk: int) -> HttpResponse:
    """Le fil d'échanges, ouvert au porteur, aux co-porteurs et aux instructeurs."""
    dossier = dossier_visible(request.user, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        fichiers = [form.cleaned_data["fichier"]] if form.cleaned_data.get("fichier") else []
        try:
            services.envoyer_message(dossier, request.user, form.cleaned_data["texte"], fichiers)
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        except StockageIndisponible:
            # Le message et sa pièce sont écrits ensemble ou pas du tout : le texte reste dans le formulaire.
            form.add_error("fichier", MESSAGE_ENVOI_IMPOSSIBLE)
            return _page(request, _dossier_complet(request.user, pk), statut=503, form_message=form)
        else:
            messages.success(request, "Message envoyé.")
            return redirect(dossier.get_absolute_url() + "#messages")
    return _page(request, _dossier_complet(request.user, pk), statut=400, form_message=form)
