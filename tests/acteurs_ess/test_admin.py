import pytest
from django.urls import reverse

from acteurs_ess.models import DemandeRattachement, DocumentStructure
from tests.acteurs_ess.factories import CollectifFactory, MembreCollectifFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("modele", ["structure", "collectif", "demanderattachement", "documentstructure"])
def test_the_admin_lists_and_opens_each_model(client, admin_plateforme, structure, exterieur, modele):
    collectif = CollectifFactory()
    MembreCollectifFactory(collectif=collectif, organisation=structure.organisation)
    demande = DemandeRattachement.objects.create(structure=structure, demandeur=exterieur)
    document = DocumentStructure.objects.create(
        structure=structure, type="statuts", chemin="prive/coffres/1/s.pdf", nom="statuts.pdf", taille=1, type_mime=""
    )
    objet = {
        "structure": structure,
        "collectif": collectif,
        "demanderattachement": demande,
        "documentstructure": document,
    }[modele]
    client.force_login(admin_plateforme)
    assert client.get(reverse(f"admin:acteurs_ess_{modele}_changelist"), {"q": "Blosne"}).status_code == 200
    assert client.get(reverse(f"admin:acteurs_ess_{modele}_change", args=[objet.pk])).status_code == 200
