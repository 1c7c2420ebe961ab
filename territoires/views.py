"""Pages publiques du référentiel territorial. Chacune lance un nombre fixe de requêtes SQL, quelle que soit
la taille du territoire (tests : `tests/territoires/test_pages.py`)."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from config.lib.pages_publiques import page_publique
from territoires.carto import carte_des_qpv
from territoires.filtres import CommuneFiltre, EpciFiltre, QpvFiltre
from territoires.models import Commune, Departement, Epci, NatureEpci, Qpv, Region
from territoires.recherche import LIMITE, rechercher
from territoires.registres import blocs

PAR_PAGE = 50
LIMITE_PAGE_RECHERCHE = 30


def _page(request: HttpRequest, queryset) -> Page:
    paginator = Paginator(queryset, PAR_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def _fil(*liens: tuple[str, str]) -> list[dict]:
    return [{"titre": "Territoires", "url": reverse("territoires:recherche")}] + [
        {"titre": titre, "url": url} for titre, url in liens
    ]


def _veut_du_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json" or "application/json" in request.headers.get("Accept", "")


@login_not_required
@require_GET
@page_publique
@vary_on_headers("Accept")
def recherche(request: HttpRequest) -> HttpResponse:
    """Recherche par nom ou code ; page de résultats sans JavaScript, ou JSON pour l'autocomplétion."""
    texte = request.GET.get("q", "").strip()
    if _veut_du_json(request):
        return autocompletion(request)
    return render(
        request,
        "territoires/recherche.html",
        {
            "q": texte,
            "resultats": rechercher(texte, limite=LIMITE_PAGE_RECHERCHE),
            "fil_ariane": [{"titre": "Territoires", "url": ""}],
        },
    )


@login_not_required
@require_GET
def autocompletion(request: HttpRequest) -> JsonResponse:
    texte = request.GET.get("q", "").strip()
    resultats = rechercher(texte, limite=LIMITE)
    return JsonResponse({"q": texte, "resultats": [resultat.en_json() for resultat in resultats]})


@login_not_required
@require_GET
@page_publique
def regions(request: HttpRequest) -> HttpResponse:
    liste = Region.objects.prefetch_related(Prefetch("departements", queryset=Departement.objects.order_by("code")))
    return render(
        request,
        "territoires/regions.html",
        {"regions": liste, "fil_ariane": _fil(("Régions et départements", ""))},
    )


def _compte(lignes) -> Coalesce:
    """Le nombre de `lignes` du département de la ligne courante (sous-requête corrélée, servie par l'index)."""
    par_departement = lignes.filter(departement=OuterRef("pk")).order_by().values("departement")
    return Coalesce(Subquery(par_departement.annotate(n=Count("pk")).values("n")), 0)


