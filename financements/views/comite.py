"""Le comité de programmation d'un appel (lecture seule) et son export CSV : les instructeurs de l'appel
comparent les dossiers avant de décider, chacun sur la page du dossier."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from comptes.audit import journaliser
from comptes.mfa import exiger_double_authentification
from comptes.models import ActionAudit
from financements import comite
from financements.acces import appel_visible
from financements.filtres import ComiteFiltre
from financements.models import AppelAProjets
from financements.permissions import peut_voir_comite
from financements.services import exports

PAR_PAGE = 30


def _appel_et_filtre(request: HttpRequest, pk: int) -> tuple[AppelAProjets, ComiteFiltre]:
    appel = appel_visible(request.user, pk)
    if not peut_voir_comite(request.user, appel):
        raise PermissionDenied(
            "Le comité de programmation est réservé aux agents de la collectivité porteuse et des financeurs de "
            "l'appel."
        )
    filtre = ComiteFiltre(request.GET or None, queryset=comite.dossiers_du_comite(request.user, appel), appel=appel)
    for champ in filtre.form.fields.values():
        champ.widget.attrs.setdefault("class", "fr-select" if isinstance(champ.widget, forms.Select) else "fr-input")
    return appel, filtre


@require_GET
def comite_programmation(request: HttpRequest, pk: int) -> HttpResponse:
    appel, filtre = _appel_et_filtre(request, pk)
    colonnes = comite.financeurs(appel)
    page = Paginator(comite.pour_comite(filtre.qs), PAR_PAGE).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "financements/appels/comite.html",
        {
            "appel": appel,
            "filtre": filtre,
            "colonnes": colonnes,
            "page": page,
            "lignes": list(comite.lignes(page.object_list, colonnes)),
            "parametres": parametres.urlencode(),
            "fil_ariane": [
                {"titre": appel.contrat.nom, "url": appel.contrat.get_absolute_url()},
                {"titre": appel.titre, "url": appel.get_absolute_url()},
                {"titre": "Comité de programmation", "url": ""},
            ],
        },
    )


@require_GET
@exiger_double_authentification
def comite_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    appel, filtre = _appel_et_filtre(request, pk)
    colonnes = comite.financeurs(appel)
    # Des dossiers en instruction, leurs avis et montants : qui a exporté, quand, avec quel filtre.
    journaliser(
        ActionAudit.EXPORT_INSTRUCTION,
        auteur=request.user,
        details={"export": f"comité de programmation de l'appel {appel.pk} (CSV)", "filtre": request.GET.dict()},
        request=request,
    )
    dossiers = comite.pour_comite(filtre.qs).iterator(chunk_size=200)
    # Le CSV neutralise les formules (=, +, -, @ en tête de cellule : config.lib.tableurs), montants au centime.
    reponse = StreamingHttpResponse(
        exports.csv_en_flux(comite.entete_csv(colonnes), comite.lignes_csv(dossiers, colonnes)),
        content_type="text/csv; charset=utf-8",
    )
    reponse["Content-Disposition"] = f'attachment; filename="comite-appel-{appel.pk}.csv"'
    return reponse
