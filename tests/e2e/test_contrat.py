"""Bout en bout : un agent rédige une section et ouvre une concertation ; une association contribue ; l'agent
retient la contribution et l'intègre dans une nouvelle version. Les pages des contrats passent à axe-core dans
test_accessibilite.py (liste : pages_contrats.py)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contrats.models import Contribution, Section
from tests.e2e.accessibilite import rapport_axe
from tests.e2e.pages_contrats import CODE

pytestmark = pytest.mark.navigateur


def _ecrire_dans_l_editeur(page, texte: str) -> None:
    # django-prose-editor remplace la zone de texte par une zone éditable (ProseMirror) dans la page.
    corps = page.locator(".prose-editor [contenteditable=true]")
    expect(corps).to_be_visible()
    corps.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(texte)


def _changer_de_compte(page, connecter, email: str) -> None:
    page.context.clear_cookies()
    connecter(email)


def test_it_edits_opens_a_concertation_contributes_and_retains_into_a_version(page, journal, demo, connecter):
    section = Section.objects.get(contrat__code=CODE, titre="Réussite éducative")
    numero_initial = section.numero

    # 1. L'agent de Rennes Métropole rédige la section dans l'éditeur.
    connecter("agent@demo.coville.fr")
    page.goto(f"/contrats/{CODE}/sections/{section.pk}/modifier/")
    _ecrire_dans_l_editeur(page, "Un accompagnement des parents est proposé dans chaque quartier.")
    page.get_by_label("Ce qui change").fill("Accompagnement des parents")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_text(f"Version {numero_initial + 1} de « Réussite éducative » enregistrée.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Un accompagnement des parents est proposé dans chaque quartier.")

    # 2. Il ouvre une concertation sur cette section, pour les structures de l'ESS.
    page.goto(f"/contrats/{CODE}/concertations/nouvelle/")
    page.get_by_label("Titre", exact=True).fill("Concertation sur la réussite éducative")
    page.get_by_label("Début").fill(timezone.localdate().isoformat())
    page.get_by_label("Fin").fill((timezone.localdate() + timezone.timedelta(days=15)).isoformat())
    page.get_by_label("Structures de l'ESS et associations").check(force=True)
    sections_soumises = page.get_by_role("group", name=re.compile("Sections soumises"))
    sections_soumises.get_by_label("Réussite éducative", exact=True).check(force=True)
    page.get_by_role("button", name="Ouvrir la concertation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concertation sur la réussite éducative")
    url_concertation = page.url

    # 3. L'association contribue.
    _changer_de_compte(page, connecter, "structure@demo.coville.fr")
    page.goto(url_concertation)
    page.get_by_label("Sur quoi porte votre contribution ?").select_option(label="Section : Réussite éducative")
    page.get_by_label("Votre contribution", exact=True).fill(
        "Associer les ludothèques associatives à l'aide aux devoirs."
    )
    page.get_by_label("Rédaction proposée").fill("Les ludothèques associatives participent à l'aide aux devoirs.")
    page.get_by_label("Vous contribuez").select_option(label="Au nom de Les Ateliers du Blosne")
    page.get_by_role("button", name="Déposer ma contribution").click()
    expect(page.get_by_text(re.compile(r"Merci : votre contribution n° \d+ est déposée"))).to_be_visible()
    contribution = Contribution.objects.get(texte__startswith="Associer les ludothèques")

    # 4. L'agent la retient, avec une réponse publique, puis l'intègre dans une nouvelle version.
    _changer_de_compte(page, connecter, "agent@demo.coville.fr")
    page.goto(f"/contrats/{CODE}/contributions/{contribution.pk}/repondre/")
    page.get_by_label("Retenue", exact=True).check(force=True)
    page.get_by_label("Réponse publique").fill(
        "Retenue : les ludothèques rejoignent le programme de réussite éducative."
    )
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier « Réussite éducative »")
    _ecrire_dans_l_editeur(page, "Les ludothèques associatives participent à l'aide aux devoirs.")
    page.get_by_role("group", name=re.compile("Contributions retenues prises en compte")).get_by_label(
        re.compile(rf"n° {contribution.pk} — Sonia")
    ).check(force=True)
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_text(f"Version {numero_initial + 2} de « Réussite éducative » enregistrée.")).to_be_visible()

    contribution.refresh_from_db()
    assert contribution.statut == "retenue"
    assert contribution.version_integration.numero == numero_initial + 2
    assert "ludothèques associatives participent" in contribution.version_integration.texte

    # 5. Le public voit la réponse et la version qui l'a prise en compte.
    page.context.clear_cookies()
    page.goto(f"/contrats/{CODE}/ce-que-vous-avez-dit/")
    carte = page.locator(f"#contribution-{contribution.pk}")
    expect(carte).to_contain_text("Retenue : les ludothèques rejoignent")
    expect(carte.get_by_role("link", name=re.compile(rf"version {numero_initial + 2} de la section"))).to_be_visible()
    assert journal.erreurs_csp() == [], journal.erreurs_csp()


def test_it_refuses_a_stale_save_in_the_browser_without_losing_the_text(page, journal, demo, connecter):
    from comptes.models import Utilisateur
    from contrats.services import sections

    section = Section.objects.get(contrat__code=CODE, titre="Pilotage du contrat")
    numero_initial = section.numero
    connecter("agent@demo.coville.fr")
    page.goto(f"/contrats/{CODE}/sections/{section.pk}/modifier/")
    _ecrire_dans_l_editeur(page, "Mon ajout écrit pendant ce temps.")
    # Une collègue enregistre pendant ce temps.
    collegue = Utilisateur.objects.get(email="agent@demo.coville.fr")
    sections.enregistrer(section, collegue, section.texte + "<p>Ajout de la collègue.</p>", section.numero)
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()

    expect(page.get_by_role("alert").filter(has_text="Une autre version")).to_be_visible()
    expect(page.locator("#texte-actuel")).to_contain_text("Ajout de la collègue.")
    expect(page.locator("#texte-saisi")).to_contain_text("Mon ajout écrit pendant ce temps.")
    # Le texte saisi est de nouveau dans l'éditeur, pour être fusionné puis enregistré.
    corps = page.locator(".prose-editor [contenteditable=true]")
    expect(corps).to_contain_text("Mon ajout écrit pendant ce temps.")
    expect(page.locator("#id_version_base")).to_have_value(str(numero_initial + 1))
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_text(f"Version {numero_initial + 2} de « Pilotage du contrat » enregistrée.")).to_be_visible()
    section.refresh_from_db()
    assert "Mon ajout écrit pendant ce temps." in section.texte
    # L'éditeur tourne sous la CSP de la page (nonce, aucun script en ligne) sans erreur : la seule signalée par
    # la console est la réponse 409 voulue.
    assert journal.erreurs_csp() == [], journal.erreurs_csp()
    assert [erreur for erreur in journal.erreurs if "409 (Conflict)" not in erreur] == [], journal.erreurs


def test_the_editor_toolbar_speaks_french(page, journal, demo, connecter):
    from tests.contrats.test_barre_editeur import BOUTONS

    section = Section.objects.get(contrat__code=CODE, titre="Réussite éducative")
    connecter("agent@demo.coville.fr")
    page.goto(f"/contrats/{CODE}/sections/{section.pk}/modifier/")
    barre = page.locator(".prose-menubar")
    expect(barre.get_by_role("button", name="Gras", exact=True)).to_be_visible()

    # Chaque bouton de la barre (ceux des tableaux sont cachés hors d'un tableau) et chaque choix de la liste des
    # types de bloc : un titre français, le même nom pour les lecteurs d'écran.
    boutons = barre.locator("button[title]").evaluate_all(
        "boutons => boutons.map(b => [b.getAttribute('title'), b.getAttribute('aria-label')])"
    )
    choix = barre.locator(".prose-menubar__option").evaluate_all("options => options.map(o => o.textContent)")
    anglais = {titre for titres in BOUTONS.values() for titre in titres}
    titres = {titre for titre, _ in boutons}
    assert all(titre == nom for titre, nom in boutons), boutons
    assert titres & anglais == set(), titres
    assert {"Gras", "Italique", "Liste à puces", "Liste numérotée", "Citation", "Insérer un tableau"} <= titres
    assert {"Insérer ou modifier un lien", "Annuler", "Rétablir", "Supprimer le tableau"} <= titres
    assert sorted(choix) == ["Paragraphe", "Titre de niveau 2", "Titre de niveau 3", "Titre de niveau 4"]
    assert journal.erreurs == [], journal.erreurs


def test_the_contract_page_shows_the_decided_amounts_chart_with_its_table(
    page, journal, demo, connecter, violations_bloquantes
):
    # Sur la page du contrat de démonstration, vue par un élu : le graphique des montants décidés, nommé et
    # résumé, et le tableau de ses données juste après ; aucune violation d'axe, aucun script bloqué.
    connecter("elu@demo.coville.fr")
    page.goto(f"/contrats/{CODE}/")
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")

    bloc = page.locator("section.montants-decides")
    graphique = bloc.get_by_role("img", name="Montants décidés par année et par financeur")
    expect(graphique).to_be_visible()
    expect(bloc.locator("figcaption")).to_contain_text("décidés")
    tableau = bloc.get_by_role("table", name="Montants décidés par année et par financeur : les données du graphique")
    expect(tableau).to_be_visible()
    expect(tableau.get_by_role("rowheader").first).to_be_visible()
    assert bloc.locator("script").count() == 0

    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)
    assert journal.erreurs_csp() == []


def test_an_agent_prepares_and_adopts_an_avenant_and_the_page_passes_axe(
    page, journal, demo, connecter, violations_bloquantes
):
    from contrats.models import ContratDeVille, StatutContrat

    ContratDeVille.objects.filter(code=CODE).update(statut=StatutContrat.SIGNE)
    section = Section.objects.filter(contrat__code=CODE).first()
    connecter("agent@demo.coville.fr")
    page.goto(f"/contrats/{CODE}/avenants/nouveau/")
    page.get_by_label("Ce qui change").fill("Emploi des jeunes")
    page.get_by_label("Pourquoi").fill("Entrée dans le dispositif Cité de l'emploi.")
    page.get_by_role("button", name="Créer l'avenant").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avenant n° 1")

    page.get_by_label("Section modifiée").select_option(str(section.pk))
    page.get_by_label("Nouveau texte de la section").fill("<p>Texte modifié par l'avenant.</p>")
    page.get_by_role("button", name="Ajouter à l'avenant").click()
    expect(page.locator("ins").first).to_contain_text("Texte modifié par l'avenant.")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)

    page.get_by_label("Date d'adoption").fill("2026-06-01")
    page.get_by_label("Délibération ou référence").fill("Délibération n° 2026-42")
    page.get_by_role("button", name="Adopter l'avenant").click()
    expect(page.get_by_text("Adopté", exact=True)).to_be_visible()
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)
    section.refresh_from_db()
    assert "Texte modifié par l'avenant." in section.texte
    assert journal.erreurs_csp() == []
