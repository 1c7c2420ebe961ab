"""La vie d'un appel à projets publié : modifier (journal), prolonger, clore avant terme ; les règles qui
refusent sans rien enregistrer ; les structures en brouillon prévenues par e-mail."""

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from config.lib.euros import euros
from financements.models import AppelAProjets, EvenementAppel, FinanceurAppel, JournalAppel
from financements.services import appels as services_appels
from financements.services import dossiers as services
from tests.taches import executer_taches


def _lignes(appel, **enveloppes):
    """Les financeurs actuels de l'appel, avec les enveloppes changées (`{pk: montant}` en mots-clés `f<pk>`)."""
    return [
        (f.organisation, enveloppes.get(f"f{f.organisation_id}", f.enveloppe), f.dispositif, f.programme_147)
        for f in appel.financeurs.select_related("organisation")
    ]


def _modifier(appel, auteur, **champs):
    valeurs = {
        "titre": appel.titre,
        "description": appel.description,
        "ouverture": appel.ouverture,
        "cloture": appel.cloture,
        "priorites": list(appel.priorites.all()),
        "qpv": list(appel.qpv.all()),
        "financeurs": _lignes(appel),
    }
    return services_appels.modifier_appel(appel, auteur, **(valeurs | champs))


def _etat(appel):
    appel.refresh_from_db()
    return (
        appel.titre,
        appel.ouverture,
        appel.cloture,
        appel.clos_le,
        sorted(FinanceurAppel.objects.filter(appel=appel).values_list("organisation_id", "enveloppe")),
        JournalAppel.objects.filter(appel=appel).count(),
    )


def test_it_journals_what_changed_before_and_after(appel, agent, epci):
    cloture = appel.cloture
    entree = _modifier(
        appel, agent, titre="Appel 2027 (révisé)", financeurs=_lignes(appel, **{f"f{epci.pk}": Decimal("250000")})
    )
    assert entree.evenement == EvenementAppel.MODIFICATION
    assert entree.auteur == agent
    assert entree.changements["Titre"] == ["Appel à projets 2027", "Appel 2027 (révisé)"]
    assert entree.changements[f"Enveloppe de {epci}"] == [euros(Decimal(200000)), euros(Decimal(250000))]
    assert "Clôture des dépôts" not in entree.changements
    appel.refresh_from_db()
    assert appel.cloture == cloture
    assert appel.financeurs.get(organisation=epci).enveloppe == Decimal("250000")


def test_it_records_nothing_when_nothing_changed(appel, agent):
    assert _modifier(appel, agent) is None
    assert not JournalAppel.objects.filter(appel=appel).exists()


def test_it_refuses_an_envelope_below_what_the_funder_decided(decide, agent, epci):
    appel = decide.appel
    avant = _etat(appel)
    with pytest.raises(ValidationError) as erreur:
        _modifier(appel, agent, titre="Autre titre", financeurs=_lignes(appel, **{f"f{epci.pk}": Decimal("9000")}))
    assert f"a déjà décidé {euros(Decimal(10000))}" in erreur.value.messages[0]
    assert _etat(appel) == avant


def test_it_refuses_to_remove_a_funder_who_decided(decide, agent, epci):
    appel = decide.appel
    avant = _etat(appel)
    sans_metropole = [ligne for ligne in _lignes(appel) if ligne[0] != epci]
    with pytest.raises(ValidationError) as erreur:
        _modifier(appel, agent, financeurs=sans_metropole)
    assert "ne peut pas s'en retirer" in erreur.value.messages[0]
    assert _etat(appel) == avant


def test_it_removes_a_funder_who_has_not_decided(appel, agent, bailleur):
    entree = _modifier(appel, agent, financeurs=[ligne for ligne in _lignes(appel) if ligne[0] != bailleur])
    assert entree.changements[f"Financeur {bailleur}"] == [euros(Decimal(50000)), "retiré"]
    assert not appel.financeurs.filter(organisation=bailleur).exists()


def test_it_refuses_a_closing_before_the_opening(appel, agent):
    avant = _etat(appel)
    with pytest.raises(ValidationError) as erreur:
        _modifier(appel, agent, titre="Autre", cloture=appel.ouverture - timedelta(days=1))
    assert "ne peut pas précéder leur ouverture" in erreur.value.messages[0]
    assert _etat(appel) == avant


