"""Saisie et correction des valeurs d'un contrat : mauvaises saisies refusées avec un message sur le champ et
rien d'enregistré, historique des corrections, qui saisit (agents des signataires) et qui ne le peut pas."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation.models import Indicateur, NatureValeur, Origine, Unite, Valeur
from evaluation.selectors import lignes_de_base_officielles
from evaluation.services import valeurs as services
from evaluation.services.valeurs import Saisie, Territoire

pytestmark = pytest.mark.django_db


def _saisie(indicateur, qpv, **champs) -> Saisie:
    valeurs = {
        "indicateur": indicateur,
        "territoire": Territoire("qpv", qpv_id=qpv.code),
        "annee": 2025,
        "nature": NatureValeur.REALISE,
        "valeur": Decimal("47.5"),
        "unite": Unite.POURCENTAGE,
        "source": "Observatoire local",
    } | champs
    return Saisie(**valeurs)


def _erreurs(erreur: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return erreur.value.message_dict


@pytest.fixture
def qpv(territoire):
    return territoire["qpv"][0]


@pytest.fixture
def taux_emploi(nationaux):
    return nationaux["taux_emploi"]


def test_an_agent_enters_a_value_with_its_author_and_date(agent, contrat, qpv, taux_emploi):
    valeur = services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv))

    assert valeur.saisie_par == agent and valeur.saisie_le is not None
    assert (valeur.valeur, valeur.origine, valeur.version, valeur.contrat) == (
        Decimal("47.5"),
        Origine.SAISIE,
        1,
        contrat,
    )
    assert valeur.cle_territoire == f"qpv:{qpv.code}"


@pytest.mark.parametrize("qui", ["agent_etat", "partenaire"])
def test_agents_of_the_other_signatories_enter_values_too(request, qui, contrat, qpv, taux_emploi):
    assert services.saisir_valeur(contrat, request.getfixturevalue(qui), _saisie(taux_emploi, qpv)).pk


@pytest.mark.parametrize("qui", ["elu", "membre_structure", "habitant", "exterieur"])
def test_others_may_not_enter_values(request, qui, contrat, qpv, taux_emploi):
    with pytest.raises(PermissionDenied):
        services.saisir_valeur(contrat, request.getfixturevalue(qui), _saisie(taux_emploi, qpv))
    assert not Valeur.objects.exists()


def test_it_refuses_a_value_in_the_wrong_unit(agent, contrat, qpv, taux_emploi):
    with pytest.raises(ValidationError) as erreur:
        services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv, unite=Unite.NOMBRE))
    assert _erreurs(erreur)["unite"] == [
        "« Taux d'emploi » se mesure en pourcentage (%), pas en nombre (effectif) : convertissez la valeur dans "
        "l'unité de l'indicateur."
    ]
    assert not Valeur.objects.exists()


def test_it_refuses_a_value_outside_the_plausible_range_unless_confirmed(agent, contrat, qpv, taux_emploi):
    with pytest.raises(ValidationError) as erreur:
        services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv, valeur=Decimal("475")))
    assert "475 % est hors de la plage plausible de « Taux d'emploi » (de 0 à 100 %)" in _erreurs(erreur)["valeur"][0]
    assert not Valeur.objects.exists()

    valeur = services.saisir_valeur(
        contrat, agent, _saisie(taux_emploi, qpv, valeur=Decimal("475"), confirmer_hors_plage=True)
    )
    assert valeur.hors_plage


def test_it_refuses_a_target_for_a_year_outside_the_contract(agent, contrat, qpv, taux_emploi):
    with pytest.raises(ValidationError) as erreur:
        services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv, nature=NatureValeur.CIBLE, annee=2031))
    assert _erreurs(erreur)["annee"] == [
        "Une cible se fixe pour une année du contrat (2024–2030) : 2031 n'en fait pas partie."
    ]
    assert not Valeur.objects.exists()
    assert services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv, nature=NatureValeur.CIBLE, annee=2030))


def test_it_refuses_a_duplicate_value(agent, agent_etat, contrat, qpv, taux_emploi):
    services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv))
    with pytest.raises(ValidationError) as erreur:
        services.saisir_valeur(contrat, agent_etat, _saisie(taux_emploi, qpv, valeur=Decimal("48")))
    assert (
        "Une valeur « réalisé » existe déjà pour cet indicateur, ce territoire et l'année 2025"
        in (_erreurs(erreur)["nature"][0])
    )
    assert Valeur.objects.count() == 1


def test_a_blank_value_must_be_declared_not_diffused(agent, contrat, qpv, taux_emploi):
    with pytest.raises(ValidationError) as erreur:
        services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv, valeur=None))
    assert "cochez « non diffusée »" in _erreurs(erreur)["valeur"][0]
    valeur = services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv, valeur=None, non_diffusee=True))
    assert valeur.texte == "non diffusé"


def test_a_local_indicator_of_another_contract_is_refused(agent, contrat, qpv):
    from tests.contrats.factories import ContratFactory

    autre = Indicateur.objects.create(contrat=ContratFactory(code="CN03109I"), code="x", nom="X", unite=Unite.NOMBRE)
    with pytest.raises(ValidationError) as erreur:
        services.saisir_valeur(contrat, agent, _saisie(autre, qpv, unite=Unite.NOMBRE))
    assert _erreurs(erreur)["indicateur"] == ["Cet indicateur est celui d'un autre contrat."]


def test_a_correction_keeps_the_history(agent, agent_etat, contrat, qpv, taux_emploi):
    premiere = services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv))

    seconde = services.corriger_valeur(premiere, contrat, agent_etat, Decimal("46"), commentaire="Chiffre révisé")

    premiere.refresh_from_db()
    assert (premiere.courante, premiere.valeur) == (False, Decimal("47.5"))
    assert (seconde.courante, seconde.version, seconde.valeur, seconde.precedente) == (True, 2, 46, premiere)
    assert seconde.saisie_par == agent_etat
    assert [v.version for v in services.historique(premiere)] == [2, 1]
    with pytest.raises(ValidationError, match="déjà été corrigée"):
        services.corriger_valeur(premiere, contrat, agent, Decimal("45"), commentaire="Encore")


def test_a_correction_needs_a_reason(agent, contrat, qpv, taux_emploi):
    valeur = services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv))
    with pytest.raises(ValidationError) as erreur:
        services.corriger_valeur(valeur, contrat, agent, Decimal("46"), commentaire=" ")
    assert "Dites pourquoi" in _erreurs(erreur)["commentaire"][0]
    assert Valeur.objects.count() == 1


def test_the_form_shows_the_error_on_its_field_and_keeps_the_input(client, agent, contrat, qpv, taux_emploi):
    client.force_login(agent)
    reponse = client.post(
        reverse("evaluation:nouvelle_valeur", args=[contrat.code]),
        {
            "indicateur": taux_emploi.pk,
            "territoire": f"qpv:{qpv.code}",
            "annee": "2031",
            "nature": "cible",
            "valeur": "52",
            "unite": "pourcentage",
        },
    )
    assert reponse.status_code == 200
    form = reponse.context["form"]
    assert form.errors["annee"] == [
        "Une cible se fixe pour une année du contrat (2024–2030) : 2031 n'en fait pas partie."
    ]
    contenu = reponse.content.decode()
    assert "2031 n&#x27;en fait pas partie" in contenu and 'value="52"' in contenu
    assert not Valeur.objects.exists()


def test_the_form_records_a_value_and_the_history_page_shows_it(client, agent, contrat, qpv, taux_emploi):
    client.force_login(agent)
    reponse = client.post(
        reverse("evaluation:nouvelle_valeur", args=[contrat.code]),
        {
            "indicateur": taux_emploi.pk,
            "territoire": f"qpv:{qpv.code}",
            "annee": "2025",
            "nature": "realise",
            "valeur": "47.5",
            "unite": "pourcentage",
            "source": "Enquête",
            "commentaire": "Premier relevé",
        },
    )
    assert reponse.status_code == 302
    valeur = Valeur.objects.get()
    client.post(
        reverse("evaluation:corriger", args=[valeur.pk]),
        {"valeur": "48", "unite": "pourcentage", "commentaire": "Relevé corrigé"},
    )
    page = client.get(reverse("evaluation:valeur", args=[valeur.pk])).content.decode()
    assert "47,5 %" in page and "48 %" in page and "Relevé corrigé" in page and "Premier relevé" in page


def test_an_official_baseline_is_corrected_by_a_contract_covering_its_qpv(agent, contrat, qpv, taux_emploi):
    officielle = Valeur.objects.create(
        indicateur=taux_emploi,
        niveau="qpv",
        qpv=qpv,
        cle_territoire=f"qpv:{qpv.code}",
        nature=NatureValeur.LIGNE_DE_BASE,
        valeur=Decimal("40"),
        origine=Origine.IMPORT,
    )
    from evaluation.acces import valeur_corrigeable

    _, par = valeur_corrigeable(agent, officielle.pk)
    assert par == contrat
    corrigee = services.corriger_valeur(officielle, contrat, agent, Decimal("41"), commentaire="Recensement local")
    assert corrigee.origine == Origine.SAISIE and corrigee.saisie_par == agent
    # Elle reste une ligne de base officielle, publique.
    assert corrigee.contrat is None
    assert list(lignes_de_base_officielles()) == [corrigee]


def test_the_values_a_person_entered_are_in_the_export_of_her_data(agent, contrat, qpv, taux_emploi):
    from comptes.registres import donnees_personnelles
    from evaluation import rgpd

    services.saisir_valeur(contrat, agent, _saisie(taux_emploi, qpv))

    assert "valeurs_d_indicateurs_saisies" in donnees_personnelles.noms()
    (valeur,) = rgpd.valeurs_saisies(agent)
    assert (valeur["indicateur"], valeur["annee"], valeur["valeur"]) == ("Taux d'emploi", 2025, "47.5000")
