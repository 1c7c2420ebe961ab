import pytest
from django.core.management import call_command
from django.urls import reverse

from comptes.demo import COMPTES, MOT_DE_PASSE
from comptes.models import Adhesion, Organisation, Utilisateur

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


@pytest.mark.parametrize("compte", COMPTES, ids=lambda compte: compte.role)
def test_each_demo_account_logs_in_and_sees_its_role(client, compte):
    call_command("charger_demo")
    reponse = client.post(reverse("account_login"), {"login": compte.email, "password": MOT_DE_PASSE})
    assert reponse.url == reverse("comptes:mon_espace")
    contenu = client.get(reponse.url).content.decode()
    assert f'<p class="fr-tag">{compte.role.label}</p>' in contenu
