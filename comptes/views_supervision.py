"""L'état détaillé de la plateforme (comptes/supervision.py), en JSON : pour un administrateur connecté, ou un
moniteur qui présente le jeton de supervision (`COVILLE_JETON_SUPERVISION`). Les autres ne savent pas que
l'adresse existe (404)."""

import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptes import supervision
from comptes.contexte import contexte_de_requete
from comptes.permissions import peut_voir_etat_detaille


def jeton_valide(request: HttpRequest) -> bool:
    """L'en-tête `Authorization: Bearer <jeton>` porte le jeton réglé (comparé en temps constant). Jamais dans
    l'adresse : elle finirait dans les journaux."""
    attendu = settings.JETON_SUPERVISION
    schema, _, presente = request.headers.get("Authorization", "").partition(" ")
    return bool(attendu) and schema.lower() == "bearer" and secrets.compare_digest(presente.strip(), attendu)


@login_not_required
@never_cache
@require_GET
def etat_detaille(request: HttpRequest) -> JsonResponse:
    """200 si tout répond (statut `ok`, ou `alerte` : la file prend du retard), 503 si une partie est en panne."""
    if not (
        jeton_valide(request)
        or (request.user.is_authenticated and peut_voir_etat_detaille(contexte_de_requete(request)))
    ):
        raise Http404("Page introuvable.")
    etat = supervision.etat_detaille()
    return JsonResponse(
        etat, status=503 if etat["statut"] == "erreur" else 200, json_dumps_params={"ensure_ascii": False}
    )
