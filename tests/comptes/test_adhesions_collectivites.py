"""Une collectivité rejoint la plateforme sans l'administration : la demande d'une personne connectée, examinée
par un administrateur ou par les agents de l'État du département de la collectivité."""

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptes import adhesions_collectivites as adhesions
from comptes import rgpd
from comptes.models import (
    ActionAudit,
    Adhesion,
    DemandeAdhesionCollectivite,
    EntreeAudit,
    EtatDemandeAdhesion,
    Organisation,
    Role,
    TypeOrganisation,
)
from territoires.models import Commune, Departement, Region
from tests.double_authentification import activer
from tests.factories import AdhesionFactory, OrganisationFactory, UtilisateurFactory
from tests.taches import puis_executer_taches

pytestmark = pytest.mark.django_db


@pytest.fixture
def bretagne(db):
    region = Region.objects.create(code="53", nom="Bretagne", zone="metro")
    ille = Departement.objects.create(code="35", nom="Ille-et-Vilaine", region=region, zone="metro")
    Departement.objects.create(code="29", nom="Finistère", region=region, zone="metro")
    Commune.objects.create(code="35238", nom="Rennes", departement=ille, population=220000)
    Commune.objects.create(code="35024", nom="Betton", departement=ille, population=12000)
    Commune.objects.create(code="35236", nom="Redon", departement=ille, population=9000)
    return region


@pytest.fixture
def prefet_35(bretagne):
    prefecture = OrganisationFactory(etat=True, nom="Préfecture d'Ille-et-Vilaine", departement_id="35")
    return activer(
        AdhesionFactory(organisation=prefecture, role=Role.ETAT, utilisateur__email="pref35@exemple.fr").utilisateur
    )


@pytest.fixture
def prefet_29(bretagne):
    prefecture = OrganisationFactory(etat=True, nom="Préfecture du Finistère", departement_id="29")
    return activer(
        AdhesionFactory(organisation=prefecture, role=Role.ETAT, utilisateur__email="pref29@exemple.fr").utilisateur
    )


@pytest.fixture
def demandeuse(db):
    return UtilisateurFactory(email="dgs@betton.fr", prenom="Anne", nom="Durand")


def demande_de(demandeuse, texte="Betton", type_=TypeOrganisation.COMMUNE):
    collectivite = adhesions.trouver_collectivite(type_, texte)
    return adhesions.demander(demandeuse, collectivite, "Directrice générale des services", "Service DGS.")


def test_it_finds_a_collectivite_by_name_or_code(bretagne):
    assert adhesions.trouver_collectivite(TypeOrganisation.COMMUNE, "betton").code == "35024"
    assert adhesions.trouver_collectivite(TypeOrganisation.COMMUNE, "35238").nom == "Rennes"
    assert adhesions.trouver_collectivite(TypeOrganisation.DEPARTEMENT, "Ille-et-Vilaine").code == "35"
    assert adhesions.trouver_collectivite(TypeOrganisation.REGION, "bretagne").region.code == "53"


def test_it_asks_for_the_code_when_several_match(bretagne):
    with pytest.raises(adhesions.ValidationError, match=r"Rennes \(35238\).*Redon \(35236\)"):
        adhesions.trouver_collectivite(TypeOrganisation.COMMUNE, "re")


