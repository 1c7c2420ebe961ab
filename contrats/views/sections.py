from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from js_asset import Media

from contrats.acces import (
    contrat_modifiable,
    section_modifiable,
    section_visible,
    version_integrant_une_contribution_de,
)
from contrats.forms import NouvelleSectionForm, OrientationForm, SectionForm
from contrats.models import Contribution, Orientation, Section
from contrats.models.concertation import STATUTS_INTEGRES
from contrats.permissions import peut_modifier_contrat, peut_preparer_avenant, profil
from contrats.services import sections as services
from contrats.texte import differences, nettoyer
from contrats.views.contrat import fil_ariane


def _fil(section, *liens):
    return fil_ariane({"titre": section.contrat.nom, "url": section.contrat.get_absolute_url()}, *liens)


def _historique_visible(user, section) -> None:
    """L'historique d'un contrat en rédaction est réservé à ses associés ; celui d'un contrat signé est public."""
    if not section.contrat.est_public and not profil(user, section.contrat).associe:
        raise Http404("Historique introuvable.")


@login_not_required
def section(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    section = section_visible(request.user, code, pk)
    contributions = (
        section.contributions.publiques()
        .visibles()
        .repondues()
        .select_related("auteur", "organisation", "section", "orientation", "version_integration__section")
    )
    return render(
        request,
        "contrats/section.html",
        {
            "section": section,
            "contrat": section.contrat,
            "contributions": contributions,
            "peut_modifier": peut_modifier_contrat(request.user, section.contrat),
            "voit_historique": section.contrat.est_public or profil(request.user, section.contrat).associe,
            "fil_ariane": _fil(section, {"titre": section.titre, "url": ""}),
        },
    )


def _integrables(section):
    """Les contributions retenues sur cette section (ou sur une orientation) pas encore intégrées."""
    return Contribution.objects.filter(
        Q(section=section) | Q(section__isnull=True),
        concertation__contrat=section.contrat,
        statut__in=STATUTS_INTEGRES,
        version_integration__isnull=True,
        masquee=False,
    ).select_related("auteur")


def _avenant_requis(request: HttpRequest, code: str, pk: int) -> HttpResponse | None:
    """Un agent porteur qui veut modifier une section d'un contrat signé : refusé (403), avec le chemin à
    suivre (créer un avenant)."""
    section = section_visible(request.user, code, pk)
    contrat = section.contrat
    if not contrat.est_public or not profil(request.user, contrat).agent_porteur:
        return None
    return render(
        request,
        "contrats/avenant_requis.html",
        {
            "section": section,
            "contrat": contrat,
            "peut_preparer_avenant": peut_preparer_avenant(request.user, contrat),
            "fil_ariane": _fil(section, {"titre": section.titre, "url": section.get_absolute_url()}),
        },
        status=403,
    )


@require_http_methods(["GET", "POST"])
def modifier(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    refus = _avenant_requis(request, code, pk)
    if refus is not None:
        return refus
    section = section_modifiable(request.user, code, pk)
    integrables = _integrables(section)
    form = SectionForm(
        request.POST or None,
        initial={"texte": section.texte, "version_base": section.numero},
        contributions_integrables=integrables,
    )
    conflit = None
    if request.method == "POST" and form.is_valid():
        try:
            version = services.enregistrer(
                section,
                request.user,
                form.cleaned_data["texte"],
                form.cleaned_data["version_base"],
                form.cleaned_data["message"],
                form.cleaned_data.get("contributions") or (),
            )
        except services.VersionPerimee as erreur:
            conflit = erreur
            form.add_error(None, str(erreur))
            # La personne fusionne à partir de la version actuelle : son prochain enregistrement part d'elle.
            form.data = form.data.copy()
            form.data["version_base"] = erreur.section.numero
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"Version {version.numero} de « {section.titre} » enregistrée.")
            return redirect(section)
    contexte = {
        "section": section,
        "contrat": section.contrat,
        "form": form,
        # La carte d'import de l'éditeur est le seul script en ligne de la page : elle porte le nonce de la CSP.
        "media_editeur": Media.from_media(form.media, nonce=request.csp_nonce),
        "integrables": integrables,
        "fil_ariane": _fil(
            section, {"titre": section.titre, "url": section.get_absolute_url()}, {"titre": "Modifier", "url": ""}
        ),
    }
    if conflit:
        texte_saisi = form.data.get("texte", "")
        contexte.update(
            conflit=conflit,
            texte_actuel=conflit.section.texte,
            texte_saisi=nettoyer(texte_saisi),
            differences=differences(conflit.section.texte, texte_saisi),
        )
    return render(request, "contrats/section_modifier.html", contexte, status=409 if conflit else 200)


@require_http_methods(["GET", "POST"])
def nouvelle(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_modifiable(request.user, code)
    form = NouvelleSectionForm(request.POST or None, initial={"etape": request.GET.get("etape")})
    if request.method == "POST" and form.is_valid():
        try:
            section = services.creer_section(
                contrat, request.user, form.cleaned_data["etape"], form.cleaned_data["titre"]
            )
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"Section « {section.titre} » créée : rédigez-la.")
            return redirect("contrats:modifier_section", code=contrat.code, pk=section.pk)
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": "Nouvelle section du projet de territoire",
            "bouton": "Créer la section",
            "fil_ariane": fil_ariane(
                {"titre": contrat.nom, "url": contrat.get_absolute_url()}, {"titre": "Nouvelle section", "url": ""}
            ),
        },
    )


