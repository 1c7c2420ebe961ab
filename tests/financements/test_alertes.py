"""L'alerte « nouvel appel à projets » aux membres des structures du territoire, et son désabonnement : en un
clic sans connexion (jeton signé, en-têtes RFC 8058), ou depuis « Mon compte »."""

import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from acteurs_ess.models import Structure
from comptes import alertes as comptes_alertes
from comptes.models import AbonnementAlerte, Role, TypeAlerte
from financements import alertes
from tests.factories import AdhesionFactory, OrganisationFactory
from tests.taches import executer_taches, taches

TYPE = TypeAlerte.APPELS_A_PROJETS


@pytest.fixture
def structure_du_quartier(appel):
    """Une structure qui agit dans un QPV de l'appel, avec une membre."""
    organisation = OrganisationFactory(nom="Maurepas Mobilité")
    structure = Structure.objects.create(organisation=organisation, raison_sociale="Maurepas Mobilité")
    structure.qpv.add(appel.qpv.first())
    return structure


@pytest.fixture
def membre(structure_du_quartier):
    return AdhesionFactory(
        organisation=structure_du_quartier.organisation, role=Role.STRUCTURE, utilisateur__email="velo@exemple.fr"
    ).utilisateur


def _alerter(appel):
    mail.outbox.clear()
    nombre = alertes.alerter(appel.pk)
    executer_taches()
    return nombre


def test_publishing_a_call_defers_the_alert(appel):
    assert taches("alerter_publication_appel")


def test_it_alerts_the_members_of_structures_acting_in_the_territory(appel, membre, structure):
    assert _alerter(appel) == 1
    (message,) = mail.outbox
    assert message.to == [membre.email]
    assert "Appel à projets 2027" in message.subject
    # Le jeton est horodaté (django.core.signing) : on lit le lien du message au lieu de le recalculer.
    (url,) = re.findall(r"https?://\S+/alertes/desabonnement/\S+/", message.body)
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    jeton = url.rstrip("/").rsplit("/", 1)[1]
    assert comptes_alertes.lire_jeton(jeton) == (membre, TYPE)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_nobody_unsubscribed_or_deactivated_is_alerted(appel, membre):
    comptes_alertes.abonner(membre, TYPE, False)
    assert _alerter(appel) == 0
    comptes_alertes.abonner(membre, TYPE, True)
    membre.is_active = False
    membre.save(update_fields=["is_active"])
    assert _alerter(appel) == 0
    assert mail.outbox == []


def test_one_click_unsubscribes_without_login(client, membre):
    url = reverse("comptes:desabonnement", args=[comptes_alertes.jeton(membre, TYPE)])
    page = client.get(url)
    assert page.status_code == 200
    assert not AbonnementAlerte.objects.filter(utilisateur=membre).exists()  # un GET ne désabonne pas
    # Ce que poste un logiciel de messagerie (RFC 8058), sans jeton CSRF ni session.
    reponse = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert reponse.status_code == 302
    assert AbonnementAlerte.objects.get(utilisateur=membre, type_alerte=TYPE).abonne is False
    assert "ne recevra plus l'alerte" in client.get(url).content.decode().replace("&#x27;", "'")


def test_a_forged_token_is_refused(client, membre):
    faux = signing.dumps({"u": membre.pk, "t": TYPE}, salt="un autre sel")
    for jeton in (faux, comptes_alertes.jeton(membre, TYPE) + "x", "n-importe-quoi"):
        reponse = client.post(reverse("comptes:desabonnement", args=[jeton]))
        assert reponse.status_code == 400
        assert "Lien de désabonnement invalide" in reponse.content.decode()
    assert not AbonnementAlerte.objects.filter(utilisateur=membre).exists()


def test_mon_compte_lists_the_alerts_and_resubscribes(client, membre):
    client.force_login(membre)
    page = client.get(reverse("comptes:mon_compte")).content.decode()
    assert "Mes alertes par e-mail" in page
    assert TYPE.label in page and "Vous la recevez" in page
    client.post(reverse("comptes:alerte", args=[TYPE]), {"abonne": "non"})
    assert "Vous ne la recevez pas" in client.get(reverse("comptes:mon_compte")).content.decode()
    client.post(reverse("comptes:alerte", args=[TYPE]), {"abonne": "oui"})
    assert AbonnementAlerte.objects.get(utilisateur=membre).abonne is True


def test_an_unknown_alert_type_is_not_found(client, membre):
    client.force_login(membre)
    assert client.post(reverse("comptes:alerte", args=["inconnue"]), {"abonne": "non"}).status_code == 404
