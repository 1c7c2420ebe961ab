"""Tests de bout en bout dans Chromium (Playwright), contre le serveur de test de pytest-django.

Le Chromium de Debian (`/usr/bin/chromium`) est utilisé tel quel : aucun navigateur n'est téléchargé.
"""

import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from playwright.sync_api import sync_playwright

from comptes.demo import MOT_DE_PASSE
from comptes.models import Organisation, Utilisateur
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


@dataclass
class Instantane:
    """Le contenu de la base juste après `charger_demo` (chaque table non vide, au format de COPY, et chaque
    séquence), et les fichiers que la démonstration a écrits, copiés dans `fichiers`."""

    tables: dict[str, bytes]
    sequences: dict[str, int]
    fichiers: Path


def _tables_non_vides() -> list[str]:
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'django_migrations' "
            "ORDER BY tablename"
        )
        tables = [table for (table,) in curseur.fetchall()]
        curseur.execute(
            " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT FROM {connection.ops.quote_name(t)})" for t in tables),
            tables,
        )
        return [table for (table,) in curseur.fetchall()]


def _prendre(fichiers: Path) -> Instantane:
    tables, sequences = {}, {}
    with connection.cursor() as curseur:
        for table in _tables_non_vides():
            with curseur.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copie:
                tables[table] = b"".join(bytes(morceau) for morceau in copie)
        curseur.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        sequences = {nom: valeur for nom, valeur in curseur.fetchall() if valeur is not None}
    return Instantane(tables, sequences, fichiers)


def _restaurer(instantane: Instantane) -> None:
    with transaction.atomic(), connection.cursor() as curseur:
        # Ni déclencheurs ni vérification des clés étrangères (des déclencheurs aussi) le temps de la recopie : les
        # lignes de l'instantané, cohérentes entre elles, reviennent telles quelles, sans que les déclencheurs de
        # Procrastinate n'ajoutent d'événements à ceux qu'elles contiennent déjà.
        curseur.execute("SET LOCAL session_replication_role = replica")
        # Les types de contenu, permissions et site que le vidage du test précédent a recréés (signal
        # post_migrate), sous d'autres identifiants : remplacés par ceux de l'instantané.
        for table in instantane.tables:
            curseur.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        for table, contenu in instantane.tables.items():
            with curseur.cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copie:
                copie.write(contenu)
        # Les séquences ne reculent jamais (le vidage ne les remet pas à zéro) : au moins où l'instantané les a
        # laissées, pour que les lignes créées ensuite ne prennent pas un identifiant recopié.
        for sequence, valeur in instantane.sequences.items():
            nom = connection.ops.quote_name(sequence)
            curseur.execute(f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {nom})))", [nom, valeur])
    ContentType.objects.clear_cache()
    shutil.copytree(instantane.fichiers, settings.MEDIA_ROOT, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def _instantanes_de_la_demo() -> list[Instantane]:
    return []


@pytest.fixture
def demo(live_server, _instantanes_de_la_demo, tmp_path_factory):
    """Les données de démonstration, chargées dans la base que sert le serveur de test. `charger_demo` la
    première fois dans le processus ; ensuite, la même base et les mêmes fichiers sont recopiés depuis
    l'instantané pris alors (mêmes lignes, mêmes identifiants) : dix fois plus vite, pour chacun des tests
    du navigateur."""
    base_vide = not Utilisateur.objects.exists() and not Organisation.objects.exists()
    if _instantanes_de_la_demo and base_vide:
        _restaurer(_instantanes_de_la_demo[0])
        return
    if not base_vide:
        call_command("charger_demo", stdout=io.StringIO())
        return
    fichiers = tmp_path_factory.mktemp("media-demo")
    with override_settings(MEDIA_ROOT=fichiers):
        call_command("charger_demo", stdout=io.StringIO())
    shutil.copytree(fichiers, settings.MEDIA_ROOT, dirs_exist_ok=True)
    _instantanes_de_la_demo.append(_prendre(fichiers))


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
