import pytest
from django.core import mail
from django.urls import reverse

from acteurs_ess.choix import EtatDemande
from acteurs_ess.models import DemandeRattachement, Structure
from comptes.models import Adhesion, Role
from tests.taches import puis_executer_taches, serveur_de_courriels_retabli

pytestmark = pytest.mark.django_db


def demander(client, utilisateur, structure, message="Je suis la nouvelle coordinatrice."):
    client.force_login(utilisateur)
    # Les e-mails sont des tâches écrites avec l'action : un worker les envoie à la sortie de ce bloc.
    with puis_executer_taches():
        return client.post(reverse("acteurs_ess:rejoindre", args=[structure.pk]), {"message": message})


def decider(client, utilisateur, demande, decision, motif=""):
    client.force_login(utilisateur)
    with puis_executer_taches():
        return client.post(reverse("acteurs_ess:decider", args=[demande.pk]), {"decision": decision, "motif": motif})


def est_membre(utilisateur, structure: Structure) -> bool:
    return Adhesion.objects.filter(utilisateur=utilisateur, organisation=structure.organisation).exists()


def test_it_sends_a_join_request_to_the_members(client, exterieur, structure, membre_structure):
    reponse = demander(client, exterieur, structure)
    assert reponse.url == structure.get_absolute_url()

    demande = DemandeRattachement.objects.get()
    assert (demande.demandeur, demande.etat, demande.revendication) == (exterieur, EtatDemande.EN_ATTENTE, False)
    assert mail.outbox[0].to == [membre_structure.email]
    assert "Je suis la nouvelle coordinatrice." in mail.outbox[0].body
    assert not est_membre(exterieur, structure)


def test_it_refuses_a_second_pending_request(client, exterieur, structure):
    demander(client, exterieur, structure)
    reponse = demander(client, exterieur, structure)
    assert DemandeRattachement.objects.count() == 1
    assert "déjà une demande en attente" in client.get(reponse.url).content.decode()


def test_it_refuses_a_request_from_a_member(client, membre_structure, structure):
    demander(client, membre_structure, structure)
    assert not DemandeRattachement.objects.exists()


def test_a_member_accepts_a_request(client, exterieur, membre_structure, structure):
    demander(client, exterieur, structure)
    demande = DemandeRattachement.objects.get()
    decider(client, membre_structure, demande, "accepter")

    demande.refresh_from_db()
    assert (demande.etat, demande.decidee_par) == (EtatDemande.ACCEPTEE, membre_structure)
    assert Adhesion.objects.get(utilisateur=exterieur, organisation=structure.organisation).role == Role.STRUCTURE
    assert mail.outbox[-1].to == [exterieur.email]
    assert "acceptée" in mail.outbox[-1].body


def test_a_refusal_needs_a_reason(client, exterieur, membre_structure, structure):
    demander(client, exterieur, structure)
    demande = DemandeRattachement.objects.get()
    reponse = decider(client, membre_structure, demande, "refuser")
    assert "Indiquez le motif du refus" in client.get(reponse.url).content.decode()
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.EN_ATTENTE

    decider(client, membre_structure, demande, "refuser", motif="Personne inconnue de l'association.")
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.REFUSEE
    assert "Personne inconnue" in mail.outbox[-1].body
    assert not est_membre(exterieur, structure)


def test_a_decided_request_cannot_be_decided_again(client, exterieur, membre_structure, structure):
    demander(client, exterieur, structure)
    demande = DemandeRattachement.objects.get()
    decider(client, membre_structure, demande, "refuser", motif="Non.")
    decider(client, membre_structure, demande, "accepter")
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.REFUSEE
    assert not est_membre(exterieur, structure)


def test_an_imported_structure_is_claimed_and_an_agent_of_its_territory_approves(
    client, exterieur, structure_importee, agent_rennes
):
    demander(client, exterieur, structure_importee)
    demande = DemandeRattachement.objects.get()
    assert demande.revendication

    client.force_login(agent_rennes)
    assert "Maurepas Mobilité" in client.get(reverse("acteurs_ess:rattachements")).content.decode()
    decider(client, agent_rennes, demande, "accepter")
    assert est_membre(exterieur, structure_importee)


def test_an_agent_of_another_territory_neither_sees_nor_decides(client, exterieur, structure_importee, agent_brest):
    demander(client, exterieur, structure_importee)
    demande = DemandeRattachement.objects.get()
    client.force_login(agent_brest)
    assert "Maurepas Mobilité" not in client.get(reverse("acteurs_ess:rattachements")).content.decode()
    assert decider(client, agent_brest, demande, "accepter").status_code == 404
    assert not est_membre(exterieur, structure_importee)


