import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from comptes.demo import COMPTES, MOT_DE_PASSE
from comptes.models import Adhesion, Organisation, Utilisateur
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_idempotently(capsys):
    call_command("charger_demo")
    comptes = (Utilisateur.objects.count(), Organisation.objects.count(), Adhesion.objects.count())
    call_command("charger_demo")

    assert (Utilisateur.objects.count(), Organisation.objects.count(), Adhesion.objects.count()) == comptes
    assert comptes[0] == len(COMPTES)
    sortie = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in sortie
    assert MOT_DE_PASSE in sortie
    for compte in COMPTES:
        assert compte.email in sortie


@pytest.fixture(scope="class")
def demo_de_la_classe(django_db_setup, django_db_blocker):
    """La démonstration, chargée une fois pour les tests de la classe, dans une transaction annulée après le
    dernier ; chaque test s'y déroule dans un point de sauvegarde annulé ensuite (pytest-django)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("charger_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_de_la_classe")
class TestChaqueCompte:
    @pytest.mark.parametrize("compte", COMPTES, ids=lambda compte: compte.role)
    def test_each_demo_account_logs_in_and_sees_its_role(self, client, compte):
        reponse = client.post(reverse("account_login"), {"login": compte.email, "password": MOT_DE_PASSE})
        assert reponse.url == reverse("accueil")
        assert client.get(reponse.url).status_code == 200
        contenu = client.get(reverse("comptes:mon_espace")).content.decode()
        assert f'<p class="fr-tag">{compte.role.label}</p>' in contenu


def test_it_refuses_a_database_holding_real_accounts(exterieur):
    with pytest.raises(CommandError, match=r"1 compte et 0 organisation.*--force"):
        call_command("charger_demo", stdout=io.StringIO())
    assert not Utilisateur.objects.filter(email__endswith="@demo.coville.fr").exists()


def test_it_refuses_a_database_holding_real_organisations(db):
    OrganisationFactory(nom="Ville de Brest")
    with pytest.raises(CommandError, match="1 organisation"):
        call_command("charger_demo", stdout=io.StringIO())
    assert not Utilisateur.objects.exists()


def test_it_loads_beside_real_data_when_forced(exterieur):
    call_command("charger_demo", force=True, stdout=io.StringIO())
    assert Utilisateur.objects.filter(email__endswith="@demo.coville.fr").count() == len(COMPTES)
