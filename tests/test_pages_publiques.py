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
    # Une vue peut écrire sans signal (`update()`) : toute requête POST d'une personne connectée change la version
    # (ici la déconnexion : connectée avant la requête, plus après).
    from tests.factories import UtilisateurFactory

    client.get(reverse("acteurs_ess:structure", args=[structure.pk]))
    # Ses écritures validées comme par une requête (la date de connexion : une nouvelle version).
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(UtilisateurFactory())
    version = caches["default"].get(CLE_VERSION)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_logout"))
    assert caches["default"].get(CLE_VERSION) != version


def test_an_anonymous_post_does_not_throw_the_kept_pages_away(
    client, structure, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # N'importe qui peut envoyer des POST : refusés (jeton CSRF, connexion exigée) ou sans effet (mot de passe
    # faux), ils ne vident pas les pages gardées de tous les processus.
    from django.test import Client

    adresse = reverse("acteurs_ess:structure", args=[structure.pk])
    client.get(adresse)
    version = caches["default"].get(CLE_VERSION)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_login"), {"login": "personne@exemple.fr", "password": "mauvais-mot-de-passe"})
        client.post(reverse("acteurs_ess:ajouter_document", args=[structure.pk]))
        Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "x", "password": "y"})
    assert caches["default"].get(CLE_VERSION) == version
    with django_assert_num_queries(0):  # toujours la page gardée
        client.get(adresse)


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
    assert caches["pages"].get(f"http://testserver{reverse('acteurs_ess:structure', args=[structure.pk])}") is None


def test_a_class_based_view_that_renders_the_csrf_token_in_its_template_is_not_kept(rf):
    # Une vue de classe rend son gabarit après la vue : le jeton CSRF n'y est lu qu'au rendu.
    from django.template import engines
    from django.template.response import TemplateResponse

    gabarit = engines["django"].from_string("<form>{% csrf_token %}</form>")
    appels = []

    @page_publique
    def vue(request):
        appels.append(1)
        return TemplateResponse(request, gabarit)

    vue(rf.get("/formulaire-de-classe/"))
    seconde = vue(rf.get("/formulaire-de-classe/"))
    assert len(appels) == 2
    assert b"csrfmiddlewaretoken" in seconde.content


def test_the_json_variant_of_a_search_is_never_served_as_the_page(client, django_capture_on_commit_callbacks):
    # Un robot qui demande le JSON de la recherche (en-tête Accept) ne fait pas garder cette variante pour tous.
    adresse = reverse("territoires:recherche") + "?q=Rennes"
    robot = client.get(adresse, HTTP_ACCEPT="application/json")
    assert robot["Content-Type"].startswith("application/json")
    visiteur = client.get(adresse, HTTP_ACCEPT="text/html")
    assert visiteur["Content-Type"].startswith("text/html")
    assert "<html" in visiteur.content.decode()


def test_the_kept_page_is_replayed_with_its_headers_and_varies_on_the_cookie(rf):
    @page_publique
    def vue(request):
        reponse = HttpResponse("<p>Contrat</p>", content_type="text/html; charset=utf-8")
        reponse["X-Robots-Tag"] = "noindex"
        return reponse

    vue(rf.get("/entetes/"))
    rejouee = vue(rf.get("/entetes/"))
    assert rejouee["X-Robots-Tag"] == "noindex"
    assert rejouee["Content-Type"] == "text/html; charset=utf-8"
    assert "Cookie" in rejouee["Vary"]


def test_useless_parameters_cannot_fill_the_memory_with_pages(rf):
    appels = []

    @page_publique
    def vue(request):
        appels.append(1)
        return HttpResponse("x" * 100)

    longue = "/liste/?" + "&".join(f"p{i}=bourrage" for i in range(100))
    vue(rf.get(longue))
    vue(rf.get(longue))
    assert len(appels) == 2

    @page_publique
    def enorme(request):
        appels.append(1)
        return HttpResponse(b"x" * (2 * 1024 * 1024))

    enorme(rf.get("/enorme/"))
    enorme(rf.get("/enorme/"))
    assert len(appels) == 4


def test_a_message_added_while_rendering_for_an_anonymous_visitor_is_not_kept(rf):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage

    appels = []

    @page_publique
    def vue(request):
        appels.append(1)
        messages.info(request, "Votre recherche a été enregistrée.")
        return HttpResponse("page")

    for _ in range(2):
        requete = rf.get("/message/")
        requete._messages = CookieStorage(requete)
        vue(requete)
    assert len(appels) == 2
