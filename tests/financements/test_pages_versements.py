"""Les pages des versements : la section « Versements » de la convention (chaque financeur ne voit que son
échéancier, la structure les voit tous), les formulaires et leurs refus, l'export SCDL qui suit les
conventions (date de signature, période des versements, une ligne par bénéficiaire)."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from financements.models import (
    Convention,
    CoPorteur,
    NatureVersement,
    SignatureConvention,
    StatutConvention,
    StatutVersement,
    Versement,
)
from financements.services import versements as services
from financements.services.exports import COLONNES_SCDL
from tests.financements.conftest import DEBUT

AUJOURD_HUI = timezone.localdate()
HIER = AUJOURD_HUI - timedelta(days=1)


def _texte(reponse) -> str:
    return unescape(reponse.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def _page(convention) -> str:
    return reverse("financements:convention", args=[convention.pk])


def _ligne(convention, financeur, annee, nature) -> Versement:
    return Versement.objects.get(convention=convention, financeur=financeur, annee=annee, nature=nature)


@pytest.fixture
def echeanciers(cpo, agent, agent_etat, epci, prefecture):
    services.generer_echeancier(cpo, agent_etat, prefecture)
    services.generer_echeancier(cpo, agent, epci)
    return cpo


def test_the_structure_reads_every_funders_schedule_without_acting(client, membre_structure, echeanciers):
    client.force_login(membre_structure)
    texte = _texte(client.get(_page(echeanciers)))
    assert "Échéancier de Rennes Métropole" in texte
    assert "Échéancier de Préfecture d'Ille-et-Vilaine" in texte
    assert "Totaux des versements de Préfecture d'Ille-et-Vilaine par année" in texte
    assert "Mandater" not in texte and "Ajouter un versement prévu" not in texte


def test_a_funder_sees_only_its_own_schedule_and_journal(client, agent, echeanciers):
    client.force_login(agent)
    texte = _texte(client.get(_page(echeanciers)))
    assert "Échéancier de Rennes Métropole" in texte
    assert "Préfecture d'Ille-et-Vilaine" not in texte.split('id="versements-titre"')[1].split("</section>")[0]
    assert "Échéancier de Rennes Métropole établi" in texte
    assert "Échéancier de Préfecture d'Ille-et-Vilaine établi" not in texte
    assert "Mandater" in texte


def test_another_funders_payment_pages_are_not_found(client, agent, echeanciers, prefecture):
    versement = _ligne(echeanciers, prefecture, DEBUT, NatureVersement.AVANCE)
    client.force_login(agent)
    for nom in ("mandater_versement", "payer_versement", "annuler_versement", "modifier_versement"):
        assert client.get(reverse(f"financements:{nom}", args=[echeanciers.pk, versement.pk])).status_code == 404
    assert (
        client.post(reverse("financements:supprimer_versement", args=[echeanciers.pk, versement.pk])).status_code == 404
    )
    for nom in ("nouveau_versement", "nouveau_reversement", "parts_beneficiaires"):
        assert client.get(reverse(f"financements:{nom}", args=[echeanciers.pk, prefecture.pk])).status_code == 404
    assert (
        client.post(reverse("financements:generer_echeancier", args=[echeanciers.pk, prefecture.pk])).status_code == 404
    )
    assert Versement.objects.filter(pk=versement.pk).exists()


def test_the_structure_and_the_administrators_may_not_act_on_payments(
    client, membre_structure, admin_plateforme, echeanciers, prefecture
):
    versement = _ligne(echeanciers, prefecture, DEBUT, NatureVersement.AVANCE)
    for personne in (membre_structure, admin_plateforme):
        client.force_login(personne)
        assert client.get(_page(echeanciers)).status_code == 200
        url = reverse("financements:mandater_versement", args=[echeanciers.pk, versement.pk])
        assert client.get(url).status_code == 403
        url = reverse("financements:nouveau_versement", args=[echeanciers.pk, prefecture.pk])
        assert client.get(url).status_code == 403


def test_a_funder_not_party_to_the_convention_finds_nothing(client, agent_commune, echeanciers, prefecture):
    versement = _ligne(echeanciers, prefecture, DEBUT, NatureVersement.AVANCE)
    client.force_login(agent_commune)
    assert client.get(_page(echeanciers)).status_code == 404
    url = reverse("financements:mandater_versement", args=[echeanciers.pk, versement.pk])
    assert client.get(url).status_code == 404


def test_generate_mandate_and_pay_through_the_pages(client, agent_etat, cpo, prefecture, rib):
    client.force_login(agent_etat)
    texte = _texte(client.get(_page(cpo)))
    assert f"Établir l'échéancier type ({DEBUT}, {DEBUT + 1}, {DEBUT + 2})" in texte
    reponse = client.post(reverse("financements:generer_echeancier", args=[cpo.pk, prefecture.pk]))
    assert reponse.status_code == 302 and reponse["Location"].endswith("#versements")
    avance = _ligne(cpo, prefecture, DEBUT, NatureVersement.AVANCE)
    url = reverse("financements:mandater_versement", args=[cpo.pk, avance.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"mandate_le": HIER.isoformat(), "reference": "M-2026-7"}).status_code == 302
    url = reverse("financements:payer_versement", args=[cpo.pk, avance.pk])
    assert client.post(url, {"paye_le": AUJOURD_HUI.isoformat(), "reference": "P-2026-7"}).status_code == 302
    avance.refresh_from_db()
    assert avance.statut == StatutVersement.PAYE
    texte = _texte(client.get(_page(cpo)))
    assert "M-2026-7" in texte and "P-2026-7" in texte
    assert "compte FR76 **** **** **** **** ***0 189" in texte  # le compte crédité, masqué
    assert "15 000,00 €" in texte


def test_a_line_above_what_remains_is_shown_back_with_its_message(client, agent_etat, echeanciers, prefecture):
    client.force_login(agent_etat)
    url = reverse("financements:nouveau_versement", args=[echeanciers.pk, prefecture.pk])
    reponse = client.post(url, {"annee": DEBUT, "nature": "solde", "montant": "2500", "date_prevue": f"{DEBUT}-12-01"})
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "au-dessus de son montant de cette année (30 000,00 €) : il reste 0,00 € à prévoir" in texte
    assert 'value="2500' in texte  # la saisie revient
    assert Versement.objects.filter(convention=echeanciers, financeur=prefecture).count() == 6


def test_a_mandate_without_a_validated_iban_is_refused_on_the_page(client, agent_etat, echeanciers, prefecture):
    avance = _ligne(echeanciers, prefecture, DEBUT, NatureVersement.AVANCE)
    client.force_login(agent_etat)
    reponse = client.post(
        reverse("financements:mandater_versement", args=[echeanciers.pk, avance.pk]),
        {"mandate_le": HIER.isoformat(), "reference": "M-1"},
    )
    assert reponse.status_code == 200
    assert "n'a pas de RIB validé" in _texte(reponse)
    avance.refresh_from_db()
    assert avance.statut == StatutVersement.PREVU


def test_a_balance_before_the_report_is_accepted_is_refused_on_the_page(
    client, agent_etat, echeanciers, prefecture, rib
):
    solde = _ligne(echeanciers, prefecture, DEBUT + 1, NatureVersement.SOLDE)
    client.force_login(agent_etat)
    reponse = client.post(
        reverse("financements:mandater_versement", args=[echeanciers.pk, solde.pk]),
        {"mandate_le": HIER.isoformat(), "reference": "M-9"},
    )
    assert f"attend que Préfecture d'Ille-et-Vilaine ait accepté le compte-rendu financier de {DEBUT}" in _texte(
        reponse
    )
    solde.refresh_from_db()
    assert solde.statut == StatutVersement.PREVU


@pytest.fixture
def collective(cpo, brouillon, autre_structure):
    CoPorteur.objects.create(dossier=brouillon, structure=autre_structure, confirme_le=timezone.now())
    cpo.dossiers.set([brouillon])
    return cpo


def test_shares_not_adding_up_to_100_are_refused_on_the_page(
    client, agent_etat, collective, prefecture, structure, autre_structure
):
    client.force_login(agent_etat)
    assert "Parts des bénéficiaires" in _texte(client.get(_page(collective)))
    url = reverse("financements:parts_beneficiaires", args=[collective.pk, prefecture.pk])
    reponse = client.post(url, {f"part_{structure.pk}": "70", f"part_{autre_structure.pk}": "20"})
    assert reponse.status_code == 200
    assert "totalisent 90 % : elles doivent faire 100 % ensemble" in _texte(reponse)
    assert not collective.parts.exists()
    reponse = client.post(url, {f"part_{structure.pk}": "70", f"part_{autre_structure.pk}": "30"})
    assert reponse.status_code == 302
    assert "Villejean Solidaire : 30 %" in _texte(client.get(_page(collective)))


def test_a_repayment_is_asked_and_followed_through_the_pages(client, agent_etat, echeanciers, prefecture, rib):
    avance = _ligne(echeanciers, prefecture, DEBUT, NatureVersement.AVANCE)
    services.mandater(avance, agent_etat, mandate_le=HIER, reference="M-1")
    services.payer(avance, agent_etat, paye_le=AUJOURD_HUI, reference="P-1")
    client.force_login(agent_etat)
    url = reverse("financements:nouveau_reversement", args=[echeanciers.pk, prefecture.pk])
    reponse = client.post(url, {"annee": DEBUT, "montant": "20000", "motif": "Sous-exécution"})
    assert "15 000,00 € au plus" in _texte(reponse)
    assert client.post(url, {"annee": DEBUT, "montant": "3000", "motif": "Sous-exécution"}).status_code == 302
    reversement = echeanciers.reversements.get()
    url = reverse("financements:suivre_reversement", args=[echeanciers.pk, reversement.pk])
    reponse = client.post(url, {"statut": "titre_emis", "le": HIER.isoformat(), "reference": "T-44"})
    assert reponse.status_code == 302
    assert "T-44" in _texte(client.get(_page(echeanciers)))


def test_the_payments_section_runs_a_fixed_number_of_queries(client, agent_etat, cpo, prefecture, agent, epci):
    client.force_login(agent_etat)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as capture:
            assert client.get(_page(cpo)).status_code == 200
        return len(capture.captured_queries)

    services.ajouter_versement(
        cpo, agent_etat, prefecture, annee=DEBUT, nature="avance", montant=Decimal("100"), date_prevue=HIER
    )
    peu = requetes()
    services.generer_echeancier(cpo, agent_etat, prefecture)
    services.generer_echeancier(cpo, agent, epci)
    assert requetes() == peu


# --- Export SCDL ---------------------------------------------------------------------------------------------


def _scdl(client, financeur) -> list[dict]:
    reponse = client.get(reverse("financements:scdl", args=[financeur.pk]))
    contenu = b"".join(reponse.streaming_content).decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(contenu)))
    return [dict(zip(COLONNES_SCDL, ligne, strict=True)) for ligne in lignes[1:]]


def test_open_data_follows_the_signed_convention_its_payments_and_shares(
    client, decide, agent_etat, prefecture, autre_structure, structure, rib
):
    convention = Convention.objects.get(dossiers=decide, parties__financeur=prefecture)
    Convention.objects.filter(pk=convention.pk).update(
        statut=StatutConvention.EN_VIGUEUR, en_vigueur_le=AUJOURD_HUI - timedelta(days=5)
    )
    convention.refresh_from_db()
    for financeur, jour in ((None, 20), (prefecture, 10)):
        SignatureConvention.objects.create(
            convention=convention,
            financeur=financeur,
            signataire_nom="X",
            signataire_qualite="Y",
            enregistree_par=agent_etat,
            signee_le=timezone.make_aware(datetime.combine(AUJOURD_HUI - timedelta(days=jour), datetime.min.time()))
            + timedelta(hours=12),
        )
    CoPorteur.objects.create(dossier=decide, structure=autre_structure, confirme_le=timezone.now())
    services.enregistrer_parts(
        convention, agent_etat, prefecture, {structure.pk: Decimal("55"), autre_structure.pk: Decimal("45")}
    )
    avance = Versement.objects.create(
        convention=convention, financeur=prefecture, annee=convention.annee_debut, nature="avance",
        montant=Decimal("15000"), date_prevue=HIER, cree_par=agent_etat,
    )  # fmt: skip
    services.mandater(avance, agent_etat, mandate_le=AUJOURD_HUI - timedelta(days=3), reference="M")
    services.payer(avance, agent_etat, paye_le=AUJOURD_HUI - timedelta(days=2), reference="P")
    Versement.objects.create(
        convention=convention, financeur=prefecture, annee=convention.annee_debut, nature="solde",
        montant=Decimal("15000"), date_prevue=AUJOURD_HUI + timedelta(days=60), cree_par=agent_etat,
    )  # fmt: skip
    lignes = _scdl(client, prefecture)
    assert [(v["nomBeneficiaire"], v["pourcentageSubvention"]) for v in lignes] == [
        ("Les Ateliers du Blosne", "0.55"),
        ("Villejean Solidaire", "0.45"),
    ]
    assert {v["montant"] for v in lignes} == {"30000.00"}
    assert {v["dateConvention"] for v in lignes} == {(AUJOURD_HUI - timedelta(days=10)).isoformat()}
    periode = f"{(AUJOURD_HUI - timedelta(days=2)).isoformat()}/{(AUJOURD_HUI + timedelta(days=60)).isoformat()}"
    assert {v["datesPeriodeVersement"] for v in lignes} == {periode}
    assert {v["conditionsVersement"] for v in lignes} == {"échelonné"}  # l'avance puis le solde


def test_open_data_keeps_its_fallbacks_without_a_signed_convention(client, decide, epci):
    (ligne,) = _scdl(client, epci)
    assert ligne["pourcentageSubvention"] == "1.00"
    assert ligne["datesPeriodeVersement"] == f"{decide.date_debut.isoformat()}/{decide.date_fin.isoformat()}"


def test_a_share_of_a_third_is_written_as_a_fraction():
    from financements.services.exports import fraction

    assert fraction(Decimal("33.33")) == Decimal("0.3333")
    assert fraction(Decimal("100")) == Decimal("1.00")


def test_open_data_runs_a_fixed_number_of_queries_whatever_the_number_of_conventions(
    client, appel, prefecture, agent_etat
):
    from tests.financements.fabrique import dossiers_decides

    def ajouter(nombre: int) -> None:
        for dossier in dossiers_decides(appel, [prefecture], nombre):
            convention = Convention.objects.create(
                structure=dossier.structure, objet="x", annee_debut=2027, statut=StatutConvention.EN_VIGUEUR,
                en_vigueur_le=HIER, cree_par=agent_etat,
            )  # fmt: skip
            convention.dossiers.add(dossier)
            convention.parties.create(financeur=prefecture)
            SignatureConvention.objects.create(
                convention=convention, financeur=prefecture, signataire_nom="X", signataire_qualite="Y",
                enregistree_par=agent_etat,
            )  # fmt: skip
            Versement.objects.create(
                convention=convention, financeur=prefecture, annee=2027, nature="unique", montant=Decimal("12000"),
                date_prevue=HIER, cree_par=agent_etat,
            )  # fmt: skip

    def requetes() -> int:
        with CaptureQueriesContext(connection) as capture:
            lignes = _scdl(client, prefecture)
        assert all(ligne["datesPeriodeVersement"] == HIER.isoformat() for ligne in lignes)
        return len(capture.captured_queries)

    ajouter(1)
    peu = requetes()
    ajouter(4)
    assert requetes() == peu
