"""Les pages des conventions : la liste « Conventions » des financeurs et des structures, la page d'une
convention (parties, montants par année et par financeur, articles, état, journal, actions permises), sa
préparation en projet (dont l'ajout d'un autre financeur), son avancement, les signatures, son PDF, et ses
avenants (page, signatures de chaque partie, PDF)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.contexte import contexte
from comptes.mfa import exiger_double_authentification
from config.lib.stockage import MESSAGE_ENVOI_IMPOSSIBLE, StockageIndisponible, telechargement
from config.pdf import reponse_pdf
from financements import documents, taches
from financements.acces import convention_modifiable, convention_visible, dossier_visible
from financements.filtres import ConventionFiltre
from financements.forms import (
    AjoutFinanceurForm,
    AvenantForm,
    ConventionForm,
    EtatConventionForm,
    SignatureForm,
)
from financements.models import (
    Avenant,
    Convention,
    SignatureAvenant,
    SignatureConvention,
    StatutAvenant,
    StatutConvention,
)
from financements.permissions import (
    organisations_instructrices,
    organisations_structures,
    parties_a_signer,
    parties_a_signer_avenant,
    peut_faire_avancer_convention,
    peut_modifier_convention,
    peut_preparer_convention,
)
from financements.services import comptes_rendus as services_comptes_rendus
from financements.services import conventions as services
from financements.services.conventions import PREFIXE_CONVENTIONS
from financements.views.versements import journal_visible, section_versements

PAR_PAGE = 30


def _erreurs(erreur: Exception) -> list[str]:
    return erreur.messages if isinstance(erreur, ValidationError) else [str(erreur)]


@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    """Les conventions dont la personne est partie : celles de ses structures, celles de ses financeurs."""
    acces = contexte(request.user)
    structures = organisations_structures(acces)
    financeurs = [o.pk for o in organisations_instructrices(acces)]
    conventions = (
        Convention.objects.filter(
            Q(structure__organisation_id__in=structures) | Q(parties__financeur_id__in=financeurs)
        )
        .distinct()
        .select_related("structure")
        .prefetch_related("parties__financeur")
        .order_by("-annee_debut", "-pk")
    )
    filtre = ConventionFiltre(request.GET or None, queryset=conventions)
    page = Paginator(filtre.qs, PAR_PAGE).get_page(request.GET.get("page"))
    return render(request, "financements/conventions/liste.html", {"filtre": filtre, "page": page})


@require_GET
def convention(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_visible(request.user, pk)
    parties = [p.financeur for p in convention.parties.all()]
    etats = services.etats_possibles(request.user, convention)
    signatures = {s.financeur_id: s for s in convention.signatures.all()}
    modifiable = peut_modifier_convention(request.user, convention)
    ajoutables = services.financeurs_ajoutables(convention) if modifiable else []
    avenants = list(convention.avenants.prefetch_related("signatures"))
    for a in avenants:
        a.convention = convention  # déjà lue, avec ses parties : pas une requête par avenant
    return render(
        request,
        "financements/conventions/convention.html",
        {
            "convention": convention,
            "parties": parties,
            **documents.tableau_montants(convention, parties),
            "signature_structure": signatures.get(None),
            "signatures_financeurs": [(f, signatures.get(f.pk)) for f in parties],
            "articles": convention.articles.all(),
            "objectifs": convention.objectifs.select_related("orientation"),
            "dossiers": convention.dossiers.all(),
            "journal": journal_visible(request.user, convention),
            "modifiable": modifiable,
            "form_financeur": AjoutFinanceurForm(convention=convention, financeurs=ajoutables) if ajoutables else None,
            "a_signer": parties_a_signer(request.user, convention),
            "form_etat": EtatConventionForm(etats=etats) if etats else None,
            "renouvelable": convention.statut in services.STATUTS_RENOUVELABLES
            and peut_faire_avancer_convention(request.user, convention),
            "suites": convention.suites.all(),
            "avenants": [
                (a, services.differences(a, {f.pk: str(f) for f in parties}), parties_a_signer_avenant(request.user, a))
                for a in avenants
            ],
            "avenant_possible": convention.statut == StatutConvention.EN_VIGUEUR
            and peut_faire_avancer_convention(request.user, convention)
            and not any(a.statut == StatutAvenant.PROJET for a in avenants),
            "comptes_rendus": services_comptes_rendus.annees_comptes_rendus(request.user, convention, parties),
            **section_versements(request.user, convention),
        },
    )


@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """La convention en PDF, aux parties : rendue par un worker une fois par état de ses données ; en
    attendant, la page « PDF en préparation » (config.pdf.reponse_pdf)."""
    convention = convention_visible(request.user, pk)
    return reponse_pdf(
        request,
        nom=documents.nom_document_convention(convention.pk),
        empreinte=documents.empreinte_convention(convention),
        nom_fichier=f"convention-{convention.pk}-{convention.periode}.pdf",
        preparer=lambda: taches.differer_rendu_convention(convention.pk),
        verrou=taches.verrou_pdf_convention(convention.pk),
        retour={"url": convention.get_absolute_url(), "titre": "Retour à la convention"},
    )


@require_POST
@exiger_double_authentification
def ajouter_financeur(request: HttpRequest, pk: int) -> HttpResponse:
    """Un agent d'un financeur partie ajoute à la convention en projet un autre financeur ayant décidé sur une
    de ses actions, avec ses montants de chaque année."""
    convention = convention_modifiable(request.user, pk)
    form = AjoutFinanceurForm(
        request.POST, convention=convention, financeurs=services.financeurs_ajoutables(convention)
    )
    if form.is_valid():
        try:
            services.ajouter_financeur(
                convention, request.user, form.cleaned_data["organisation"], form.cleaned_data["montants"]
            )
        except ValidationError as erreur:
            form.add_error(None, _erreurs(erreur))
        else:
            messages.success(request, f"{form.cleaned_data['organisation']} rejoint la convention.")
            return redirect(convention)
    return render(
        request, "financements/conventions/ajouter_financeur.html", {"convention": convention, "form": form}, status=400
    )


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_modifiable(request.user, pk)
    form = ConventionForm(
        request.POST or None,
        convention=convention,
        orientations=services.orientations_possibles(convention),
        initial=ConventionForm.initial_de(convention),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.modifier_convention(
                convention,
                request.user,
                objet=d["objet"],
                annee_debut=d["annee_debut"],
                nombre_annees=d["nombre_annees"],
                part_avance=d["part_avance"],
                solde_apres_compte_rendu=d["solde_apres_compte_rendu"],
                justificatifs=d["justificatifs"],
                objectifs=d["objectifs"].splitlines(),
                articles=d["articles"],
                montants=d["montants"],
                orientations=d["orientations"],
            )
        except (ValidationError, PermissionDenied) as erreur:
            form.add_error(None, _erreurs(erreur))
        else:
            messages.success(request, "Projet de convention enregistré.")
            return redirect(convention)
    return render(request, "financements/conventions/modifier.html", {"convention": convention, "form": form})


@require_POST
@exiger_double_authentification
def etat(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_visible(request.user, pk)
    etats = services.etats_possibles(request.user, convention)
    if not etats and not peut_faire_avancer_convention(request.user, convention):
        raise PermissionDenied(services.REFUS_PREPARATION)
    form = EtatConventionForm(request.POST, etats=etats)
    if form.is_valid():
        try:
            services.faire_avancer(convention, request.user, form.cleaned_data["statut"], form.cleaned_data["motif"])
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            convention.refresh_from_db()
            messages.success(request, f"Convention : {convention.get_statut_display().lower()}.")
    else:
        messages.error(request, "Choisissez un état possible pour la convention.")
    return redirect(convention)


# Ce que la personne déclare de sa signature, passé tel quel au service (convention ou avenant).
CHAMPS_SIGNATURE = (
    "signataire_nom",
    "signataire_qualite",
    "delegation",
    "representant_declare",
    "reference_acte",
    "date_acte",
    "fichier",
)


def _enregistrer_signature(form: SignatureForm, signer: Callable[..., object]) -> bool:
    """Appelle `signer(partie, **acte)` avec la saisie valide du formulaire de signature ; ses refus (et un
    stockage injoignable pour le PDF signé) vont sur le formulaire, rendu de nouveau sans rien perdre."""
    d = form.cleaned_data
    try:
        signer(d["partie"], **{champ: d[champ] for champ in CHAMPS_SIGNATURE})
    except (ValidationError, PermissionDenied) as erreur:
        form.add_error(None, _erreurs(erreur))
    except StockageIndisponible:
        form.add_error("fichier", MESSAGE_ENVOI_IMPOSSIBLE)
    else:
        return True
    return False


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def signer(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_visible(request.user, pk)
    parties = parties_a_signer(request.user, convention)
    if not parties:
        raise PermissionDenied("Vous n'avez pas de signature à enregistrer sur cette convention à cette étape.")
    form = SignatureForm(request.POST or None, request.FILES or None, parties=parties)
    if (
        request.method == "POST"
        and form.is_valid()
        and _enregistrer_signature(
            form, lambda partie, **acte: services.signer(convention, request.user, partie, **acte)
        )
    ):
        messages.success(request, "Signature enregistrée.")
        return redirect(convention)
    return render(request, "financements/conventions/signer.html", {"convention": convention, "form": form})


@require_GET
def pdf_signe(request: HttpRequest, pk: int, signature_pk: int) -> FileResponse:
    """Le PDF signé d'une partie, aux seules parties de la convention."""
    convention = convention_visible(request.user, pk)
    signature = get_object_or_404(SignatureConvention, pk=signature_pk, convention=convention)
    if not signature.chemin.startswith(PREFIXE_CONVENTIONS + "/"):
        raise Http404("Document introuvable.")
    return telechargement(signature.chemin, signature.nom_fichier, "application/pdf")


