"""Pages publiques « Mentions légales » et « Données personnelles », liées depuis le pied de chaque page."""

from html import unescape

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("nom", "titre", "extraits"),
    [
        ("mentions_legales", "Mentions légales", ["Éditeur", "Hébergement", "Editeur de test"]),
        (
            "donnees_personnelles",
            "Données personnelles",
            [
                "article 6, paragraphe 1, point e",
                "Durées de conservation",
                "Destinataires",
                "droit d'accès, de rectification, d'effacement et de limitation",
                "CNIL",
                "Aucun cookie de mesure d'audience",
                "dpo@collectivite.example",
            ],
        ),
    ],
)
def test_it_is_public(client, settings, nom, titre, extraits):
    settings.COVILLE_EDITEUR = "Editeur de test"
    settings.COVILLE_CONTACT_DONNEES = "dpo@collectivite.example"
    reponse = client.get(reverse(f"comptes:{nom}"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert f"<h1>{titre}</h1>" in contenu
    for extrait in extraits:
        assert extrait in contenu


@pytest.mark.parametrize(("jours", "duree"), [(5 * 365, "5 ans"), (3650, "10 ans"), (400, "400 jours")])
def test_it_says_how_long_and_why_the_audit_log_keeps_the_authors_address(client, settings, jours, duree):
    settings.COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS = jours
    contenu = client.get(reverse("comptes:donnees_personnelles")).content.decode()
    conservation = contenu[contenu.index("<li>journal d'audit :") :]
    conservation = conservation[: conservation.index("</li>")]
    assert f"journal d'audit : {duree} à compter de l'action, puis l'entrée est effacée" in conservation
    assert "adresse e-mail de la personne qui a agi, <strong>même après la suppression de son compte</strong>" in (
        conservation
    )
    assert "rendre compte des décisions" in conservation
    assert "article 17, paragraphe 3, point b du RGPD" in conservation


@pytest.mark.parametrize("connecte", [False, True])
def test_the_footer_links_to_them(client, habitant, connecte):
    if connecte:
        client.force_login(habitant)
    contenu = client.get(reverse("comptes:mon_espace") if connecte else reverse("accueil")).content.decode()
    pied = contenu[contenu.index('<footer class="fr-footer"') :]
    assert f'href="{reverse("comptes:mentions_legales")}">Mentions légales</a>' in pied
    assert f'href="{reverse("comptes:donnees_personnelles")}">Données personnelles et cookies</a>' in pied


def test_it_says_how_long_the_mail_queue_keeps_the_messages(client, settings):
    settings.TACHES_CONSERVATION_JOURS = 7
    settings.TACHES_ECHECS_JOURS = 30
    contenu = unescape(client.get(reverse("comptes:donnees_personnelles")).content.decode())
    assert (
        "e-mails envoyés par la plateforme : l'adresse du destinataire, l'objet et le texte de chaque message restent "
        "dans la file d'envoi 7 jours après l'envoi, 30 jours s'il n'a pas pu partir"
    ) in contenu
