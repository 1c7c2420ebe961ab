"""Les pages publiques gardées rendues pour les visiteurs anonymes (config/lib/pages_publiques.py) : servies sans
requête SQL, à nouveau rendues dès qu'une donnée change, jamais servies à une personne connectée ni gardées
pour elle, et sans le jeton CSRF d'un autre navigateur."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.lib.pages_publiques import CLE_VERSION, _NouvelleVersion, donnees_modifiees, page_publique
from tests.acteurs_ess.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_gardees(settings):
    # Les réglages de production (config/settings.py) ; ceux des tests n'en gardent aucune.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages-gardees-tests"},
    }
    caches["pages"].clear()


@pytest.fixture
def structure(django_capture_on_commit_callbacks):
    # Les données du test, validées comme par une requête (le test entier tient dans une transaction jamais
    # validée : une écriture suivante y compterait pour la même, une seule nouvelle version à la fin).
    with django_capture_on_commit_callbacks(execute=True):
        return StructureFactory(raison_sociale="Ateliers du Blosne")


def _nonce(reponse) -> str:
    return re.search(r"'nonce-([^']+)'", reponse["Content-Security-Policy"])[1]


def test_it_serves_the_kept_page_to_the_next_visitor_without_any_query(client, structure, django_assert_num_queries):
    adresse = reverse("acteurs_ess:structure", args=[structure.pk])
    premiere = client.get(adresse)
    # La version des données est lue dans le cache partagé (en mémoire dans les tests : aucune requête SQL).
    with django_assert_num_queries(0):
        seconde = client.get(adresse)
    assert seconde.status_code == 200
    assert "Ateliers du Blosne" in seconde.content.decode()
    # Le nonce de la politique de sécurité du contenu est celui de la nouvelle réponse, jamais l'ancien.
    assert _nonce(seconde) != _nonce(premiere)
    assert f'nonce="{_nonce(seconde)}"' in seconde.content.decode()
    assert _nonce(premiere) not in seconde.content.decode()


def test_a_change_is_seen_at_once(client, structure, django_capture_on_commit_callbacks):
    adresse = reverse("acteurs_ess:structure", args=[structure.pk])
    client.get(adresse)
    with django_capture_on_commit_callbacks(execute=True):
        structure.raison_sociale = "Ateliers du Blosne et de Maurepas"
        structure.save()
    assert "Ateliers du Blosne et de Maurepas" in client.get(adresse).content.decode()


def test_a_change_of_a_many_to_many_link_makes_the_kept_pages_stale(structure, django_capture_on_commit_callbacks):
    version = caches["default"].get(CLE_VERSION)
    assert version is not None
    with django_capture_on_commit_callbacks(execute=True):
        structure.qpv.clear()
    assert caches["default"].get(CLE_VERSION) != version


def test_the_version_changes_only_once_the_transaction_is_committed(django_capture_on_commit_callbacks):
    # Avant la validation, une page rendue ailleurs verrait les anciennes données : elle ne doit pas être gardée
    # sous la nouvelle version. Une seule nouvelle version par transaction, quel que soit le nombre d'écritures.
    version = caches["default"].get(CLE_VERSION)
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        StructureFactory.create_batch(3)
        donnees_modifiees()
        assert caches["default"].get(CLE_VERSION) == version
    assert len([rappel for rappel in rappels if isinstance(rappel, _NouvelleVersion)]) == 1


def test_a_request_that_changes_something_makes_the_kept_pages_stale(
    client, structure, django_capture_on_commit_callbacks
):
    # Une vue peut écrire sans signal (`update()`) : toute requête POST change la version.
    client.get(reverse("acteurs_ess:structure", args=[structure.pk]))
    version = caches["default"].get(CLE_VERSION)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_logout"))
    assert caches["default"].get(CLE_VERSION) != version


def test_a_connected_person_never_gets_a_kept_page_and_none_is_kept_for_her(client, membre_structure, association):
    structure = StructureFactory(raison_sociale="Régie de Maurepas", organisation=association)
    adresse = reverse("acteurs_ess:structure", args=[structure.pk])
    anonyme = client.get(adresse).content.decode()
    assert "Se déconnecter" not in anonyme

    client.force_login(membre_structure)
    connectee = client.get(adresse).content.decode()
    assert "Se déconnecter" in connectee
    assert reverse("acteurs_ess:modifier", args=[structure.pk]) in connectee

    client.logout()
    apres = client.get(adresse).content.decode()
    assert "Se déconnecter" not in apres
    assert reverse("acteurs_ess:modifier", args=[structure.pk]) not in apres


def test_a_visitor_with_a_session_gets_the_page_rendered_for_him(client, structure):
    adresse = reverse("acteurs_ess:structure", args=[structure.pk])
    client.get(adresse)
    client.cookies["sessionid"] = "inconnue"
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(adresse)
    assert reponse.status_code == 200
    # La session (inconnue : la personne est anonyme), puis toutes les requêtes de la page, rendue pour elle.
    assert any("acteurs_ess_structure" in requete["sql"] for requete in requetes.captured_queries)


def test_a_page_that_uses_the_csrf_token_is_not_kept():
    appels = []

    @page_publique
    def vue(request):
        appels.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>")

    fabrique = RequestFactory()
    premier = vue(fabrique.get("/formulaire/"))
    second = vue(fabrique.get("/formulaire/"))
    assert len(appels) == 2
    assert premier.content != second.content


def test_an_error_page_is_not_kept():
    appels = []

    @page_publique
    def vue(request):
        appels.append(1)
        return HttpResponse("introuvable", status=404)

    fabrique = RequestFactory()
    vue(fabrique.get("/absent/"))
    vue(fabrique.get("/absent/"))
    assert len(appels) == 2


def test_each_address_and_query_string_has_its_own_page(client, structure):
    StructureFactory(raison_sociale="Recyclerie de Maurepas")
    annuaire = reverse("acteurs_ess:annuaire")
    assert "Recyclerie de Maurepas" in client.get(annuaire, {"q": "recyclerie"}).content.decode()
    assert "Recyclerie de Maurepas" not in client.get(annuaire, {"q": "ateliers"}).content.decode()


def test_without_the_shared_cache_the_page_is_rendered_and_not_kept(client, structure, monkeypatch):
    # Table `coville_cache` absente (createcachetable oublié) ou base injoignable : la page, pas une erreur 500.
    from django.db import DatabaseError

    def injoignable(*args, **kwargs):
        raise DatabaseError("relation « coville_cache » inexistante")

    monkeypatch.setattr(caches["default"], "get", injoignable)
    monkeypatch.setattr(caches["default"], "set", injoignable)
    reponse = client.get(reverse("acteurs_ess:structure", args=[structure.pk]))
    assert reponse.status_code == 200
    assert "Ateliers du Blosne" in reponse.content.decode()
    assert caches["pages"].get(f"testserver{reverse('acteurs_ess:structure', args=[structure.pk])}") is None
