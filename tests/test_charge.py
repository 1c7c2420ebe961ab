"""Le script du test de charge (benchmarks/charge/), sans lancer la charge : chiffres calculés depuis des
statistiques de Locust, adresses des parcours qui répondent sur des données de test, sessions des comptes."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from benchmarks.charge import catalogue as adresses
from benchmarks.charge import chiffres, donnees

STATS = {
    "duree": 10.0,
    "utilisateurs": 4,
    "charge_machine_avant": 1.5,
    "charge_machine_apres": 2.25,
    "entrees": [
        # 100 requêtes : 90 à 10 ms, 6 à 200 ms, 4 à 900 ms ; une en échec.
        {"name": "visiteur · territoires/qpv", "num_requests": 50, "num_failures": 1, "response_times": {"10": 50}},
        {
            "name": "visiteur · annuaire",
            "num_requests": 20,
            "num_failures": 0,
            "response_times": {"10": 14, "200": 6},
        },
        {"name": "elu · contrats", "num_requests": 30, "num_failures": 0, "response_times": {"10": 26, "900": 4}},
    ],
}


def test_it_computes_the_totals_in_the_shape_of_bench_json():
    resultats = chiffres.calculer(STATS)

    assert resultats["charge.requetes_par_seconde"] == {"value": 10.0, "unit": "requêtes/s", "budget": 150}
    assert resultats["charge.mediane_ms"]["value"] == 10
    assert resultats["charge.p95_ms"] == {"value": 200, "unit": "ms", "budget": 300}
    assert resultats["charge.p99_ms"]["value"] == 900
    assert resultats["charge.erreurs"] == {"value": 1, "unit": "erreurs", "budget": 0}
    assert resultats["charge.machine_charge_apres"]["value"] == 2.25


def test_it_computes_each_journey_from_its_pages_together():
    resultats = chiffres.calculer(STATS)

    assert resultats["charge.visiteur.requetes"]["value"] == 70
    assert resultats["charge.visiteur.requetes_par_seconde"]["value"] == 7.0
    assert resultats["charge.visiteur.p95_ms"]["value"] == 200
    assert resultats["charge.visiteur.erreurs"]["value"] == 1
    assert resultats["charge.elu.p95_ms"]["value"] == 900
    assert resultats["charge.elu.mediane_ms"]["value"] == 10
    lignes = chiffres.tableau(resultats)
    assert [ligne.split()[0] for ligne in lignes[1:4]] == ["elu", "visiteur", "TOTAL"]


def test_a_percentile_is_the_smallest_time_covering_that_share():
    assert chiffres.centile({"5": 95, "50": 5}, 0.95) == 5
    assert chiffres.centile({"5": 94, "50": 6}, 0.95) == 50
    assert chiffres.centile({}, 0.95) == 0


def test_pages_are_named_without_their_identifiers():
    assert chiffres.page("/contrats/CN03501I/sections/12/") == "contrats/sections"
    assert chiffres.page("/territoires/autocompletion/?q=Renn") == "territoires/autocompletion"
    assert chiffres.page("/") == "accueil"


def test_the_fingerprint_changes_with_the_generator(monkeypatch, tmp_path):
    (tmp_path / "financements").mkdir()
    (tmp_path / "financements" / "generateur.py").write_text("A = 1\n")
    monkeypatch.setattr(donnees, "RACINE", tmp_path)
    avant = donnees.empreinte()
    (tmp_path / "financements" / "generateur.py").write_text("A = 2\n")

    assert donnees.empreinte() != avant


@pytest.fixture
def donnees_de_test(db, settings, tmp_path):
    """La démonstration, puis le générateur national en petit (sans le référentiel national)."""
    from financements import generateur

    settings.DONNEES_PARTAGEES = tmp_path / "absent"
    call_command("charger_demo", stdout=io.StringIO())
    genere = generateur.generer(nombre_structures=60, nombre_dossiers=40, dossiers_grande=10)
    donnees.creer_les_comptes(genere.grande.pk, agents=2, membres=3)
    return genere


def test_every_journey_address_answers_its_visitor(client, donnees_de_test):
    catalogue = adresses.catalogue(taille=3)
    sessions = adresses.sessions(sorted({*catalogue.agent, *catalogue.association, *catalogue.elu}))
    visites = [(chemin, None) for chemin in catalogue.visiteur + catalogue.recherche]
    for parcours in (catalogue.agent, catalogue.association, catalogue.elu):
        visites += [(chemin, sessions[email]) for email, chemins in parcours.items() for chemin in chemins]

    statuts = {}
    for chemin, session in visites:
        client.cookies.clear()
        if session:
            client.cookies["sessionid"] = session
        statuts[chemin] = client.get(chemin).status_code

    assert len(catalogue.agent) == 3  # deux agents du test et l'agent de la démonstration
    assert len(catalogue.association) == 3
    assert catalogue.pdf and catalogue.recherche
    # Les PDF ne sont pas encore rendus par un worker : « PDF en préparation » (202) ; le reste répond 200.
    attendus = {chemin: 202 if chemin in catalogue.pdf else 200 for chemin, _ in visites}
    assert statuts == attendus


def test_a_created_session_is_that_of_the_account(client, donnees_de_test):
    cle = adresses.sessions(["membre0@charge.coville.fr"])["membre0@charge.coville.fr"]
    client.cookies["sessionid"] = cle

    reponse = client.get(reverse("comptes:mon_espace"))

    assert reponse.status_code == 200
    assert reponse.wsgi_request.user.email == "membre0@charge.coville.fr"


def test_it_lists_the_slowest_pages_first():
    lignes = chiffres.pages_lentes(STATS, nombre=2)

    assert [ligne.rsplit("  ", 1)[1] for ligne in lignes] == ["elu · contrats", "visiteur · annuaire"]
    assert "p95    900 ms" in lignes[0]


def test_it_turns_the_servers_processor_time_into_a_capacity():
    resultats = chiffres.calculer({**STATS, "cpu": {"web": 2.0, "base": 0.5}})

    assert resultats["charge.cpu_web_ms_par_requete"]["value"] == 20.0
    assert resultats["charge.cpu_base_ms_par_requete"]["value"] == 5.0
    # 25 ms de processeur par requête : deux cœurs en servent 80 par seconde.
    assert resultats["charge.capacite_deux_coeurs"]["value"] == 80.0


def test_processor_time_counts_what_each_process_used_between_two_readings():
    from benchmarks.charge import cpu

    consomme = cpu.consomme({1: ("web", 1.0), 2: ("base", 3.0)}, {1: ("web", 1.5), 2: ("base", 3.25), 3: ("web", 1)})

    assert consomme == {"web": 1.5, "base": 0.25}
