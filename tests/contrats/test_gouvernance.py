from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contrats.models import Engagement, Reunion
from contrats.services import gouvernance as services

pytestmark = pytest.mark.django_db


def test_it_records_signatories_with_their_engagements(client, agent, contrat, commune):
    client.force_login(agent)
    client.post(
        reverse("contrats:nouveau_signataire", args=[contrat.code]),
        {"organisation": commune.pk, "signe_par": "La maire", "date_signature": "2024-06-28"},
    )
    signataire = contrat.signataires.get(organisation=commune)
    client.post(
        reverse("contrats:nouvel_engagement", args=[contrat.code, signataire.pk]),
        {"texte": "Ouvrir les équipements de quartier le soir", "montant": "150000.50"},
    )
    engagement = Engagement.objects.get(signataire=signataire)
    assert engagement.montant == Decimal("150000.50")
    page = client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    assert "signé par La maire, le 28/06/2024" in page
    assert "Ouvrir les équipements de quartier le soir" in page
    assert "000,50 €" in page


def test_it_refuses_a_duplicate_signatory_or_a_negative_amount(agent, contrat, prefecture):
    with pytest.raises(ValidationError, match="déjà signataire"):
        services.ajouter_signataire(contrat, agent, prefecture)
    signataire = contrat.signataires.get(organisation=prefecture)
    with pytest.raises(ValidationError, match="négatif"):
        services.ajouter_engagement(signataire, agent, "Financer", Decimal("-1"))


def test_it_records_a_meeting_of_a_governance_body(client, agent, contrat):
    client.force_login(agent)
    client.post(
        reverse("contrats:nouvelle_instance", args=[contrat.code]),
        {"type": "copil", "nom": "Comité de pilotage", "composition": "Signataires"},
    )
    instance = contrat.instances.get()
    client.post(
        reverse("contrats:nouvelle_reunion", args=[contrat.code, instance.pk]),
        {
            "date": "2026-03-12",
            "participants": "Préfecture\nRennes Métropole",
            "decisions": "Diagnostic validé",
            "compte_rendu": "Séance ouverte à 14 h.",
        },
    )
    reunion = Reunion.objects.get()
    assert reunion.liste_participants == ["Préfecture", "Rennes Métropole"]
    page = client.get(reverse("contrats:contrat", args=[contrat.code])).content.decode()
    assert "Réunion du 12/03/2026" in page
    assert "Préfecture, Rennes Métropole" in page
    assert "Diagnostic validé" in page


def test_it_lets_only_the_carrier_manage_signatories(contrat, elu, agent_etat, prefecture):
    for personne in (elu, agent_etat):
        with pytest.raises(PermissionDenied):
            services.ajouter_instance(contrat, personne, "copil", "Comité")
