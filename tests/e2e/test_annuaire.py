"""L'annuaire de l'ESS dans Chromium : une association s'inscrit et apparaît dans la recherche ; un agent importe des
structures et suit l'import jusqu'à ce qu'un worker l'ait écrit. Les pages de
l'annuaire passent à axe-core dans test_accessibilite.py (liste : pages_acteurs_ess.py)."""

import re
import threading

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from playwright.sync_api import expect

from comptes.demo import MOT_DE_PASSE
from comptes.models import Utilisateur
from tests.e2e.accessibilite import rapport_axe
from tests.taches import executer_taches

pytestmark = pytest.mark.navigateur


def _verifier_accessibilite(page, journal, violations_bloquantes):
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    expect(page.locator("main h1")).to_be_visible()
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)
    assert journal.erreurs_csp() == [], journal.erreurs_csp()


def test_it_shows_the_import_preview_accessibly(page, journal, demo, connecter, violations_bloquantes, tmp_path):
    fichier = tmp_path / "structures.csv"
    fichier.write_text("raison_sociale;siret;commune\nMaison des familles;44306184100047;35238\nSans commune;;99999\n")
    connecter("agent@demo.coville.fr")
    page.goto("/annuaire/importer/")
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(fichier))
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("cell", name="Aucune commune n'a le code INSEE « 99999 ».")).to_be_visible()
    _verifier_accessibilite(page, journal, violations_bloquantes)


def _executer_taches_hors_du_navigateur() -> None:
    # Playwright (API synchrone) fait tourner sa boucle asyncio dans le fil du test : le worker tourne dans un autre.
    erreurs = []

    def executer() -> None:
        try:
            executer_taches()
        except Exception as erreur:  # rapportée au fil du test
            erreurs.append(erreur)
        finally:
            connection.close()

    fil = threading.Thread(target=executer)
    fil.start()
    fil.join(timeout=60)
    assert not fil.is_alive() and erreurs == [], erreurs


def test_an_agent_confirms_an_import_and_follows_it_until_the_worker_wrote_it(
    page, journal, demo, connecter, violations_bloquantes, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    fichier = tmp_path / "structures.csv"
    fichier.write_text("raison_sociale;siret;commune\nMaison des familles;44306184100047;35238\nLa Cantine;;35238\n")
    connecter("agent@demo.coville.fr")
    page.goto("/annuaire/importer/")
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(fichier))
    page.get_by_role("button", name="Voir l'aperçu").click()
    page.get_by_role("button", name="Confirmer l'import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import de « structures.csv »")
    expect(page.get_by_role("heading", name="En attente")).to_be_visible()
    _verifier_accessibilite(page, journal, violations_bloquantes)

    _executer_taches_hors_du_navigateur()
    page.get_by_role("link", name="Actualiser").click()
    expect(page.get_by_role("heading", name="Import terminé")).to_be_visible()
    expect(page.get_by_text("2 structures créées")).to_be_visible()
    _verifier_accessibilite(page, journal, violations_bloquantes)

    page.get_by_role("link", name="Tous les imports lancés").click()
    expect(page.get_by_role("link", name="structures.csv")).to_be_visible()
    _verifier_accessibilite(page, journal, violations_bloquantes)
    assert journal.erreurs == [], journal.erreurs


def test_an_association_registers_and_appears_in_the_directory(page, journal, demo, connecter, violations_bloquantes):
    utilisateur = Utilisateur.objects.create_user(
        "presidente@amicale-clos-courtel.example.fr", MOT_DE_PASSE, prenom="Nadia", nom="Présidente"
    )
    EmailAddress.objects.create(user=utilisateur, email=utilisateur.email, verified=True, primary=True)
    connecter(utilisateur.email)

    page.goto("/annuaire/")
    page.get_by_role("link", name="Inscrire ma structure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire une structure dans l'annuaire")
    page.get_by_label(re.compile(r"^\s*Raison sociale")).fill("Amicale du Clos Courtel")
    page.get_by_label(re.compile(r"^\s*SIRET")).fill("732 829 320 00074")
    page.get_by_label("Numéro RNA").fill("W353999999")
    page.get_by_label("Commune du siège").fill("Rennes")
    page.get_by_label("Ce que fait la structure").fill(
        "Ateliers de couture et de cuisine du monde, sorties familiales."
    )
    # Le DSFR dessine la case sur le libellé, qui reçoit le clic.
    page.locator("label", has_text="Parentalité et vie familiale").click()
    expect(page.get_by_label("Parentalité et vie familiale")).to_be_checked()
    page.get_by_role("button", name="Inscrire la structure").click()

    expect(page).to_have_url(re.compile(r"/annuaire/structures/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Amicale du Clos Courtel")
    expect(page.get_by_role("link", name="Modifier la fiche")).to_be_visible()

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Annuaire de l'ESS").click()
    page.get_by_role("textbox", name=re.compile(r"^\s*Rechercher")).fill("couture")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="1 structure")).to_be_visible()
    page.get_by_role("link", name="Amicale du Clos Courtel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amicale du Clos Courtel")
    _verifier_accessibilite(page, journal, violations_bloquantes)
    assert journal.erreurs == [], journal.erreurs
