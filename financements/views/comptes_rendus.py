"""Les pages du compte-rendu financier annuel d'une convention : sa préparation par la structure (brouillon,
dépôt, compléments), sa lecture par les parties, l'avis de chaque financeur partie et son PDF."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.mfa import exiger_double_authentification
from config.pdf import reponse_pdf
from financements import documents_comptes_rendus as documents
from financements import taches
from financements.acces import compte_rendu_visible, convention_pour_compte_rendu
from financements.forms_comptes_rendus import (
    CHAMPS_INDICATEUR,
    CHAMPS_LIGNE,
    PREFIXE_INDICATEURS,
    PREFIXE_LIGNES,
    AvisCompteRenduForm,
    CompteRenduForm,
    IndicateursFormSet,
    LignesCompteRenduFormSet,
    lignes_saisies,
    reindexer,
)
from financements.models import CompteRendu, StatutCompteRendu
from financements.models.dossier import TrancheAge
from financements.models.execution import echeance_compte_rendu
from financements.permissions import financeurs_pour_avis, peut_preparer_compte_rendu
from financements.services import comptes_rendus as services


def _erreurs(erreur: Exception) -> list[str]:
    return erreur.messages if isinstance(erreur, ValidationError) else [str(erreur)]


def _entier(valeur: str | None) -> int | None:
    try:
        return int(valeur) if valeur is not None else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def preparer(request: HttpRequest, pk: int, annee: int) -> HttpResponse:
    """Le formulaire du compte-rendu de l'année, pour les membres de la structure : pré-rempli d'après le budget
    des actions la première fois, puis d'après le brouillon. Les boutons « Ajouter » et « Retirer » réaffichent
    la saisie avec une ligne de plus ou de moins sans rien enregistrer ; « Enregistrer le brouillon » et
    « Déposer » enregistrent tout ou rien."""
    convention = convention_pour_compte_rendu(request.user, pk)
    if annee not in convention.annees:
        raise Http404("Cette année n'est pas couverte par la convention.")
    compte_rendu = CompteRendu.objects.filter(convention=convention, annee=annee).first()
    if compte_rendu is not None and compte_rendu.statut not in services.STATUTS_MODIFIABLES:
        messages.info(request, f"Le compte-rendu {annee} est déposé : il ne se modifie plus.")
        return redirect(compte_rendu)
    try:
        services.verifier_annee(convention, annee, compte_rendu=compte_rendu)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect(convention)

    erreurs: list[str] = []
    statut = 200
    if request.method == "POST":
        donnees: QueryDict = request.POST
        action = donnees.get("action", "enregistrer")
        retirer_ligne, retirer_indicateur = (
            _entier(donnees.get("retirer_ligne")),
            _entier(donnees.get("retirer_indicateur")),
        )
        remise_en_forme = (
            action in ("ajouter_ligne", "ajouter_indicateur")
            or retirer_ligne is not None
            or retirer_indicateur is not None
        )
        if remise_en_forme:
            donnees = reindexer(
                donnees, PREFIXE_LIGNES, CHAMPS_LIGNE, ajouter=action == "ajouter_ligne", retirer=retirer_ligne
            )
            donnees = reindexer(
                donnees,
                PREFIXE_INDICATEURS,
                CHAMPS_INDICATEUR,
                ajouter=action == "ajouter_indicateur",
                retirer=retirer_indicateur,
            )
        form = CompteRenduForm(donnees)
        lignes = LignesCompteRenduFormSet(donnees, prefix=PREFIXE_LIGNES)
        indicateurs = IndicateursFormSet(donnees, prefix=PREFIXE_INDICATEURS)
        if not remise_en_forme:
            valide = all([form.is_valid(), lignes.is_valid(), indicateurs.is_valid()])
            if valide:
                try:
                    enregistre = services.enregistrer(
                        convention,
                        annee,
                        request.user,
                        donnees=form.cleaned_data,
                        lignes=lignes_saisies(lignes, "compte"),
                        indicateurs=lignes_saisies(indicateurs, "libelle"),
                        deposer=action == "deposer",
                    )
                except (ValidationError, PermissionDenied) as erreur:
                    erreurs, statut = _erreurs(erreur), 400
                else:
                    if action == "deposer":
                        messages.success(request, f"Compte-rendu {annee} déposé : vos financeurs sont prévenus.")
                        return redirect(enregistre)
                    messages.success(request, f"Compte-rendu {annee} enregistré en brouillon.")
                    return redirect("financements:preparer_compte_rendu", pk=convention.pk, annee=annee)
            else:
                erreurs, statut = ["Rien n'a été enregistré : corrigez les champs signalés ci-dessous."], 400
    else:
        if compte_rendu is not None:
            form = CompteRenduForm(initial=CompteRenduForm.initial_de(compte_rendu))
            initial_lignes = [
                {"compte": ligne.compte, "libelle": ligne.libelle, "prevu": ligne.prevu, "realise": ligne.realise}
                for ligne in compte_rendu.lignes.all()
            ]
            initial_indicateurs = [
                {"libelle": i.libelle, "unite": i.unite, "cible": i.cible, "valeur": i.valeur}
                for i in compte_rendu.indicateurs.all()
            ]
        else:
            form = CompteRenduForm()
            initial_lignes = services.lignes_prevues(convention, annee)
            initial_indicateurs = []
        lignes = LignesCompteRenduFormSet(initial=initial_lignes, prefix=PREFIXE_LIGNES)
        indicateurs = IndicateursFormSet(initial=initial_indicateurs, prefix=PREFIXE_INDICATEURS)
    return render(
        request,
        "financements/comptes_rendus/preparer.html",
        {
            "convention": convention,
            "annee": annee,
            "compte_rendu": compte_rendu,
            "echeance": echeance_compte_rendu(annee),
            "form": form,
            "lignes": lignes,
            "indicateurs": indicateurs,
            "erreurs": erreurs,
            "motifs": [a for a in compte_rendu.avis.select_related("financeur") if a.motif]
            if compte_rendu is not None and compte_rendu.statut == StatutCompteRendu.COMPLEMENTS
            else [],
        },
        status=statut,
    )


@require_GET
def compte_rendu(request: HttpRequest, pk: int, annee: int) -> HttpResponse:
    """Le compte-rendu d'une année : pour la structure dès le brouillon, pour les autres parties une fois déposé."""
    cr = compte_rendu_visible(request.user, pk, annee)
    convention = cr.convention
    financeurs = financeurs_pour_avis(request.user, convention)
    derniers = services.derniers_avis(cr)
    parties = [p.financeur for p in convention.parties.all()]
    lignes = list(cr.lignes.all())
    return render(
        request,
        "financements/comptes_rendus/compte_rendu.html",
        {
            "convention": convention,
            "cr": cr,
            "lignes": lignes,
            "totaux": documents.totaux(lignes),
            "indicateurs": cr.indicateurs.all(),
            "ages": [(t.label, cr.beneficiaires_par_age.get(t.value)) for t in TrancheAge],
            "avis_parties": [(f, derniers.get(f.pk)) for f in parties],
            "historique": sorted(cr.avis.all(), key=lambda a: (a.date, a.pk)),
            "modifiable": cr.statut in services.STATUTS_MODIFIABLES
            and peut_preparer_compte_rendu(request.user, convention),
            "form_avis": AvisCompteRenduForm(financeurs=financeurs)
            if financeurs and cr.statut in services.STATUTS_AVIS
            else None,
        },
    )


