"""Des dossiers créés directement en base (sans passer par le dépôt) pour les tests de listes et d'exports."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from acteurs_ess.models import Structure
from financements.models import DecisionFinanceur, Dossier, Financement, StatutDossier
from financements.models.dossier import Issue
from financements.services.dossiers import recalculer
from tests.factories import OrganisationFactory, UtilisateurFactory

_numeros = itertools.count(1)


def dossiers_decides(
    appel, financeurs: list, nombre: int, montant=Decimal("12000"), statut=StatutDossier.DECIDE, prefixe="Association"
):
    """`nombre` dossiers décidés, chacun financé par tous les `financeurs` (montant accordé = demandé)."""
    auteur = UtilisateurFactory()
    qpv = appel.qpv.first()
    crees = []
    for _ in range(nombre):
        i = next(_numeros)
        organisation = OrganisationFactory(nom=f"{prefixe} {i}")
        siret = _siret(i)
        structure = Structure.objects.create(
            organisation=organisation, raison_sociale=f"{prefixe} {i}", siret=siret, rna=f"W35{i:07d}"
        )
        dossier = Dossier.objects.create(
            appel=appel,
            structure=structure,
            titre=f"Projet {i}",
            statut=statut,
            cree_par=auteur,
            date_debut=date(2027, 1, 1),
            date_fin=date(2027, 12, 31),
            depose_le=timezone.now() - timedelta(days=30),
            decide_le=timezone.now(),
        )
        dossier.qpv.add(qpv)
        for financeur in financeurs:
            financement = Financement.objects.create(dossier=dossier, financeur=financeur, montant_demande=montant)
            DecisionFinanceur.objects.create(
                financement=financement, montant=montant, reference=f"DEL-{i}-{financeur.pk}", decide_par=auteur
            )
        recalculer(dossier)
        crees.append(dossier)
    assert all(Dossier.objects.get(pk=d.pk).issue == Issue.FINANCE for d in crees[:1])
    return crees


def _siret(i: int) -> str:
    """Un SIRET valide : SIREN à clé de Luhn, puis NIC dont la clé rend les 14 chiffres valides."""
    from stdnum import luhn

    siren = luhn.calc_check_digit(f"{(12345678 + i):08d}")
    siren = f"{(12345678 + i):08d}{siren}"
    debut = f"{siren}0001"
    return debut + luhn.calc_check_digit(debut)
