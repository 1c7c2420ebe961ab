"""Renouveler un dossier de l'an dernier : un brouillon copié pour un appel ouvert, relié à l'original, qui dit
ce qui n'a pas été repris ; refus pour un appel clos, une autre structure, un dossier encore en brouillon."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from contrats.models import Orientation
from contrats.models.projet_territoire import NiveauOrientation
from financements.models import Dossier, StatutDossier
from financements.services import dossiers as services
from financements.services import renouvellement

pytestmark = pytest.mark.django_db


@pytest.fixture
def nouvel_appel(contrat, agent, epci, commune, territoire, priorite):
    """L'appel de l'année suivante : la métropole et la ville financent (pas l'État), une seule priorité nouvelle
    et un seul QPV."""
    logement = Orientation.objects.create(contrat=contrat, niveau=NiveauOrientation.ORIENTATION, titre="Logement")
    jour = timezone.localdate()
    return services.creer_appel(
        contrat,
        agent,
        titre="Appel à projets 2028",
        annee=2028,
        ouverture=jour - timedelta(days=1),
        cloture=jour + timedelta(days=30),
        financeurs=[(epci, Decimal("100000"), ""), (commune, Decimal("50000"), "")],
        priorites=[logement],
        qpv=territoire["qpv"][:1],
        pieces_demandees=["statuts"],
        publier=True,
    )


@pytest.fixture
def decide_complet(decide, priorite, territoire, autre_structure):
    decide.priorites.set([priorite])
    decide.qpv.set(territoire["qpv"])
    decide.tranches_age = ["jeunes"]
    decide.representant_nom, decide.representant_qualite = "Anne Martin", "Présidente"
    decide.evaluation_methode = "Questionnaire aux participants"
    decide.evaluation_indicateurs = "Vélos réparés : 300"
    decide.save()
    from financements.models import CoPorteur

    CoPorteur.objects.create(dossier=decide, structure=autre_structure, role="Animation", confirme_le=timezone.now())
    return decide


def test_renewal_copies_the_cerfa_and_links_to_the_original(decide_complet, nouvel_appel, membre_structure, epci):
    nouveau = renouvellement.renouveler(decide_complet, nouvel_appel, membre_structure)
    assert nouveau.statut == StatutDossier.BROUILLON
    assert nouveau.renouvelle == decide_complet and nouveau.renouvellement
    assert nouveau.appel == nouvel_appel and nouveau.structure == decide_complet.structure
    for champ in renouvellement.CHAMPS_CERFA:
        assert getattr(nouveau, champ) == getattr(decide_complet, champ), champ
    assert nouveau.indicateurs_prevus == [("Vélos réparés", "300")]  # l'évaluation prévue est reprise aussi
    assert list(nouveau.qpv.all()) == [nouvel_appel.qpv.get()]
    # La métropole participe au nouvel appel : sa demande et sa ligne 74 sont reprises ; l'État, non.
    assert {f.financeur_id: f.montant_demande for f in nouveau.financements.all()} == {epci.pk: Decimal("10000")}
    assert nouveau.montant_demande == Decimal("10000")
    lignes = {(ligne.compte, ligne.financeur_id, ligne.montant) for ligne in nouveau.lignes_budget.all()}
    assert ("74", epci.pk, Decimal("10000")) in lignes
    assert all(financeur in (None, epci.pk) for _, financeur, _ in lignes)
    assert ("64", None, Decimal("42000")) in lignes


def test_renewal_leaves_out_pieces_decisions_and_what_the_new_call_lacks(
    decide_complet, nouvel_appel, membre_structure, autre_structure
):
    nouveau = renouvellement.renouveler(decide_complet, nouvel_appel, membre_structure)
    assert not nouveau.pieces.exists()
    assert not nouveau.priorites.exists()
    assert not nouveau.avis.exists() and nouveau.montant_accorde == 0 and nouveau.issue == ""
    assert not any(hasattr(f, "decision") for f in nouveau.financements.all())
    texte = "\n".join(nouveau.non_repris)
    assert "pièces jointes" in texte
    assert "« Emploi »" in texte
    assert "Préfecture d'Ille-et-Vilaine" in texte
    assert "n'est pas éligible" in texte
    # Le co-porteur est repris, à reconfirmer.
    co_porteur = nouveau.co_porteurs.get()
    assert co_porteur.structure == autre_structure and co_porteur.confirme_le is None
    assert not nouveau.collectif


def test_a_dossier_is_renewed_once_per_call(decide, nouvel_appel, membre_structure):
    renouvellement.renouveler(decide, nouvel_appel, membre_structure)
    with pytest.raises(ValidationError, match="déjà renouvelé"):
        renouvellement.renouveler(decide, nouvel_appel, membre_structure)
    assert Dossier.objects.filter(renouvelle=decide).count() == 1


def test_a_closed_call_is_refused(decide, nouvel_appel, membre_structure):
    nouvel_appel.cloture = timezone.localdate() - timedelta(days=1)
    nouvel_appel.ouverture = nouvel_appel.cloture - timedelta(days=30)
    nouvel_appel.save()
    with pytest.raises(ValidationError, match="n'est pas ouvert"):
        renouvellement.renouveler(decide, nouvel_appel, membre_structure)
    assert not Dossier.objects.filter(renouvelle=decide).exists()


def test_only_the_carrying_structure_renews(decide, nouvel_appel, membre_co_porteur, agent):
    for personne in (membre_co_porteur, agent):
        with pytest.raises(PermissionDenied):
            renouvellement.renouveler(decide, nouvel_appel, personne)
    assert not Dossier.objects.filter(renouvelle=decide).exists()


def test_a_draft_is_not_renewed(brouillon, nouvel_appel, membre_structure):
    with pytest.raises(ValidationError, match="encore en brouillon"):
        renouvellement.renouveler(brouillon, nouvel_appel, membre_structure)


def test_a_dossier_under_instruction_is_not_renewed(depose, nouvel_appel, membre_structure):
    with pytest.raises(ValidationError, match="ne se renouvelle pas"):
        renouvellement.renouveler(depose, nouvel_appel, membre_structure)


def test_renewal_page_creates_the_draft_and_the_new_page_says_what_was_left_out(
    client, decide_complet, nouvel_appel, membre_structure
):
    client.force_login(membre_structure)
    page = html.unescape(client.get(decide_complet.get_absolute_url()).content.decode())
    assert "Renouveler ce dossier" in page
    adresse = reverse("financements:renouveler_dossier", args=[decide_complet.pk])
    assert client.get(adresse).status_code == 200
    reponse = client.post(adresse, {"appel": nouvel_appel.pk})
    nouveau = Dossier.objects.get(renouvelle=decide_complet)
    assert reponse.status_code == 302 and reponse["Location"] == nouveau.get_absolute_url()
    page = html.unescape(client.get(nouveau.get_absolute_url()).content.decode())
    assert "Ce qui n'a pas été repris" in page
    assert "« Emploi »" in page


def test_renewal_page_refuses_others_and_drafts(client, decide, appel, structure, agent, membre_structure):
    client.force_login(agent)
    assert client.get(reverse("financements:renouveler_dossier", args=[decide.pk])).status_code == 403
    brouillon = services.creer_dossier(appel, structure, membre_structure, "Autre projet")
    client.force_login(membre_structure)
    assert client.get(reverse("financements:renouveler_dossier", args=[brouillon.pk])).status_code == 403
