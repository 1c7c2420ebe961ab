"""Chaque page de la plateforme passée à axe-core dans Chromium : aucune violation « serious » ou « critical ».

axe-core vient du paquet axe-playwright-python (son axe.min.js est injecté dans la page) : rien n'est
téléchargé. Les pages du socle sont listées ici ; chaque rubrique ajoute les siennes dans un module
`tests/e2e/pages_<rubrique>.py`, valables avec la démonstration : `PAGES` (chemins publics, ou fonctions qui
rendent le chemin) et, s'il y a lieu, `PAGES_CONNECTEES` ((nom, chemin ou fonction, compte de démonstration
ou None)) et `PAGES_DOUBLE_AUTHENTIFICATION` ((nom, chemin ou fonction, compte, envoyer_vide) : les pages
qu'un agent n'ouvre qu'avec la double authentification, activée pour le compte avant la visite).
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
from tests.double_authentification import activer
from tests.e2e.accessibilite import rapport_axe

MODULES_DE_PAGES = sorted(chemin.stem for chemin in Path(__file__).parent.glob("pages_*.py"))


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
    double_authentification: bool = False  # activée pour le compte avant la visite (signer, avenants…)

    def url(self) -> str:
        return self.chemin if isinstance(self.chemin, str) else self.chemin()


def pages_des_rubriques() -> list[PageAVerifier]:
    # Import explicite de chaque module : une erreur dans l'un d'eux fait échouer la collecte, au lieu de
    # retirer ses pages en silence.
    pages = []
    for nom_module in MODULES_DE_PAGES:
        module = importlib.import_module(f"tests.e2e.{nom_module}")
        rubrique = nom_module.removeprefix("pages_")
        for rang, chemin in enumerate(module.PAGES):
            nom = chemin if isinstance(chemin, str) else f"{chemin.__name__}-{rang}"
            pages.append(PageAVerifier(f"{rubrique}:{nom}", chemin))
        for nom, chemin, compte in getattr(module, "PAGES_CONNECTEES", []):
            pages.append(PageAVerifier(f"{rubrique}:{nom}", chemin, compte))
        for nom, chemin, compte, envoyer_vide in getattr(module, "PAGES_DOUBLE_AUTHENTIFICATION", []):
            pages.append(
                PageAVerifier(
                    f"{rubrique}:{nom}", chemin, compte, envoyer_vide=envoyer_vide, double_authentification=True
                )
            )
    return pages


PAGES_DU_SOCLE = [
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
    PageAVerifier("demander-adhesion", "/collectivites/demander/", "habitant@demo.coville.fr"),
    PageAVerifier(
        "demander-adhesion-erreurs", "/collectivites/demander/", "habitant@demo.coville.fr", envoyer_vide=True
    ),
    PageAVerifier("demandes-adhesion", "/collectivites/demandes/", "admin@demo.coville.fr"),
    PageAVerifier("page-introuvable", "/nulle-part/", statut=404),
    # La démonstration a demandé le rendu de ses PDF, qu'aucun worker ne fait ici.
    PageAVerifier("pdf-en-preparation", "/contrats/CN03501I/contrat.pdf", "elu@demo.coville.fr", statut=202),
]
PAGES = PAGES_DU_SOCLE + pages_des_rubriques()


@pytest.mark.navigateur
@pytest.mark.parametrize("a_verifier", PAGES, ids=[page.nom for page in PAGES])
def test_it_has_no_serious_accessibility_violation(page, journal, demo, connecter, violations_bloquantes, a_verifier):
    if a_verifier.double_authentification:
        activer(Utilisateur.objects.get(email=a_verifier.compte))
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


def test_each_section_lists_pages_to_check():
    rubriques = {page.nom.split(":")[0] for page in PAGES if ":" in page.nom}
    attendues = {nom.removeprefix("pages_") for nom in MODULES_DE_PAGES}
    assert attendues >= {"territoires", "acteurs_ess", "contrats", "financements"}
    assert rubriques == attendues, "un module pages_*.py ne liste aucune page"


def test_page_names_are_unique():
    noms = [page.nom for page in PAGES]
    assert len(noms) == len(set(noms))
