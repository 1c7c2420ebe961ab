import pytest
from django.urls import reverse

from acteurs_ess.models import Structure
from comptes.models import Adhesion, Role, TypeOrganisation
from tests.acteurs_ess.factories import StructureFactory

pytestmark = pytest.mark.django_db

URL = reverse("acteurs_ess:inscrire")


def donnees(**valeurs):
    return {
        "raison_sociale": "Villejean Solidaire",
        "forme_juridique": "association",
        "siret": "",
        "siren": "",
        "rna": "",
        "commune": "35238",
        "qpv": "QN03505M, qn03504m",
        "communes_action": "35281",
        "description": "Épicerie solidaire et repair café.",
        "domaines": ["lien_social"],
        **valeurs,
    }


def test_it_requires_login(client):
    reponse = client.get(URL)
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))


def test_it_registers_a_structure_and_makes_the_user_its_first_member(client, exterieur, territoire):
    client.force_login(exterieur)
    reponse = client.post(URL, donnees(siret="443 061 841 00047", rna="w353012345"))

    structure = Structure.objects.get()
    assert reponse.url == structure.get_absolute_url()
    assert (structure.siret, structure.siren, structure.rna) == ("44306184100047", "443061841", "W353012345")
    assert structure.commune == territoire["rennes"]
    assert {q.code for q in structure.qpv.all()} == {"QN03505M", "QN03504M"}
    assert list(structure.communes_action.all()) == [territoire["saint_jacques"]]
    assert structure.organisation.type == TypeOrganisation.STRUCTURE
    assert structure.organisation.nom == "Villejean Solidaire"
    assert Adhesion.objects.get(organisation=structure.organisation).utilisateur == exterieur
    assert Adhesion.objects.get(organisation=structure.organisation).role == Role.STRUCTURE


@pytest.mark.parametrize(
    "champ, valeur, message",
    [
        ("siret", "44306184100048", "Le SIRET 44306184100048 n&#x27;existe pas"),
        ("siren", "443061842", "Le SIREN 443061842 n&#x27;existe pas"),
        ("rna", "353012345", "n&#x27;est pas un numéro RNA"),
        ("raison_sociale", "   ", "Ce champ est obligatoire"),
        ("commune", "99999", "Aucune commune n&#x27;a le code INSEE ou le code postal « 99999 »"),
        ("commune", "Rennnes", "Aucune commune ne s&#x27;appelle « Rennnes »"),
        ("qpv", "QN03505M QN99999M", "Code(s) QPV inconnu(s) : QN99999M"),
    ],
)
def test_it_refuses_bad_input_with_a_french_message(client, exterieur, territoire, champ, valeur, message):
    client.force_login(exterieur)
    reponse = client.post(URL, donnees(**{champ: valeur}))
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert not Structure.objects.exists()


def test_it_refuses_a_siren_that_does_not_match_the_siret(client, exterieur, territoire):
    client.force_login(exterieur)
    reponse = client.post(URL, donnees(siret="44306184100047", siren="732829320"))
    assert "ne correspond pas au SIRET" in reponse.content.decode()
    assert not Structure.objects.exists()


@pytest.mark.parametrize("identifiant", [{"siret": "44306184100047"}, {"rna": "W353012345"}])
def test_it_offers_to_join_a_structure_already_registered(client, exterieur, structure, identifiant):
    client.force_login(exterieur)
    reponse = client.post(URL, donnees(**identifiant, autre_etablissement="1"))

    contenu = reponse.content.decode()
    assert "Cette structure est déjà inscrite" in contenu
    assert reverse("acteurs_ess:rejoindre", args=[structure.pk]) in contenu
    assert Structure.objects.count() == 1