@require_POST
@exiger_double_authentification
def preparer(request: HttpRequest, pk: int) -> HttpResponse:
    """Depuis un dossier décidé, un agent d'un financeur prépare le projet de convention commun aux financeurs qui
    n'en ont pas encore."""
    dossier = dossier_visible(request.user, pk)
    if not peut_preparer_convention(request.user, dossier):
        raise PermissionDenied("Seuls les agents d'un financeur d'un dossier décidé en préparent la convention.")
    try:
        convention = services.preparer_convention_commune(dossier, request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect(dossier)
    noms = ", ".join(str(p.financeur) for p in convention.parties.select_related("financeur"))
    messages.success(
        request, f"Projet de convention préparé avec {noms} : précisez sa durée, ses montants et ses articles."
    )
    return redirect(convention)


@require_POST
@exiger_double_authentification
def renouveler(request: HttpRequest, pk: int) -> HttpResponse:
    """Un agent d'un financeur partie prépare la convention suivante d'après celle-ci."""
    convention = convention_visible(request.user, pk)
    if not peut_faire_avancer_convention(request.user, convention):
        raise PermissionDenied(services.REFUS_PREPARATION)
    try:
        suivante = services.renouveler(convention, request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect(convention)
    messages.success(request, f"Projet de convention {suivante.periode} préparé : vérifiez ses montants.")
    return redirect(suivante)


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def nouvel_avenant(request: HttpRequest, pk: int) -> HttpResponse:
    """Préparer un avenant à une convention en vigueur (agents des financeurs parties)."""
    convention = convention_visible(request.user, pk)
    if not peut_faire_avancer_convention(request.user, convention):
        raise PermissionDenied(services.REFUS_PREPARATION)
    if convention.statut != StatutConvention.EN_VIGUEUR:
        raise PermissionDenied("Seule une convention en vigueur se modifie par avenant.")
    form = AvenantForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        try:
            avenant = services.preparer_avenant(
                convention,
                request.user,
                objet=form.cleaned_data["objet"],
                motif=form.cleaned_data["motif"],
                montants=form.cleaned_data["montants"],
                nombre_annees=form.cleaned_data["nombre_annees"],
            )
        except ValidationError as erreur:
            form.add_error(None, _erreurs(erreur))
        else:
            messages.success(request, "Avenant préparé : chaque partie le signe, la structure d'abord.")
            return redirect(avenant)
    return render(request, "financements/conventions/avenant_nouveau.html", {"convention": convention, "form": form})


def _avenant_visible(request: HttpRequest, pk: int, avenant_pk: int) -> tuple[Convention, Avenant]:
    convention = convention_visible(request.user, pk)
    avenant = get_object_or_404(Avenant.objects.prefetch_related("signatures"), pk=avenant_pk, convention=convention)
    avenant.convention = convention
    return convention, avenant


@require_GET
def avenant(request: HttpRequest, pk: int, avenant_pk: int) -> HttpResponse:
    """La page d'un avenant : ce qui change (montants avant et après, durée), pourquoi, les signatures."""
    convention, avenant = _avenant_visible(request, pk, avenant_pk)
    parties = [p.financeur for p in convention.parties.all()]
    signatures = {s.financeur_id: s for s in avenant.signatures.all()}
    return render(
        request,
        "financements/conventions/avenant.html",
        {
            "convention": convention,
            "avenant": avenant,
            "changements": services.differences(avenant, {f.pk: str(f) for f in parties}),
            "signature_structure": signatures.get(None),
            "signatures_financeurs": [(f, signatures.get(f.pk)) for f in parties],
            "a_signer": parties_a_signer_avenant(request.user, avenant),
        },
    )


@require_http_methods(["GET", "POST"])
@exiger_double_authentification
def signer_avenant(request: HttpRequest, pk: int, avenant_pk: int) -> HttpResponse:
    """La signature d'une partie à l'avenant : la structure d'abord, puis chaque financeur."""
    convention, avenant = _avenant_visible(request, pk, avenant_pk)
    parties = parties_a_signer_avenant(request.user, avenant)
    if not parties:
        raise PermissionDenied("Vous n'avez pas de signature à enregistrer sur cet avenant à cette étape.")
    form = SignatureForm(request.POST or None, request.FILES or None, parties=parties, document="Avenant")
    if (
        request.method == "POST"
        and form.is_valid()
        and _enregistrer_signature(
            form, lambda partie, **acte: services.signer_avenant(avenant, request.user, partie, **acte)
        )
    ):
        avenant.refresh_from_db()
        messages.success(
            request,
            "Signature enregistrée : l'avenant s'applique."
            if avenant.statut == StatutAvenant.SIGNE
            else "Signature enregistrée.",
        )
        return redirect(avenant)
    return render(
        request,
        "financements/conventions/signer_avenant.html",
        {"convention": convention, "avenant": avenant, "form": form},
    )


@require_GET
def pdf_avenant(request: HttpRequest, pk: int, avenant_pk: int) -> HttpResponse:
    """L'avenant en PDF (ce qui change, pourquoi, montants avant et après, signatures), rendu par un worker."""
    convention, avenant = _avenant_visible(request, pk, avenant_pk)
    return reponse_pdf(
        request,
        nom=documents.nom_document_avenant(avenant.pk),
        empreinte=documents.empreinte_avenant(avenant),
        nom_fichier=f"convention-{convention.pk}-avenant-{avenant.numero}.pdf",
        preparer=lambda: taches.differer_rendu_avenant(avenant.pk),
        verrou=taches.verrou_pdf_avenant(avenant.pk),
        retour={"url": avenant.get_absolute_url(), "titre": "Retour à l'avenant"},
    )


@require_GET
def pdf_signe_avenant(request: HttpRequest, pk: int, avenant_pk: int, signature_pk: int) -> FileResponse:
    """Le PDF de l'avenant signé par une partie, aux seules parties de la convention."""
    _, avenant = _avenant_visible(request, pk, avenant_pk)
    signature = get_object_or_404(SignatureAvenant, pk=signature_pk, avenant=avenant)
    if not signature.chemin.startswith(PREFIXE_CONVENTIONS + "/"):
        raise Http404("Document introuvable.")
    return telechargement(signature.chemin, signature.nom_fichier, "application/pdf")
