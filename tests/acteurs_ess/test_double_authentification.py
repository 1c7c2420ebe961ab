"""Accepter un rattachement et valider un RIB demandent la double authentification aux agents (comptes/mfa.py) :
sans elle, un mot de passe d'agent dérobé suffirait à entrer dans une structure, y proposer son IBAN et le
valider."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from acteurs_ess import services
from acteurs_ess.choix import EtatDemande
from acteurs_ess.models import DemandeRattachement, EtatRib, Rib
from comptes.models import Adhesion
from tests.acteurs_ess.test_rib import IBAN, document
from tests.double_authentification import desactiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _stockage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _envoie_activer(reponse) -> None:
    assert reponse.status_code == 302
    assert urlsplit(reponse["Location"]).path == reverse("mfa_activate_totp")


def test_an_agent_without_it_is_sent_to_activate_it_and_the_join_request_stays_pending(
    client, exterieur, structure_importee, agent_rennes
):
    demande = DemandeRattachement.objects.create(
        structure=structure_importee, demandeur=exterieur, message="C'est moi.", revendication=True
    )
    desactiver(agent_rennes)
    client.force_login(agent_rennes)
    _envoie_activer(client.post(reverse("acteurs_ess:decider", args=[demande.pk]), {"decision": "accepter"}))
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.EN_ATTENTE
    assert not Adhesion.objects.filter(utilisateur=exterieur).exists()


def test_an_agent_without_it_is_sent_to_activate_it_and_the_rib_stays_pending(
    client, membre_structure, agent_rennes, structure
):
    rib = services.proposer_rib(
        membre_structure, structure, iban=IBAN, titulaire="Les Ateliers du Blosne", document=document()
    )
    desactiver(agent_rennes)
    client.force_login(agent_rennes)
    _envoie_activer(client.post(reverse("acteurs_ess:valider_rib", args=[structure.pk, rib.pk])))
    assert Rib.objects.get().etat == EtatRib.EN_ATTENTE
