"""Bout en bout de l'issue 12 : Rennes Métropole (une collectivité) et l'État font d'un dossier collectif décidé
une CPO de trois ans, depuis les pages : préparation depuis le dossier (montants par année et par financeur,
articles), envoi, signature de l'association par sa présidente, puis de chaque financeur par qui peut l'engager
(la présidente de la métropole avec sa délibération, la préfète déléguée avec son arrêté de délégation), mise en
vigueur ; le RIB proposé par l'association est validé par l'agent de la métropole ; l'avance est mandatée puis
payée sur ce RIB ; l'association dépose son premier compte-rendu annuel, les deux financeurs l'acceptent ; le
solde de l'année suivante, refusé avant, se mandate et se paie après. axe-core passe sur chaque page importante
traversée (dossier, convention, signature, versements, RIB, compte-rendu, tableau de bord)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from acteurs_ess.models import EtatRib, Rib, Structure
from comptes.models import Organisation, Utilisateur
from financements.demo import TITRE
from financements.models import (
    AppelAProjets,
    CompteRendu,
    Convention,
    Dossier,
    StatutCompteRendu,
    StatutConvention,
    StatutDossier,
    StatutVersement,
    Versement,
)
from tests.double_authentification import activer
from tests.e2e.accessibilite import rapport_axe

pytestmark = pytest.mark.navigateur

METROPOLE, ETAT = "Rennes Métropole", "Préfecture d'Ille-et-Vilaine"
AGENT, AGENT_ETAT, MEMBRE = "agent@demo.coville.fr", "etat@demo.coville.fr", "structure@demo.coville.fr"
TITRE_DOSSIER = "Ressourcerie des deux quartiers"
NOUVEL_IBAN = "FR1420041010050500013M02606"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sans_violation(page, violations_bloquantes) -> None:
    # axe part de la page une fois le JavaScript du DSFR démarré (menus, boutons, attributs ARIA posés).
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")
    violations = violations_bloquantes(page)
    assert not violations, rapport_axe(violations)


def _dossier_collectif_decide(debut: int) -> Dossier:
    """Un dossier des Ateliers du Blosne co-porté par Villejean Solidaire (co-portage confirmé), décidé :
    30 000 € de la métropole, 15 000 € de l'État, pour une action qui commence le 1er janvier de `debut`.
    Créé comme la démonstration crée les siens (financements/demo.py), sans projet de convention."""
    from financements.demo import _dossier

    appel = AppelAProjets.objects.get(titre=TITRE)
    noms = [METROPOLE, ETAT]
    financeurs = {nom: Organisation.objects.get(nom=nom) for nom in noms}
    decideurs = {METROPOLE: Utilisateur.objects.get(email=AGENT), ETAT: Utilisateur.objects.get(email=AGENT_ETAT)}
    structures = {s.raison_sociale: s for s in Structure.objects.filter(raison_sociale__in=["Villejean Solidaire"])}
    dossier = _dossier(
        appel,
        9,
        TITRE_DOSSIER,
        Structure.objects.get(raison_sociale="Les Ateliers du Blosne"),
        StatutDossier.DECIDE,
        {METROPOLE: ("30000", "30000"), ETAT: ("15000", "15000")},
        ("Villejean Solidaire", "Boutique solidaire à Villejean"),
        "Une ressourcerie portée à deux : collecte au Blosne, boutique solidaire à Villejean.",
        structures,
        financeurs,
        decideurs,
        Utilisateur.objects.get(email=MEMBRE),
    )
    debut_action = timezone.localdate().replace(year=debut, month=1, day=1)
    Dossier.objects.filter(pk=dossier.pk).update(date_debut=debut_action, date_fin=debut_action + timedelta(days=364))
    dossier.refresh_from_db()
    assert dossier.collectif
    return dossier


def _cocher(page, libelle: str) -> None:
    # La case du DSFR est recouverte par son libellé : c'est lui qu'on clique, comme une personne.
    page.locator("label.fr-label", has_text=libelle).click()


def _se_connecter(page, connecter, email: str) -> None:
    page.context.clear_cookies()
    connecter(email)


def _signer(page, convention, partie: str, nom: str, qualite: str, **autres) -> None:
    page.goto(convention.get_absolute_url())
    page.get_by_role("link", name="Enregistrer une signature").click()
    expect(page.get_by_role("heading", level=1, name="Enregistrer une signature")).to_be_visible()
    page.get_by_label("Partie qui signe").select_option(label=partie)
    page.get_by_label("Nom du signataire").fill(nom)
    page.get_by_label("Qualité du signataire").fill(qualite)
    if autres.get("delegation"):
        _cocher(page, "Le signataire signe par délégation")
    if autres.get("representant"):
        _cocher(page, "Je déclare que le signataire est le représentant légal")
    if autres.get("acte"):
        reference, date_acte = autres["acte"]
        page.get_by_label("Référence de la délibération ou de l'arrêté", exact=False).fill(reference)
        page.get_by_label("Date de la délibération ou de l'arrêté").fill(date_acte)


def _changer_etat(page, convention, etat: str) -> None:
    page.goto(convention.get_absolute_url())
    page.get_by_label("Nouvel état").select_option(label=etat)
    page.get_by_role("button", name="Changer l'état").click()
    expect(page.get_by_text(f"Convention : {etat.lower()}.")).to_be_visible()


def _mandater_et_payer(page, convention, libelle: str, reference: str) -> None:
    aujourd_hui = timezone.localdate().isoformat()
    page.goto(convention.get_absolute_url())
    page.locator("#versements").get_by_role("link", name=f"Mandater le versement {libelle}").click()
    page.get_by_label("Date du mandat").fill(aujourd_hui)
    page.get_by_label("Référence du mandat").fill(f"M-{reference}")
    page.get_by_role("button", name="Enregistrer le mandat").click()
    expect(page.get_by_text("mandaté.", exact=False).first).to_be_visible()
    page.locator("#versements").get_by_role("link", name=f"Enregistrer le paiement du versement {libelle}").click()
    page.get_by_label("Date du paiement").fill(aujourd_hui)
    page.get_by_label("Référence du paiement").fill(f"P-{reference}")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_text("la structure en est prévenue")).to_be_visible()


def _accepter(page, compte_rendu) -> None:
    page.goto(compte_rendu.get_absolute_url())
    page.get_by_text("Accepté", exact=True).click()
    page.get_by_role("button", name="Donner mon avis").click()
    expect(page.get_by_text("Avis enregistré")).to_be_visible()


def test_a_collectivity_and_the_state_turn_a_collective_dossier_into_a_cpo_up_to_the_unlocked_balance(
    page, journal, demo, connecter, violations_bloquantes
):
    annee = timezone.localdate().year
    debut = annee - 1  # la CPO couvre l'an dernier, cette année et la suivante : le compte-rendu de l'an dernier est dû
    dossier = _dossier_collectif_decide(debut)
    metropole, etat = Organisation.objects.get(nom=METROPOLE), Organisation.objects.get(nom=ETAT)
    # Signer, établir l'échéancier, mandater, payer demandent la double authentification.
    for email in (AGENT, AGENT_ETAT, MEMBRE):
        activer(Utilisateur.objects.get(email=email))

    # 1. Depuis le dossier décidé, l'agent de la métropole prépare le projet de CPO commun aux deux financeurs.
    _se_connecter(page, connecter, AGENT)
    page.goto(dossier.get_absolute_url())
    expect(page.get_by_role("heading", level=1, name=TITRE_DOSSIER)).to_be_visible()
    page.get_by_role("button", name="Préparer la convention").click()
    expect(page.get_by_text("Projet de convention préparé", exact=False)).to_be_visible()
    convention = Convention.objects.get(dossiers=dossier)
    assert sorted(p.financeur.nom for p in convention.parties.all()) == sorted([METROPOLE, ETAT])
    _sans_violation(page, violations_bloquantes)

    # 2. Trois ans, les montants de chaque année et de chaque financeur, un article précisé.
    page.get_by_role("link", name="Modifier le projet").click()
    page.get_by_label("Première année").fill(str(debut))
    page.get_by_label("Durée (années)").fill("3")
    page.get_by_label("Avance (part du montant annuel, %)").fill("50")
    if not page.get_by_label("Solde versé après acceptation", exact=False).is_checked():
        _cocher(page, "Solde versé après acceptation")
    for i in range(3):
        page.get_by_label(f"{METROPOLE} — {debut + i} (€)").fill("10000")
        page.get_by_label(f"{ETAT} — {debut + i} (€)").fill("5000")
    page.get_by_label("Article 2 — Durée de la convention").fill(
        f"La convention est conclue pour trois ans, du 1er janvier {debut} au 31 décembre {debut + 2}."
    )
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_text("Projet de convention enregistré.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=f"{debut}–{debut + 2}", exact=False)).to_be_visible()
    expect(page.get_by_text("du 1er janvier", exact=False)).to_be_visible()
    convention.refresh_from_db()
    assert (convention.annee_debut, convention.nombre_annees) == (debut, 3)
    assert {(m.financeur_id, m.annee): m.montant for m in convention.montants.all()} == {
        **{(metropole.pk, debut + i): Decimal("10000") for i in range(3)},
        **{(etat.pk, debut + i): Decimal("5000") for i in range(3)},
    }
    _changer_etat(page, convention, "Envoyée à la structure")

    # 3. L'association signe par sa présidente ; la page de signature passe axe-core.
    _se_connecter(page, connecter, MEMBRE)
    _signer(page, convention, "La structure", "Awa Diallo", "Présidente", representant=True)
    _sans_violation(page, violations_bloquantes)
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_text("Signature enregistrée.")).to_be_visible()

    # 4. La métropole signe par sa présidente : sans la délibération, refusé, le formulaire revient.
    _se_connecter(page, connecter, AGENT)
    _signer(page, convention, METROPOLE, "Nathalie Appéré", "Présidente")
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_text("indiquez la référence et la date de la délibération", exact=False)).to_be_visible()
    expect(page.get_by_label("Nom du signataire")).to_have_value("Nathalie Appéré")
    _sans_violation(page, violations_bloquantes)
    acte = (timezone.localdate() - timedelta(days=10)).isoformat()
    page.get_by_label("Référence de la délibération ou de l'arrêté", exact=False).fill("Délibération C 26.112")
    page.get_by_label("Date de la délibération ou de l'arrêté").fill(acte)
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_text("Signature enregistrée.")).to_be_visible()
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.SIGNEE_STRUCTURE

    # 5. L'État signe par la préfète déléguée, avec son arrêté de délégation : la convention est signée de tous.
    _se_connecter(page, connecter, AGENT_ETAT)
    _signer(
        page,
        convention,
        ETAT,
        "Amélie Puccinelli",
        "Préfète déléguée pour l'égalité des chances",
        delegation=True,
        acte=("Arrêté préfectoral de délégation n° 35-2026-041", acte),
    )
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_text("Signature enregistrée.")).to_be_visible()
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.SIGNEE_FINANCEURS
    expect(page.get_by_text("Délibération C 26.112", exact=False)).to_be_visible()

    # 6. La convention entre en vigueur ; le dossier devient conventionné.
    _changer_etat(page, convention, "En vigueur")
    dossier.refresh_from_db()
    assert dossier.statut == StatutDossier.CONVENTIONNE

    # 7. L'association propose son nouveau RIB ; l'agent de la métropole le valide.
    structure = convention.structure
    _se_connecter(page, connecter, MEMBRE)
    page.goto(f"/annuaire/structures/{structure.pk}/rib/")
    page.get_by_label("IBAN").fill(NOUVEL_IBAN)
    page.get_by_label("Titulaire du compte").fill("Les Ateliers du Blosne")
    page.get_by_label("RIB délivré par la banque").set_input_files(
        {"name": "rib.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Proposer ce RIB").click()
    expect(page.get_by_role("heading", name="RIB en attente de validation")).to_be_visible()
    _se_connecter(page, connecter, AGENT)
    page.goto(f"/annuaire/structures/{structure.pk}/rib/")
    _sans_violation(page, violations_bloquantes)
    page.get_by_role("button", name="Valider ce RIB").click()
    expect(page.get_by_role("heading", name="RIB en attente de validation")).to_have_count(0)
    assert Rib.objects.get(structure=structure, etat=EtatRib.VALIDE).iban == NOUVEL_IBAN

    # 8. L'échéancier type de la métropole, puis l'avance de cette année mandatée et payée sur ce RIB.
    page.goto(convention.get_absolute_url())
    page.locator("#versements").get_by_role("button", name=re.compile("^Établir l'échéancier type")).click()
    expect(page.get_by_text(f"Échéancier de {METROPOLE} établi : 6 versement(s) prévu(s).")).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    _mandater_et_payer(page, convention, f"avance {annee}", "AV-1")
    avance = Versement.objects.get(convention=convention, financeur=metropole, annee=annee, nature="avance")
    assert (avance.statut, avance.montant, avance.iban) == (StatutVersement.PAYE, Decimal("5000.00"), NOUVEL_IBAN)

    # 9. Le solde de cette année attend le compte-rendu de l'an dernier : le mandat est refusé.
    page.locator("#versements").get_by_role("link", name=f"Mandater le versement solde {annee}").click()
    page.get_by_label("Date du mandat").fill(timezone.localdate().isoformat())
    page.get_by_label("Référence du mandat").fill("M-SOLDE-1")
    page.get_by_role("button", name="Enregistrer le mandat").click()
    expect(
        page.get_by_text(f"Le solde de {annee} attend que {METROPOLE} ait accepté le compte-rendu financier de {debut}")
    ).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    solde = Versement.objects.get(convention=convention, financeur=metropole, annee=annee, nature="solde")
    assert solde.statut == StatutVersement.PREVU

    # 10. L'association dépose son premier compte-rendu annuel, un pour les deux financeurs.
    _se_connecter(page, connecter, MEMBRE)
    page.goto(convention.get_absolute_url())
    page.get_by_role("link", name=f"Préparer le compte-rendu {debut}").click()
    expect(page.get_by_role("heading", level=1, name=f"Compte-rendu financier {debut}")).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    page.get_by_label("Actions réalisées").fill(
        "Collecte chaque samedi au Blosne, boutique ouverte trois jours à Villejean."
    )
    page.get_by_label("Nombre de bénéficiaires").fill("180")
    page.get_by_label("Dont habitants des quartiers prioritaires (QPV)").fill("120")
    page.locator("#id_lignes-0-realise").fill("9000")
    page.get_by_role("button", name="Enregistrer le brouillon").last.click()
    expect(page.get_by_text(f"Compte-rendu {debut} enregistré en brouillon")).to_be_visible()
    page.get_by_role("button", name="Déposer le compte-rendu").click()
    expect(page.get_by_text(f"Compte-rendu {debut} déposé")).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    compte_rendu = CompteRendu.objects.get(convention=convention, annee=debut)

    # 11. Les deux financeurs l'acceptent, chacun pour lui.
    _se_connecter(page, connecter, AGENT_ETAT)
    _accepter(page, compte_rendu)
    assert CompteRendu.objects.get(pk=compte_rendu.pk).statut != StatutCompteRendu.ACCEPTE
    _se_connecter(page, connecter, AGENT)
    _accepter(page, compte_rendu)
    _sans_violation(page, violations_bloquantes)
    assert CompteRendu.objects.get(pk=compte_rendu.pk).statut == StatutCompteRendu.ACCEPTE

    # 12. Le solde de cette année est débloqué : mandaté puis payé.
    _mandater_et_payer(page, convention, f"solde {annee}", "SOLDE-1")
    solde.refresh_from_db()
    assert (solde.statut, solde.montant, solde.iban) == (StatutVersement.PAYE, Decimal("5000.00"), NOUVEL_IBAN)
    expect(page.get_by_role("table", name=f"Échéancier de {METROPOLE}")).to_be_visible()
    _sans_violation(page, violations_bloquantes)

    # 13. Les tableaux de bord : celui des conventions de la métropole, Mon espace de l'association.
    page.goto("/contrats/appels-a-projets/conventions/tableau-de-bord/")
    expect(page.locator("main h1")).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    _se_connecter(page, connecter, MEMBRE)
    page.goto("/mon-espace/")
    expect(page.locator("main h1")).to_be_visible()
    _sans_violation(page, violations_bloquantes)
    assert journal.erreurs_csp() == [], journal.erreurs_csp()