@require_POST
@exiger_double_authentification
def avis(request: HttpRequest, pk: int, annee: int) -> HttpResponse:
    """L'avis d'un agent d'un financeur partie sur le compte-rendu déposé."""
    cr = compte_rendu_visible(request.user, pk, annee)
    financeurs = financeurs_pour_avis(request.user, cr.convention)
    if not financeurs:
        raise PermissionDenied(services.REFUS_AVIS)
    form = AvisCompteRenduForm(request.POST, financeurs=financeurs)
    if not form.is_valid():
        for erreurs in form.errors.values():
            messages.error(request, " ".join(erreurs))
        return redirect(cr)
    try:
        services.donner_avis(
            cr, request.user, form.cleaned_data["organisation"], form.cleaned_data["sens"], form.cleaned_data["motif"]
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Avis enregistré : la structure est prévenue.")
    return redirect(cr)


@require_GET
def pdf(request: HttpRequest, pk: int, annee: int) -> HttpResponse:
    """Le compte-rendu en PDF, pour qui le lit, rendu par un worker une fois par état des données ; en
    attendant, la page « PDF en préparation » (config.pdf.reponse_pdf)."""
    cr = compte_rendu_visible(request.user, pk, annee)
    return reponse_pdf(
        request,
        nom=documents.nom_document(cr.pk),
        empreinte=documents.empreinte(cr),
        nom_fichier=f"compte-rendu-{annee}-convention-{pk}.pdf",
        preparer=lambda: taches.differer_rendu_compte_rendu(cr.pk),
        verrou=taches.verrou_pdf_compte_rendu(cr.pk),
        retour={"url": cr.get_absolute_url(), "titre": "Retour au compte-rendu"},
    )
