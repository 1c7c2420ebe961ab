"""Les applications de niveau supérieur ajoutent leurs blocs aux pages des territoires sans que le
référentiel ne les importe."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from config.registres import RegistreDeBlocs
from territoires.registres import pages_territoire


@pytest.fixture
def bloc_essai():
    def fournir(request, qpv=None, commune=None, epci=None):
        territoire = qpv or commune or epci
        return f"<section><h2>Bloc d'essai</h2><p>{territoire}</p></section>"

    pages_territoire.enregistrer("essai", fournir, ordre=999)
    yield
    pages_territoire.retirer("essai")


@pytest.mark.django_db
def test_it_shows_registered_blocks_on_territory_pages(client, bloc_essai):
    call_command("charger_demo")
    for url in [
        reverse("territoires:qpv", args=["QN03504M"]),
        reverse("territoires:commune", args=["35238"]),
        reverse("territoires:epci", args=["243500139"]),
    ]:
        assert "<h2>Bloc d'essai</h2>" in client.get(url).content.decode()


def test_the_higher_apps_register_their_blocks():
    assert {"contrats", "structures", "projets_finances"} <= set(pages_territoire.noms())


def test_it_registers_a_block_once_per_name_in_order(rf):
    registre = RegistreDeBlocs()
    registre.enregistrer("b", lambda request, **contexte: "<p>b</p>", ordre=2)
    registre.enregistrer("a", lambda request, **contexte: "<p>a</p>", ordre=1)
    registre.enregistrer("b", lambda request, **contexte: "<p>b2</p>", ordre=2)
    assert registre.rendre(rf.get("/")) == ["<p>a</p>", "<p>b2</p>"]


def test_it_drops_empty_blocks(rf):
    registre = RegistreDeBlocs()
    registre.enregistrer("vide", lambda request, **contexte: "")
    registre.enregistrer("plein", lambda request, **contexte: "<p>plein</p>")
    assert registre.rendre(rf.get("/")) == ["<p>plein</p>"]
