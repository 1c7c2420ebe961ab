"""Les pages d'un dossier côté porteur : création, contenu du CERFA, budget et plan de financement, pièces,
co-porteurs, dépôt ; la page du dossier rassemble aussi l'instruction pour les instructeurs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from acteurs_ess.coffre import PREFIXE_COFFRE
from acteurs_ess.models import DocumentStructure, Structure
from comptes.mfa import exiger_double_authentification
from comptes.models import Organisation
from config.lib.stockage import MESSAGE_ENVOI_IMPOSSIBLE, StockageIndisponible, telechargement
from config.pdf import reponse_pdf
from financements import documents, taches
from financements.acces import appel_visible, dossier_a_enregistrer, dossier_modifiable, dossier_visible
from financements.fichiers import PREFIXE_PRIVE
from financements.forms import (
    CHAMPS_LIGNE_BUDGET,
    MAXIMUM_LIGNES_BUDGET,
    AvisForm,
    CoPorteurForm,
    DecisionForm,
    DocumentDuCoffreForm,
    DossierForm,
    LignesBudgetFormSet,
    MessageForm,
    MotifForm,
    NoteForm,
    NouveauDossierForm,
    PieceForm,
    PlanFinancementForm,
    RenouvellementForm,
    RetraitDossierForm,
    RevisionDecisionForm,
    TransitionDossierForm,
)
from financements.forms_comptes_rendus import reindexer
from financements.models import Dossier, PieceJointe, StatutConvention, StatutDossier, TypePiece, VisibiliteJournal
from financements.models.dossier import STATUTS_RETIRABLES
from financements.models.instruction import ConditionsVersement, NatureAide
from financements.permissions import (
    financeurs_revisables,
    peut_confirmer_co_portage,
    peut_echanger,
    peut_instruire,
    peut_modifier_dossier,
    peut_preparer_convention,
    peut_repondre_appel,
    peut_voir_convention,
    profil_dossier,
)
from financements.services import dossiers as services
from financements.services import renouvellement, retraits
from financements.services.conventions import financeurs_sans_convention
from financements.services.instruction import _organisation_instructrice


def _erreurs(erreur: Exception) -> list[str]:
    return erreur.messages if isinstance(erreur, ValidationError) else [str(erreur)]


def _conflit(dossier) -> str:
    """Le message d'un enregistrement refusé parce que le dossier a changé d'état depuis l'ouverture du formulaire."""
    return (
        f"Le dossier est passé « {dossier.get_statut_display()} » pendant que vous le modifiiez : "
        "vos modifications ne sont pas enregistrées (elles restent ci-dessous pour mémoire)."
    )


def fil(dossier, *liens) -> list[dict]:
    return [
        {"titre": dossier.appel.contrat.nom, "url": dossier.appel.contrat.get_absolute_url()},
        {"titre": dossier.appel.titre, "url": dossier.appel.get_absolute_url()},
        *liens,
    ]


