"""Chaque page du socle passée à axe-core dans Chromium : aucune violation « serious » ou « critical ».

axe-core vient du paquet axe-playwright-python (son axe.min.js est injecté dans la page) : rien n'est
téléchargé. Les pages publiques des territoires s'ajoutent d'elles-mêmes quand
tests/e2e/pages_territoires.py (liste `PAGES` de chemins valables avec la démonstration) existe.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from comptes import services
from comptes.models import Organisation, Role, Utilisateur
from tests.e2e.accessibilite import rapport_axe

FICHIER_PAGES_TERRITOIRES = Path(__file__).with_name("pages_territoires.py")


def pages_territoires() -> list[str]:
    # Import explicite quand le fichier existe : une erreur dans ce module doit faire échouer la collecte,
    # pas retirer ses pages en silence.
    if not FICHIER_PAGES_TERRITOIRES.exists():
        return []
    return list(importlib.import_module("tests.e2e.pages_territoires").PAGES)


def _rennes_metropole() -> int:
    return Organisation.objects.get(nom="Rennes Métropole").pk


def _lien_invitation() -> str:
    agent = Utilisateur.objects.get(email="agent@demo.coville.fr")
    organisation = Organisation.objects.get(nom="Rennes Métropole")
    _, jeton = services.inviter(agent, organisation, "nouvelle.collegue@exemple.fr", Role.AGENT)
    return f"/invitations/{jeton}/"


@dataclass(frozen=True)
class PageAVerifier:
    nom: str
    chemin: str | Callable[[], str]
    compte: str | None = None  # adresse d'un compte de démonstration, ou visiteur anonyme
    statut: int = 200
    envoyer_vide: bool = False  # vérifier le formulaire de la page après un envoi vide (messages d'erreur)

    def url(self) -> str:
        return self.chemin if isinstance(self.chemin, str) else self.chemin()


PAGES = [
    PageAVerifier("accueil", "/"),
    PageAVerifier("connexion", "/comptes/login/"),
    PageAVerifier("inscription", "/comptes/signup/"),
    PageAVerifier("mot-de-passe-oublie", "/comptes/password/reset/"),
    PageAVerifier("connexion-erreurs", "/comptes/login/", envoyer_vide=True),
    PageAVerifier("inscription-erreurs", "/comptes/signup/", envoyer_vide=True),
    PageAVerifier("mot-de-passe-oublie-erreurs", "/comptes/password/reset/", envoyer_vide=True),
    *(
        PageAVerifier(f"mon-espace-{role}", "/mon-espace/", f"{role}@demo.coville.fr")
        for role in ["agent", "etat", "elu", "structure", "habitant", "partenaire", "admin"]
    ),
    PageAVerifier("organisation", lambda: f"/organisations/{_rennes_metropole()}/", "agent@demo.coville.fr"),
    PageAVerifier("inviter", lambda: f"/organisations/{_rennes_metropole()}/inviter/", "agent@demo.coville.fr"),
    PageAVerifier("invitation", _lien_invitation),
    PageAVerifier("page-introuvable", "/nulle-part/", statut=404),
    *(PageAVerifier(f"territoires{chemin}", chemin) for chemin in pages_territoires()),
]


@pytest.mark.navigateur
@pytest.mark.parametrize("a_verifier", PAGES, ids=[page.nom for page in PAGES])
def test_it_has_no_serious_accessibility_violation(page, journal, demo, connecter, violations_bloquantes, a_verifier):
    if a_verifier.compte:
        connecter(a_verifier.compte)
    url = a_verifier.url()
    reponse = page.goto(url)
    assert reponse.status == a_verifier.statut
    assert urlsplit(page.url).path == urlsplit(url).path, "redirigé : la page n'est pas celle à vérifier"
    # axe part de la page une fois le JavaScript du DSFR démarré (menus, boutons, attributs ARIA posés).
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    expect(page.locator("main h1")).to_be_visible()
    if a_verifier.envoyer_vide:
        page.locator("main form").get_by_role("button").last.click()
        expect(page.locator("main .fr-input-group--error").first).to_be_visible()
        expect(page.locator("html")).to_have_attribute("data-fr-js", "true")

    violations = violations_bloquantes(page)

    assert not violations, rapport_axe(violations)
    assert journal.erreurs_csp() == [], journal.erreurs_csp()


@pytest.mark.navigateur
def test_it_reports_what_axe_finds(page, violations_bloquantes):
    # Garde-fou : le test ci-dessus ne passe pas parce qu'axe ne verrait rien.
    page.goto("/")
    page.locator("main").evaluate("main => main.insertAdjacentHTML('beforeend', '<img src=\"/nulle-part.png\">')")

    violations = violations_bloquantes(page)

    assert [(v["id"], v["impact"]) for v in violations] == [("image-alt", "critical")]
    assert "image-alt (critical)" in rapport_axe(violations)


def test_it_checks_the_territory_pages_when_their_list_exists():
    chemins = {page.url() for page in PAGES if isinstance(page.chemin, str)}
    attendus = set(pages_territoires())
    assert attendus <= chemins
    if FICHIER_PAGES_TERRITOIRES.exists():
        assert attendus, "tests/e2e/pages_territoires.py existe mais sa liste PAGES est vide"
