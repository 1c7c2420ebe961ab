"""La liste nationale des appels à projets ouverts (publique) : ce qu'elle montre, ses filtres, une saisie
invalide, son nombre de requêtes fixe."""

from datetime import timedelta
from decimal import Decimal
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acteurs_ess.choix import Pilier
from financements.models import AppelAProjets, FinanceurAppel
from financements.services import appels as services_appels

URL = "/contrats/appels-a-projets/ouverts/"


def _page(client, **filtres):
    reponse = client.get(URL, filtres)
    return reponse, unescape(reponse.content.decode())


def _autres_appels(appel, nombre: int, financeur):
    aujourd_hui = timezone.localdate()
    for i in range(nombre):
        autre = AppelAProjets.objects.create(
            contrat=appel.contrat,
            titre=f"Appel supplémentaire {i}",
            annee=2027,
            ouverture=aujourd_hui,
            cloture=aujourd_hui + timedelta(days=30 + i),
            publie_le=timezone.now(),
            cree_par=appel.cree_par,
        )
        autre.priorites.set(appel.priorites.all())
        FinanceurAppel.objects.create(appel=autre, organisation=financeur, enveloppe=Decimal("1000"))


def test_it_is_public_and_linked_from_home_and_directory(client, appel):
    assert reverse("financements:appels_ouverts") == URL
    reponse, contenu = _page(client)
    assert reponse.status_code == 200
    assert "Appel à projets 2027" in contenu
    assert URL in client.get("/").content.decode()
    assert URL in client.get(reverse("acteurs_ess:annuaire")).content.decode()


def test_it_leaves_out_closed_and_unpublished_calls(client, appel, agent):
    services_appels.clore_appel(appel, agent, "Enveloppe épuisée")
    _, contenu = _page(client)
    assert "Appel à projets 2027" not in contenu
    assert "Aucun appel à projets ouvert" in contenu


def test_it_filters_by_qpv_territory_theme_funder_and_closing(client, appel, territoire, prefecture, priorite):
    qpv = territoire["qpv"][0]
    # Un appel qui ne nomme aucun QPV vaut pour ceux de son contrat : trouvé une fois aussi.
    appel.contrat.qpv.set(territoire["qpv"])
    priorite.piliers = [Pilier.DEVELOPPEMENT_ECONOMIQUE]
    priorite.save(update_fields=["piliers"])
    cloture = appel.cloture
    trouve = {
        "qpv": qpv.code,
        "epci": territoire["epci"].nom[:5],
        "theme": Pilier.DEVELOPPEMENT_ECONOMIQUE,
        "priorite": "emploi",
        "financeur": prefecture.nom[:6].upper(),
        "cloture_avant": cloture.isoformat(),
        "cloture_apres": cloture.isoformat(),
    }
    for cle, valeur in trouve.items():
        _, contenu = _page(client, **{cle: valeur})
        # Une seule ligne pour l'appel, quel que soit le nombre de ses QPV, priorités ou financeurs.
        assert contenu.count("Appel à projets 2027</a>") == 1, cle
        assert "Appels à projets ouverts ou à venir (1)" in contenu, cle
    absent = {
        "qpv": "QN000000",
        "theme": Pilier.CADRE_DE_VIE,
        "financeur": "Personne de connu",
        "cloture_avant": (cloture - timedelta(days=1)).isoformat(),
        "commune": "Nulle-Part",
    }
    for cle, valeur in absent.items():
        _, contenu = _page(client, **{cle: valeur})
        assert "Appel à projets 2027" not in contenu, cle


def test_a_call_naming_no_qpv_is_found_once_for_each_qpv_of_its_contract(client, appel, territoire, epci):
    appel.contrat.qpv.set(territoire["qpv"])
    _autres_appels(appel, 1, epci)
    _, contenu = _page(client, qpv=territoire["qpv"][1].code)
    assert contenu.count("Appel supplémentaire 0</a>") == 1
    assert contenu.count("Appel à projets 2027</a>") == 1


def test_a_bad_date_is_explained_on_its_field(client, appel):
    reponse, contenu = _page(client, cloture_avant="31/02/2027")
    assert reponse.status_code == 400
    assert "Saisissez une date valide." in contenu
    assert "Appel à projets 2027" not in contenu


def test_it_paginates(client, appel, epci):
    _autres_appels(appel, 25, epci)
    _, contenu = _page(client)
    assert "Page 1 sur 2" in contenu
    _, contenu = _page(client, page=2)
    assert "Page 2 sur 2" in contenu


def test_it_runs_a_fixed_number_of_queries(client, appel, epci):
    def compter() -> int:
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(URL, {"financeur": "a"}).status_code == 200
        return len(requetes)

    peu = compter()
    _autres_appels(appel, 12, epci)
    # Le même nombre à 1 et à 13 appels (session, compte, liste, financeurs, priorités…).
    assert compter() == peu
