"""L'autocomplétion des organisations (signataires, financeurs) : point d'accès JSON et champ de formulaire."""

import pytest
from django import forms
from django.urls import reverse

from comptes.recherche import champ_organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = reverse("comptes:autocompletion_organisations")


def test_it_answers_partner_organisations_by_name_without_accents_nor_case(client, agent, epci, commune, association):
    client.force_login(agent)

    reponse = client.get(URL, {"q": "RENNES metropole"})

    assert reponse.status_code == 200
    assert reponse.json()["resultats"][0] == {
        "id": epci.pk,
        "libelle": "Rennes Métropole — Intercommunalité (EPCI, EPT)",
    }


def test_it_puts_names_that_start_with_the_text_first(client, agent, epci, commune):
    client.force_login(agent)

    libelles = [r["libelle"] for r in client.get(URL, {"q": "ville de ren"}).json()["resultats"]]

    assert libelles[0] == "Ville de Rennes — Commune"


def test_it_never_suggests_structures_nor_citizen_councils(client, agent, association, conseil_citoyen):
    client.force_login(agent)

    assert client.get(URL, {"q": "Ateliers du Blosne"}).json()["resultats"] == []
    assert client.get(URL, {"q": "Conseil citoyen"}).json()["resultats"] == []


def test_it_needs_two_letters(client, agent, epci):
    client.force_login(agent)

    assert client.get(URL, {"q": "r"}).json()["resultats"] == []


def test_it_is_refused_to_anonymous_visitors(client, epci):
    reponse = client.get(URL, {"q": "Rennes"})

    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("nombre", [3, 60])
def test_it_runs_a_fixed_number_of_queries(client, agent, django_assert_num_queries, nombre):
    OrganisationFactory.create_batch(nombre, commune=True)
    client.force_login(agent)
    # 1 session, 2 utilisateur, 3 les organisations trouvées (débuts de nom, puis plus proches par les
    # trigrammes si besoin, bornés à 10).
    with django_assert_num_queries(3):
        reponse = client.get(URL, {"q": "Ville"})
    assert len(reponse.json()["resultats"]) == min(nombre, 10)


class Formulaire(forms.Form):
    organisation = champ_organisation(label="Organisation")


def test_the_field_accepts_the_chosen_identifier(epci):
    form = Formulaire(
        {"organisation_id": str(epci.pk), "organisation": "Rennes Métropole — Intercommunalité (EPCI, EPT)"}
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["organisation"] == epci


def test_the_field_finds_the_typed_name_without_javascript(epci, commune):
    form = Formulaire({"organisation": "rennes metropole"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["organisation"] == epci


def test_the_field_reads_the_text_again_when_it_was_changed_after_a_choice(epci, commune):
    form = Formulaire({"organisation_id": str(epci.pk), "organisation": "Ville de Rennes"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["organisation"] == commune


def test_the_field_says_when_a_name_is_ambiguous(db):
    OrganisationFactory(commune=True, nom="Saint-Denis")
    OrganisationFactory(epci=True, nom="Saint-Denis")
    form = Formulaire({"organisation": "Saint-Denis"})

    assert not form.is_valid()
    assert form.errors["organisation"] == [
        "Plusieurs choix portent le nom « Saint-Denis » : « Saint-Denis — Commune » ; « Saint-Denis — "
        "Intercommunalité (EPCI, EPT) ». Saisissez le libellé complet de celui que vous voulez."
    ]
    # Le libellé complet lève l'ambiguïté.
    assert Formulaire({"organisation": "Saint-Denis — Commune"}).is_valid()


def test_the_field_proposes_the_closest_names(epci, commune):
    form = Formulaire({"organisation": "Renes Metropol"})

    assert not form.is_valid()
    assert "Les plus proches : « Rennes Métropole — Intercommunalité (EPCI, EPT) »" in form.errors["organisation"][0]


def test_the_field_says_when_nothing_matches(epci):
    form = Formulaire({"organisation": "Zzyzx"})

    assert form.errors["organisation"] == [
        "Aucun choix ne correspond à « Zzyzx » : vérifiez l'orthographe, ou saisissez un autre nom."
    ]


def test_the_field_gives_back_what_was_typed(epci):
    html = str(Formulaire({"organisation": "Zzyzx"})["organisation"])

    assert 'value="Zzyzx"' in html
    assert 'data-autocompletion="/organisations/autocompletion/"' in html
    assert 'name="organisation_id"' in html


def test_the_field_shows_the_name_of_the_initial_choice(epci):
    html = str(Formulaire(initial={"organisation": epci})["organisation"])

    assert 'value="Rennes Métropole — Intercommunalité (EPCI, EPT)"' in html
    assert f'name="organisation_id" value="{epci.pk}"' in html
