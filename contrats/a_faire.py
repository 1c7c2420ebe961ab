"""Ce que les contrats attendent de la personne, pour l'accueil : répondre aux contributions des contrats que
sa collectivité porte, contribuer aux concertations ouvertes qui s'adressent à elle."""

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from comptes.contexte import contexte_de_requete
from comptes.models import Role
from comptes.registres import Tache
from contrats.models import ContratDeVille, Contribution, StatutContribution
from contrats.permissions import peut_contribuer
from contrats.selectors import concertations_ouvertes_au_public, q_contrats_portes_par

LIMITE = 10


def taches(request: HttpRequest) -> list[Tache]:
    acces = contexte_de_requete(request)
    if not acces.est_connecte:
        return []
    taches: list[Tache] = []
    collectivites = acces.collectivites(Role.AGENT)
    if collectivites:
        # Les contributions sans réponse des contrats portés : une requête, regroupée par contrat.
        en_attente = (
            Contribution.objects.filter(
                statut__in=[StatutContribution.DEPOSEE, StatutContribution.EN_ANALYSE],
                masquee=False,
                concertation__contrat__in=ContratDeVille.objects.filter(q_contrats_portes_par(collectivites)),
            )
            .values("concertation__contrat__code", "concertation__contrat__nom")
            .annotate(nombre=Count("pk"))
            .order_by("concertation__contrat__code")[:LIMITE]
        )
        taches += [
            Tache(
                "À répondre",
                f"{ligne['nombre']} contribution{'s' if ligne['nombre'] > 1 else ''} sans réponse — "
                f"{ligne['concertation__contrat__nom']}",
                reverse("contrats:contributions", args=[ligne["concertation__contrat__code"]]),
            )
            for ligne in en_attente
        ]
    taches += [
        Tache(
            "Concertations ouvertes",
            f"{c.titre} — {c.contrat.nom}",
            c.get_absolute_url(),
            c.fin,
        )
        for c in concertations_ouvertes_au_public().prefetch_related("contrat__signataires")[:LIMITE]
        if peut_contribuer(acces, c)
    ]
    return taches