@pytest.mark.parametrize("personne", ["habitant", "elu", "membre_autre"])
def test_outsiders_get_404_on_a_request(client, exterieur, structure, personne, request):
    demander(client, exterieur, structure)
    demande = DemandeRattachement.objects.get()
    if personne == "membre_autre":
        from tests.acteurs_ess.factories import StructureFactory
        from tests.factories import AdhesionFactory

        utilisateur = AdhesionFactory(organisation=StructureFactory().organisation).utilisateur
    else:
        utilisateur = request.getfixturevalue(personne)
    assert decider(client, utilisateur, demande, "accepter").status_code == 404


def test_the_requester_sees_but_cannot_decide_its_own_request(client, exterieur, structure):
    demander(client, exterieur, structure)
    demande = DemandeRattachement.objects.get()
    assert decider(client, exterieur, demande, "accepter").status_code == 403
    assert not est_membre(exterieur, structure)


def test_a_platform_admin_decides_any_request(client, exterieur, structure_importee, admin_plateforme):
    demander(client, exterieur, structure_importee)
    decider(client, admin_plateforme, DemandeRattachement.objects.get(), "accepter")
    assert est_membre(exterieur, structure_importee)


def test_decisions_require_post(client, exterieur, membre_structure, structure):
    demander(client, exterieur, structure)
    client.force_login(membre_structure)
    url = reverse("acteurs_ess:decider", args=[DemandeRattachement.objects.get().pk])
    assert client.get(url).status_code == 405


def test_the_profile_offers_to_claim_a_structure_without_members(client, exterieur, structure_importee):
    client.force_login(exterieur)
    contenu = client.get(structure_importee.get_absolute_url()).content.decode()
    assert "Revendiquer cette structure" in contenu


def test_the_edit_page_lists_pending_requests_for_members(client, exterieur, membre_structure, structure):
    demander(client, exterieur, structure)
    client.force_login(membre_structure)
    contenu = client.get(reverse("acteurs_ess:modifier", args=[structure.pk])).content.decode()
    assert exterieur.email in contenu
    assert "Je suis la nouvelle coordinatrice." in contenu


def test_it_never_redirects_outside_the_site_after_a_decision(client, exterieur, membre_structure, structure):
    demander(client, exterieur, structure)
    client.force_login(membre_structure)
    reponse = client.post(
        reverse("acteurs_ess:decider", args=[DemandeRattachement.objects.get().pk]),
        {"decision": "accepter", "suite": "https://pirate.example.com/"},
    )
    assert reponse.url == reverse("acteurs_ess:rattachements")


def test_a_claim_is_sent_to_the_agents_of_the_territory(
    client, exterieur, structure_importee, agent_rennes, agent_brest
):
    demander(client, exterieur, structure_importee)
    assert mail.outbox[0].to == [agent_rennes.email]
    assert "revendiquer Maurepas Mobilité" in mail.outbox[0].subject


def test_the_directory_links_to_requests_and_import_for_agents(client, agent, membre_structure):
    client.force_login(agent)
    contenu = client.get(reverse("acteurs_ess:annuaire")).content.decode()
    assert reverse("acteurs_ess:rattachements") in contenu
    assert reverse("acteurs_ess:importer") in contenu
    client.force_login(membre_structure)
    contenu = client.get(reverse("acteurs_ess:annuaire")).content.decode()
    assert reverse("acteurs_ess:rattachements") in contenu
    assert reverse("acteurs_ess:importer") not in contenu


def test_the_requests_page_requires_login(client, db):
    reponse = client.get(reverse("acteurs_ess:rattachements"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))


def test_the_requests_page_runs_a_fixed_number_of_queries(client, agent_rennes, territoire, django_assert_num_queries):
    from tests.acteurs_ess.factories import StructureFactory
    from tests.factories import UtilisateurFactory

    def demander_a(nombre):
        for _ in range(nombre):
            DemandeRattachement.objects.create(
                structure=StructureFactory(commune=territoire["rennes"]), demandeur=UtilisateurFactory()
            )

    demander_a(1)
    client.force_login(agent_rennes)
    # Session, utilisateur ; collectivités de l'agent ; demandes à décider ; mes demandes.
    with django_assert_num_queries(5):
        reponse = client.get(reverse("acteurs_ess:rattachements"))
    demander_a(10)
    with django_assert_num_queries(5):
        reponse = client.get(reverse("acteurs_ess:rattachements"))
    assert reponse.content.decode().count('value="accepter"') == 11


def test_a_join_request_is_kept_when_the_mail_server_is_down(
    client, exterieur, structure, membre_structure, smtp_en_panne, settings
):
    reponse = demander(client, exterieur, structure)
    assert reponse.status_code == 302
    assert DemandeRattachement.objects.filter(demandeur=exterieur).exists()

    reponse = decider(client, membre_structure, DemandeRattachement.objects.get(), "accepter")
    assert reponse.status_code == 302
    assert est_membre(exterieur, structure)
    assert mail.outbox == []

    serveur_de_courriels_retabli(settings)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([membre_structure.email, exterieur.email])
