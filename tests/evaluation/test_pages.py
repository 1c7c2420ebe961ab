"""Les pages de l'évaluation : catalogue, indicateur, indicateurs d'un contrat (nombre fixe de requêtes),
indicateurs locaux, liaison des valeurs des comptes-rendus, exports CSV, bloc du contrat."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import Indicateur, LiaisonCompteRendu, NatureValeur, Origine, Unite, Valeur
from evaluation.services import valeurs as services
from evaluation.services.valeurs import Saisie, Territoire
from financements.models import CompteRendu, IndicateurCompteRendu

pytestmark = pytest.mark.django_db


def _remplir(contrat, agent, indicateur, nombre: int) -> None:
    """`nombre` années de valeurs réalisées et de cibles sur chaque QPV du contrat."""
    for qpv in contrat.qpv.all():
        for annee in range(2024, 2024 + nombre):
            for nature in (NatureValeur.REALISE, NatureValeur.CIBLE):
                if Valeur.objects.filter(qpv=qpv, annee=annee, nature=nature).exists():
                    continue
                services.saisir_valeur(
                    contrat,
                    agent,
                    Saisie(
                        indicateur,
                        Territoire("qpv", qpv_id=qpv.code),
                        annee,
                        nature,
                        Decimal("45"),
                        unite=Unite.POURCENTAGE,
                    ),
                )


def _csv(reponse) -> list[dict]:
    texte = b"".join(reponse.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(texte)))


def test_the_catalogue_lists_national_indicators_and_filters(client, nationaux):
    contenu = client.get(reverse("evaluation:catalogue")).content.decode()
    assert "Taux d&#x27;emploi" in contenu and "10 indicateurs" in contenu
    filtre = client.get(reverse("evaluation:catalogue") + "?unite=pourcentage").content.decode()
    assert "3 indicateurs" in filtre


def test_the_catalogue_hides_local_indicators_of_unsigned_contracts(client, contrat, nationaux):
    Indicateur.objects.create(contrat=contrat, code="jeunes", nom="Jeunes accompagnés", unite=Unite.NOMBRE)
    assert "Jeunes accompagnés" not in client.get(reverse("evaluation:catalogue")).content.decode()


def test_the_indicator_page_shows_its_definition(client, nationaux):
    contenu = client.get(reverse("evaluation:indicateur", args=[nationaux["taux_pauvrete_60"].pk])).content.decode()
    assert "Plus bas, c&#x27;est mieux" in contenu and "de 0 à 100 %" in contenu


def test_an_agent_creates_and_edits_a_local_indicator_linked_to_the_contract(client, agent, contrat, priorite):
    client.force_login(agent)
    reponse = client.post(
        reverse("evaluation:nouvel_indicateur", args=[contrat.code]),
        {
            "code": "jeunes-accompagnes",
            "nom": "Jeunes accompagnés",
            "unite": "nombre",
            "sens": "hausse",
            "agregation": "somme",
            "frequence": "annuelle",
            "plage_min": "0",
            "orientations": [priorite.pk],
        },
    )
    indicateur = Indicateur.objects.get(contrat=contrat)
    assert reponse.status_code == 302 and list(indicateur.orientations.all()) == [priorite]
    client.post(
        reverse("evaluation:modifier_indicateur", args=[indicateur.pk]),
        {
            "code": "jeunes-accompagnes",
            "nom": "Jeunes accompagnés vers l'emploi",
            "unite": "nombre",
            "sens": "hausse",
            "agregation": "somme",
            "frequence": "annuelle",
            "plage_min": "10",
            "plage_max": "5",
        },
    )
    indicateur.refresh_from_db()
    assert indicateur.nom == "Jeunes accompagnés"  # refusé : la plage est incohérente


def test_a_local_indicator_code_must_be_unique_in_the_contract(client, agent, contrat, nationaux):
    client.force_login(agent)
    reponse = client.post(
        reverse("evaluation:nouvel_indicateur", args=[contrat.code]),
        {
            "code": "taux_emploi",
            "nom": "Emploi",
            "unite": "pourcentage",
            "sens": "hausse",
            "agregation": "aucune",
            "frequence": "annuelle",
        },
    )
    assert "est le code d'un indicateur national" in reponse.context["form"].errors["code"][0]
    assert not Indicateur.objects.filter(contrat=contrat).exists()


def test_the_contract_page_runs_a_fixed_number_of_queries(
    client, agent, contrat, territoire, nationaux, django_assert_num_queries
):
    client.force_login(agent)
    url = reverse("evaluation:contrat", args=[contrat.code])
    _remplir(contrat, agent, nationaux["taux_emploi"], 1)
    # session, utilisateur, contrat ; signataires et adhésions (profil) ; codes des QPV du contrat ;
    # indicateurs ; valeurs des comptes-rendus ; nombre et page des valeurs ; indicateurs (choix du filtre)
    with django_assert_num_queries(11):
        client.get(url)
    _remplir(contrat, agent, nationaux["taux_emploi"], 5)
    with django_assert_num_queries(11):
        reponse = client.get(url)
    assert "20 valeurs courantes" in reponse.content.decode()


def test_report_values_are_linked_counted_and_attributed_to_their_convention(client, agent, contrat, decide, nationaux):
    convention = decide.conventions.first()
    for annee, valeur in ((2027, 40), (2028, 45)):
        compte_rendu = CompteRendu.objects.create(convention=convention, annee=annee, statut="depose")
        IndicateurCompteRendu.objects.create(compte_rendu=compte_rendu, libelle="Personnes couvertes", valeur=valeur)
    brouillon = CompteRendu.objects.create(convention=convention, annee=2029)
    IndicateurCompteRendu.objects.create(compte_rendu=brouillon, libelle="En préparation", valeur=1)
    client.force_login(agent)
    url = reverse("evaluation:contrat", args=[contrat.code])
    for valeur_cr in IndicateurCompteRendu.objects.filter(compte_rendu__statut="depose"):
        client.post(
            reverse("evaluation:relier", args=[contrat.code, valeur_cr.pk]),
            {"indicateur": nationaux["personnes_couvertes_caf"].pk},
        )

    assert LiaisonCompteRendu.objects.count() == 2
    contenu = client.get(url).content.decode()
    assert "Personnes couvertes par la CAF : 2 valeurs de comptes-rendus" in contenu
    assert "2027 : 40 ; 2028 : 45" in contenu and ">85<" in contenu
    assert "En préparation" not in contenu
    # Une valeur de compte-rendu en préparation n'est pas reliable (404).
    refus = client.post(reverse("evaluation:relier", args=[contrat.code, brouillon.indicateurs.get().pk]), {})
    assert refus.status_code == 404


def test_the_contract_csv_has_one_row_per_indicator_territory_year_and_kind(client, agent, contrat, nationaux):
    _remplir(contrat, agent, nationaux["taux_emploi"], 2)
    client.force_login(agent)
    lignes = _csv(client.get(reverse("evaluation:valeurs_csv", args=[contrat.code])))
    assert len(lignes) == 8
    assert {(ligne["annee"], ligne["nature"]) for ligne in lignes} == {
        ("2024", "Réalisé"),
        ("2024", "Cible"),
        ("2025", "Réalisé"),
        ("2025", "Cible"),
    }
    assert lignes[0]["valeur"] == "45" and lignes[0]["unite"] == "Pourcentage (%)"


def test_the_official_baselines_csv_is_public(client, territoire, nationaux):
    qpv = territoire["qpv"][0]
    Valeur.objects.create(
        indicateur=nationaux["taux_emploi"],
        niveau="qpv",
        qpv=qpv,
        cle_territoire=f"qpv:{qpv.code}",
        nature=NatureValeur.LIGNE_DE_BASE,
        valeur=None,
        non_diffusee=True,
        origine=Origine.IMPORT,
    )
    (ligne,) = _csv(client.get(reverse("evaluation:lignes_de_base_csv")))
    assert (ligne["territoire_code"], ligne["annee"], ligne["valeur"], ligne["statut"]) == (
        qpv.code,
        "non précisé",
        "",
        "non diffusé",
    )


def test_the_contract_page_links_to_its_indicators_for_its_associates_only(
    client, agent, elu, membre_structure, contrat
):
    url = reverse("contrats:contrat", args=[contrat.code])
    client.force_login(elu)
    assert "Indicateurs et évaluation" in client.get(url).content.decode()
    client.force_login(membre_structure)
    assert "Indicateurs et évaluation" not in client.get(url).content.decode()


def test_the_catalogue_runs_a_fixed_number_of_queries(client, contrat, nationaux, django_assert_num_queries):
    url = reverse("evaluation:catalogue")
    client.get(url)
    # nombre, page des indicateurs (et leur contrat)
    with django_assert_num_queries(2):
        client.get(url)
    contrat.statut = "signe"
    contrat.save(update_fields=["statut"])
    for rang in range(30):
        Indicateur.objects.create(contrat=contrat, code=f"local-{rang}", nom=f"Local {rang}", unite=Unite.NOMBRE)
    with django_assert_num_queries(2):
        reponse = client.get(url)
    assert "40 indicateurs" in reponse.content.decode()
