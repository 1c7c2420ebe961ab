"""Les applications de niveau supérieur ajoutent leurs blocs aux pages des territoires sans que le
référentiel ne les importe."""

import pytest
from django.urls import reverse

from territoires import blocs

pytestmark = pytest.mark.django_db


@pytest.fixture
def bloc_essai():
    sauvegarde = list(blocs._fournisseurs)

    def fournir(request, qpv=None, commune=None, epci=None):
        territoire = qpv or commune or epci
        return f"<section><h2>Bloc d'essai</h2><p>{territoire}</p></section>"

    blocs.enregistrer("essai", fournir)
    yield
    blocs._fournisseurs = sauvegarde


def test_it_shows_registered_blocks_on_territory_pages(client, bloc_essai):
    from django.core.management import call_command

    call_command("charger_demo")
    for url in [
        reverse("territoires:qpv", args=["QN03504M"]),
        reverse("territoires:commune", args=["35238"]),
        reverse("territoires:epci", args=["243500139"]),
    ]:
        assert "<h2>Bloc d'essai</h2>" in client.get(url).content.decode()


def test_it_registers_a_block_once_per_name(bloc_essai):
    nombre = len(blocs._fournisseurs)
    blocs.enregistrer("essai", lambda request, **territoire: "")
    assert len(blocs._fournisseurs) == nombre


def test_it_drops_empty_blocks(rf, bloc_essai):
    blocs.enregistrer("vide", lambda request, **territoire: "")
    rendus = blocs.blocs(rf.get("/"), qpv="QN03504M")
    assert all("Bloc d'essai" in rendu for rendu in rendus)
    blocs._fournisseurs = [entree for entree in blocs._fournisseurs if entree[1] != "vide"]
