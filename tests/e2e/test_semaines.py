"""Bout en bout de l'issue 14, dans Chromium : la semaine d'un agent de Rennes Métropole (corriger un
engagement, réordonner des sections, prolonger un appel, revoir une décision avec son motif, retirer un membre)
et celle d'une association (trouver un appel ouvert dans son QPV, supprimer un brouillon, modifier sa
contribution), sans passer par l'administration. axe-core passe sur chaque page traversée."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from acteurs_ess.models import Structure
from comptes.demo import MOT_DE_PASSE
from comptes.models import Adhesion, Organisation, Role, Utilisateur
from contrats.models import ContratDeVille, Contribution, Engagement, Section, StatutContribution
from financements.demo import TITRE
from financements.models import AppelAProjets, Dossier
from tests.double_authentification import activer
from tests.e2e.accessibilite import rapport_axe
from tests.e2e.test_cpo_bout_en_bout import _dossier_collectif_decide

pytestmark = pytest.mark.navigateur

METROPOLE = "Rennes Métropole"


@pytest.fixture
def sans_violation(page, journal, violations_bloquantes):
    """axe-core sur la page affichée (une fois le JavaScript du DSFR démarré), et aucun refus de la CSP."""

    def verifier() -> None:
        expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
        violations = violations_bloquantes(page)
        assert not violations, f"{page.url} : {rapport_axe(violations)}"
        assert journal.erreurs_csp() == [], journal.erreurs_csp()

    return verifier


def _ordre(contrat, etape) -> list[str]:
    return list(
        Section.objects.filter(contrat=contrat, etape=etape, supprimee_le__isnull=True)
        .order_by("ordre", "pk")
        .values_list("titre", flat=True)
    )


def test_the_week_of_an_agent(page, demo, connecter, sans_violation):
    agent = Utilisateur.objects.get(email="agent@demo.coville.fr")
    activer(agent)  # revoir une décision demande la double authentification
    metropole = Organisation.objects.get(nom=METROPOLE)
    collegue = Utilisateur.objects.create_user(
        "stagiaire@demo.coville.fr", MOT_DE_PASSE, prenom="Théo", nom="Stagiaire"
    )
    Adhesion.objects.create(utilisateur=collegue, organisation=metropole, role=Role.AGENT)
    contrat = ContratDeVille.objects.get(code="CN03501I")
    connecter(agent.email)

    # Lundi : corriger l'engagement de la métropole au contrat.
    page.goto(contrat.get_absolute_url())
    sans_violation()
    page.get_by_role("link", name=f"Modifier l'engagement n° 1 de {METROPOLE}").click()
    sans_violation()
    page.get_by_label("Montant (€)").fill("-1")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("main .fr-input-group--error").first).to_be_visible()
    sans_violation()
    page.get_by_label("Engagement").fill("Pilotage du contrat et cofinancement des actions, deux agents dédiés")
    page.get_by_label("Montant (€)").fill("950000")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Enregistré.")).to_be_visible()
    expect(page.get_by_text("deux agents dédiés")).to_be_visible()
    engagement = Engagement.objects.get(signataire__contrat=contrat, signataire__organisation=metropole)
    assert engagement.montant == Decimal("950000")

    # Mardi : réordonner les sections d'une étape du projet de territoire (sans JavaScript requis : des boutons).
    premiere = Section.objects.filter(contrat=contrat, supprimee_le__isnull=True).order_by("etape", "ordre").first()
    avant = _ordre(contrat, premiere.etape)
    assert len(avant) >= 2, avant
    page.goto(contrat.get_absolute_url())
    page.get_by_role("button", name=f"Descendre « {premiere.titre} »").click()
    expect(page.get_by_role("button", name=f"Monter « {premiere.titre} »")).to_be_visible()
    assert _ordre(contrat, premiere.etape)[:2] == [avant[1], avant[0]]
    sans_violation()

    # Mercredi : prolonger l'appel à projets de deux semaines.
    appel = AppelAProjets.objects.get(titre=TITRE)
    nouvelle = appel.cloture + timedelta(days=14)
    page.goto(appel.get_absolute_url())
    page.get_by_role("link", name="Prolonger").click()
    sans_violation()
    page.get_by_label("Nouvelle clôture des dépôts").fill(nouvelle.isoformat())
    page.get_by_role("button", name="Prolonger l'appel").click()
    expect(page.get_by_text(f"Appel à projets prolongé jusqu'au {nouvelle:%d/%m/%Y}.")).to_be_visible()
    sans_violation()

    # Jeudi : revoir la décision de la métropole sur un dossier décidé, sans convention signée (dans la démo, le
    # dossier décidé a déjà une CPO signée par la structure : il faudrait un avenant), d'abord sans motif (refusé).
    dossier = _dossier_collectif_decide(timezone.localdate().year + 1)
    page.goto(dossier.get_absolute_url())
    sans_violation()
    revision = page.locator("form").filter(has=page.get_by_role("button", name="Revoir la décision"))
    revision.get_by_label("Nouveau montant accordé (€, 0 pour un refus)").fill("25000")
    revision.get_by_role("button", name="Revoir la décision").click()
    expect(page.locator("main .fr-input-group--error").first).to_be_visible()
    assert dossier.financements.get(financeur=metropole).decision.montant == Decimal("30000")
    sans_violation()
    revision = page.locator("form").filter(has=page.get_by_role("button", name="Revoir la décision"))
    revision.get_by_label("Nouveau montant accordé (€, 0 pour un refus)").fill("25000")
    revision.get_by_label("Motif de la révision").fill("La boutique de Villejean n'ouvrira qu'en mars.")
    revision.get_by_role("button", name="Revoir la décision").click()
    expect(page.get_by_text("Décision revue")).to_be_visible()
    assert dossier.financements.get(financeur=metropole).decision.montant == Decimal("25000")
    sans_violation()

    # Vendredi : retirer de l'organisation le stagiaire parti.
    page.goto(reverse("comptes:organisation", args=[metropole.pk]))
    sans_violation()
    page.get_by_role("link", name=f"Retirer {collegue}").click()
    sans_violation()
    page.get_by_role("button", name="Retirer de l'organisation").click()
    expect(page.get_by_text(f"{collegue} ne fait plus partie de {METROPOLE}.")).to_be_visible()
    assert not Adhesion.objects.filter(utilisateur=collegue, organisation=metropole).exists()
    sans_violation()


def test_the_week_of_an_association(page, demo, connecter, sans_violation):
    structure = Structure.objects.get(raison_sociale="Les Ateliers du Blosne")
    qpv = structure.qpv.get()
    appel = AppelAProjets.objects.get(titre=TITRE)
    assert appel.qpv.filter(pk=qpv.pk).exists()
    connecter("structure@demo.coville.fr")

    # Lundi : trouver un appel ouvert dans son quartier, depuis l'accueil (liste nationale, filtre QPV).
    page.goto("/")
    sans_violation()
    page.get_by_role("link", name="Les appels à projets ouverts, dans toute la France").click()
    expect(page.locator("main h1")).to_have_text("Appels à projets ouverts")
    page.get_by_label("Quartier prioritaire (nom ou code)").fill(qpv.code)
    page.get_by_role("button", name="Filtrer").click()
    lien = page.locator("main table").get_by_role("link", name=TITRE, exact=True)
    expect(lien).to_be_visible()
    sans_violation()
    lien.click()
    expect(page.locator("main h1")).to_have_text(TITRE)
    sans_violation()

    # Mardi : supprimer le brouillon qu'elle n'enverra pas.
    brouillon = Dossier.objects.get(titre="Repair café itinérant", structure=structure)
    page.goto(brouillon.get_absolute_url())
    sans_violation()
    page.get_by_role("link", name="Supprimer ce brouillon").click()
    expect(page.locator("main h1")).to_have_text("Supprimer le brouillon « Repair café itinérant »")
    sans_violation()
    page.get_by_role("button", name="Supprimer le brouillon").click()
    expect(page.get_by_text("Le brouillon « Repair café itinérant » est supprimé.")).to_be_visible()
    assert not Dossier.objects.filter(pk=brouillon.pk).exists()
    sans_violation()

    # Mercredi : préciser sa contribution encore « déposée », depuis Mon espace.
    contribution = Contribution.objects.get(
        auteur__email="structure@demo.coville.fr", statut=StatutContribution.DEPOSEE
    )
    page.goto(reverse("comptes:mon_espace"))
    page.get_by_role("link", name="Voir mes contributions").click()
    expect(page.locator("main h1")).to_have_text("Mes contributions")
    sans_violation()
    page.get_by_role("link", name=f"Modifier la contribution n° {contribution.pk}").click()
    sans_violation()
    page.get_by_label("Votre contribution").fill("")
    page.get_by_role("button", name="Enregistrer la modification").click()
    expect(page.locator("main .fr-input-group--error").first).to_be_visible()
    sans_violation()
    texte = "Inclure les coopératives d'activité et d'emploi, et les SCIC du quartier, dans l'orientation."
    page.get_by_label("Votre contribution").fill(texte)
    page.get_by_role("button", name="Enregistrer la modification").click()
    expect(page.get_by_text(f"Votre contribution n° {contribution.pk} est modifiée.")).to_be_visible()
    contribution.refresh_from_db()
    assert contribution.texte == texte
    sans_violation()
