import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from config.env import envbool, envint, envlist, envstr
from config.settings import fournisseurs_oidc


def test_it_reads_booleans_in_english_and_french(monkeypatch):
    for valeur, attendu in [
        ("true", True),
        ("oui", True),
        ("1", True),
        ("false", False),
        ("non", False),
        ("", False),
    ]:
        monkeypatch.setenv("COVILLE_ESSAI", valeur)
        assert envbool("COVILLE_ESSAI", not attendu) is attendu


def test_it_fails_loudly_on_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("COVILLE_ESSAI", "peut-être")
    with pytest.raises(ImproperlyConfigured, match="COVILLE_ESSAI='peut-être' : valeur booléenne attendue"):
        envbool("COVILLE_ESSAI", False)


def test_it_fails_loudly_on_a_bad_integer(monkeypatch):
    monkeypatch.setenv("COVILLE_ESSAI", "abc")
    with pytest.raises(ImproperlyConfigured, match="nombre entier attendu"):
        envint("COVILLE_ESSAI", 25)


def test_it_requires_mandatory_values(monkeypatch):
    monkeypatch.delenv("COVILLE_ESSAI", raising=False)
    with pytest.raises(ImproperlyConfigured, match="COVILLE_ESSAI est obligatoire"):
        envstr("COVILLE_ESSAI")


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("COVILLE_ESSAI", "a.fr, b.fr,,")
    assert envlist("COVILLE_ESSAI", []) == ["a.fr", "b.fr"]


def test_oidc_is_off_by_default(monkeypatch):
    monkeypatch.delenv("OIDC_CLIENT_ID", raising=False)
    assert fournisseurs_oidc() == {}


def test_oidc_is_configured_from_the_environment(monkeypatch):
    monkeypatch.setenv("OIDC_CLIENT_ID", "coville")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "secret")
    monkeypatch.setenv("OIDC_SERVER_URL", "https://proconnect.exemple.fr/api/v2")
    application = fournisseurs_oidc()["openid_connect"]["APPS"][0]
    assert application["provider_id"] == "proconnect"
    assert application["client_id"] == "coville"
    assert application["settings"]["server_url"] == "https://proconnect.exemple.fr/api/v2"


def test_oidc_requires_its_secret(monkeypatch):
    monkeypatch.setenv("OIDC_CLIENT_ID", "coville")
    monkeypatch.delenv("OIDC_CLIENT_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="OIDC_CLIENT_SECRET"):
        fournisseurs_oidc()


@pytest.mark.django_db
def test_the_login_page_offers_proconnect_when_configured(client, monkeypatch):
    assert "ProConnect" not in client.get(reverse("account_login")).content.decode()
    monkeypatch.setenv("OIDC_CLIENT_ID", "coville")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "secret")
    monkeypatch.setenv("OIDC_SERVER_URL", "https://proconnect.exemple.fr/api/v2")
    with override_settings(SOCIALACCOUNT_PROVIDERS=fournisseurs_oidc()):
        contenu = client.get(reverse("account_login")).content.decode()
    assert "Se connecter avec ProConnect" in contenu
    assert "/comptes/oidc/proconnect/login/" in contenu


REGLES_LUES = {
    "COVILLE_PROXIES_DE_CONFIANCE",
    "COVILLE_ENTETE_IP_CLIENT",
    "EMAIL_TIMEOUT",
    "COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS",
}


def _reglages(environnement: dict[str, str], *noms: str) -> list[str]:
    """Les valeurs de réglages lus par un processus neuf avec ces variables d'environnement."""
    import os
    import subprocess
    import sys

    code = f"from config import settings; print(*[repr(getattr(settings, n)) for n in {noms!r}], sep='\\n')"
    env = {cle: valeur for cle, valeur in os.environ.items() if cle not in REGLES_LUES}
    env.update({"DEBUG": "true", **environnement})
    resultat = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return resultat.stdout.splitlines()


def test_the_trusted_proxies_and_mail_timeout_come_from_the_environment():
    assert _reglages({}, "ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "EMAIL_TIMEOUT") == [
        "0",
        "None",
        "10",
    ]
    assert _reglages(
        {"COVILLE_PROXIES_DE_CONFIANCE": "2", "COVILLE_ENTETE_IP_CLIENT": "X-Real-IP", "EMAIL_TIMEOUT": "5"},
        "ALLAUTH_TRUSTED_PROXY_COUNT",
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER",
        "EMAIL_TIMEOUT",
    ) == ["2", "'X-Real-IP'", "5"]


def test_the_audit_log_retention_is_five_years_unless_the_environment_says_otherwise():
    assert _reglages({}, "COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS") == [str(5 * 365)]
    assert _reglages(
        {"COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS": "3650"}, "COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS"
    ) == ["3650"]


def test_an_audit_log_retention_below_one_day_is_refused():
    import subprocess

    with pytest.raises(subprocess.CalledProcessError) as erreur:
        _reglages({"COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS": "0"}, "COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS")
    assert "COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS : un nombre de jours, au moins 1." in erreur.value.stderr


def test_database_connections_are_checked_before_reuse():
    assert _reglages({}, "DATABASES")[0].count("'CONN_HEALTH_CHECKS': True") == 1