@login_not_required
def historique(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    section = section_visible(request.user, code, pk)
    _historique_visible(request.user, section)
    versions = section.versions.select_related("auteur").prefetch_related(
        Prefetch("contributions_integrees", queryset=Contribution.objects.publiques().visibles())
    )
    return render(
        request,
        "contrats/historique.html",
        {
            "section": section,
            "contrat": section.contrat,
            "versions": versions,
            "peut_modifier": peut_modifier_contrat(request.user, section.contrat),
            "fil_ariane": _fil(
                section, {"titre": section.titre, "url": section.get_absolute_url()}, {"titre": "Historique", "url": ""}
            ),
        },
    )


@login_not_required
def version(request: HttpRequest, code: str, pk: int, numero: int) -> HttpResponse:
    try:
        section = section_visible(request.user, code, pk)
        _historique_visible(request.user, section)
        version = get_object_or_404(section.versions.select_related("auteur"), numero=numero)
    except Http404:
        # L'auteur·e d'une contribution intégrée dans cette version la lit, même sans lire le reste du contrat.
        integrante = version_integrant_une_contribution_de(request.user, code, pk, numero)
        if integrante is None:
            raise
        version, section = integrante, integrante.section
    return render(
        request,
        "contrats/version.html",
        {
            "section": section,
            "contrat": section.contrat,
            "version": version,
            "contributions": version.contributions_integrees.publiques()
            .visibles()
            .select_related("auteur", "organisation"),
            "peut_modifier": peut_modifier_contrat(request.user, section.contrat),
            "fil_ariane": _fil(
                section,
                {"titre": section.titre, "url": section.get_absolute_url()},
                {"titre": f"Version {numero}", "url": ""},
            ),
        },
    )


def _numero(valeur, defaut: int) -> int:
    try:
        return int(valeur)
    except (TypeError, ValueError):
        return defaut


@login_not_required
def comparer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    section = section_visible(request.user, code, pk)
    _historique_visible(request.user, section)
    versions = list(section.versions.select_related("auteur").order_by("numero"))
    if not versions:
        raise Http404("Cette section n'a pas encore de version.")
    par_numero = {v.numero: v for v in versions}
    a = par_numero.get(_numero(request.GET.get("a"), section.numero)) or versions[-1]
    de = par_numero.get(_numero(request.GET.get("de"), a.numero - 1)) or versions[0]
    return render(
        request,
        "contrats/comparer.html",
        {
            "section": section,
            "contrat": section.contrat,
            "versions": versions,
            "de": de,
            "a": a,
            "differences": differences(de.texte, a.texte),
            "fil_ariane": _fil(
                section, {"titre": section.titre, "url": section.get_absolute_url()}, {"titre": "Comparer", "url": ""}
            ),
        },
    )


@require_POST
def restaurer(request: HttpRequest, code: str, pk: int, numero: int) -> HttpResponse:
    section = section_modifiable(request.user, code, pk)
    try:
        version = services.restaurer(section, request.user, numero, _numero(request.POST.get("version_base"), -1))
    except services.VersionPerimee as erreur:
        messages.error(request, f"{erreur.args[0].split(' Votre texte')[0]} Vérifiez l'historique puis recommencez.")
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"Version {numero} restaurée : elle devient la version {version.numero}.")
    return redirect("contrats:historique", code=code, pk=pk)