def test_it_refuses_someone_who_does_not_carry_the_contract(appel, agent_etat, membre_structure):
    for personne in (agent_etat, membre_structure):
        with pytest.raises(PermissionDenied):
            _modifier(appel, personne, titre="Détourné")
        with pytest.raises(PermissionDenied):
            services_appels.clore_appel(appel, personne, "Pour voir")
        with pytest.raises(PermissionDenied):
            services_appels.prolonger_appel(appel, personne, appel.cloture + timedelta(days=5))
    assert AppelAProjets.objects.get(pk=appel.pk).titre == "Appel à projets 2027"


def test_it_extends_and_tells_the_structures_with_a_draft(brouillon, agent, membre_structure):
    appel = brouillon.appel
    nouvelle = appel.cloture + timedelta(days=15)
    mail.outbox.clear()
    entree = services_appels.prolonger_appel(appel, agent, nouvelle, motif="Vacances scolaires")
    executer_taches()
    appel.refresh_from_db()
    assert appel.cloture == nouvelle
    assert entree.evenement == EvenementAppel.PROLONGATION
    assert entree.motif == "Vacances scolaires"
    assert [m.to for m in mail.outbox] == [[membre_structure.email]]
    assert f"jusqu'au {nouvelle:%d/%m/%Y}" in mail.outbox[0].body


def test_it_refuses_an_extension_that_does_not_extend(appel, agent):
    avant = _etat(appel)
    with pytest.raises(ValidationError) as erreur:
        services_appels.prolonger_appel(appel, agent, appel.cloture)
    assert "doit suivre la clôture actuelle" in erreur.value.messages[0]
    assert _etat(appel) == avant


def test_it_closes_early_with_a_reason_and_tells_the_drafts(brouillon, agent, membre_structure):
    appel = brouillon.appel
    mail.outbox.clear()
    entree = services_appels.clore_appel(appel, agent, "Enveloppe épuisée")
    executer_taches()
    appel.refresh_from_db()
    assert appel.est_clos_avant_terme and not appel.est_ouvert()
    assert appel.motif_cloture == "Enveloppe épuisée"
    assert entree.evenement == EvenementAppel.CLOTURE
    assert [m.to for m in mail.outbox] == [[membre_structure.email]]
    assert "Enveloppe épuisée" in mail.outbox[0].body
    # Le brouillon ne peut plus être déposé.
    assert any("clos avant terme" in m for m in services.refus_depot(brouillon))


def test_it_refuses_to_close_without_a_reason(appel, agent):
    avant = _etat(appel)
    with pytest.raises(ValidationError):
        services_appels.clore_appel(appel, agent, "  ")
    assert _etat(appel) == avant


def test_a_closed_call_is_extended_only_when_reopened_explicitly(appel, agent):
    services_appels.clore_appel(appel, agent, "Enveloppe épuisée")
    avant = _etat(appel)
    nouvelle = appel.cloture + timedelta(days=10)
    with pytest.raises(ValidationError) as erreur:
        services_appels.prolonger_appel(appel, agent, nouvelle)
    assert "Rouvrir l'appel" in erreur.value.messages[0]
    assert _etat(appel) == avant
    services_appels.prolonger_appel(appel, agent, nouvelle, rouvrir=True)
    appel.refresh_from_db()
    assert appel.est_ouvert() and appel.cloture == nouvelle and appel.motif_cloture == ""


def test_editing_does_not_reopen_a_closed_call(appel, agent):
    services_appels.clore_appel(appel, agent, "Enveloppe épuisée")
    avant = _etat(appel)
    with pytest.raises(ValidationError) as erreur:
        _modifier(appel, agent, cloture=appel.cloture + timedelta(days=30))
    assert "Rouvrir l'appel" in erreur.value.messages[0]
    assert _etat(appel) == avant


def test_a_call_whose_date_passed_is_extended_only_when_reopened(appel, agent):
    aujourd_hui = timezone.localdate()
    AppelAProjets.objects.filter(pk=appel.pk).update(
        ouverture=aujourd_hui - timedelta(days=30), cloture=aujourd_hui - timedelta(days=1)
    )
    appel.refresh_from_db()
    with pytest.raises(ValidationError):
        services_appels.prolonger_appel(appel, agent, aujourd_hui + timedelta(days=7))
    services_appels.prolonger_appel(appel, agent, aujourd_hui + timedelta(days=7), rouvrir=True)
    appel.refresh_from_db()
    assert appel.est_ouvert()


# --- Pages ------------------------------------------------------------------------------------------------


