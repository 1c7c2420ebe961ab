from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acteurs_ess import apercus, cycle_de_vie, imports, registres, services
from acteurs_ess.acces import (
    collectif_pour_gerer,
    demande_pour_decider,
    import_pour_suivre,
    rib_pour_lire,
    rib_pour_valider,
    structure_pour_modifier,
    structure_pour_proposer_rib,
    structure_pour_rib,
    structure_pour_verifier,
)
from acteurs_ess.choix import EtatDemande, EtatMembreCollectif, TypePiece
from acteurs_ess.forms import (
    CessationForm,
    CollectifForm,
    DecisionForm,
    DemandeRattachementForm,
    DissolutionForm,
    ImportForm,
    MembreCollectifForm,
    ModificationCollectifForm,
    RechercheForm,
    RibForm,
    StructureForm,
)
from acteurs_ess.models import (
    Collectif,
    DocumentStructure,
    EtatRib,
    ImportStructures,
    MembreCollectif,
    Rib,
    Structure,
)
from acteurs_ess.permissions import (
    ROLES_FINANCEURS,
    est_membre,
    peut_creer_collectif,
    peut_gerer_collectif,
    peut_importer,
    peut_lire_rib,
    peut_modifier_structure,
    peut_proposer_rib,
    peut_valider_rib,
    peut_verifier_structure,
    peut_voir_page_rib,
    territoire_d_import,
)
from acteurs_ess.recherche import chercher_collectifs, chercher_structures, libelle_collectif, libelle_structure
from acteurs_ess.selectors import page_de_resultats, rechercher_structures
from comptes.contexte import contexte_de_requete
from comptes.mfa import exiger_double_authentification
from comptes.models import Adhesion, Role
from config.lib.autocompletion import reponse_json
from config.lib.pages_publiques import page_publique
from config.lib.stockage import MESSAGE_ENVOI_IMPOSSIBLE, StockageIndisponible, telechargement
from config.lib.tableurs import classeur_xlsx, csv_en_flux

PAR_PAGE = 20


def _fil(*liens) -> list[dict]:
    return [{"titre": "Annuaire de l'ESS", "url": reverse("acteurs_ess:annuaire")}, *liens]


@login_not_required
@require_GET
@page_publique
def annuaire(request: HttpRequest) -> HttpResponse:
    form = RechercheForm(request.GET or None)
    resultats = page_de_resultats(form.criteres(), request.GET.get("page"), PAR_PAGE)
    page = resultats.page
    page.pages_list = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "acteurs_ess/annuaire.html",
        {
            "form": form,
            "page_obj": page,
            "approche": resultats.approche,
            "peut_importer": request.user.is_authenticated and peut_importer(request.user),
            "parametres": parametres.urlencode(),
            "fil_ariane": [{"titre": "Annuaire de l'ESS"}],
        },
    )