@require_http_methods(["GET", "POST"])
def nouvelle_orientation(request: HttpRequest, code: str) -> HttpResponse:
    contrat = contrat_modifiable(request.user, code)
    form = OrientationForm(request.POST or None, contrat=contrat, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            services.creer_orientation(
                contrat,
                request.user,
                donnees["titre"],
                parent=donnees["parent"],
                description=donnees["description"],
                piliers=donnees["piliers"],
                axes=donnees["axes"],
                qpv=donnees["qpv"],
            )
        except (ValidationError, PermissionDenied) as erreur:
            form.add_error(None, erreur.messages if isinstance(erreur, ValidationError) else str(erreur))
        else:
            messages.success(request, f"« {donnees['titre']} » ajoutée aux orientations.")
            return redirect(reverse("contrats:contrat", args=[contrat.code]) + "#orientations")
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": "Nouvelle orientation ou nouvel objectif",
            "bouton": "Ajouter",
            "fil_ariane": fil_ariane(
                {"titre": contrat.nom, "url": contrat.get_absolute_url()}, {"titre": "Nouvelle orientation", "url": ""}
            ),
        },
    )


# --- Renommer, ordonner, supprimer et restaurer une section ; modifier et supprimer une orientation ------------


def _vers_section(section) -> HttpResponse:
    return redirect(reverse("contrats:contrat", args=[section.contrat.code]) + f"#{section.ancre}")


@require_http_methods(["GET", "POST"])
def renommer_section(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    section = section_modifiable(request.user, code, pk)
    form = NouvelleSectionForm(request.POST or None, initial={"titre": section.titre, "etape": section.etape})
    if request.method == "POST" and form.is_valid():
        try:
            services.renommer_section(section, request.user, form.cleaned_data["titre"], form.cleaned_data["etape"])
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"Section « {section.titre} » enregistrée.")
            return _vers_section(section)
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": section.contrat,
            "titre": f"Renommer la section « {section.titre} »",
            "bouton": "Enregistrer",
            "fil_ariane": _fil(section, {"titre": "Renommer", "url": ""}),
        },
    )


