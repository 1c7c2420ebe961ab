"""Les dispositifs nationaux du contrat, en étiquettes sur ses appels à projets et sur leurs dossiers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_call_and_its_dossiers_show_the_contract_schemes(client, appel, brouillon, membre_structure):
    appel.contrat.dispositifs = ["cites_educatives", "france_services"]
    appel.contrat.save(update_fields=["dispositifs"])
    page = client.get(reverse("financements:appel", args=[appel.pk])).content.decode()
    assert "Cités éducatives" in page and "France Services" in page
    client.force_login(membre_structure)
    page = client.get(reverse("financements:dossier", args=[brouillon.pk])).content.decode()
    assert "Cités éducatives" in page and "France Services" in page


def test_no_tags_without_schemes(client, appel):
    page = client.get(reverse("financements:appel", args=[appel.pk])).content.decode()
    assert "Dispositifs nationaux" not in page