@login_not_required
@require_GET
def exporter(request: HttpRequest, format: str) -> HttpResponse:
    """Les structures du filtre courant, aux colonnes de l'import (CSV ou XLSX)."""
    structures = rechercher_structures(RechercheForm(request.GET or None).criteres())
    nom = f"annuaire-ess-{timezone.localdate():%Y-%m-%d}"
    if format == "xlsx":
        reponse = HttpResponse(
            classeur_xlsx("Structures", imports.COLONNES, imports.lignes_export(structures)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        reponse["Content-Disposition"] = f'attachment; filename="{nom}.xlsx"'
        return reponse

    lignes = csv_en_flux(imports.COLONNES, imports.lignes_export(structures), bom=True)
    reponse = StreamingHttpResponse(lignes, content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.csv"'
    return reponse


@login_not_required
@require_GET
@page_publique
def structure(request: HttpRequest, pk: int) -> HttpResponse:
    structure = get_object_or_404(
        Structure.objects.select_related("commune", "commune__epci", "organisation").prefetch_related(
            "qpv",
            "communes_action",
            Prefetch(
                "organisation__participations_collectifs",
                queryset=MembreCollectif.objects.acceptes().select_related("collectif").order_by("collectif__nom"),
            ),
        ),
        pk=pk,
    )
    user = request.user
    membre = est_membre(user, structure)
    contexte = {
        "structure": structure,
        "participations": structure.organisation.participations_collectifs.all(),
        "est_membre": membre,
        "peut_modifier": membre or peut_modifier_structure(user, structure),
        # Les membres et les administrateurs voient la page du RIB sans requête de plus ; un financeur, s'il peut
        # valider ce RIB (peut_voir_page_rib).
        "voit_rib": user.is_authenticated
        and (
            membre
            or contexte_de_requete(request).est_admin
            or (
                contexte_de_requete(request).a_role(*ROLES_FINANCEURS)
                and peut_voir_page_rib(contexte_de_requete(request), structure)
            )
        ),
        "peut_verifier": user.is_authenticated
        and not structure.est_verifiee
        and peut_verifier_structure(user, structure),
        "demande_en_attente": user.is_authenticated
        and structure.demandes_rattachement.filter(demandeur=user, etat=EtatDemande.EN_ATTENTE).exists(),
        "sans_membre": not Adhesion.objects.filter(
            organisation_id=structure.organisation_id, role=Role.STRUCTURE
        ).exists(),
        "blocs": registres.blocs(request, structure),
        "fil_ariane": _fil({"titre": structure.raison_sociale}),
    }
    return render(request, "acteurs_ess/structure.html", contexte)


@require_http_methods(["GET", "POST"])
def inscrire(request: HttpRequest) -> HttpResponse:
    """Inscription d'une structure par une personne qui en devient le premier membre ; si la structure est
    déjà dans l'annuaire (même SIRET, RNA ou SIREN), on lui propose de la rejoindre."""
    form = StructureForm(request.POST or None)
    doublons = []
    if request.method == "POST" and form.is_valid():
        donnees = form.donnees()
        doublons = services.doublons(donnees["siret"], donnees["siren"], donnees["rna"])
        bloquant = any(d.bloquant for d in doublons)
        if not doublons or (not bloquant and request.POST.get("autre_etablissement") == "1"):
            try:
                structure = services.inscrire_structure(
                    request.user, donnees, form.cleaned_data["qpv"], form.cleaned_data["communes_action"]
                )
            except ValidationError as erreur:
                form.add_error(None, erreur.messages[0])
            else:
                messages.success(request, f"{structure} est inscrite dans l'annuaire ; vous en êtes membre.")
                return redirect(structure)
    return render(
        request,
        "acteurs_ess/inscrire.html",
        {
            "form": form,
            "doublons": doublons,
            "bloquant": any(d.bloquant for d in doublons),
            "fil_ariane": _fil({"titre": "Inscrire une structure"}),
        },
    )


@require_http_methods(["GET", "POST"])
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_pour_modifier(request.user, pk)
    form = StructureForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_structure(
                structure, form.donnees(), form.cleaned_data["qpv"], form.cleaned_data["communes_action"]
            )
        except ValidationError as erreur:
            form.add_error(None, erreur.messages[0])
        else:
            messages.success(request, "La fiche de la structure est enregistrée.")
            return redirect(structure)
    demandes = structure.demandes_rattachement.filter(etat=EtatDemande.EN_ATTENTE).select_related("demandeur")
    return render(
        request,
        "acteurs_ess/modifier.html",
        {
            "form": form,
            "structure": structure,
            "demandes": demandes,
            "fil_ariane": _fil(
                {"titre": structure.raison_sociale, "url": structure.get_absolute_url()}, {"titre": "Modifier"}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def rejoindre(request: HttpRequest, pk: int) -> HttpResponse:
    structure = get_object_or_404(Structure, pk=pk)
    form = DemandeRattachementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            demande = services.demander_rattachement(request.user, structure, form.cleaned_data["message"])
        except ValidationError as erreur:
            messages.error(request, erreur.messages[0])
            return redirect(structure)
        if demande.revendication:
            messages.success(
                request,
                "Votre demande est envoyée : un agent de la collectivité validera que vous représentez bien "
                "cette structure.",
            )
        else:
            messages.success(request, "Votre demande est envoyée aux membres de la structure.")
        return redirect(structure)
    return render(
        request,
        "acteurs_ess/rejoindre.html",
        {
            "structure": structure,
            "form": form,
            "fil_ariane": _fil(
                {"titre": structure.raison_sociale, "url": structure.get_absolute_url()}, {"titre": "Rejoindre"}
            ),
        },
    )


def rattachements(request: HttpRequest) -> HttpResponse:
    demandes = services.demandes_a_decider(request.user)
    mes_demandes = request.user.demandes_rattachement.select_related("structure").order_by("-cree_le")[:20]
    return render(
        request,
        "acteurs_ess/rattachements.html",
        {
            "demandes": demandes,
            "mes_demandes": mes_demandes,
            "form": DecisionForm(),
            "fil_ariane": _fil({"titre": "Demandes de rattachement"}),
        },
    )


@require_POST
@exiger_double_authentification
def decider(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_pour_decider(request.user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    motif = form.cleaned_data.get("motif", "")
    try:
        if request.POST.get("decision") == "accepter":
            services.accepter_rattachement(request.user, demande, motif)
            messages.success(request, f"{demande.demandeur} a rejoint {demande.structure}.")
        elif request.POST.get("decision") == "refuser":
            services.refuser_rattachement(request.user, demande, motif)
            messages.success(request, f"La demande de {demande.demandeur} est refusée.")
        else:
            messages.error(request, "Choisissez d'accepter ou de refuser la demande.")
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
    suite = request.POST.get("suite", "")
    if not url_has_allowed_host_and_scheme(
        suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        suite = reverse("acteurs_ess:rattachements")
    return redirect(suite)


@require_POST
def verifier(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_pour_verifier(request.user, pk)
    services.verifier_structure(request.user, structure)
    messages.success(request, f"{structure} est marquée vérifiée.")
    return redirect(structure)


@login_not_required
@require_GET
def collectif(request: HttpRequest, pk: int) -> HttpResponse:
    collectif = get_object_or_404(Collectif.objects.select_related("commune"), pk=pk)
    membres = (
        collectif.membres.acceptes()
        .select_related("organisation", "organisation__structure")
        .order_by("role", "organisation__nom")
    )
    return render(
        request,
        "acteurs_ess/collectif.html",
        {
            "collectif": collectif,
            "membres": membres,
            "peut_gerer": request.user.is_authenticated and peut_gerer_collectif(request.user, collectif),
            "fil_ariane": _fil(
                {"titre": "Collectifs", "url": reverse("acteurs_ess:collectifs")}, {"titre": collectif.nom}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def nouveau_collectif(request: HttpRequest) -> HttpResponse:
    if not peut_creer_collectif(request.user):
        raise PermissionDenied("Seuls les membres d'une structure et les agents des collectivités créent un collectif.")
    organisations = contexte_de_requete(request).organisations(Role.STRUCTURE, Role.AGENT)
    form = CollectifForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        collectif = services.creer_collectif(request.user, form.cleaned_data["organisation"], form.donnees())
        messages.success(request, f"Le collectif {collectif} est créé ; ajoutez-y ses membres.")
        return redirect("acteurs_ess:gerer_collectif", pk=collectif.pk)
    return render(
        request,
        "acteurs_ess/nouveau_collectif.html",
        {
            "form": form,
            "fil_ariane": _fil(
                {"titre": "Collectifs", "url": reverse("acteurs_ess:collectifs")}, {"titre": "Créer un collectif"}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def gerer_collectif(request: HttpRequest, pk: int) -> HttpResponse:
    collectif = collectif_pour_gerer(request.user, pk)
    form = MembreCollectifForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membre = services.inviter_membre_collectif(
                request.user, collectif, form.cleaned_data["organisation"], form.cleaned_data["role"]
            )
        except ValidationError as erreur:
            form.add_error("organisation", erreur.messages[0])
        else:
            if membre.etat == EtatMembreCollectif.ACCEPTEE:
                messages.success(request, f"{membre.organisation} a rejoint {collectif}.")
            else:
                messages.success(
                    request,
                    f"Invitation envoyée à {membre.organisation} : elle deviendra membre de {collectif} quand l'un "
                    "de ses membres l'aura acceptée. Vous serez prévenu de sa réponse.",
                )
            return redirect("acteurs_ess:gerer_collectif", pk=collectif.pk)
    membres = collectif.membres.select_related("organisation").order_by("role", "organisation__nom")
    return render(
        request,
        "acteurs_ess/gerer_collectif.html",
        {
            "collectif": collectif,
            "membres": membres,
            "form": form,
            "fil_ariane": _fil(
                {"titre": "Collectifs", "url": reverse("acteurs_ess:collectifs")},
                {"titre": collectif.nom, "url": collectif.get_absolute_url()},
                {"titre": "Gérer les membres"},
            ),
        },
    )


@require_POST
def repondre_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """Accepter ou décliner l'invitation d'un collectif, pour une organisation que la personne gère ; une
    invitation adressée à une autre organisation répond 404."""
    invitation = get_object_or_404(services.invitations_collectifs_de(request.user), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("accepter", "refuser"):
        messages.error(request, "Choisissez d'accepter ou de décliner l'invitation.")
        return redirect("comptes:mon_espace")
    accepte = decision == "accepter"
    try:
        services.repondre_invitation_collectif(request.user, invitation, accepte)
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
    else:
        if accepte:
            messages.success(request, f"{invitation.organisation} a rejoint {invitation.collectif}.")
        else:
            messages.info(request, f"Invitation de {invitation.collectif} déclinée pour {invitation.organisation}.")
    return redirect("comptes:mon_espace")


@require_POST
def retirer_membre_collectif(request: HttpRequest, pk: int, membre: int) -> HttpResponse:
    collectif = collectif_pour_gerer(request.user, pk)
    membre = get_object_or_404(MembreCollectif.objects.select_related("organisation"), pk=membre, collectif=collectif)
    try:
        services.retirer_membre_collectif(request.user, membre)
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
    else:
        messages.success(request, f"{membre.organisation} ne fait plus partie de {collectif}.")
    return redirect("acteurs_ess:gerer_collectif", pk=collectif.pk)


@login_not_required
@require_GET
def collectifs(request: HttpRequest) -> HttpResponse:
    liste = (
        Collectif.objects.select_related("commune")
        .annotate(nombre_membres=Count("membres", filter=Q(membres__etat=EtatMembreCollectif.ACCEPTEE)))
        .order_by("nom")
    )
    return render(
        request,
        "acteurs_ess/collectifs.html",
        {
            "collectifs": liste,
            "peut_creer": peut_creer_collectif(request.user),
            "fil_ariane": _fil({"titre": "Collectifs"}),
        },
    )


def _verifier_importateur(user) -> None:
    if not peut_importer(user):
        raise PermissionDenied("L'import de structures est réservé aux agents des collectivités.")


SESSION_IMPORT = "acteurs_ess_import"


@require_http_methods(["GET", "POST"])
def importer(request: HttpRequest) -> HttpResponse:
    """Dépôt du fichier, puis aperçu ligne par ligne ; rien n'est écrit avant la confirmation."""
    _verifier_importateur(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    analyse = None
    jeton = ""
    statut = 200
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        contenu = fichier.read()
        analyse = imports.analyser(fichier.name, contenu, territoire_d_import(request.user))
        if analyse.est_valide:
            try:
                jeton, chemin = apercus.enregistrer_apercu(fichier.name, contenu)
            except StockageIndisponible:
                # Sans fichier gardé, l'aperçu ne pourrait pas être confirmé : il n'est pas montré.
                form.add_error("fichier", MESSAGE_ENVOI_IMPOSSIBLE)
                analyse, statut = None, 503
            else:
                _oublier_import(request)
                request.session[SESSION_IMPORT] = {"jeton": jeton, "chemin": chemin, "nom": fichier.name}
    return render(
        request,
        "acteurs_ess/importer.html",
        {
            "form": form,
            "analyse": analyse,
            "jeton": jeton,
            "apercu": _apercu(analyse) if analyse else [],
            "colonnes": imports.COLONNES,
            "fil_ariane": _fil({"titre": "Importer des structures"}),
        },
        status=statut,
    )


def _oublier_import(request: HttpRequest) -> None:
    """Un seul aperçu en attente par session : le fichier du précédent est supprimé."""
    precedent = request.session.pop(SESSION_IMPORT, None)
    if precedent:
        apercus.oublier_apercu(precedent["chemin"])


def _apercu(analyse) -> list:
    """Toutes les lignes rejetées, puis les 500 premières des autres."""
    return analyse.rejets + [ligne for ligne in analyse.lignes if ligne.action != "rejet"][:500]


@require_POST
def confirmer_import(request: HttpRequest) -> HttpResponse:
    """Lance l'import de l'aperçu en tâche de fond et mène à sa page de suivi : la requête n'attend pas
    l'écriture (plusieurs minutes pour un gros fichier, au-delà du délai d'un processus web)."""
    _verifier_importateur(request.user)
    enregistre = request.session.get(SESSION_IMPORT)
    if not enregistre or enregistre["jeton"] != request.POST.get("jeton"):
        messages.error(request, "Cet aperçu n'est plus valable : déposez à nouveau le fichier.")
        return redirect("acteurs_ess:importer")
    collectivites = contexte_de_requete(request).organisations(Role.AGENT)
    suivi = services.confirmer_import(
        request.user,
        collectivites[0] if collectivites else None,
        enregistre["jeton"],
        enregistre["chemin"],
        enregistre["nom"],
    )
    # L'aperçu appartient désormais à l'import : le worker supprimera son fichier, un nouveau dépôt ne le touche pas.
    request.session.pop(SESSION_IMPORT, None)
    return redirect(suivi)


@require_GET
def suivi_import(request: HttpRequest, pk: int) -> HttpResponse:
    """L'avancement d'un import (lignes traitées sur le total), puis son résultat ; la page ne se recharge pas
    d'elle-même : un bouton « Actualiser » la relit."""
    suivi = import_pour_suivre(request.user, pk)
    return render(
        request,
        "acteurs_ess/suivi_import.html",
        {
            "suivi": suivi,
            "fil_ariane": _fil(
                {"titre": "Importer des structures", "url": reverse("acteurs_ess:importer")},
                {"titre": "Imports lancés", "url": reverse("acteurs_ess:imports")},
                {"titre": suivi.nom_fichier},
            ),
        },
    )


@require_GET
def imports_lances(request: HttpRequest) -> HttpResponse:
    """Les imports de la personne (tous pour un administrateur), les plus récents d'abord."""
    _verifier_importateur(request.user)
    acces = contexte_de_requete(request)
    liste = ImportStructures.objects.select_related("lance_par")
    if not acces.est_admin:
        liste = liste.filter(lance_par=request.user)
    page = Paginator(liste, PAR_PAGE).get_page(request.GET.get("page"))
    page.pages_list = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return render(
        request,
        "acteurs_ess/imports.html",
        {
            "page_obj": page,
            "tous": acces.est_admin,
            "fil_ariane": _fil(
                {"titre": "Importer des structures", "url": reverse("acteurs_ess:importer")},
                {"titre": "Imports lancés"},
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def rib(request: HttpRequest, pk: int) -> HttpResponse:
    """Le RIB de la structure : le compte validé, celui qui attend une validation, l'historique ; ses membres en
    proposent un nouveau, un agent d'un financeur le valide. L'IBAN n'est lu en entier que par ses membres et
    par qui peut le valider ; les autres financeurs le voient masqué."""
    if request.method == "POST":
        structure = structure_pour_proposer_rib(request.user, pk)
    else:
        structure = structure_pour_rib(request.user, pk)
    form = None
    if peut_proposer_rib(request.user, structure):
        ribs_du_coffre = DocumentStructure.objects.filter(structure=structure, type=TypePiece.RIB).valables(
            timezone.localdate()
        )
        form = RibForm(request.POST or None, request.FILES or None, ribs_du_coffre=ribs_du_coffre)
    statut = 200
    stockage_en_panne = False
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                services.proposer_rib(
                    request.user,
                    structure,
                    iban=form.cleaned_data["iban"],
                    bic=form.cleaned_data["bic"],
                    titulaire=form.cleaned_data["titulaire"],
                    document=form.cleaned_data["document"],
                    document_coffre=form.cleaned_data.get("document_coffre"),
                )
            except ValidationError as erreur:
                for message in erreur.messages:
                    form.add_error(None, message)
            except StockageIndisponible:
                # Rien n'est enregistré (proposer_rib est tout ou rien) : le formulaire revient avec sa saisie.
                form.add_error("document", MESSAGE_ENVOI_IMPOSSIBLE)
                stockage_en_panne = True
            else:
                messages.success(
                    request,
                    "RIB proposé : il sera utilisé une fois validé par un agent d'un financeur. "
                    "Les membres de la structure sont prévenus.",
                )
                return redirect("acteurs_ess:rib", structure.pk)
        statut = 503 if stockage_en_panne else 400
    ribs = list(Rib.objects.filter(structure=structure).select_related("propose_par", "valide_par"))
    return render(
        request,
        "acteurs_ess/rib.html",
        {
            "structure": structure,
            "form": form,
            "valide": next((r for r in ribs if r.etat == EtatRib.VALIDE), None),
            "en_attente": next((r for r in ribs if r.etat == EtatRib.EN_ATTENTE), None),
            "historique": [r for r in ribs if r.etat == EtatRib.REMPLACE],
            "lecteur": peut_lire_rib(request.user, structure),
            "valideur": peut_valider_rib(request.user, structure),
            "fil_ariane": _fil(
                {"titre": structure.raison_sociale, "url": structure.get_absolute_url()}, {"titre": "RIB"}
            ),
        },
        status=statut,
    )


@require_GET
def document_rib(request: HttpRequest, pk: int, rib_pk: int) -> FileResponse:
    rib = rib_pour_lire(request.user, pk, rib_pk)
    return telechargement(rib.chemin, rib.nom, rib.type_mime)


@require_POST
@exiger_double_authentification
def valider_rib(request: HttpRequest, pk: int, rib_pk: int) -> HttpResponse:
    rib = rib_pour_valider(request.user, pk, rib_pk)
    try:
        services.valider_rib(request.user, rib)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"RIB validé : les subventions de {rib.structure} seront versées sur ce compte.")
    return redirect("acteurs_ess:rib", pk)


# --- Corriger, dissoudre, supprimer un collectif ; cessation d'activité d'une structure ---------------------


def _page_formulaire(request, form, titre: str, bouton: str, retour: str, fil, introduction: str = "", statut=200):
    return render(
        request,
        "acteurs_ess/formulaire.html",
        {
            "form": form,
            "titre": titre,
            "bouton": bouton,
            "retour": retour,
            "introduction": introduction,
            "fil_ariane": fil,
        },
        status=statut,
    )


def _fil_collectif(collectif: Collectif, titre: str) -> list[dict]:
    return _fil(
        {"titre": "Collectifs", "url": reverse("acteurs_ess:collectifs")},
        {"titre": collectif.nom, "url": collectif.get_absolute_url()},
        {"titre": titre},
    )


@require_http_methods(["GET", "POST"])
def modifier_collectif(request: HttpRequest, pk: int) -> HttpResponse:
    collectif = collectif_pour_gerer(request.user, pk)
    form = ModificationCollectifForm(
        request.POST or None,
        initial={
            "nom": collectif.nom,
            "type": collectif.type,
            "description": collectif.description,
            "commune": collectif.commune.nom if collectif.commune_id else "",
            "site_web": collectif.site_web,
        },
    )
    if request.method == "POST" and form.is_valid():
        cycle_de_vie.modifier_collectif(request.user, collectif, form.donnees())
        messages.success(request, f"Le collectif {collectif} est enregistré.")
        return redirect(collectif)
    return _page_formulaire(
        request,
        form,
        f"Modifier le collectif {collectif.nom}",
        "Enregistrer",
        collectif.get_absolute_url(),
        _fil_collectif(collectif, "Modifier"),
        statut=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def dissoudre_collectif(request: HttpRequest, pk: int) -> HttpResponse:
    collectif = collectif_pour_gerer(request.user, pk)
    form = DissolutionForm(request.POST or None, initial={"le": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            cycle_de_vie.dissoudre_collectif(
                request.user, collectif, form.cleaned_data["le"], form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"Le collectif {collectif} est dissous ; sa page reste lisible.")
            return redirect(collectif)
    return _page_formulaire(
        request,
        form,
        f"Dissoudre le collectif {collectif.nom}",
        "Dissoudre le collectif",
        collectif.get_absolute_url(),
        _fil_collectif(collectif, "Dissoudre"),
        introduction="Le collectif restera lisible (ses membres, les contrats qui le citent) mais n'accueillera "
        "plus de membres.",
        statut=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def supprimer_collectif(request: HttpRequest, pk: int) -> HttpResponse:
    collectif = collectif_pour_gerer(request.user, pk)
    erreurs: list[str] = []
    if request.method == "POST":
        try:
            cycle_de_vie.supprimer_collectif(request.user, collectif)
        except ValidationError as erreur:
            erreurs = erreur.messages
        else:
            messages.success(request, f"Le collectif {collectif} est supprimé.")
            return redirect("acteurs_ess:collectifs")
    return render(
        request,
        "acteurs_ess/supprimer_collectif.html",
        {"collectif": collectif, "erreurs": erreurs, "fil_ariane": _fil_collectif(collectif, "Supprimer")},
        status=409 if erreurs else 200,
    )


@require_http_methods(["GET", "POST"])
def cesser_activite(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_pour_modifier(request.user, pk)
    form = CessationForm(request.POST or None, initial={"le": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            cycle_de_vie.cesser_activite(request.user, structure, form.cleaned_data["le"], form.cleaned_data["motif"])
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"{structure} est indiquée comme ayant cessé son activité.")
            return redirect(structure)
    return _page_formulaire(
        request,
        form,
        f"{structure.raison_sociale} a cessé son activité",
        "Enregistrer la cessation d'activité",
        structure.get_absolute_url(),
        _fil({"titre": structure.raison_sociale, "url": structure.get_absolute_url()}, {"titre": "Cessation"}),
        introduction="La fiche restera dans l'annuaire avec son histoire (dossiers, conventions, collectifs) et "
        "dira que l'activité a cessé. Vous pourrez l'annuler.",
        statut=400 if form.errors else 200,
    )


@require_POST
def reprendre_activite(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_pour_modifier(request.user, pk)
    try:
        cycle_de_vie.reprendre_activite(request.user, structure)
    except ValidationError as erreur:
        messages.info(request, erreur.messages[0])
    else:
        messages.success(request, f"{structure} est de nouveau indiquée comme active.")
    return redirect(structure)


@login_not_required
@require_GET
def autocompletion_structures(request: HttpRequest) -> JsonResponse:
    """Les structures de l'annuaire (public) dont le nom ressemble à `q` : suggestions des formulaires."""
    return reponse_json(request, Structure.objects.all(), chercher_structures, libelle_structure)


@login_not_required
@require_GET
def autocompletion_collectifs(request: HttpRequest) -> JsonResponse:
    """Les collectifs de l'annuaire (public) dont le nom ressemble à `q`."""
    return reponse_json(request, Collectif.objects.all(), chercher_collectifs, libelle_collectif)
