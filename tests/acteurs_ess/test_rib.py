"""Le RIB d'une structure : proposé par un membre, validé par un agent d'un financeur, membres prévenus."""

import io
import zipfile
from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acteurs_ess import services
from acteurs_ess.models import EtatRib, Rib, iban_masque
from comptes.models import ActionAudit, EntreeAudit, Role
from config.lib.stockage import MESSAGE_ENVOI_IMPOSSIBLE
from tests.double_authentification import connecter
from tests.factories import AdhesionFactory
from tests.taches import executer_taches

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"
AUTRE_IBAN = "FR1420041010050500013M02606"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _stockage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def document(nom="rib.pdf", contenu=PDF):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def proposer(membre, structure, iban=IBAN, **kwargs):
    return services.proposer_rib(
        membre,
        structure,
        iban=iban,
        titulaire=kwargs.pop("titulaire", "Les Ateliers du Blosne"),
        document=document(),
        **kwargs,
    )


@pytest.fixture
def tresorier(structure):
    return AdhesionFactory(
        organisation=structure.organisation, role=Role.STRUCTURE, utilisateur__email="tresorier@exemple.fr"
    ).utilisateur


def test_it_masks_an_iban_but_its_country_key_and_last_four_characters():
    assert iban_masque("FR7630006000011234567890189") == "FR76 **** **** **** **** ***0 189"


def test_a_member_proposes_a_rib_that_stays_pending_and_every_member_is_told(
    client, membre_structure, tresorier, structure
):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:rib", args=[structure.pk]),
        {"iban": "fr76 3000 6000 0112 3456 7890 189", "titulaire": "Les Ateliers du Blosne", "document": document()},
    )
    assert reponse.status_code == 302
    executer_taches()
    rib = Rib.objects.get()
    assert (rib.iban, rib.etat, rib.propose_par) == (IBAN, EtatRib.EN_ATTENTE, membre_structure)
    assert services.rib_valide(structure) is None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([membre_structure.email, tresorier.email])
    assert all("FR76 **** **** **** **** ***0 189" in m.body and IBAN not in m.body for m in mail.outbox)
    assert EntreeAudit.objects.filter(action=ActionAudit.RIB_PROPOSE, object_id=str(rib.pk)).exists()


def test_an_agent_of_the_territory_validates_it_and_the_old_one_is_kept(
    client, membre_structure, tresorier, agent_rennes, structure
):
    ancien = proposer(membre_structure, structure, iban=AUTRE_IBAN)
    services.valider_rib(agent_rennes, ancien)
    nouveau = proposer(membre_structure, structure)
    executer_taches()
    mail.outbox.clear()
    client.force_login(agent_rennes)
    reponse = client.post(reverse("acteurs_ess:valider_rib", args=[structure.pk, nouveau.pk]))
    assert reponse.status_code == 302
    executer_taches()
    ancien.refresh_from_db()
    nouveau.refresh_from_db()
    assert (nouveau.etat, nouveau.valide_par) == (EtatRib.VALIDE, agent_rennes)
    assert ancien.etat == EtatRib.REMPLACE and ancien.remplace_le is not None
    assert services.rib_valide(structure) == nouveau
    assert sorted(m.to[0] for m in mail.outbox) == sorted([membre_structure.email, tresorier.email])
    assert all("validé" in m.subject for m in mail.outbox)
    assert EntreeAudit.objects.filter(action=ActionAudit.RIB_VALIDE, object_id=str(nouveau.pk)).exists()


def test_a_new_proposal_replaces_the_pending_one(membre_structure, structure):
    premier = proposer(membre_structure, structure, iban=AUTRE_IBAN)
    proposer(membre_structure, structure)
    premier.refresh_from_db()
    assert premier.etat == EtatRib.REMPLACE
    assert Rib.objects.filter(etat=EtatRib.EN_ATTENTE).get().iban == IBAN


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("FR7630006000011234567890188", "clé de contrôle"),
        ("FR76 3000", "n'est pas valide"),
        ("ZZ7630006000011234567890189", "n'est pas valide"),
        ("", "Indiquez l'IBAN"),
    ],
)
def test_an_invalid_iban_is_refused_and_nothing_is_saved(membre_structure, structure, iban, message):
    with pytest.raises(ValidationError) as erreur:
        proposer(membre_structure, structure, iban=iban)
    assert any(message in m for m in erreur.value.messages), erreur.value.messages
    assert not Rib.objects.exists()
    executer_taches()
    assert mail.outbox == []


