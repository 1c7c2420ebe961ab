from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.urls import reverse

from contrats.models import ContratDeVille

PAR_PAGE = 50


def page(request: HttpRequest, queryset, par_page: int = PAR_PAGE) -> Page:
    paginator = Paginator(queryset, par_page)
    resultat = paginator.get_page(request.GET.get("page"))
    # Les filtres en cours, repris par les liens vers les pages voisines.
    parametres = request.GET.copy()
    parametres.pop("page", None)
    resultat.parametres = parametres.urlencode()
    return resultat


def fil_catalogue(*liens: tuple[str, str]) -> list[dict]:
    return [{"titre": "Indicateurs", "url": reverse("evaluation:catalogue")}] + [
        {"titre": titre, "url": url} for titre, url in liens
    ]


def fil_contrat(
    contrat: ContratDeVille, *liens: tuple[str, str], rubrique: str = "Indicateurs", page: str = "evaluation:contrat"
) -> list[dict]:
    """Contrats de ville › le contrat › la rubrique (indicateurs, bilans) › `liens`."""
    return [
        {"titre": "Contrats de ville", "url": reverse("contrats:liste")},
        {"titre": contrat.nom, "url": contrat.get_absolute_url()},
        {"titre": rubrique, "url": reverse(page, args=[contrat.code]) if liens else ""},
    ] + [{"titre": titre, "url": url} for titre, url in liens]
