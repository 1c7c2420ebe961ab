import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_shows_the_home_page_to_visitors(client):
    reponse = client.get(reverse("accueil"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert '<html lang="fr"' in contenu
    assert "Co-construire les contrats de ville" in contenu
    assert 'href="#content"' in contenu  # lien d'évitement
    assert reverse("account_signup") in contenu


def test_it_requires_login_by_default(client):
    reponse = client.get(reverse("comptes:mon_espace"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))


def test_it_reports_health_with_the_database(client):
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    assert reponse.json() == {"statut": "ok", "base_de_donnees": "ok"}


def test_health_answers_over_plain_http_for_probes_while_pages_redirect_to_https(client, settings):
    # Les sondes des répartiteurs de charge interrogent l'application en HTTP, sans X-Forwarded-Proto.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/sante/").status_code == 200
    reponse = client.get("/")
    assert reponse.status_code == 301
    assert reponse.url.startswith("https://")


def test_it_reports_an_unreachable_database(client, monkeypatch):
    from django.db import DatabaseError, connection

    def panne(*args, **kwargs):
        raise DatabaseError("connexion refusée")

    monkeypatch.setattr(connection, "cursor", panne)
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    assert reponse.json()["statut"] == "erreur"


def test_it_shows_a_french_404_page(client):
    reponse = client.get("/nulle-part/")
    assert reponse.status_code == 404
    assert "Page introuvable" in reponse.content.decode()


def test_it_shows_a_french_500_page(rf):
    from config.views import erreur_serveur

    reponse = erreur_serveur(rf.get("/"))
    assert reponse.status_code == 500
    assert "Erreur inattendue" in reponse.content.decode()


def test_it_keeps_non_staff_out_of_django_admin(client, agent):
    client.force_login(agent)
    reponse = client.get("/admin/")
    assert reponse.status_code == 302
    assert "/admin/login/" in reponse.url


def test_it_opens_django_admin_to_platform_admins(client, admin_plateforme):
    client.force_login(admin_plateforme)
    assert client.get("/admin/").status_code == 200