def test_the_page_shows_a_clear_message_for_an_invalid_iban(client, membre_structure, structure):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:rib", args=[structure.pk]),
        {"iban": "FR7630006000011234567890188", "titulaire": "Les Ateliers", "document": document()},
    )
    assert reponse.status_code == 400
    assert "sa clé de contrôle ne correspond pas" in reponse.content.decode()
    assert not Rib.objects.exists()


def test_an_invalid_bic_or_a_document_of_the_wrong_type_is_refused(membre_structure, structure):
    with pytest.raises(ValidationError, match="BIC"):
        proposer(membre_structure, structure, bic="PASUNBIC!")
    with pytest.raises(ValidationError, match="ne correspond pas à son extension"):
        services.proposer_rib(
            membre_structure, structure, iban=IBAN, titulaire="X", document=document(contenu=b"pas un pdf")
        )
    assert not Rib.objects.exists()


def _bureautique(racine: str) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{racine}document.xml", "<document/>")
    return tampon.getvalue()


@pytest.mark.parametrize(("nom", "racine"), [("rib.docx", "word/"), ("rib.xlsx", "xl/")])
def test_an_office_document_is_refused_as_a_rib_with_a_clear_message(client, membre_structure, structure, nom, racine):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:rib", args=[structure.pk]),
        {"iban": IBAN, "titulaire": "Les Ateliers", "document": SimpleUploadedFile(nom, _bureautique(racine))},
    )
    assert reponse.status_code == 400
    assert f"Le fichier « {nom} » n'est pas d'un type accepté : envoyez un document PDF, PNG ou JPEG." in unescape(
        reponse.content.decode()
    )
    assert not Rib.objects.exists()


@pytest.mark.parametrize(
    ("nom", "contenu"), [("rib.png", b"\x89PNG\r\n\x1a\n" + b"0" * 8), ("rib.jpg", b"\xff\xd8\xff0")]
)
def test_an_image_is_accepted_as_a_rib(membre_structure, structure, nom, contenu):
    rib = services.proposer_rib(
        membre_structure, structure, iban=IBAN, titulaire="X", document=SimpleUploadedFile(nom, contenu)
    )
    assert rib.nom == nom


def test_a_valid_bic_is_kept(membre_structure, structure):
    assert proposer(membre_structure, structure, bic="agri frpp").bic == "AGRIFRPP"


@pytest.mark.parametrize("personne", ["agent_rennes", "exterieur", "admin_plateforme"])
def test_only_members_propose_a_rib(personne, structure, request):
    with pytest.raises(PermissionDenied):
        proposer(request.getfixturevalue(personne), structure)


def test_a_member_of_another_structure_cannot_propose_and_does_not_see_the_page(client, structure):
    autre = AdhesionFactory(role=Role.STRUCTURE, utilisateur__email="autre@exemple.fr").utilisateur
    with pytest.raises(PermissionDenied):
        proposer(autre, structure)
    client.force_login(autre)
    assert client.get(reverse("acteurs_ess:rib", args=[structure.pk])).status_code == 404
    reponse = client.post(
        reverse("acteurs_ess:rib", args=[structure.pk]), {"iban": IBAN, "titulaire": "X", "document": document()}
    )
    assert reponse.status_code == 404
    assert not Rib.objects.exists()


def test_a_member_cannot_validate_the_rib_of_its_own_structure_even_as_an_agent(
    client, membre_structure, agent_rennes, structure
):
    rib = proposer(membre_structure, structure)
    with pytest.raises(PermissionDenied):
        services.valider_rib(membre_structure, rib)
    AdhesionFactory(organisation=structure.organisation, role=Role.STRUCTURE, utilisateur=agent_rennes)
    with pytest.raises(PermissionDenied):
        services.valider_rib(agent_rennes, rib)
    client.force_login(membre_structure)
    assert client.post(reverse("acteurs_ess:valider_rib", args=[structure.pk, rib.pk])).status_code == 403
    rib.refresh_from_db()
    assert rib.etat == EtatRib.EN_ATTENTE


