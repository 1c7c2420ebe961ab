"""Les lignes du budget ajoutées et retirées une à une, sans JavaScript : les boutons « Ajouter une ligne » et
« Retirer » renvoient la page avec la saisie, sans rien enregistrer (avec JavaScript : tests/e2e/test_dossier.py)."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from financements.forms import MAXIMUM_LIGNES_BUDGET
from financements.models import LigneBudget
from financements.services import dossiers as services


@pytest.fixture
def url(brouillon):
    return reverse("financements:budget_dossier", args=[brouillon.pk])


def _saisie(epci, *lignes: tuple[str, str, str, str]) -> dict[str, str]:
    donnees = {
        "lignes-TOTAL_FORMS": str(len(lignes)),
        "lignes-INITIAL_FORMS": "0",
        f"plan-financeur_{epci.pk}": "4000",
        "plan-fonds_propres": "1000,50",
    }
    for index, (compte, libelle, montant, financeur) in enumerate(lignes):
        donnees |= {
            f"lignes-{index}-compte": compte,
            f"lignes-{index}-libelle": libelle,
            f"lignes-{index}-montant": montant,
            f"lignes-{index}-financeur": financeur,
        }
    return donnees


def _valeurs(page: str, champ: str) -> list[str]:
    """Les valeurs des champs `lignes-N-<champ>` de la page, dans l'ordre des lignes (hors modèle de ligne)."""
    page = page.split("<template", 1)[0]
    return re.findall(rf'name="lignes-\d+-{champ}"[^>]*value="([^"]*)"', page)


def test_it_adds_an_empty_line_keeping_what_was_typed_and_saving_nothing(
    client, membre_structure, brouillon, epci, url
):
    client.force_login(membre_structure)
    donnees = _saisie(epci, ("64", "Animatrice", "5000", ""), ("74", "Métropole", "mille", str(epci.pk)))

    reponse = client.post(url, {**donnees, "ajouter_ligne": "1"})

    page = unescape(reponse.content.decode())
    assert reponse.status_code == 200
    assert 'name="lignes-TOTAL_FORMS" value="3"' in page
    assert _valeurs(page, "libelle") == ["Animatrice", "Métropole"]  # la troisième ligne est vide
    assert 'name="lignes-2-compte"' in page
    assert 'value="mille"' in page  # gardé tel quel, sans erreur tant qu'on n'enregistre pas
    assert "Saisissez un montant" not in page
    assert 'value="1000,50"' in page  # le plan de financement aussi
    assert "Ligne 3 ajoutée" in page
    assert not LigneBudget.objects.filter(dossier=brouillon).exists()
    assert not brouillon.financements.exists()


def test_it_removes_the_chosen_line_and_renumbers_the_others(client, membre_structure, brouillon, epci, url):
    client.force_login(membre_structure)
    donnees = _saisie(
        epci,
        ("64", "Animatrice", "5000", ""),
        ("60", "Graines", "300", ""),
        ("74", "Métropole", "4000", str(epci.pk)),
    )

    reponse = client.post(url, {**donnees, "retirer_ligne": "1"})

    page = unescape(reponse.content.decode())
    assert reponse.status_code == 200
    assert 'name="lignes-TOTAL_FORMS" value="2"' in page
    assert _valeurs(page, "libelle") == ["Animatrice", "Métropole"]
    assert re.search(rf'<option value="{epci.pk}" selected>', page.split("<template", 1)[0])
    assert "Ligne 2 retirée" in page
    assert re.findall(r'name="retirer_ligne"\s+value="(\d+)"', page) == ["0", "1"]
    assert not LigneBudget.objects.filter(dossier=brouillon).exists()

    # Puis « Enregistrer le budget » enregistre les lignes restantes, et elles seules.
    reponse = client.post(
        url, {**_saisie(epci, ("64", "Animatrice", "5000", ""), ("74", "Métropole", "4000", str(epci.pk)))}
    )
    assert reponse.status_code == 302
    assert sorted(LigneBudget.objects.filter(dossier=brouillon).values_list("libelle", "montant")) == [
        ("Animatrice", Decimal("5000")),
        ("Métropole", Decimal("4000")),
    ]