def test_a_connected_person_asks_for_her_collectivite_and_the_prefecture_is_told(client, prefet_35, demandeuse):
    client.force_login(demandeuse)
    assert client.get(reverse("comptes:demander_adhesion")).status_code == 200
    piece = SimpleUploadedFile("arrete.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    with puis_executer_taches():
        reponse = client.post(
            reverse("comptes:demander_adhesion"),
            {
                "type": "commune",
                "collectivite": "Betton",
                "fonction": "Directrice générale des services",
                "justificatif": "Arrêté de nomination du 1er mars.",
                "piece": piece,
            },
        )

    assert reponse.status_code == 302
    demande = DemandeAdhesionCollectivite.objects.get()
    assert (demande.nom, demande.code_territoire, demande.departement_id, demande.piece_nom) == (
        "Betton",
        "35024",
        "35",
        "arrete.pdf",
    )
    assert [m.to for m in mail.outbox] == [["pref35@exemple.fr"]]
    assert "Betton rejoigne Coville" in mail.outbox[0].subject


def test_a_bad_entry_comes_back_with_a_message_on_the_field(client, bretagne, demandeuse):
    client.force_login(demandeuse)
    reponse = client.post(
        reverse("comptes:demander_adhesion"),
        {"type": "commune", "collectivite": "Paris", "fonction": "DGS", "justificatif": "x"},
    )
    assert reponse.status_code == 400
    assert "Aucune collectivité de type « commune » ne correspond à « Paris »" in reponse.content.decode()
    assert 'value="DGS"' in reponse.content.decode()
    assert not DemandeAdhesionCollectivite.objects.exists()


def test_it_refuses_a_collectivite_already_there_with_agents_and_says_to_ask_for_an_invitation(
    client, bretagne, demandeuse
):
    betton = Organisation.objects.create(type=TypeOrganisation.COMMUNE, nom="Betton", code_territoire="35024")
    AdhesionFactory(organisation=betton, role=Role.AGENT)
    client.force_login(demandeuse)
    reponse = client.post(
        reverse("comptes:demander_adhesion"),
        {"type": "commune", "collectivite": "35024", "fonction": "DGS", "justificatif": "Service."},
    )
    assert reponse.status_code == 409
    assert "demandez-leur de vous inviter" in reponse.content.decode()
    assert not DemandeAdhesionCollectivite.objects.exists()


def test_it_refuses_a_duplicate_request(bretagne, demandeuse):
    demande_de(demandeuse)
    with pytest.raises(adhesions.ValidationError, match="déjà une demande en attente pour Betton"):
        demande_de(demandeuse)
    assert DemandeAdhesionCollectivite.objects.count() == 1


def test_the_prefecture_accepts_the_organisation_is_created_and_the_person_becomes_agent(client, prefet_35, demandeuse):
    demande = demande_de(demandeuse)
    client.force_login(prefet_35)
    page = client.get(reverse("comptes:demandes_adhesion"))
    assert "Betton" in page.content.decode()

    with puis_executer_taches():
        reponse = client.post(reverse("comptes:accepter_adhesion", args=[demande.pk]))

    assert reponse.status_code == 302
    organisation = Organisation.objects.get(type=TypeOrganisation.COMMUNE, code_territoire="35024")
    assert organisation.commune_id == "35024"
    assert Adhesion.objects.get(organisation=organisation).utilisateur == demandeuse
    assert Adhesion.objects.get(organisation=organisation).role == Role.AGENT
    demande.refresh_from_db()
    assert (demande.etat, demande.decidee_par, demande.organisation) == (
        EtatDemandeAdhesion.ACCEPTEE,
        prefet_35,
        organisation,
    )
    entree = EntreeAudit.objects.get(action=ActionAudit.ADHESION_COLLECTIVITE_ACCEPTEE)
    assert (entree.auteur, entree.organisation, entree.details["organisation_creee"]) == (
        prefet_35,
        organisation,
        True,
    )
    assert [m.to for m in mail.outbox if "a rejoint" in m.subject] == [["dgs@betton.fr"]]


def test_the_new_agent_invites_colleagues_without_the_admin(client, prefet_35, demandeuse):
    demande = adhesions.accepter(prefet_35, demande_de(demandeuse))
    client.force_login(activer(demandeuse))
    reponse = client.post(
        reverse("comptes:inviter", args=[demande.organisation.pk]),
        {"email": "collegue@betton.fr", "role": Role.AGENT},
    )
    assert reponse.status_code == 302
    assert demande.organisation.invitations.get().email == "collegue@betton.fr"


def test_accepting_joins_an_existing_organisation_without_agents(prefet_35, demandeuse):
    betton = Organisation.objects.create(type=TypeOrganisation.COMMUNE, nom="Ville de Betton", code_territoire="35024")
    demande = adhesions.accepter(prefet_35, demande_de(demandeuse))
    assert demande.organisation == betton
    assert Organisation.objects.filter(code_territoire="35024").count() == 1


def test_the_prefecture_refuses_with_a_reason(client, prefet_35, demandeuse):
    demande = demande_de(demandeuse)
    client.force_login(prefet_35)
    assert client.get(reverse("comptes:refuser_adhesion", args=[demande.pk])).status_code == 200
    assert client.post(reverse("comptes:refuser_adhesion", args=[demande.pk]), {"motif": ""}).status_code == 400

    with puis_executer_taches():
        reponse = client.post(reverse("comptes:refuser_adhesion", args=[demande.pk]), {"motif": "Fonction inconnue."})

    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert (demande.etat, demande.motif) == (EtatDemandeAdhesion.REFUSEE, "Fonction inconnue.")
    assert not Organisation.objects.filter(code_territoire="35024").exists()
    assert EntreeAudit.objects.get(action=ActionAudit.ADHESION_COLLECTIVITE_REFUSEE).auteur == prefet_35
    refus = [m for m in mail.outbox if m.to == ["dgs@betton.fr"]]
    assert len(refus) == 1 and "Fonction inconnue." in refus[0].body


def test_a_prefecture_of_another_department_neither_sees_nor_decides(client, prefet_29, demandeuse):
    demande = demande_de(demandeuse)
    client.force_login(prefet_29)
    assert "Betton" not in client.get(reverse("comptes:demandes_adhesion")).content.decode()
    assert client.post(reverse("comptes:accepter_adhesion", args=[demande.pk])).status_code == 404
    assert client.post(reverse("comptes:refuser_adhesion", args=[demande.pk]), {"motif": "x"}).status_code == 404
    demande.refresh_from_db()
    assert demande.est_en_attente
    with pytest.raises(adhesions.PermissionDenied):
        adhesions.accepter(prefet_29, demande)


def test_a_region_request_is_examined_by_the_prefectures_of_the_region(prefet_29, demandeuse):
    demande = demande_de(demandeuse, "Bretagne", TypeOrganisation.REGION)
    assert adhesions.peut_examiner(prefet_29, demande)
    assert adhesions.accepter(prefet_29, demande).organisation.region_id == "53"


def test_people_without_a_prefecture_role_cannot_open_the_list(client, bretagne, demandeuse, agent):
    client.force_login(agent)
    assert client.get(reverse("comptes:demandes_adhesion")).status_code == 403


def test_the_admin_sees_every_request_and_a_decided_one_cannot_be_decided_again(admin_plateforme, demandeuse, bretagne):
    demande = demande_de(demandeuse)
    assert list(adhesions.demandes_a_examiner(admin_plateforme)) == [demande]
    adhesions.refuser(admin_plateforme, demande, "Doublon.")
    with pytest.raises(adhesions.ValidationError, match="déjà été refusée"):
        adhesions.accepter(admin_plateforme, demande)


def test_the_piece_is_served_to_the_examiner_only(client, prefet_35, prefet_29, demandeuse):
    collectivite = adhesions.trouver_collectivite(TypeOrganisation.COMMUNE, "Betton")
    piece = SimpleUploadedFile("arrete.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    demande = adhesions.demander(demandeuse, collectivite, "DGS", "Service.", piece)
    client.force_login(prefet_29)
    assert client.get(reverse("comptes:piece_adhesion", args=[demande.pk])).status_code == 404
    client.force_login(prefet_35)
    reponse = client.get(reverse("comptes:piece_adhesion", args=[demande.pk]))
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")


def _requetes_de_la_liste(client) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(reverse("comptes:demandes_adhesion")).status_code == 200
    return len(requetes)


def test_the_list_keeps_a_fixed_number_of_queries(client, admin_plateforme, bretagne):
    client.force_login(admin_plateforme)
    demande_de(UtilisateurFactory())
    une = _requetes_de_la_liste(client)
    demande_de(UtilisateurFactory(), "Rennes")
    demande_de(UtilisateurFactory(), "Redon")
    demande_de(UtilisateurFactory(), "Ille-et-Vilaine", TypeOrganisation.DEPARTEMENT)
    assert _requetes_de_la_liste(client) == une


def test_the_requests_are_in_the_personal_data_export_and_go_with_the_account(bretagne, demandeuse):
    collectivite = adhesions.trouver_collectivite(TypeOrganisation.COMMUNE, "Betton")
    piece = SimpleUploadedFile("arrete.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    demande = adhesions.demander(demandeuse, collectivite, "DGS", "Service.", piece)
    export = rgpd.donnees_personnelles(demandeuse)["demandes_adhesion_collectivite"]
    assert [(d["collectivite"], d["fonction"], d["piece"]) for d in export] == [("Betton", "DGS", "arrete.pdf")]

    with TestCase.captureOnCommitCallbacks(execute=True):
        rgpd.anonymiser(demandeuse)

    assert not DemandeAdhesionCollectivite.objects.exists()
    assert not default_storage.exists(demande.piece_chemin)