def test_it_edits_a_call_from_its_page_and_shows_the_journal(client, appel, agent, epci):
    client.force_login(agent)
    url = reverse("financements:modifier_appel", args=[appel.pk])
    assert client.get(url).status_code == 200
    donnees = {
        "titre": "Appel 2027 révisé",
        "description": "",
        "ouverture": appel.ouverture.isoformat(),
        "cloture": appel.cloture.isoformat(),
        "priorites": [p.pk for p in appel.priorites.all()],
        "qpv": [q.pk for q in appel.qpv.all()],
        "financeurs-TOTAL_FORMS": 4,
        "financeurs-INITIAL_FORMS": 4,
        "financeurs-MIN_NUM_FORMS": 0,
        "financeurs-MAX_NUM_FORMS": 20,
    }
    for i, f in enumerate(appel.financeurs.all()):
        donnees[f"financeurs-{i}-organisation"] = f.organisation_id
        donnees[f"financeurs-{i}-enveloppe"] = "210000" if f.organisation_id == epci.pk else str(f.enveloppe)
        donnees[f"financeurs-{i}-dispositif"] = f.dispositif
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302
    page = unescape(client.get(reverse("financements:appel", args=[appel.pk])).content.decode())
    assert "Journal de l'appel" in page
    assert "Titre : Appel à projets 2027 → Appel 2027 révisé" in page
    assert f"Enveloppe de {epci} : {euros(Decimal(200000))} → {euros(Decimal(210000))}" in page


def test_a_bad_input_comes_back_with_a_french_message(client, appel, agent):
    client.force_login(agent)
    reponse = client.post(reverse("financements:clore_appel", args=[appel.pk]), {"motif": ""})
    assert reponse.status_code == 400
    assert "Dites pourquoi l&#x27;appel est clos avant terme." in reponse.content.decode()
    reponse = client.post(
        reverse("financements:prolonger_appel", args=[appel.pk]), {"cloture": appel.cloture.isoformat()}
    )
    assert reponse.status_code == 400
    assert "doit suivre la clôture actuelle" in unescape(reponse.content.decode())
    appel.refresh_from_db()
    assert appel.clos_le is None


def test_other_people_are_refused_the_call_pages(client, appel, agent_etat, membre_structure):
    for personne in (agent_etat, membre_structure):
        client.force_login(personne)
        for nom in ("modifier_appel", "prolonger_appel", "clore_appel"):
            assert client.get(reverse(f"financements:{nom}", args=[appel.pk])).status_code == 403
    client.logout()
    reponse = client.get(reverse("financements:modifier_appel", args=[appel.pk]))
    assert reponse.status_code == 302


def test_a_call_closed_early_shows_its_reason(client, appel, agent):
    services_appels.clore_appel(appel, agent, "Enveloppe épuisée")
    page = unescape(client.get(reverse("financements:appel", args=[appel.pk])).content.decode())
    assert "Appel clos avant terme" in page
    assert "Enveloppe épuisée" in page
    assert "Déposer un projet" not in page


def test_an_envelope_below_the_decisions_is_refused_on_its_line(client, decide, agent, epci):
    appel = decide.appel
    client.force_login(agent)
    financeurs = list(appel.financeurs.all())
    donnees = {
        "titre": appel.titre,
        "description": "",
        "ouverture": appel.ouverture.isoformat(),
        "cloture": appel.cloture.isoformat(),
        "financeurs-TOTAL_FORMS": len(financeurs),
        "financeurs-INITIAL_FORMS": len(financeurs),
        "financeurs-MIN_NUM_FORMS": 0,
        "financeurs-MAX_NUM_FORMS": 20,
    }
    for i, f in enumerate(financeurs):
        donnees[f"financeurs-{i}-organisation"] = f.organisation_id
        donnees[f"financeurs-{i}-enveloppe"] = "5000" if f.organisation_id == epci.pk else str(f.enveloppe)
    rang = next(i for i, f in enumerate(financeurs) if f.organisation_id == epci.pk)
    reponse = client.post(reverse("financements:modifier_appel", args=[appel.pk]), donnees)
    assert reponse.status_code == 400
    contenu = unescape(reponse.content.decode())
    # Le message est relié au champ de l'enveloppe de la métropole, et la saisie revient.
    assert f'id="id_financeurs-{rang}-enveloppe-desc-error"' in contenu
    assert f"a déjà décidé {euros(Decimal(10000))}" in contenu
    assert 'value="5000' in contenu
    assert appel.financeurs.get(organisation=epci).enveloppe == Decimal("200000")
