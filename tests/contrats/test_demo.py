import pytest
from django.core.management import call_command

from contrats.demo import CODE
from contrats.models import ContratDeVille, Contribution, StatutContrat, StatutContribution, VersionSection

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_contract_idempotently():
    call_command("charger_demo", verbosity=0, stdout=None)
    comptes = (ContratDeVille.objects.count(), VersionSection.objects.count(), Contribution.objects.count())
    call_command("charger_demo", verbosity=0)
    assert (ContratDeVille.objects.count(), VersionSection.objects.count(), Contribution.objects.count()) == comptes

    contrat = ContratDeVille.objects.get(code=CODE)
    assert contrat.statut == StatutContrat.CONCERTATION
    assert contrat.epci.nom == "Rennes Métropole"
    assert contrat.qpv.count() == 5
    assert contrat.sections.count() == 8
    assert all(section.versions.count() >= 2 for section in contrat.sections.all())
    assert contrat.orientations.filter(parent__isnull=False).exists()
    assert {s.organisation.nom for s in contrat.signataires.all()} == {
        "Préfecture d'Ille-et-Vilaine",
        "Rennes Métropole",
        "Ville de Rennes",
        "Archipel Habitat",
    }
    assert contrat.instances.filter(reunions__isnull=False).exists()
    concertation = contrat.concertations.get()
    assert concertation.est_ouverte()
    statuts = set(Contribution.objects.filter(concertation=concertation).values_list("statut", flat=True))
    assert statuts == set(StatutContribution.values)
    assert Contribution.objects.filter(version_integration__isnull=False).exists()
    assert Contribution.objects.filter(masquee=True).exists()
    assert contrat.dynamiques_cooperatives.exists() and contrat.structures_ess.exists()


def test_it_lets_the_demo_agent_edit_and_the_demo_association_contribute(client):
    from comptes.models import Utilisateur
    from contrats.permissions import peut_contribuer, peut_modifier_contrat

    call_command("charger_demo", verbosity=0)
    contrat = ContratDeVille.objects.get(code=CODE)
    concertation = contrat.concertations.get()
    assert peut_modifier_contrat(Utilisateur.objects.get(email="agent@demo.coville.fr"), contrat)
    for email in ["structure@demo.coville.fr", "habitant@demo.coville.fr", "partenaire@demo.coville.fr"]:
        assert peut_contribuer(Utilisateur.objects.get(email=email), concertation), email
    assert not peut_modifier_contrat(Utilisateur.objects.get(email="elu@demo.coville.fr"), contrat)
