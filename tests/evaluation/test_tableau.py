"""Le tableau de bord d'un contrat (evaluation/tableau.py) : contenu exact sur un petit jeu, tendance selon le
sens de l'indicateur, tableau de données à côté de chaque graphique, accès, filtres, nombre de requêtes."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from contrats.models import NiveauOrientation, Orientation, StatutContrat
from evaluation.models import Agregation, Indicateur, NatureValeur, Origine, Sens, TypeBilan, Unite, Valeur
from evaluation.services import valeurs as services
from evaluation.services.valeurs import Saisie, Territoire
from evaluation.tableau import Tendance, tendance, tendances
from tests.contrats.factories import CommuneFactory, QpvFactory
from tests.evaluation.bilans_publies import publier_bilan

pytestmark = pytest.mark.django_db

BASE, CIBLE, REALISE = NatureValeur.LIGNE_DE_BASE, NatureValeur.CIBLE, NatureValeur.REALISE


def _indicateur(contrat, code: str, sens: str, unite: str = Unite.POURCENTAGE, agregation=Agregation.AUCUNE):
    return Indicateur.objects.create(
        contrat=contrat,
        code=code,
        nom=code.replace("_", " ").capitalize(),
        unite=unite,
        sens=sens,
        agregation=agregation,
    )


def _officielle(indicateur, qpv, valeur) -> Valeur:
    """Une ligne de base officielle (import, sans contrat) : publique."""
    return Valeur.objects.create(
        indicateur=indicateur,
        niveau="qpv",
        qpv=qpv,
        cle_territoire=f"qpv:{qpv.code}",
        nature=BASE,
        valeur=Decimal(valeur),
        origine=Origine.IMPORT,
    )


def _saisir(contrat, agent, indicateur, qpv, annee, nature, valeur) -> Valeur:
    territoire = Territoire("qpv", qpv_id=qpv.code) if qpv else Territoire("contrat")
    return services.saisir_valeur(
        contrat, agent, Saisie(indicateur, territoire, annee, nature, Decimal(valeur), unite=indicateur.unite)
    )


@pytest.fixture
def jeu(contrat, agent):
    """Deux QPV : l'emploi (plus haut, c'est mieux) monte dans le premier ; la pauvreté (plus bas, c'est mieux)
    monte dans le second ; les habitants accompagnés (effectif) se somment sur le contrat entier."""
    premier, second = contrat.qpv.order_by("nom")
    emploi = _indicateur(contrat, "taux_emploi_local", Sens.HAUSSE)
    pauvrete = _indicateur(contrat, "taux_pauvrete_local", Sens.BAISSE)
    accompagnes = _indicateur(contrat, "accompagnes", Sens.HAUSSE, Unite.NOMBRE, Agregation.SOMME)
    _officielle(emploi, premier, "40")
    _saisir(contrat, agent, emploi, premier, 2024, REALISE, "42")
    _saisir(contrat, agent, emploi, premier, 2025, REALISE, "45.5")
    _saisir(contrat, agent, emploi, premier, 2028, CIBLE, "50")
    _officielle(pauvrete, second, "30")
    _saisir(contrat, agent, pauvrete, second, 2025, REALISE, "33")
    for qpv, valeurs in ((premier, ("10", "12")), (second, ("5", "4"))):
        _officielle(accompagnes, qpv, "8" if qpv == premier else "6")
        for annee, valeur in zip((2024, 2025), valeurs, strict=True):
            _saisir(contrat, agent, accompagnes, qpv, annee, REALISE, valeur)
    return {"premier": premier, "second": second, "emploi": emploi, "pauvrete": pauvrete, "accompagnes": accompagnes}


def _url(contrat, **parametres) -> str:
    requete = "&".join(f"{cle}={valeur}" for cle, valeur in parametres.items())
    return reverse("evaluation:tableau", args=[contrat.code]) + (f"?{requete}" if requete else "")


def _lignes(reponse, indicateur) -> dict[str, object]:
    (graphique,) = [g for g in reponse.context["graphiques"] if g.indicateur == indicateur]
    return {ligne.code: ligne for ligne in graphique.lignes}


@pytest.mark.parametrize(
    ("sens", "reference", "derniere", "attendue"),
    [
        (Sens.HAUSSE, "40", "45", Tendance.AMELIORATION),
        (Sens.HAUSSE, "40", "35", Tendance.DEGRADATION),
        (Sens.BAISSE, "30", "33", Tendance.DEGRADATION),
        (Sens.BAISSE, "30", "25", Tendance.AMELIORATION),
        (Sens.NEUTRE, "30", "33", Tendance.HAUSSE),
        (Sens.HAUSSE, "30", "30", Tendance.STABLE),
        (Sens.HAUSSE, None, "30", Tendance.INCONNUE),
    ],
)
def test_the_trend_reads_the_gap_in_the_direction_of_the_indicator(sens, reference, derniere, attendue):
    assert tendance(sens, reference and Decimal(reference), Decimal(derniere)) == attendue


def test_an_associate_sees_baseline_yearly_values_target_and_trend(client, agent, contrat, jeu):
    client.force_login(agent)
    reponse = client.get(_url(contrat))

    assert reponse.context["tableau"].annees == [2024, 2025, 2026, 2027, 2028]
    emploi = _lignes(reponse, jeu["emploi"])[jeu["premier"].code]
    assert (emploi.ligne_de_base, emploi.realises, emploi.cible, emploi.annee_cible) == (
        Decimal("40"),
        {2024: Decimal("42"), 2025: Decimal("45.5")},
        Decimal("50"),
        2028,
    )
    assert emploi.tendance == Tendance.AMELIORATION
    assert _lignes(reponse, jeu["pauvrete"])[jeu["second"].code].tendance == Tendance.DEGRADATION
    # Un effectif se somme sur le contrat entier ; un taux, non.
    contrat_entier = _lignes(reponse, jeu["accompagnes"])["contrat"]
    assert (contrat_entier.ligne_de_base, contrat_entier.realises) == (
        Decimal("14"),
        {2024: Decimal("15"), 2025: Decimal("16")},
    )
    assert _lignes(reponse, jeu["emploi"])["contrat"].derniere == (None, None)
    section = reponse.content.decode().split(f'id="indicateur-{jeu["emploi"].pk}"')[1].split("</section>")[0]
    ligne = re.search(
        rf"<th scope=\"row\">{jeu['premier'].nom} \({jeu['premier'].code}\)</th>(.*?)</tr>", section, re.S
    )
    cellules = re.findall(r"<td[^>]*>(.*?)</td>", ligne.group(1))
    assert cellules == ["40 %", "42 %", "45,5 %", "—", "—", "—", "50 % (2028)", "45,5 % (2025)", "s&#x27;améliore"]


def test_every_chart_has_its_summary_and_data_table_beside_it(client, agent, contrat, jeu):
    client.force_login(agent)
    contenu = client.get(_url(contrat)).content.decode()

    morceaux = re.findall(r'<figure class="graphique">|<div class="fr-table graphique-donnees">', contenu)
    assert morceaux == ['<figure class="graphique">', '<div class="fr-table graphique-donnees">'] * 3
    assert contenu.count("<figcaption>") == 3
    assert "<script" not in contenu.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Taux emploi local (pourcentage (%)) : les données du graphique" in contenu
    assert (
        "Taux emploi local (plus haut, c&#x27;est mieux), de la ligne de base à la cible, pour 3 territoires. "
        "Tendance : non calculable (2), s&#x27;améliore (1)."
    ) in contenu


def test_others_see_only_the_official_baselines_of_a_signed_contract_without_published_review(
    client, exterieur, contrat, jeu
):
    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    for personne in (None, exterieur):
        if personne:
            client.force_login(personne)
        reponse = client.get(_url(contrat))
        emploi = _lignes(reponse, jeu["emploi"])[jeu["premier"].code]
        assert (emploi.ligne_de_base, emploi.realises, emploi.cible) == (Decimal("40"), {}, None)
        assert "Vous voyez les valeurs publiques" in reponse.content.decode()


def test_others_see_the_values_of_a_published_review_up_to_its_year(client, exterieur, agent, contrat, jeu):
    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    publier_bilan(contrat, agent, TypeBilan.ANNUEL, 2024)
    client.force_login(exterieur)

    reponse = client.get(_url(contrat))

    emploi = _lignes(reponse, jeu["emploi"])[jeu["premier"].code]
    # 2024 est couverte par le bilan publié, 2025 pas encore ; la cible l'est dès le premier bilan publié.
    assert (emploi.ligne_de_base, emploi.realises, emploi.cible) == (Decimal("40"), {2024: 42}, Decimal("50"))
    assert _lignes(reponse, jeu["pauvrete"])[jeu["second"].code].realises == {}
    # Le contrat entier d'un effectif : la somme des valeurs publiques de ses QPV.
    assert _lignes(reponse, jeu["accompagnes"])["contrat"].realises == {2024: 15}


def test_the_dashboard_of_an_unsigned_contract_is_hidden_from_others(client, exterieur, elu, contrat, jeu):
    assert client.get(_url(contrat)).status_code == 404
    client.force_login(exterieur)
    assert client.get(_url(contrat)).status_code == 404
    client.force_login(elu)
    reponse = client.get(_url(contrat))
    assert reponse.status_code == 200
    assert _lignes(reponse, jeu["emploi"])[jeu["premier"].code].realises == {2024: 42, 2025: Decimal("45.5")}


def test_a_correction_shows_at_once(client, agent, contrat, jeu):
    client.force_login(agent)
    client.get(_url(contrat))
    valeur = Valeur.objects.get(indicateur=jeu["emploi"], annee=2025, nature=REALISE)
    services.corriger_valeur(valeur, contrat, agent, Decimal("38"), False, Unite.POURCENTAGE, "", "Erreur", False)
    emploi = _lignes(client.get(_url(contrat)), jeu["emploi"])[jeu["premier"].code]
    assert emploi.realises[2025] == Decimal("38") and emploi.tendance == Tendance.DEGRADATION


def test_filters_by_indicator_orientation_and_neighbourhood(client, agent, contrat, jeu):
    client.force_login(agent)
    reponse = client.get(_url(contrat, indicateur=jeu["pauvrete"].pk))
    assert [g.indicateur for g in reponse.context["graphiques"]] == [jeu["pauvrete"]]

    orientation = Orientation.objects.create(contrat=contrat, niveau=NiveauOrientation.ORIENTATION, titre="Emploi")
    objectif = Orientation.objects.create(
        contrat=contrat, niveau=NiveauOrientation.OBJECTIF, titre="Accès à l'emploi", parent=orientation
    )
    jeu["emploi"].orientations.add(objectif)
    reponse = client.get(_url(contrat, orientation=orientation.pk))
    assert [g.indicateur for g in reponse.context["graphiques"]] == [jeu["emploi"]]

    reponse = client.get(_url(contrat, qpv=jeu["second"].code))
    assert {tuple(ligne.code for ligne in g.lignes) for g in reponse.context["graphiques"]} == {(jeu["second"].code,)}

    reponse = client.get(_url(contrat, qpv="QN99999Z"))
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert len(reponse.context["graphiques"]) == 3


def test_the_dashboard_runs_a_fixed_number_of_queries(client, agent, contrat, jeu, django_assert_num_queries):
    client.force_login(agent)
    url = _url(contrat)
    client.get(url)
    # session, utilisateur, adhésions (contexte d'accès) ; contrat ; signataires (profil) ; indicateurs ;
    # QPV du contrat ; valeurs agrégées des QPV affichés et du contrat entier ; somme des QPV pour le contrat
    # entier (effectifs) ; choix des filtres : indicateurs, orientations, QPV
    with django_assert_num_queries(12):
        client.get(url)
    for rang in range(4):
        QpvFactory(epci=contrat.epci)
        contrat.qpv.add(QpvFactory(epci=contrat.epci))
        indicateur = _indicateur(contrat, f"autre_{rang}", Sens.BAISSE)
        for qpv in contrat.qpv.all():
            for annee in range(2024, 2031):
                _saisir(contrat, agent, indicateur, qpv, annee, REALISE, str(rang + annee - 2000))
    with django_assert_num_queries(12):
        reponse = client.get(url)
    assert len(reponse.context["graphiques"]) == 7 and reponse.context["tableau"].annees[-1] == 2030


def test_territories_are_paginated(client, agent, contrat, jeu, monkeypatch):
    monkeypatch.setattr("evaluation.views.tableau.TERRITOIRES_PAR_PAGE", 2)
    client.force_login(agent)
    premiere = client.get(_url(contrat))
    seconde = client.get(_url(contrat, page=2))
    assert [ligne.code for ligne in premiere.context["graphiques"][0].lignes] == ["contrat", jeu["premier"].code]
    assert [ligne.code for ligne in seconde.context["graphiques"][0].lignes] == [jeu["second"].code]
    assert "Page suivante" in premiere.content.decode()


def test_trends_of_the_whole_contract_are_reusable(contrat, jeu, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        lignes = {ligne.indicateur.code: ligne for ligne in tendances(contrat)}
    accompagnes = lignes["accompagnes"]
    assert (accompagnes.ligne_de_base, accompagnes.derniere, accompagnes.tendance) == (
        Decimal("14"),
        (2025, Decimal("16")),
        Tendance.AMELIORATION,
    )
    assert lignes["taux_emploi_local"].tendance == Tendance.INCONNUE  # un taux ne se somme pas entre QPV


def test_the_dashboard_is_linked_from_the_contract_and_its_indicators(client, agent, contrat, jeu):
    url = _url(contrat)
    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    assert url in client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    client.force_login(agent)
    assert url in client.get(reverse("evaluation:contrat", args=[contrat.code])).content.decode()


def test_a_neighbourhood_over_several_communes_combines_its_parts_like_the_national_distribution(
    client, agent, contrat, territoire, jeu
):
    premier, second = jeu["premier"], jeu["second"]
    Valeur.objects.filter(contrat=None).delete()
    communes = [territoire["commune"], CommuneFactory(code="35051", nom="Bruz", epci=territoire["epci"])]

    def parties(indicateur, qpv, valeurs):
        for commune, valeur in zip(communes, valeurs, strict=True):
            Valeur.objects.create(
                indicateur=indicateur,
                niveau="qpv",
                qpv=qpv,
                commune=commune,
                nature=BASE,
                valeur=Decimal(valeur),
                cle_territoire=f"qpv:{qpv.code}|commune:{commune.code}",
                origine=Origine.IMPORT,
            )

    parties(jeu["emploi"], premier, ["40", "40"])  # le chiffre du quartier entier, répété : gardé
    parties(jeu["emploi"], second, ["40", "50"])  # un taux ne se combine pas
    parties(jeu["accompagnes"], premier, ["3", "5"])  # un effectif se somme
    client.force_login(agent)
    reponse = client.get(_url(contrat))
    emploi = _lignes(reponse, jeu["emploi"])
    assert (emploi[premier.code].ligne_de_base, emploi[second.code].ligne_de_base) == (Decimal("40"), None)
    assert _lignes(reponse, jeu["accompagnes"])[premier.code].ligne_de_base == Decimal("8")


def test_the_public_dashboard_runs_a_fixed_number_of_queries(client, agent, contrat, jeu, django_assert_num_queries):
    contrat.statut = StatutContrat.SIGNE
    contrat.save(update_fields=["statut"])
    publier_bilan(contrat, agent, TypeBilan.ANNUEL, 2025)
    url = _url(contrat)
    client.get(url)
    # contrat ; indicateurs ; QPV du contrat ; valeurs publiques des QPV affichés et du contrat entier ; somme des
    # QPV (effectifs) ; choix des filtres : indicateurs, orientations, QPV
    with django_assert_num_queries(8):
        client.get(url)
    for _ in range(3):
        qpv = QpvFactory(epci=contrat.epci)
        contrat.qpv.add(qpv)
        _officielle(jeu["accompagnes"], qpv, "3")
    with django_assert_num_queries(8):
        reponse = client.get(url)
    assert _lignes(reponse, jeu["accompagnes"])["contrat"].ligne_de_base == Decimal("23")