def test_it_lets_another_establishment_of_the_same_siren_register_after_confirmation(client, exterieur, structure):
    client.force_login(exterieur)
    autre_etablissement = donnees(siret="44306184100054")
    reponse = client.post(URL, autre_etablissement)
    assert "Une structure avec le même SIREN est déjà inscrite" in reponse.content.decode()
    assert Structure.objects.count() == 1

    reponse = client.post(URL, {**autre_etablissement, "autre_etablissement": "1"})
    assert reponse.status_code == 302
    assert Structure.objects.filter(siren="443061841").count() == 2


def test_it_offers_to_claim_an_imported_structure(client, exterieur, structure_importee):
    client.force_login(exterieur)
    reponse = client.post(URL, donnees(siret=structure_importee.siret))
    assert reverse("acteurs_ess:rejoindre", args=[structure_importee.pk]) in reponse.content.decode()
    assert Structure.objects.count() == 1


def test_it_lets_a_member_edit_the_profile(client, membre_structure, structure):
    client.force_login(membre_structure)
    url = reverse("acteurs_ess:modifier", args=[structure.pk])
    assert client.get(url).status_code == 200
    reponse = client.post(
        url, donnees(raison_sociale="Les Ateliers du Blosne", siret=structure.siret, rna=structure.rna, sigle="ADB")
    )
    assert reponse.status_code == 302
    structure.refresh_from_db()
    assert structure.sigle == "ADB"
    assert structure.description == "Épicerie solidaire et repair café."


def test_it_refuses_a_siret_already_used_by_another_structure_on_edit(client, membre_structure, structure):
    autre = StructureFactory(siret="73282932000074")
    client.force_login(membre_structure)
    reponse = client.post(reverse("acteurs_ess:modifier", args=[structure.pk]), donnees(siret=autre.siret))
    assert "Une autre structure de l&#x27;annuaire a déjà ce SIRET." in reponse.content.decode()
    structure.refresh_from_db()
    assert structure.siret == "44306184100047"


@pytest.mark.parametrize("personne", ["exterieur", "agent", "membre_autre_structure"])
def test_it_forbids_editing_to_non_members(client, structure, personne, request):
    if personne == "membre_autre_structure":
        autre = StructureFactory()
        from tests.factories import AdhesionFactory

        utilisateur = AdhesionFactory(organisation=autre.organisation, role=Role.STRUCTURE).utilisateur
    else:
        utilisateur = request.getfixturevalue(personne)
    client.force_login(utilisateur)
    url = reverse("acteurs_ess:modifier", args=[structure.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, donnees(raison_sociale="Piratée")).status_code == 403
    structure.refresh_from_db()
    assert structure.raison_sociale == "Les Ateliers du Blosne"


def test_it_lets_a_platform_admin_edit_any_profile(client, admin_plateforme, structure):
    client.force_login(admin_plateforme)
    assert client.get(reverse("acteurs_ess:modifier", args=[structure.pk])).status_code == 200


def test_it_answers_404_for_an_unknown_structure(client, membre_structure):
    client.force_login(membre_structure)
    assert client.get(reverse("acteurs_ess:modifier", args=[999999])).status_code == 404


@pytest.mark.parametrize("saisie", ["35238", "Rennes", "rennes", "35000"])
def test_it_finds_the_commune_by_insee_code_name_or_postal_code(client, exterieur, territoire, saisie):
    territoire["rennes"].codes_postaux = ["35000", "35200", "35700"]
    territoire["rennes"].save()
    client.force_login(exterieur)
    client.post(URL, donnees(commune=saisie))
    assert Structure.objects.get().commune == territoire["rennes"]


def test_it_asks_for_the_insee_code_when_several_communes_match(client, exterieur, territoire):
    for commune in (territoire["rennes"], territoire["saint_jacques"]):
        commune.codes_postaux = ["35136"]
        commune.save()
    client.force_login(exterieur)
    reponse = client.post(URL, donnees(commune="35136"))
    assert "Plusieurs communes correspondent à « 35136 » : indiquez le code INSEE" in reponse.content.decode()
    assert "Saint-Jacques-de-la-Lande (35281)" in reponse.content.decode()
    assert not Structure.objects.exists()