def test_an_agent_outside_the_territory_and_without_dossier_cannot_validate(
    client, membre_structure, agent_brest, structure
):
    rib = proposer(membre_structure, structure)
    with pytest.raises(PermissionDenied):
        services.valider_rib(agent_brest, rib)
    client.force_login(agent_brest)
    # Il ne voit pas la page du RIB : 404, pas 403.
    assert client.post(reverse("acteurs_ess:valider_rib", args=[structure.pk, rib.pk])).status_code == 404
    rib.refresh_from_db()
    assert rib.etat == EtatRib.EN_ATTENTE


def test_a_validated_rib_cannot_be_validated_again(membre_structure, agent_rennes, structure):
    rib = proposer(membre_structure, structure)
    services.valider_rib(agent_rennes, rib)
    with pytest.raises(ValidationError, match="n'est plus en attente"):
        services.valider_rib(agent_rennes, rib)


def test_the_iban_is_masked_except_for_members_and_validating_agents(
    client, membre_structure, agent_rennes, admin_plateforme, structure
):
    services.valider_rib(agent_rennes, proposer(membre_structure, structure))
    url = reverse("acteurs_ess:rib", args=[structure.pk])
    for lecteur in (membre_structure, agent_rennes):
        client.force_login(lecteur)
        page = client.get(url).content.decode()
        assert "FR76 3000 6000 0112 3456 7890 189" in page
    connecter(client, admin_plateforme)
    page = client.get(url).content.decode()
    assert "FR76 **** **** **** **** ***0 189" in page
    assert "3000 6000" not in page and "Valider ce RIB" not in page and "Télécharger" not in page


def test_a_funder_who_cannot_validate_the_rib_does_not_see_the_page(
    client, membre_structure, agent_rennes, agent_brest, structure
):
    # Un agent d'un autre territoire, sans dossier de la structure : ni le titulaire, ni le BIC, ni qui a validé.
    services.valider_rib(agent_rennes, proposer(membre_structure, structure))
    client.force_login(agent_brest)
    assert client.get(reverse("acteurs_ess:rib", args=[structure.pk])).status_code == 404
    fiche = client.get(reverse("acteurs_ess:structure", args=[structure.pk])).content.decode()
    assert reverse("acteurs_ess:rib", args=[structure.pk]) not in fiche


def test_the_document_is_served_to_readers_only(client, membre_structure, agent_brest, structure):
    rib = proposer(membre_structure, structure)
    url = reverse("acteurs_ess:document_rib", args=[structure.pk, rib.pk])
    client.force_login(membre_structure)
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF
    client.force_login(agent_brest)
    assert client.get(url).status_code == 404


def test_the_validate_button_is_shown_to_a_validating_agent(client, membre_structure, agent_rennes, structure):
    proposer(membre_structure, structure)
    client.force_login(agent_rennes)
    assert "Valider ce RIB" in client.get(reverse("acteurs_ess:rib", args=[structure.pk])).content.decode()


def test_a_stopped_store_shows_the_form_again_with_its_input_and_saves_nothing(
    client, membre_structure, structure, stockage_arrete
):
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:rib", args=[structure.pk]),
        {"iban": IBAN, "titulaire": "Les Ateliers du Blosne", "document": document()},
    )
    assert reponse.status_code == 503
    contenu = unescape(reponse.content.decode())
    assert MESSAGE_ENVOI_IMPOSSIBLE in contenu
    assert reponse.context["form"].errors["document"] == [MESSAGE_ENVOI_IMPOSSIBLE]
    assert 'value="Les Ateliers du Blosne"' in contenu and f'value="{IBAN}"' in contenu
    assert not Rib.objects.exists()
    executer_taches()
    assert mail.outbox == []


def test_inactive_and_deleted_accounts_are_not_told_of_a_new_rib(membre_structure, tresorier, structure):
    AdhesionFactory(
        organisation=structure.organisation,
        role=Role.STRUCTURE,
        utilisateur__email="inactif@exemple.fr",
        utilisateur__is_active=False,
    )
    AdhesionFactory(
        organisation=structure.organisation,
        role=Role.STRUCTURE,
        utilisateur__email="supprime@exemple.fr",
        utilisateur__est_supprime=True,
    )
    proposer(membre_structure, structure)
    executer_taches()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([membre_structure.email, tresorier.email])
