"""Le bloc que l'annuaire de l'ESS ajoute aux pages des territoires (`territoires.blocs`), enregistré dans
`ActeursEssConfig.ready()`."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from acteurs_ess.selectors import structures_du_territoire

NOMBRE_MAXIMUM = 20


def structures_d_un_territoire(request: HttpRequest, qpv=None, commune=None, epci=None) -> str:
    """Les structures qui agissent dans un QPV, une commune ou un EPCI : une requête."""
    structures = list(structures_du_territoire(qpv=qpv, commune=commune, epci=epci)[:NOMBRE_MAXIMUM])
    if not structures:
        return ""
    return render_to_string("acteurs_ess/_structures_territoire.html", {"structures": structures}, request=request)
