"""Bout en bout : une association dépose un dossier collectif avec un co-porteur ; la métropole et l'État
l'instruisent et décident chacun de sa part ; l'association voit l'issue. Les pages des appels à projets et
des dossiers passent à axe-core dans test_accessibilite.py (liste : pages_financements.py)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from acteurs_ess.models import Structure
from comptes.demo import MOT_DE_PASSE
from comptes.models import Adhesion, Role, Utilisateur
from financements.demo import TITRE
from financements.models import AppelAProjets, Dossier, Issue, StatutDossier
from tests.double_authentification import activer

pytestmark = pytest.mark.navigateur

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _changer_de_compte(page, connecter, email: str) -> None:
    page.context.clear_cookies()
    connecter(email)


def _formulaire(page, bouton: str):
    return page.locator("form").filter(has=page.get_by_role("button", name=bouton))


def test_an_association_files_a_collective_dossier_that_two_funders_decide(page, journal, demo, connecter):
    villejean = Structure.objects.get(raison_sociale="Villejean Solidaire")
    membre = Utilisateur.objects.create_user("villejean@demo.coville.fr", MOT_DE_PASSE)
    Adhesion.objects.create(utilisateur=membre, organisation=villejean.organisation, role=Role.STRUCTURE)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=membre, email=membre.email, verified=True, primary=True)
    appel = AppelAProjets.objects.get(titre=TITRE)
    # Instruire et décider demandent la double authentification (son activation : test_double_authentification.py).
    for instructeur in ("agent@demo.coville.fr", "etat@demo.coville.fr"):
        activer(Utilisateur.objects.get(email=instructeur))

    # 1. L'association répond à l'appel et remplit son dossier en plusieurs fois.
    connecter("structure@demo.coville.fr")
    page.goto(appel.get_absolute_url())
    page.get_by_role("link", name="Déposer un projet").click()
    page.get_by_label("Intitulé du projet").fill("Ressourcerie mobile des quartiers")
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_text("Votre dossier est créé en brouillon")).to_be_visible()
    page.get_by_label("Description du projet").fill("Une ressourcerie qui circule entre le Blosne et Villejean.")
    page.get_by_label("Objectifs").fill("Réemployer, créer deux emplois d'insertion, réunir les habitants.")
    page.get_by_role("group", name=re.compile("QPV concernés")).get_by_role("checkbox").first.check(force=True)
    page.get_by_label("Début de l'action").fill("2027-03-01")
    page.get_by_label("Fin de l'action").fill("2027-12-31")
    page.get_by_role("button", name="Enregistrer et passer au budget").click()

    # 2. Le budget et le plan de financement : la métropole et l'État sollicités.
    expect(page.get_by_role("heading", name="Budget prévisionnel et plan de financement")).to_be_visible()
    page.locator("#id_lignes-0-compte").select_option("64")
    page.locator("#id_lignes-0-montant").fill("20000")
    page.locator("#id_lignes-1-compte").select_option("74")
    page.locator("#id_lignes-1-montant").fill("12000")
    page.locator("#id_lignes-1-financeur").select_option(label="Rennes Métropole")
    page.locator("#id_lignes-2-compte").select_option("74")
    page.locator("#id_lignes-2-montant").fill("8000")
    page.locator("#id_lignes-2-financeur").select_option(label="Préfecture d'Ille-et-Vilaine")
    page.get_by_label("Montant demandé à Rennes Métropole (€)").fill("12000")
    page.get_by_label("Montant demandé à Préfecture d'Ille-et-Vilaine (€)").fill("8000")
    page.get_by_role("button", name="Enregistrer le budget").click()
    expect(page.get_by_text("Budget et plan de financement enregistrés : ils sont équilibrés.")).to_be_visible()

    # 3. Les pièces demandées.
    page.get_by_role("link", name="Passer aux pièces").click()
    for type_piece, nom in (("statuts", "statuts.pdf"), ("rib", "rib.pdf")):
        page.get_by_label("Type de document").select_option(type_piece)
        page.get_by_label("Fichier").set_input_files({"name": nom, "mimeType": "application/pdf", "buffer": PDF})
        page.get_by_role("button", name="Ajouter la pièce").click()
        expect(page.get_by_text("Pièce jointe ajoutée.")).to_be_visible()

    # 4. Une réponse collective : Villejean Solidaire est invitée, puis confirme.
    page.get_by_role("link", name="4. Co-porteurs").click()
    page.get_by_label("Structure co-porteuse").fill("Villejean Solidaire")
    page.get_by_label("Son rôle dans le projet").fill("Point de collecte au tiers-lieu")
    page.get_by_role("button", name="Inviter la structure").click()
    expect(page.get_by_text("en attente de confirmation")).to_be_visible()
    dossier = Dossier.objects.get(titre="Ressourcerie mobile des quartiers")

    _changer_de_compte(page, connecter, membre.email)
    page.goto(dossier.get_absolute_url())
    page.get_by_role("button", name="Confirmer notre participation").click()
    expect(page.get_by_text("Votre participation au projet est confirmée.")).to_be_visible()

    # 5. L'association dépose.
    _changer_de_compte(page, connecter, "structure@demo.coville.fr")
    page.goto(dossier.get_absolute_url())
    expect(page.get_by_text("Le dossier est complet et son budget équilibré.")).to_be_visible()
    page.get_by_role("button", name="Déposer le dossier").click()
    expect(page.get_by_text("Dossier déposé : les financeurs sollicités")).to_be_visible()

    # 6. La métropole prend le dossier en instruction et décide de sa part.
    _changer_de_compte(page, connecter, "agent@demo.coville.fr")
    page.goto(dossier.get_absolute_url())
    page.get_by_role("button", name="Prendre en instruction").click()
    expect(page.get_by_text("Dossier pris en instruction.")).to_be_visible()
    decision = _formulaire(page, "Enregistrer la décision")
    decision.get_by_label("Montant accordé (€)").fill("12000")
    decision.get_by_label(re.compile("Référence de la décision")).fill("DEL-2027-042")
    decision.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()

    # 7. L'État donne son avis et décide de la sienne : le dossier est décidé.
    _changer_de_compte(page, connecter, "etat@demo.coville.fr")
    page.goto(dossier.get_absolute_url())
    decision = _formulaire(page, "Enregistrer la décision")
    decision.get_by_label("Montant accordé (€)").fill("8000")
    decision.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()

    dossier.refresh_from_db()
    assert (dossier.statut, dossier.issue, dossier.collectif) == (StatutDossier.DECIDE, Issue.FINANCE, True)

    # 8. L'association voit l'issue.
    _changer_de_compte(page, connecter, "structure@demo.coville.fr")
    page.goto(dossier.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Financé")
    expect(page.locator("main")).to_contain_text("DEL-2027-042")
    assert journal.erreurs_csp() == [], journal.erreurs_csp()


def test_budget_lines_are_added_and_removed_one_at_a_time_without_reloading(
    page, journal, demo, connecter, violations_bloquantes
):
    from tests.e2e.accessibilite import rapport_axe

    brouillon = Dossier.objects.get(titre="Repair café itinérant")
    avant = list(brouillon.lignes_budget.values_list("libelle", flat=True))
    connecter("structure@demo.coville.fr")
    page.goto(reverse("financements:budget_dossier", args=[brouillon.pk]))
    lignes = page.locator("table[data-lignes-budget] tbody tr")
    nombre = lignes.count()
    annonce = page.locator("#annonce-lignes")
    page.evaluate("window.rechargee = false")

    page.get_by_role("button", name="Ajouter une ligne").click()
    expect(lignes).to_have_count(nombre + 1)
    expect(annonce).to_have_text(f"Ligne {nombre + 1} ajoutée, à la fin du tableau.")
    expect(page.locator(f"#id_lignes-{nombre}-compte")).to_be_focused()
    page.locator(f"#id_lignes-{nombre}-compte").select_option("60")
    page.locator(f"#id_lignes-{nombre}-libelle").fill("Pièces détachées")
    page.locator(f"#id_lignes-{nombre}-montant").fill("750")

    # Retirer la première ligne : les suivantes sont renumérotées, la saisie de la nouvelle est gardée.
    retiree = page.locator("#id_lignes-0-libelle").input_value()
    page.get_by_role("button", name="Retirer la ligne 1", exact=True).click()
    expect(lignes).to_have_count(nombre)
    expect(annonce).to_contain_text("Ligne 1 retirée")
    expect(page.locator(f"#id_lignes-{nombre - 1}-libelle")).to_have_value("Pièces détachées")
    expect(page.locator("input[name='lignes-TOTAL_FORMS']")).to_have_value(str(nombre))
    assert page.evaluate("window.rechargee") is False  # la même page, sans aller-retour au serveur
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)
    assert journal.erreurs == [], journal.erreurs

    page.get_by_role("button", name="Enregistrer le budget").click()
    expect(page.get_by_text(re.compile(r"Budget (et plan de financement )?enregistrés?"))).to_be_visible()
    avant.remove(retiree)
    apres = list(brouillon.lignes_budget.values_list("libelle", flat=True))
    assert sorted(apres) == sorted([*avant, "Pièces détachées"])


def test_budget_lines_are_added_and_removed_without_javascript(navigateur, live_server, demo):
    brouillon = Dossier.objects.get(titre="Repair café itinérant")
    client = Client()
    assert client.login(email="structure@demo.coville.fr", password=MOT_DE_PASSE)
    contexte = navigateur.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    contexte.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = contexte.new_page()
    try:
        page.goto(reverse("financements:budget_dossier", args=[brouillon.pk]))
        lignes = page.locator("table[data-lignes-budget] tbody tr")
        nombre = lignes.count()

        page.get_by_role("button", name="Ajouter une ligne").click()
        expect(page.get_by_text(f"Ligne {nombre + 1} ajoutée, à la fin du tableau.")).to_be_visible()
        expect(lignes).to_have_count(nombre + 1)
        page.locator(f"#id_lignes-{nombre}-compte").select_option("60")
        page.locator(f"#id_lignes-{nombre}-libelle").fill("Pièces détachées")
        page.locator(f"#id_lignes-{nombre}-montant").fill("750")
        retiree = page.locator("#id_lignes-0-libelle").input_value()

        page.get_by_role("button", name="Retirer la ligne 1", exact=True).click()
        expect(page.get_by_text("Ligne 1 retirée")).to_be_visible()
        expect(lignes).to_have_count(nombre)
        expect(page.locator(f"#id_lignes-{nombre - 1}-libelle")).to_have_value("Pièces détachées")
        assert retiree in brouillon.lignes_budget.values_list("libelle", flat=True)  # rien d'enregistré encore

        # La touche Entrée dans un champ enregistre le budget (le premier bouton du formulaire), sans rien retirer.
        page.locator(f"#id_lignes-{nombre - 1}-montant").press("Enter")
        expect(page.get_by_text(re.compile(r"Budget (et plan de financement )?enregistrés?"))).to_be_visible()
        libelles = list(brouillon.lignes_budget.values_list("libelle", flat=True))
        assert "Pièces détachées" in libelles and retiree not in libelles
        assert len(libelles) == nombre - 1  # la page montrait une ligne vide de plus que le budget enregistré
    finally:
        contexte.close()