def test_a_saved_line_removed_then_saved_leaves_the_budget(client, membre_structure, brouillon, epci, url):
    client.force_login(membre_structure)
    client.post(url, _saisie(epci, ("64", "Animatrice", "5000", ""), ("60", "Graines", "300", "")))
    assert LigneBudget.objects.filter(dossier=brouillon).count() == 2

    page = unescape(client.get(url).content.decode())
    # Un budget déjà commencé n'a qu'une ligne vide en plus, « Ajouter une ligne » en donne d'autres.
    assert 'name="lignes-TOTAL_FORMS" value="3"' in page
    assert "Retirer la ligne" in re.sub(r"<[^>]+>", "", page)

    retrait = unescape(
        client.post(
            url, {**_saisie(epci, ("64", "Animatrice", "5000", ""), ("60", "Graines", "300", "")), "retirer_ligne": "0"}
        ).content.decode()
    )
    assert _valeurs(retrait, "libelle") == ["Graines"]
    assert LigneBudget.objects.filter(dossier=brouillon).count() == 2  # rien d'enregistré au retrait
    client.post(url, _saisie(epci, ("60", "Graines", "300", "")))
    assert list(LigneBudget.objects.filter(dossier=brouillon).values_list("libelle", flat=True)) == ["Graines"]


def test_it_refuses_to_add_beyond_the_maximum_in_french(client, membre_structure, brouillon, epci, url):
    client.force_login(membre_structure)
    lignes = [("60", f"Achat {n}", "10", "") for n in range(MAXIMUM_LIGNES_BUDGET)]

    reponse = client.post(url, {**_saisie(epci, *lignes), "ajouter_ligne": "1"})

    page = unescape(reponse.content.decode())
    assert f"Un budget compte {MAXIMUM_LIGNES_BUDGET} lignes au plus : aucune ligne n'est ajoutée." in page
    assert f'name="lignes-TOTAL_FORMS" value="{MAXIMUM_LIGNES_BUDGET}"' in page


def test_a_stale_remove_button_removes_nothing_and_says_so(client, membre_structure, brouillon, epci, url):
    client.force_login(membre_structure)
    donnees = _saisie(epci, ("64", "Animatrice", "5000", ""))

    for valeur in ("7", "abc"):
        page = unescape(client.post(url, {**donnees, "retirer_ligne": valeur}).content.decode())
        assert "Cette ligne n'existe plus : aucune ligne n'est retirée." in page
        assert _valeurs(page, "libelle") == ["Animatrice"]


def test_only_the_carrier_adds_or_removes_lines(
    client, agent, membre_structure, membre_co_porteur, autre_structure, brouillon, epci, url
):
    services.inviter_co_porteur(brouillon, membre_structure, autre_structure)
    donnees = {**_saisie(epci, ("64", "Animatrice", "5000", "")), "ajouter_ligne": "1"}
    # Un brouillon est invisible aux instructeurs ; un co-porteur le lit sans en modifier le budget.
    client.force_login(agent)
    assert client.post(url, donnees).status_code == 404
    client.force_login(membre_co_porteur)
    assert client.post(url, donnees).status_code == 403


def test_saving_with_errors_keeps_every_line_and_says_why_in_french(client, membre_structure, brouillon, epci, url):
    client.force_login(membre_structure)

    reponse = client.post(url, _saisie(epci, ("64", "Animatrice", "-5", ""), ("", "", "300", "")))

    page = unescape(reponse.content.decode())
    assert reponse.status_code == 400
    assert "Un montant ne peut pas être négatif." in page
    assert "Choisissez le compte de cette ligne." in page
    assert _valeurs(page, "montant") == ["-5", "300"]
    assert not LigneBudget.objects.filter(dossier=brouillon).exists()


def test_the_page_loads_the_budget_script_with_the_csp_nonce(client, membre_structure, url):
    client.force_login(membre_structure)
    reponse = client.get(url)
    nonce = re.search(r"'nonce-([^']+)'", reponse["Content-Security-Policy"]).group(1)
    assert re.search(rf'<script src="[^"]*financements/budget\.js" nonce="{nonce}"', reponse.content.decode())


def test_a_forged_line_count_is_bounded():
    # Un nombre de lignes forgé (dix millions) ne fait pas construire dix millions de lignes vides : au plus ce
    # qu'un jeu de formulaires de Django accepte.
    from django.forms.formsets import DEFAULT_MAX_NUM
    from django.http import QueryDict

    from financements.forms_comptes_rendus import reindexer

    donnees = reindexer(QueryDict("lignes-TOTAL_FORMS=10000000"), "lignes", ("compte",), retirer=0)

    assert donnees["lignes-TOTAL_FORMS"] == str(DEFAULT_MAX_NUM - 1)