@require_POST
def deplacer_section(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    section = section_modifiable(request.user, code, pk)
    try:
        deplacee = services.deplacer_section(section, request.user, request.POST.get("sens", ""))
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        if not deplacee:
            messages.info(request, f"« {section.titre} » est déjà à cette extrémité de son étape.")
    return _vers_section(section)


@require_http_methods(["GET", "POST"])
def supprimer_section(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    section = section_modifiable(request.user, code, pk)
    erreurs: list[str] = []
    if request.method == "POST":
        try:
            services.supprimer_section(section, request.user)
        except ValidationError as erreur:
            erreurs = erreur.messages
        else:
            messages.success(
                request, f"Section « {section.titre} » supprimée. Elle se restaure depuis « Sections supprimées »."
            )
            return redirect(reverse("contrats:contrat", args=[code]) + "#projet-de-territoire")
    return render(
        request,
        "contrats/confirmer_suppression.html",
        {
            "contrat": section.contrat,
            "titre": f"Supprimer la section « {section.titre} »",
            "explication": "La section disparaîtra de la page et du PDF du contrat ; ses versions sont gardées et "
            "vous pourrez la restaurer depuis « Sections supprimées ».",
            "erreurs": erreurs,
            "retour": reverse("contrats:contrat", args=[code]) + f"#{section.ancre}",
            "fil_ariane": _fil(section, {"titre": "Supprimer", "url": ""}),
        },
        status=409 if erreurs else 200,
    )


@require_http_methods(["GET", "POST"])
def sections_supprimees(request: HttpRequest, code: str) -> HttpResponse:
    """Les sections supprimées du contrat, chacune restaurable (POST `section`)."""
    contrat = contrat_modifiable(request.user, code)
    supprimees = Section.toutes.filter(contrat=contrat, supprimee_le__isnull=False).select_related("supprimee_par")
    if request.method == "POST":
        section = get_object_or_404(supprimees, pk=request.POST.get("section") or 0)
        section.contrat = contrat
        services.restaurer_section(section, request.user)
        messages.success(request, f"Section « {section.titre} » restaurée, avec ses {section.numero} version(s).")
        return _vers_section(section)
    return render(
        request,
        "contrats/sections_supprimees.html",
        {
            "contrat": contrat,
            "sections": supprimees.order_by("-supprimee_le"),
            "fil_ariane": fil_ariane(
                {"titre": contrat.nom, "url": contrat.get_absolute_url()}, {"titre": "Sections supprimées", "url": ""}
            ),
        },
    )


def _orientation_modifiable(request: HttpRequest, code: str, pk: int) -> Orientation:
    contrat = contrat_modifiable(request.user, code)
    orientation = get_object_or_404(Orientation.objects.prefetch_related("qpv"), pk=pk, contrat=contrat)
    orientation.contrat = contrat
    return orientation


@require_http_methods(["GET", "POST"])
def modifier_orientation(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    orientation = _orientation_modifiable(request, code, pk)
    contrat = orientation.contrat
    form = OrientationForm(
        request.POST or None,
        contrat=contrat,
        initial={
            "titre": orientation.titre,
            "description": orientation.description,
            "piliers": orientation.piliers,
            "axes": orientation.axes,
            "qpv": list(orientation.qpv.all()),
        },
    )
    # Le rattachement ne change pas : un objectif reste sous son orientation.
    del form.fields["parent"]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.modifier_orientation(
                orientation, request.user, d["titre"], d["description"], d["piliers"], d["axes"], d["qpv"]
            )
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, f"« {orientation.titre} » enregistrée.")
            return redirect(reverse("contrats:contrat", args=[code]) + "#orientations")
    return render(
        request,
        "contrats/formulaire.html",
        {
            "form": form,
            "contrat": contrat,
            "titre": f"Modifier « {orientation.titre} »",
            "bouton": "Enregistrer",
            "fil_ariane": fil_ariane(
                {"titre": contrat.nom, "url": contrat.get_absolute_url()}, {"titre": "Modifier", "url": ""}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def supprimer_orientation(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    orientation = _orientation_modifiable(request, code, pk)
    contrat = orientation.contrat
    erreurs: list[str] = []
    if request.method == "POST":
        try:
            services.supprimer_orientation(orientation, request.user)
        except ValidationError as erreur:
            erreurs = erreur.messages
        else:
            messages.success(request, "Supprimé.")
            return redirect(reverse("contrats:contrat", args=[code]) + "#orientations")
    nombre = orientation.objectifs.count()
    return render(
        request,
        "contrats/confirmer_suppression.html",
        {
            "contrat": contrat,
            "titre": f"Supprimer « {orientation.titre} »",
            "explication": f"« {orientation.titre} » sera supprimée du contrat"
            + (f", avec ses {nombre} objectif(s) opérationnel(s)." if nombre else "."),
            "erreurs": erreurs,
            "retour": reverse("contrats:contrat", args=[code]) + "#orientations",
            "fil_ariane": fil_ariane(
                {"titre": contrat.nom, "url": contrat.get_absolute_url()}, {"titre": "Supprimer", "url": ""}
            ),
        },
        status=409 if erreurs else 200,
    )
