"""Bout en bout : l'association prépare le compte-rendu financier annuel de sa convention (formulaire sans
JavaScript : une erreur sur un champ, un indicateur ajouté par bouton), le dépose ; la métropole l'accepte.
Le formulaire (vide, puis avec ses erreurs), la page du compte-rendu et la convention passent à axe-core."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptes.models import Utilisateur
from financements.demo import TITRE
from financements.models import CompteRendu, Convention, StatutCompteRendu, StatutConvention
from tests.double_authentification import activer
from tests.e2e.accessibilite import rapport_axe

pytestmark = pytest.mark.navigateur


def _sans_violation(page, violations_bloquantes) -> None:
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)


def test_an_association_files_its_yearly_report_and_the_funder_accepts_it(
    page, journal, demo, connecter, violations_bloquantes
):
    annee = timezone.localdate().year - 1
    convention = Convention.objects.filter(
        dossiers__appel__titre=TITRE,
        nombre_annees=1,
        statut=StatutConvention.EN_VIGUEUR,
        parties__financeur__nom="Rennes Métropole",
    ).first()
    # La convention annuelle de la démonstration couvre l'an dernier : son compte-rendu est attendu.
    Convention.objects.filter(pk=convention.pk).update(annee_debut=annee)
    activer(Utilisateur.objects.get(email="agent@demo.coville.fr"))

    # 1. L'association ouvre le formulaire depuis la convention.
    connecter("structure@demo.coville.fr")
    page.goto(convention.get_absolute_url())
    page.get_by_role("link", name=f"Préparer le compte-rendu {annee}").click()
    expect(page.get_by_role("heading", level=1, name=f"Compte-rendu financier {annee}")).to_be_visible()
    _sans_violation(page, violations_bloquantes)

    # 2. Des bénéficiaires incohérents : l'erreur est sur le champ, la saisie revient.
    page.get_by_label("Actions réalisées").fill("Collecte et tri chaque samedi, deux ateliers de réparation.")
    page.get_by_label("Nombre de bénéficiaires").fill("40")
    page.get_by_label("Dont habitants des quartiers prioritaires (QPV)").fill("55")
    page.get_by_role("button", name="Enregistrer le brouillon").last.click()
    expect(page.get_by_text("Les habitants des QPV ne peuvent pas dépasser les 40 bénéficiaires.")).to_be_visible()
    expect(page.get_by_label("Actions réalisées")).to_have_value(re.compile("Collecte et tri"))
    _sans_violation(page, violations_bloquantes)
    assert not CompteRendu.objects.filter(convention=convention).exists()

    # 3. Un indicateur ajouté par le bouton (sans JavaScript : la page revient avec une ligne de plus).
    page.get_by_label("Dont habitants des quartiers prioritaires (QPV)").fill("30")
    page.get_by_role("button", name="Ajouter un indicateur").click()
    page.get_by_label("Indicateur (indicateur 1)").fill("Objets réemployés")
    page.get_by_label("Unité (indicateur 1)").fill("kg")
    page.get_by_label("Valeur atteinte (indicateur 1)").fill("1200")
    if page.locator("#id_lignes-0-realise").count():
        page.locator("#id_lignes-0-realise").fill("1000")
    else:
        page.get_by_role("button", name="Ajouter une ligne de budget").click()
        page.locator("#id_lignes-0-compte").select_option("64")
        page.locator("#id_lignes-0-realise").fill("1000")
    # La touche Entrée dans un champ enregistre le brouillon (jamais « Retirer », premier bouton d'une ligne).
    page.get_by_label("Unité (indicateur 1)").press("Enter")
    expect(page.get_by_text(f"Compte-rendu {annee} enregistré en brouillon")).to_be_visible()
    brouillon = CompteRendu.objects.get(convention=convention)
    assert brouillon.statut == StatutCompteRendu.BROUILLON
    assert [i.libelle for i in brouillon.indicateurs.all()] == ["Objets réemployés"] and brouillon.lignes.count() == 1
    page.get_by_role("button", name="Déposer le compte-rendu").click()
    expect(page.get_by_text(f"Compte-rendu {annee} déposé")).to_be_visible()
    expect(page.get_by_role("cell", name="Objets réemployés")).to_be_visible()
    _sans_violation(page, violations_bloquantes)

    # 4. La métropole l'accepte ; elle est le seul financeur partie : le compte-rendu est accepté.
    page.context.clear_cookies()
    connecter("agent@demo.coville.fr")
    page.goto(CompteRendu.objects.get(convention=convention).get_absolute_url())
    _sans_violation(page, violations_bloquantes)
    page.get_by_text("Accepté", exact=True).click()
    page.get_by_role("button", name="Donner mon avis").click()
    expect(page.get_by_text("Avis enregistré")).to_be_visible()
    assert CompteRendu.objects.get(convention=convention).statut == StatutCompteRendu.ACCEPTE
    page.goto(convention.get_absolute_url())
    expect(page.get_by_role("cell", name=re.compile("^Accepté le"))).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    assert journal.erreurs_csp() == [], journal.erreurs_csp()