@require_http_methods(["GET", "POST"])
def nouveau(request: HttpRequest, pk: int) -> HttpResponse:
    """Répondre à un appel : choisir la structure porteuse et l'intitulé ; le reste se complète ensuite."""
    appel = appel_visible(request.user, pk)
    if not peut_repondre_appel(request.user, appel):
        raise PermissionDenied("Seuls les membres d'une structure de l'annuaire répondent à un appel à projets.")
    form = NouveauDossierForm(request.POST or None, structures=services.structures_de(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.creer_dossier(
                appel, form.cleaned_data["structure"], request.user, form.cleaned_data["titre"]
            )
        except (ValidationError, PermissionDenied) as erreur:
            form.add_error(None, _erreurs(erreur))
        else:
            messages.success(
                request, "Votre dossier est créé en brouillon : complétez-le, il est enregistré à chaque étape."
            )
            return redirect("financements:modifier_dossier", dossier.pk)
    return render(
        request,
        "financements/dossiers/formulaire.html",
        {"form": form, "appel": appel, "titre": "Répondre à l'appel à projets", "bouton": "Créer le brouillon"},
    )


def _page(request, dossier, statut=200, **formulaires):
    profil = profil_dossier(request.user, dossier)
    instructeur = peut_instruire(request.user, dossier)
    pieces = [p for p in dossier.pieces.all() if p.message_id is None]
    contexte = {
        "dossier": dossier,
        "appel": dossier.appel,
        "profil": profil,
        "instructeur": instructeur,
        "statuts_retirables": STATUTS_RETIRABLES,
        "renouvelable": renouvellement.peut_renouveler(request.user, dossier),
        "totaux": services.totaux_budget(dossier),
        "lignes": dossier.lignes_budget.all(),
        "financements": dossier.financements.all(),
        "pieces": pieces,
        "co_porteurs": dossier.co_porteurs.all(),
        # Les instructeurs lisent tout le journal ; le porteur, ce qui le concerne (jamais les avis).
        "journal": (dossier.journal.all() if instructeur else dossier.journal.pour_porteur(dossier)).select_related(
            "auteur"
        )[:50],
        # Les décisions parviennent au porteur ensemble, quand le dossier est décidé.
        "decisions_visibles": instructeur or services.est_decide(dossier),
        "fil_ariane": fil(dossier, {"titre": dossier.titre, "url": ""}),
        "modifiable": peut_modifier_dossier(request.user, dossier),
        "confirmer": peut_confirmer_co_portage(request.user, dossier)
        and any(not c.est_confirme for c in dossier.co_porteurs.all()),
    }
    if contexte["modifiable"]:
        contexte["refus_depot"] = services.refus_depot(dossier)
    if peut_echanger(request.user, dossier):
        contexte["fil_messages"] = dossier.messages.select_related("auteur", "organisation").prefetch_related(
            Prefetch("pieces", queryset=PieceJointe.objects.all())
        )
        contexte["form_message"] = formulaires.get("form_message") or MessageForm()
    # Les conventions du dossier que la personne peut lire : celles de ses financeurs, ou toutes pour la structure.
    contexte["conventions"] = [
        c
        for c in dossier.conventions.select_related("structure").prefetch_related("parties__financeur", "signatures")
        if peut_voir_convention(request.user, c)
    ]
    contexte["preparer_convention"] = peut_preparer_convention(request.user, dossier) and bool(
        financeurs_sans_convention(dossier)
    )
    transitions = services.transitions_possibles(request.user, dossier)
    if transitions:
        contexte["form_transition"] = formulaires.get("form_transition") or TransitionDossierForm(statuts=transitions)
    if dossier.statut == StatutDossier.EN_COURS and profil.porteur:
        contexte["form_bilan"] = PieceForm(initial={"type": "bilan"})
    if instructeur:
        contexte["notes"] = dossier.notes.select_related("auteur", "organisation")
        contexte["avis"] = dossier.avis.select_related("organisation", "auteur")
        contexte["decisions"] = [f for f in dossier.financements.all() if hasattr(f, "decision")]
        organisations = list(profil.financeurs)
        if profil.agent_porteur and not organisations:
            organisations = [_organisation_instructrice(request.user, dossier, None)]
        if dossier.statut in (StatutDossier.DEPOSE, StatutDossier.EN_INSTRUCTION):
            contexte["form_avis"] = formulaires.get("form_avis") or AvisForm(organisations=organisations)
        contexte["form_note"] = formulaires.get("form_note") or NoteForm()
        a_decider = [
            f.financeur
            for f in dossier.financements.all()
            if not hasattr(f, "decision") and f.financeur in profil.financeurs
        ]
        if dossier.statut == StatutDossier.EN_INSTRUCTION and a_decider:
            contexte["form_decision"] = formulaires.get("form_decision") or DecisionForm(
                financeurs=a_decider,
                initial={"nature": NatureAide.NUMERAIRE, "conditions_versement": ConditionsVersement.UNIQUE},
            )
        if dossier.statut == StatutDossier.EN_INSTRUCTION:
            contexte["form_correction"] = formulaires.get("form_correction") or MotifForm()
        # Avant la convention, un financeur qui a décidé peut revoir sa décision (motif obligatoire).
        # Pas pour un financeur dont une convention du dossier est déjà signée : il faudrait un avenant.
        signes = {
            p.financeur_id
            for c in contexte["conventions"]
            if c.statut not in (StatutConvention.PROJET, StatutConvention.ENVOYEE, StatutConvention.RESILIEE)
            for p in c.parties.all()
        }
        revisables = financeurs_revisables(request.user, dossier)
        a_revoir = [
            f.financeur for f in contexte["decisions"] if f.financeur in revisables and f.financeur_id not in signes
        ]
        if a_revoir:
            contexte["form_revision"] = formulaires.get("form_revision") or RevisionDecisionForm(financeurs=a_revoir)
    return render(request, "financements/dossiers/dossier.html", contexte, status=statut)


def _dossier_complet(user, pk):
    dossier = dossier_visible(user, pk)
    # Les décisions et pièces, lues une fois pour toute la page.
    dossier._prefetched_objects_cache.pop("financements", None)
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(
        [dossier],
        Prefetch("financements", queryset=dossier.financements.select_related("financeur", "decision")),
        Prefetch("lignes_budget", queryset=dossier.lignes_budget.select_related("financeur")),
        Prefetch("pieces", queryset=PieceJointe.objects.all()),
        "qpv",
        "priorites",
    )
    return dossier


@require_http_methods(["GET"])
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _dossier_complet(request.user, pk))


@require_http_methods(["GET", "POST"])
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    """Le contenu du dossier (CERFA 12156, hors budget) : chaque enregistrement garde le brouillon. Un dossier
    déposé, repris en instruction ou décidé pendant que le porteur remplissait le formulaire n'est pas modifié :
    la page répond 409 avec sa saisie, pour qu'il la recopie où il faut (rien de ce qu'il a tapé n'est perdu)."""
    if request.method == "POST":
        dossier = dossier_a_enregistrer(request.user, pk)
    else:
        dossier = dossier_modifiable(request.user, pk)
    form = DossierForm(request.POST or None, instance=dossier)
    statut = 200
    if request.method == "POST":
        valide = form.is_valid()
        try:
            with transaction.atomic():
                # L'état est relu (verrouillé) en base : un dépôt ou une décision faits depuis l'ouverture du
                # formulaire, ou pendant cette requête, sont vus.
                services.verrouiller_modifiable(dossier, request.user)
                if valide:
                    form.save()
                    services.journaliser(
                        dossier, request.user, "Contenu du dossier enregistré", visibilite=VisibiliteJournal.PORTEUR
                    )
        except PermissionDenied:
            form.add_error(None, _conflit(dossier))
            statut = 409
        else:
            if valide:
                messages.success(request, "Dossier enregistré.")
                return redirect(
                    "financements:budget_dossier" if "suivant" in request.POST else "financements:dossier", dossier.pk
                )
    return render(
        request,
        "financements/dossiers/modifier.html",
        {
            "form": form,
            "dossier": dossier,
            "fil_ariane": fil(
                dossier, {"titre": dossier.titre, "url": dossier.get_absolute_url()}, {"titre": "Modifier", "url": ""}
            ),
        },
        status=statut,
    )


@require_http_methods(["GET", "POST"])
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    """Le budget prévisionnel (lignes du CERFA) et le plan de financement, un seul formulaire enregistré en entier
    ou pas du tout ; l'équilibre n'est exigé qu'au dépôt, mais les écarts sont affichés à chaque enregistrement.
    Comme pour le contenu (`modifier`), un dossier déposé, repris en instruction ou décidé pendant que le porteur
    remplissait le formulaire n'est pas modifié : la page répond 409 avec sa saisie."""
    if request.method == "POST":
        dossier = dossier_a_enregistrer(request.user, pk)
    else:
        dossier = dossier_modifiable(request.user, pk)
    financeurs = Organisation.objects.filter(participations_appels__appel=dossier.appel).order_by("nom")
    demandes = {f.financeur_id: f.montant_demande for f in dossier.financements.all()}
    initial_lignes = [
        {
            "annee": ligne.annee,
            "compte": ligne.compte,
            "libelle": ligne.libelle,
            "montant": ligne.montant,
            "financeur": ligne.financeur_id,
        }
        for ligne in dossier.lignes_budget.all()
    ]
    initial_plan = {"fonds_propres": dossier.fonds_propres, "autres_financements": dossier.autres_financements}
    initial_plan |= {f"financeur_{pk_}": montant for pk_, montant in demandes.items()}
    form_kwargs = {"financeurs": financeurs, "nombre_annees": dossier.nombre_annees}
    if request.method == "POST" and ("ajouter_ligne" in request.POST or "retirer_ligne" in request.POST):
        return _budget_remanie(request, dossier, financeurs, form_kwargs)
    lignes = LignesBudgetFormSet(request.POST or None, initial=initial_lignes, prefix="lignes", form_kwargs=form_kwargs)
    # Trois lignes vides pour un premier budget ; ensuite une seule, le bouton « Ajouter une ligne » en donne d'autres.
    lignes.extra = 1 if initial_lignes else 3
    plan = PlanFinancementForm(request.POST or None, initial=initial_plan, financeurs=financeurs, prefix="plan")
    erreurs = []
    statut = 200
    if request.method == "POST":
        # Les deux formulaires sont validés, pour que chacun montre ses erreurs.
        valide = all([lignes.is_valid(), plan.is_valid()])
        try:
            with transaction.atomic():
                # L'état est relu (verrouillé) en base avant tout : un dépôt ou une décision faits depuis
                # l'ouverture du formulaire, ou pendant cette requête, sont vus, même si la saisie est à corriger.
                services.verrouiller_modifiable(dossier, request.user)
                if valide:
                    services.enregistrer_budget(
                        dossier, request.user, [f.cleaned_data for f in lignes.forms if f.cleaned_data.get("compte")]
                    )
                    services.enregistrer_plan(
                        dossier,
                        request.user,
                        plan.demandes(),
                        plan.cleaned_data.get("fonds_propres") or 0,
                        plan.cleaned_data.get("autres_financements") or 0,
                    )
        except PermissionDenied:
            erreurs, statut = [_conflit(dossier)], 409
        except ValidationError as erreur:
            erreurs, statut = _erreurs(erreur), 400
        else:
            if not valide:
                erreurs, statut = ["Le budget n'est pas enregistré : corrigez les lignes signalées ci-dessous."], 400
            else:
                ecarts = services.erreurs_budget(dossier)
                if ecarts:
                    messages.warning(
                        request, "Budget enregistré en brouillon. À régler avant le dépôt : " + " ".join(ecarts)
                    )
                else:
                    messages.success(request, "Budget et plan de financement enregistrés : ils sont équilibrés.")
                return redirect("financements:budget_dossier", dossier.pk)
    return _page_budget(
        request,
        dossier,
        lignes,
        plan,
        erreurs=erreurs,
        ecarts=services.erreurs_budget(dossier) if request.method == "GET" else [],
        statut=statut,
    )


def _page_budget(
    request, dossier, lignes, plan, *, erreurs=(), ecarts=(), annonce="", remaniement=False, statut=200
) -> HttpResponse:
    return render(
        request,
        "financements/dossiers/budget.html",
        {
            "dossier": dossier,
            "lignes": lignes,
            "plan": plan,
            "erreurs": erreurs,
            "ecarts": ecarts,
            "annonce": annonce,
            "remaniement": remaniement,
            "maximum_lignes": MAXIMUM_LIGNES_BUDGET,
            "totaux": services.totaux_budget(dossier),
            "fil_ariane": fil(
                dossier, {"titre": dossier.titre, "url": dossier.get_absolute_url()}, {"titre": "Budget", "url": ""}
            ),
        },
        status=statut,
    )


def _budget_remanie(request, dossier, financeurs, form_kwargs) -> HttpResponse:
    """Sans JavaScript, « Ajouter une ligne » et « Retirer » renvoient la page du budget avec la saisie telle
    quelle, une ligne en plus ou en moins : rien n'est enregistré ni signalé comme erreur (le bouton « Enregistrer
    le budget » valide et enregistre), et la page dit ce qui a changé."""
    try:
        nombre = int(request.POST.get("lignes-TOTAL_FORMS", 0))
    except ValueError:
        nombre = 0
    ajouter, retirer = False, None
    if "ajouter_ligne" in request.POST:
        if nombre >= MAXIMUM_LIGNES_BUDGET:
            annonce = f"Un budget compte {MAXIMUM_LIGNES_BUDGET} lignes au plus : aucune ligne n'est ajoutée."
        else:
            ajouter, annonce = True, f"Ligne {nombre + 1} ajoutée, à la fin du tableau."
    else:
        retirer = int(request.POST["retirer_ligne"]) if request.POST["retirer_ligne"].isdigit() else -1
        if 0 <= retirer < nombre:
            annonce = f"Ligne {retirer + 1} retirée : elle disparaîtra du budget à son enregistrement."
        else:
            annonce = "Cette ligne n'existe plus : aucune ligne n'est retirée."
    donnees = reindexer(request.POST, "lignes", CHAMPS_LIGNE_BUDGET, ajouter=ajouter, retirer=retirer)
    lignes = LignesBudgetFormSet(donnees, prefix="lignes", form_kwargs=form_kwargs)
    # Le plan de financement est rendu tel que tapé, sans ses erreurs (il sera validé à l'enregistrement).
    plan = PlanFinancementForm(financeurs=financeurs, prefix="plan")
    plan.initial = {nom: request.POST.get(plan.add_prefix(nom), "") for nom in plan.fields}
    return _page_budget(request, dossier, lignes, plan, annonce=annonce, remaniement=True)


@require_http_methods(["GET", "POST"])
def pieces(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_visible(request.user, pk)
    form = PieceForm(request.POST or None, request.FILES or None)
    stockage_en_panne = False
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ajouter_piece(dossier, request.user, form.cleaned_data["fichier"], form.cleaned_data["type"])
            except ValidationError as erreur:
                form.add_error("fichier", erreur.messages)
            except StockageIndisponible:
                form.add_error("fichier", MESSAGE_ENVOI_IMPOSSIBLE)
                stockage_en_panne = True
            except PermissionDenied as erreur:
                raise erreur
            else:
                messages.success(request, "Pièce jointe ajoutée.")
                return redirect("financements:pieces_dossier", dossier.pk)
    elif not peut_modifier_dossier(request.user, dossier):
        raise PermissionDenied("Ce dossier ne reçoit plus de pièces.")
    return _page_pieces(request, dossier, form, statut=503 if stockage_en_panne else 400 if form.errors else 200)


def _page_pieces(request, dossier, form, statut=200, coffre_en_erreur=None):
    """La page des pièces : celles du dossier, et pour chaque pièce demandée par l'appel les documents valables
    du coffre de la structure à joindre d'un clic (trois requêtes : pièces, documents du coffre, et le dossier)."""
    pieces = list(dossier.pieces.filter(message__isnull=True).select_related("document"))
    joints = {p.document_id for p in pieces if p.document_id}
    presentes = {p.type for p in pieces}
    du_coffre = [
        d
        for d in DocumentStructure.objects.filter(structure_id=dossier.structure_id).valables(timezone.localdate())
        if d.pk not in joints
    ]
    demandees = []
    for code in dossier.appel.pieces_demandees:
        documents = [d for d in du_coffre if d.type == code]
        if coffre_en_erreur is not None and coffre_en_erreur.prefix == code:
            form_coffre = coffre_en_erreur
        else:
            form_coffre = DocumentDuCoffreForm(documents=documents, type_piece=code, prefix=code) if documents else None
        demandees.append({"libelle": TypePiece(code).label, "fournie": code in presentes, "form": form_coffre})
    return render(
        request,
        "financements/dossiers/pieces.html",
        {
            "dossier": dossier,
            "form": form,
            "pieces": pieces,
            "demandees": demandees,
            "fil_ariane": fil(
                dossier, {"titre": dossier.titre, "url": dossier.get_absolute_url()}, {"titre": "Pièces", "url": ""}
            ),
        },
        status=statut,
    )


@require_POST
def joindre_document(request: HttpRequest, pk: int, type_piece: str) -> HttpResponse:
    """Joint au dossier un document du coffre de la structure porteuse, pour une pièce demandée par l'appel."""
    dossier = dossier_modifiable(request.user, pk)
    if type_piece not in dossier.appel.pieces_demandees:
        raise Http404("Pièce non demandée par l'appel.")
    documents = DocumentStructure.objects.filter(structure_id=dossier.structure_id, type=type_piece).valables(
        timezone.localdate()
    )
    form = DocumentDuCoffreForm(request.POST, documents=documents, type_piece=type_piece, prefix=type_piece)
    if form.is_valid():
        try:
            piece = services.joindre_document(dossier, request.user, documents.get(pk=form.cleaned_data["document"]))
        except ValidationError as erreur:
            form.add_error("document", erreur.messages)
        else:
            messages.success(request, f"« {piece.nom} » joint au dossier depuis le coffre de la structure.")
            return redirect("financements:pieces_dossier", dossier.pk)
    return _page_pieces(request, dossier, PieceForm(), statut=400, coffre_en_erreur=form)


@require_POST
def retirer_piece(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    dossier = dossier_modifiable(request.user, pk)
    piece = get_object_or_404(PieceJointe, pk=piece_pk, dossier=dossier)
    piece.dossier = dossier
    services.retirer_piece(piece, request.user)
    messages.success(request, f"Pièce « {piece.nom} » retirée.")
    return redirect("financements:pieces_dossier", dossier.pk)


def piece(request: HttpRequest, pk: int, piece_pk: int) -> FileResponse:
    """Sert une pièce jointe à qui voit le dossier (les pièces d'un message : aux parties du fil)."""
    dossier = dossier_visible(request.user, pk)
    piece = get_object_or_404(PieceJointe, pk=piece_pk, dossier=dossier)
    # Une pièce prise dans le coffre de la structure désigne le fichier du coffre.
    prefixe = PREFIXE_COFFRE if piece.document_id else PREFIXE_PRIVE
    if not piece.chemin.startswith(prefixe + "/"):
        raise Http404("Pièce introuvable.")
    return telechargement(piece.chemin, piece.nom, piece.type_mime)


@require_http_methods(["GET", "POST"])
def co_porteurs(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_modifiable(request.user, pk)
    form = CoPorteurForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saisie = form.cleaned_data["structure"].strip()
        compact = saisie.replace(" ", "")
        structure = Structure.objects.filter(
            Q(siret=compact) | Q(rna=compact.upper()) | Q(raison_sociale__iexact=saisie)
        ).first()
        if structure is None:
            form.add_error("structure", f"Aucune structure de l'annuaire ne correspond à « {saisie} ».")
        else:
            try:
                services.inviter_co_porteur(dossier, request.user, structure, form.cleaned_data["role"])
            except ValidationError as erreur:
                form.add_error(None, erreur.messages)
            else:
                messages.success(
                    request, f"{structure} est invitée : ses membres doivent confirmer leur participation."
                )
                return redirect("financements:co_porteurs_dossier", dossier.pk)
    return render(
        request,
        "financements/dossiers/co_porteurs.html",
        {
            "dossier": dossier,
            "form": form,
            "co_porteurs": dossier.co_porteurs.select_related("structure"),
            "fil_ariane": fil(
                dossier,
                {"titre": dossier.titre, "url": dossier.get_absolute_url()},
                {"titre": "Co-porteurs", "url": ""},
            ),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def retirer_co_porteur(request: HttpRequest, pk: int, co_pk: int) -> HttpResponse:
    dossier = dossier_modifiable(request.user, pk)
    co_porteur = get_object_or_404(dossier.co_porteurs.select_related("structure"), pk=co_pk)
    co_porteur.dossier = dossier
    services.retirer_co_porteur(co_porteur, request.user)
    messages.success(request, f"{co_porteur.structure} n'est plus co-porteur.")
    return redirect("financements:co_porteurs_dossier", dossier.pk)


@require_POST
def confirmer(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_visible(request.user, pk)
    try:
        services.confirmer_co_portage(dossier, request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Votre participation au projet est confirmée.")
    return redirect(dossier)


@require_POST
def deposer(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_modifiable(request.user, pk)
    try:
        services.deposer(dossier, request.user)
    except ValidationError as erreur:
        messages.error(request, "Le dossier n'est pas déposé, il reste en brouillon : " + " ".join(erreur.messages))
        return _page(request, _dossier_complet(request.user, pk), statut=400)
    messages.success(
        request, "Dossier déposé : les financeurs sollicités vont l'instruire. Vous serez prévenu·e par e-mail."
    )
    return redirect(dossier)


@require_POST
@exiger_double_authentification
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_visible(request.user, pk)
    statuts = services.transitions_possibles(request.user, dossier)
    form = TransitionDossierForm(request.POST, statuts=statuts)
    if not statuts:
        raise PermissionDenied("Vous ne pouvez pas faire avancer ce dossier.")
    if form.is_valid():
        try:
            services.faire_avancer(dossier, request.user, form.cleaned_data["statut"], form.cleaned_data["motif"])
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, f"Dossier : {dossier.get_statut_display().lower()}.")
    return redirect(dossier)


@require_POST
def bilan(request: HttpRequest, pk: int) -> HttpResponse:
    """Le porteur joint son compte-rendu financier à une action en cours."""
    dossier = dossier_visible(request.user, pk)
    form = PieceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.ajouter_piece(dossier, request.user, form.cleaned_data["fichier"], "bilan")
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        except StockageIndisponible:
            messages.error(request, MESSAGE_ENVOI_IMPOSSIBLE)
        else:
            messages.success(request, "Compte-rendu financier joint : vous pouvez déposer le bilan.")
    else:
        messages.error(request, "Choisissez le fichier du compte-rendu financier.")
    return redirect(dossier)


def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Le résumé du dossier en PDF (porteur, co-porteurs, instructeurs), rendu par un worker une fois par état
    des données ; en attendant, la page « PDF en préparation » (config.pdf.reponse_pdf)."""
    dossier = dossier_visible(request.user, pk)
    return reponse_pdf(
        request,
        nom=documents.nom_document(dossier.pk),
        empreinte=documents.empreinte(dossier),
        nom_fichier=f"dossier-{dossier.reference}.pdf",
        preparer=lambda: taches.differer_rendu(dossier.pk),
        verrou=taches.verrou_pdf(dossier.pk),
        retour={"url": dossier.get_absolute_url(), "titre": "Retour au dossier"},
    )


# --- Supprimer un brouillon, retirer un dossier déposé -----------------------------------------------------


def _dossier_du_porteur(request: HttpRequest, pk: int) -> Dossier:
    dossier = dossier_visible(request.user, pk)
    if not profil_dossier(request.user, dossier).porteur:
        raise PermissionDenied("Seuls les membres de la structure porteuse suppriment ou retirent ce dossier.")
    return dossier


@require_http_methods(["GET", "POST"])
def supprimer_brouillon(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_du_porteur(request, pk)
    erreurs: list[str] = []
    if request.method == "POST":
        try:
            retraits.supprimer_brouillon(dossier, request.user)
        except ValidationError as erreur:
            erreurs = erreur.messages
        else:
            messages.success(request, f"Le brouillon « {dossier.titre} » est supprimé.")
            return redirect("financements:appel", pk=dossier.appel_id)
    return render(
        request,
        "financements/dossiers/supprimer_brouillon.html",
        {"dossier": dossier, "erreurs": erreurs},
        status=409 if erreurs else 200,
    )


@require_http_methods(["GET", "POST"])
def retirer_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_du_porteur(request, pk)
    form = RetraitDossierForm(request.POST or None)
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                retraits.retirer(dossier, request.user, form.cleaned_data["motif"])
            except ValidationError as erreur:
                form.add_error(None, erreur.messages)
                statut = 409
            else:
                messages.success(request, f"Le dossier « {dossier.titre} » est retiré ; ses financeurs sont prévenus.")
                return redirect(dossier)
        else:
            statut = 400
    return render(request, "financements/dossiers/retirer.html", {"dossier": dossier, "form": form}, status=statut)


# --- Renouveler un dossier ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def renouveler(request: HttpRequest, pk: int) -> HttpResponse:
    """Renouveler un dossier décidé ou clos pour un appel ouvert : un brouillon copié, relié à celui-ci."""
    dossier = dossier_visible(request.user, pk)
    if not renouvellement.peut_renouveler(request.user, dossier):
        raise PermissionDenied("Seuls les membres de la structure porteuse renouvellent un dossier décidé ou clos.")
    form = RenouvellementForm(request.POST or None, appels=renouvellement.appels_possibles(request.user, dossier))
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                nouveau = renouvellement.renouveler(dossier, form.cleaned_data["appel"], request.user)
            except (ValidationError, PermissionDenied) as erreur:
                form.add_error("appel", _erreurs(erreur))
                statut = 409
            else:
                messages.success(
                    request,
                    "Le dossier est renouvelé en brouillon : relisez-le, complétez ce qui n'a pas été repris, puis "
                    "déposez-le.",
                )
                return redirect(nouveau)
        else:
            statut = 400
    return render(
        request,
        "financements/dossiers/renouveler.html",
        {"dossier": dossier, "form": form, "fil_ariane": fil(dossier, {"titre": "Renouveler", "url": ""})},
        status=statut,
    )
