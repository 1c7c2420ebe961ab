"""Tests de bout en bout dans Chromium (Playwright), contre le serveur de test de pytest-django.

Le Chromium de Debian (`/usr/bin/chromium`) est utilisé tel quel : aucun navigateur n'est téléchargé.
"""

import io
import os
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import sync_playwright

from comptes.demo import MOT_DE_PASSE
from tests.e2e.accessibilite import IMPACTS_BLOQUANTS

CHROMIUM = "/usr/bin/chromium"
ARGUMENTS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# L'API synchrone de Playwright fait tourner une boucle asyncio dans le fil principal : sans ce réglage,
# l'ORM (appelé par les fixtures et par le serveur de test) se croit dans un contexte asynchrone et refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@dataclass
class Journal:
    """Ce que le navigateur signale pendant un test : erreurs de la console et exceptions JavaScript."""

    erreurs: list[str] = field(default_factory=list)

    def erreurs_csp(self) -> list[str]:
        return [erreur for erreur in self.erreurs if "Content Security Policy" in erreur]


# Un navigateur par module : l'API synchrone de Playwright garde sa boucle asyncio dans le fil principal tant
# qu'elle est ouverte, et les tests qui suivent (un worker de tâches, `async_to_sync`) ne pourraient plus y lancer
# la leur.
@pytest.fixture(scope="module")
def navigateur():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} est absent : installez le paquet Debian `chromium` (voir .ci/run).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGUMENTS_CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def journal():
    return Journal()


@pytest.fixture
def page(navigateur, live_server, journal):
    contexte = navigateur.new_context(base_url=live_server.url, locale="fr-FR")
    page = contexte.new_page()
    page.on("console", lambda message: message.type == "error" and journal.erreurs.append(message.text))
    page.on("pageerror", lambda erreur: journal.erreurs.append(str(erreur)))
    yield page
    contexte.close()


@pytest.fixture
def demo(live_server):
    """Les données de démonstration, chargées dans la base que sert le serveur de test."""
    call_command("charger_demo", stdout=io.StringIO())


@pytest.fixture
def connecter(page, live_server):
    """Ouvre une session pour un compte dans le navigateur, sans passer par le formulaire de connexion
    (celui-ci a son propre test) : plus rapide, et sans toucher aux limites de débit d'allauth."""

    def connecter_compte(email: str) -> None:
        client = Client()
        assert client.login(email=email, password=MOT_DE_PASSE), f"connexion impossible pour {email}"
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    return connecter_compte


@pytest.fixture(scope="session")
def axe():
    """axe-core, lu dans le paquet axe-playwright-python (son axe.min.js) et injecté dans la page."""
    return Axe()


@pytest.fixture
def violations_bloquantes(axe):
    """Passe la page affichée à axe-core et rend ses violations d'impact « serious » ou « critical »."""

    def analyser(page) -> list[dict]:
        violations = axe.run(page).response["violations"]
        return [violation for violation in violations if violation["impact"] in IMPACTS_BLOQUANTS]

    return analyser