@login_not_required
@require_GET
@page_publique
def region(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    # Un décompte par sous-requête pour chacun : joindre communes et QPV multipliait leurs lignes (communes × QPV
    # de chaque département, compté ensuite en DISTINCT), la page la plus lente des visiteurs du test de charge.
    departements = region.departements.annotate(
        nb_communes=_compte(Commune.objects.filter(obsolete=False)),
        nb_qpv=_compte(Qpv.objects.all()),
    ).order_by("code")
    return render(
        request,
        "territoires/region.html",
        {
            "region": region,
            "departements": departements,
            "fil_ariane": _fil(("Régions et départements", reverse("territoires:regions")), (region.nom, "")),
        },
    )


@login_not_required
@require_GET
@page_publique
def departement(request: HttpRequest, code: str) -> HttpResponse:
    departement = get_object_or_404(Departement.objects.select_related("region"), code=code)
    epcis = (
        Epci.objects.filter(communes__departement=departement)
        .annotate(nb_communes=Count("communes", filter=Q(communes__departement=departement)))
        .order_by("nom")
    )
    qpvs = departement.qpv.select_related("epci").order_by("code")
    nb_communes = departement.communes.filter(obsolete=False).count()
    return render(
        request,
        "territoires/departement.html",
        {
            "departement": departement,
            "epcis": epcis,
            "qpvs": qpvs,
            "nb_communes": nb_communes,
            "fil_ariane": _fil((departement.region.nom, departement.region.get_absolute_url()), (str(departement), "")),
        },
    )


@login_not_required
@require_GET
@page_publique
def epci(request: HttpRequest, siren: str) -> HttpResponse:
    epci = get_object_or_404(Epci, siren=siren)
    lien = "ept" if epci.nature == NatureEpci.EPT else "epci"
    communes = list(
        Commune.objects.filter(**{lien: epci}, obsolete=False).select_related("departement").order_by("nom")
    )
    qpvs = list(Qpv.objects.filter(**{f"communes__{lien}": epci}).distinct().order_by("code"))
    departements = sorted({commune.departement for commune in communes}, key=lambda d: d.code)
    return render(
        request,
        "territoires/epci.html",
        {
            "epci": epci,
            "communes": communes,
            "qpvs": qpvs,
            "departements": departements,
            "population_qpv": sum(q.population or 0 for q in qpvs),
            "carte": carte_des_qpv(qpvs),
            "blocs": blocs(request, epci=epci),
            "fil_ariane": _fil(("Intercommunalités", reverse("territoires:epcis")), (epci.nom, "")),
        },
    )


@login_not_required
@require_GET
@page_publique
def commune(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_object_or_404(
        Commune.objects.select_related("departement__region", "epci", "ept", "remplacee_par"), code=code
    )
    qpvs = list(commune.qpv.order_by("code"))
    anciennes = list(commune.anciennes_communes.order_by("nom"))
    return render(
        request,
        "territoires/commune.html",
        {
            "commune": commune,
            "qpvs": qpvs,
            "anciennes": anciennes,
            "carte": carte_des_qpv(qpvs),
            "blocs": blocs(request, commune=commune),
            "fil_ariane": _fil((str(commune.departement), commune.departement.get_absolute_url()), (commune.nom, "")),
        },
    )


@login_not_required
@require_GET
@page_publique
def qpv(request: HttpRequest, code: str) -> HttpResponse:
    qpv = get_object_or_404(Qpv.objects.select_related("departement__region", "epci"), code=code)
    communes = list(qpv.communes.select_related("departement").order_by("nom"))
    porteurs = {e.siren: e for e in Epci.objects.filter(siren__in=qpv.porteurs_contrat)} if qpv.porteurs_contrat else {}
    return render(
        request,
        "territoires/qpv.html",
        {
            "qpv": qpv,
            "communes": communes,
            "porteurs": [{"siren": siren, "epci": porteurs.get(siren)} for siren in qpv.porteurs_contrat],
            "carte": carte_des_qpv([qpv]),
            "blocs": blocs(request, qpv=qpv),
            "fil_ariane": _fil(
                (str(qpv.departement), qpv.departement.get_absolute_url()),
                ("Quartiers prioritaires", reverse("territoires:qpvs")),
                (qpv.nom, ""),
            ),
        },
    )


def _liste(request: HttpRequest, filtre, gabarit: str, titre: str) -> HttpResponse:
    return render(
        request,
        gabarit,
        {"filtre": filtre, "page": _page(request, filtre.qs), "fil_ariane": _fil((titre, ""))},
    )


@login_not_required
@require_GET
@page_publique
def communes(request: HttpRequest) -> HttpResponse:
    queryset = Commune.objects.select_related("departement", "epci", "remplacee_par").order_by("nom", "code")
    return _liste(request, CommuneFiltre(request.GET, queryset=queryset), "territoires/communes.html", "Communes")


@login_not_required
@require_GET
@page_publique
def epcis(request: HttpRequest) -> HttpResponse:
    queryset = Epci.objects.order_by("nom")
    return _liste(request, EpciFiltre(request.GET, queryset=queryset), "territoires/epcis.html", "Intercommunalités")


@login_not_required
@require_GET
@page_publique
def qpvs(request: HttpRequest) -> HttpResponse:
    queryset = Qpv.objects.select_related("departement", "epci").defer("perimetre").order_by("code")
    return _liste(request, QpvFiltre(request.GET, queryset=queryset), "territoires/qpvs.html", "Quartiers prioritaires")
