"""Le journal d'audit des actions sensibles : chaque action écrit une entrée (qui, quoi, sur quoi, pour quelle
organisation), dans sa transaction ; les administrateurs de la plateforme le lisent, personne ne le modifie."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse

from comptes import services
from comptes.audit import journaliser
from comptes.models import ActionAudit, Adhesion, EntreeAudit, Role, Utilisateur
from comptes.registres import donnees_personnelles, suppression_compte
from tests.double_authentification import activer
from tests.factories import MOT_DE_PASSE, AdhesionFactory, OrganisationFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def entree_unique(action: str) -> EntreeAudit:
    entrees = list(EntreeAudit.objects.filter(action=action))
    assert len(entrees) == 1, entrees
    return entrees[0]


def donnees_du_formulaire(reponse) -> dict:
    """Le formulaire d'administration tel que la page l'affiche, prêt à être renvoyé (formulaires en ligne
    compris)."""
    donnees: dict = {}
    formulaires = [reponse.context["adminform"].form]
    for inline in reponse.context["inline_admin_formsets"]:
        formset = inline.formset
        formulaires.extend([formset.management_form, *formset.forms])
    for formulaire in formulaires:
        for nom, champ in formulaire.fields.items():
            valeur = formulaire[nom].value()
            if valeur is None or getattr(champ, "disabled", False):
                continue
            if isinstance(valeur, list | tuple):
                donnees[formulaire.add_prefix(nom)] = [str(v) for v in valeur]
            else:
                donnees[formulaire.add_prefix(nom)] = str(valeur) if not isinstance(valeur, bool) else valeur
            if valeur is False:
                del donnees[formulaire.add_prefix(nom)]
    return donnees


def test_it_journals_an_accepted_invitation(agent, epci, exterieur):
    invitation, _ = services.inviter(agent, epci, exterieur.email, Role.ELU)
    adhesion = services.accepter(invitation, exterieur)

    entree = entree_unique(ActionAudit.INVITATION_ACCEPTEE)
    assert (entree.auteur, entree.auteur_repr, entree.organisation) == (
        exterieur,
        f"{exterieur} <{exterieur.email}>",
        epci,
    )
    assert (entree.content_type, entree.object_id) == (ContentType.objects.get_for_model(Adhesion), str(adhesion.pk))
    assert entree.details["role"] == Role.ELU
    assert entree.details["invitee_par"] == agent.email


def test_the_entry_is_rolled_back_with_a_failed_acceptance(agent, epci, exterieur, monkeypatch):
    invitation, _ = services.inviter(agent, epci, exterieur.email, Role.ELU)

    def panne(*args, **kwargs):
        raise RuntimeError("panne après l'écriture de l'entrée")

    monkeypatch.setattr(services.EmailAddress.objects, "update_or_create", panne)
    with pytest.raises(RuntimeError):
        services.accepter(invitation, exterieur)
    assert not Adhesion.objects.filter(utilisateur=exterieur).exists()
    assert not EntreeAudit.objects.exists()


def test_it_journals_role_changes_made_in_the_admin(client, admin_plateforme, epci, agent, elu):
    client.force_login(admin_plateforme)
    url = reverse("admin:comptes_organisation_change", args=[epci.pk])
    donnees = donnees_du_formulaire(client.get(url))
    adhesions = {donnees[f"adhesions-{i}-id"]: i for i in range(int(donnees["adhesions-TOTAL_FORMS"]))}
    agent_adhesion = Adhesion.objects.get(utilisateur=agent, organisation=epci)
    elu_adhesion = Adhesion.objects.get(utilisateur=elu, organisation=epci)
    donnees[f"adhesions-{adhesions[str(agent_adhesion.pk)]}-role"] = Role.ELU
    donnees[f"adhesions-{adhesions[str(elu_adhesion.pk)]}-DELETE"] = "on"

    reponse = client.post(url, donnees)

    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    changement = entree_unique(ActionAudit.ROLE_CHANGE)
    assert (changement.auteur, changement.organisation, changement.object_id) == (
        admin_plateforme,
        epci,
        str(agent_adhesion.pk),
    )
    assert (changement.details["ancien_role"], changement.details["role"]) == (Role.AGENT, Role.ELU)
    retrait = entree_unique(ActionAudit.ADHESION_RETIREE)
    assert (retrait.auteur, retrait.organisation, retrait.details["utilisateur"]) == (admin_plateforme, epci, elu.email)
    assert not EntreeAudit.objects.filter(action=ActionAudit.ADHESION_AJOUTEE).exists()


def test_it_journals_a_membership_added_in_the_admin(client, admin_plateforme, epci, exterieur):
    client.force_login(admin_plateforme)
    url = reverse("admin:comptes_organisation_change", args=[epci.pk])
    donnees = donnees_du_formulaire(client.get(url))
    nouveau = int(donnees["adhesions-TOTAL_FORMS"])
    donnees["adhesions-TOTAL_FORMS"] = str(nouveau + 1)
    donnees[f"adhesions-{nouveau}-utilisateur"] = str(exterieur.pk)
    donnees[f"adhesions-{nouveau}-organisation"] = str(epci.pk)
    donnees[f"adhesions-{nouveau}-role"] = Role.AGENT

    assert client.post(url, donnees).status_code == 302
    entree = entree_unique(ActionAudit.ADHESION_AJOUTEE)
    adhesion = Adhesion.objects.get(utilisateur=exterieur)
    assert (entree.auteur, entree.organisation, entree.object_id) == (admin_plateforme, epci, str(adhesion.pk))
    assert entree.details == {"utilisateur": exterieur.email, "role": Role.AGENT}


@pytest.mark.parametrize(("vue", "nom_format"), [("telecharger_donnees", "JSON"), ("telecharger_donnees_csv", "CSV")])
def test_it_journals_the_download_of_my_personal_data(client, habitant, vue, nom_format):
    client.force_login(habitant)
    assert client.post(reverse(f"comptes:{vue}")).status_code == 200
    entree = entree_unique(ActionAudit.EXPORT_DONNEES_PERSONNELLES)
    assert (entree.auteur, entree.object_id, entree.adresse_ip) == (habitant, str(habitant.pk), "127.0.0.1")
    assert entree.details == {"export": f"ses propres données (RGPD, {nom_format})"}


def test_a_failed_download_leaves_no_entry(client, habitant):
    def panne(utilisateur: Utilisateur) -> list:
        raise RuntimeError("base indisponible")

    donnees_personnelles.enregistrer("panne", panne)
    client.raise_request_exception = True
    client.force_login(habitant)
    try:
        with pytest.raises(RuntimeError):
            client.post(reverse("comptes:telecharger_donnees_csv"))
    finally:
        donnees_personnelles.retirer("panne")
    assert not EntreeAudit.objects.exists()


def test_my_data_export_holds_the_entries_about_me_without_other_peoples_addresses(
    client, rf, admin_plateforme, habitant, agent, conseil_citoyen, epci
):
    adhesion = Adhesion.objects.get(utilisateur=habitant)
    depuis_l_administration = rf.get("/admin/", REMOTE_ADDR="10.9.8.7")
    journaliser(
        ActionAudit.ROLE_CHANGE,
        auteur=admin_plateforme,
        objet=adhesion,
        organisation=conseil_citoyen,
        details={"utilisateur": habitant.email, "ancien_role": Role.ELU, "role": Role.HABITANT},
        request=depuis_l_administration,
    )
    journaliser(
        ActionAudit.ADHESION_RETIREE,
        auteur=admin_plateforme,
        organisation=epci,
        details={"adhesion": "retirée", "utilisateur": habitant.email, "role": Role.ELU},
        request=depuis_l_administration,
    )
    # Ni l'action d'un autre sur une autre personne, ni celle d'un autre sur l'organisation de la personne.
    journaliser(ActionAudit.STRUCTURE_VERIFIEE, auteur=agent, objet=epci, organisation=epci)
    journaliser(
        ActionAudit.ADHESION_AJOUTEE,
        auteur=admin_plateforme,
        objet=Adhesion.objects.get(utilisateur=agent),
        organisation=conseil_citoyen,
        details={"utilisateur": agent.email, "role": Role.AGENT},
    )
    client.force_login(habitant)

    export = client.post(reverse("comptes:telecharger_donnees"))

    entrees = json.loads(export.content)["journal_d_audit"]
    assert [(e["action"], e["par"], e["organisation"], e["adresse_ip"]) for e in entrees] == [
        ("Changement de rôle", "un administrateur de la plateforme", str(conseil_citoyen), None),
        ("Adhésion retirée", "un administrateur de la plateforme", "Rennes Métropole", None),
        ("Export de données personnelles", "vous", None, "127.0.0.1"),
    ]
    assert entrees[0]["details"]["role"] == Role.HABITANT
    assert entrees[0]["objet"] == str(adhesion)
    contenu = export.content.decode()
    assert admin_plateforme.email not in contenu
    assert "10.9.8.7" not in contenu
    assert agent.email not in contenu


def test_an_unverified_address_does_not_open_the_entries_of_its_former_owner(client, admin_plateforme, habitant):
    """Une personne supprime son compte ; quelqu'un ajoute son adresse libérée, sans la vérifier : l'export de
    ses données ne lui donne pas les entrées qui nommaient l'ancienne titulaire."""
    from allauth.account.models import EmailAddress

    from comptes import rgpd

    ancienne = habitant.email
    journaliser(
        ActionAudit.ADHESION_RETIREE, auteur=admin_plateforme, details={"utilisateur": ancienne, "role": Role.ELU}
    )
    rgpd.anonymiser(habitant)
    intrus = UtilisateurFactory(email="intrus@exemple.fr")
    EmailAddress.objects.create(user=intrus, email=ancienne, verified=False, primary=False)
    client.force_login(intrus)

    export = client.post(reverse("comptes:telecharger_donnees"))

    actions = [e["action"] for e in json.loads(export.content)["journal_d_audit"]]
    assert actions == ["Export de données personnelles"]


def test_a_verified_second_address_brings_the_entries_that_name_it(client, admin_plateforme, habitant):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=habitant, email="autre@exemple.fr", verified=True, primary=False)
    journaliser(
        ActionAudit.ADHESION_RETIREE,
        auteur=admin_plateforme,
        details={"utilisateur": "autre@exemple.fr", "role": Role.ELU},
    )
    client.force_login(habitant)

    export = client.post(reverse("comptes:telecharger_donnees"))

    actions = [e["action"] for e in json.loads(export.content)["journal_d_audit"]]
    assert actions == ["Adhésion retirée", "Export de données personnelles"]


def test_it_journals_the_deletion_of_my_account_with_my_former_address(client, habitant, conseil_citoyen):
    client.force_login(habitant)
    client.post(reverse("comptes:supprimer_compte"), {"confirmation": MOT_DE_PASSE})

    entree = entree_unique(ActionAudit.COMPTE_SUPPRIME)
    habitant.refresh_from_db()
    assert habitant.est_supprime
    assert entree.auteur == habitant
    assert "<habitant@exemple.fr>" in entree.auteur_repr
    assert entree.object_id == str(habitant.pk)
    assert entree.details["adresse_email"] == "habitant@exemple.fr"
    assert entree.details["adhesions"] == [f"{conseil_citoyen} ({Role.HABITANT.label})"]


def test_it_journals_an_anonymisation_by_an_admin(client, admin_plateforme, habitant):
    client.force_login(admin_plateforme)
    client.post(
        reverse("admin:comptes_utilisateur_changelist"), {"action": "anonymiser", "_selected_action": [habitant.pk]}
    )
    entree = entree_unique(ActionAudit.COMPTE_ANONYMISE)
    assert (entree.auteur, entree.object_id, entree.details["adresse_email"]) == (
        admin_plateforme,
        str(habitant.pk),
        "habitant@exemple.fr",
    )
    assert not EntreeAudit.objects.filter(action=ActionAudit.COMPTE_SUPPRIME).exists()


def test_a_failed_deletion_leaves_no_entry(habitant):
    from comptes import rgpd

    def panne(utilisateur: Utilisateur) -> None:
        raise RuntimeError("stockage indisponible")

    suppression_compte.enregistrer("panne", panne)
    try:
        with pytest.raises(RuntimeError):
            rgpd.anonymiser(habitant)
    finally:
        suppression_compte.retirer("panne")
    habitant.refresh_from_db()
    assert not habitant.est_supprime
    assert not EntreeAudit.objects.exists()


@pytest.fixture
def entree(agent, epci):
    return journaliser(ActionAudit.STRUCTURE_VERIFIEE, auteur=agent, objet=epci, organisation=epci)


@pytest.fixture
def administrateur_simple(db):
    """Un administrateur de la plateforme sans aucune permission Django particulière (sa double
    authentification activée, que l'administration exige)."""
    return activer(UtilisateurFactory(email="moderatrice@exemple.fr", is_staff=True))


@pytest.mark.parametrize("lecteur", ["admin_plateforme", "administrateur_simple"])
def test_platform_admins_read_the_journal(client, entree, lecteur, request):
    client.force_login(request.getfixturevalue(lecteur))
    liste = client.get(reverse("admin:comptes_entreeaudit_changelist"))
    assert liste.status_code == 200
    assert "Rennes Métropole" in liste.content.decode()
    assert client.get(reverse("admin:comptes_entreeaudit_changelist"), {"q": "agent@"}).status_code == 200
    assert client.get(reverse("admin:comptes_entreeaudit_change", args=[entree.pk])).status_code == 200


@pytest.mark.parametrize("personne", ["agent", "habitant", "exterieur"])
def test_others_cannot_read_the_journal(client, entree, personne, request):
    client.force_login(request.getfixturevalue(personne))
    reponse = client.get(reverse("admin:comptes_entreeaudit_changelist"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("admin:login"))


def test_anonymous_visitors_are_sent_to_login(client, entree):
    assert client.get(reverse("admin:comptes_entreeaudit_changelist")).status_code == 302


@pytest.mark.parametrize("lecteur", ["admin_plateforme", "administrateur_simple"])
def test_nobody_changes_or_deletes_an_entry_through_the_admin(client, entree, lecteur, request):
    client.force_login(request.getfixturevalue(lecteur))
    change = reverse("admin:comptes_entreeaudit_change", args=[entree.pk])
    assert client.get(reverse("admin:comptes_entreeaudit_add")).status_code == 403
    assert client.post(change, {"objet_repr": "effacé", "action": ActionAudit.COMPTE_SUPPRIME}).status_code == 403
    assert (
        client.post(reverse("admin:comptes_entreeaudit_delete", args=[entree.pk]), {"post": "yes"}).status_code == 403
    )
    reponse = client.post(
        reverse("admin:comptes_entreeaudit_changelist"),
        {"action": "delete_selected", "_selected_action": [entree.pk], "post": "yes"},
    )
    assert reponse.status_code in (200, 302)
    entree.refresh_from_db()
    assert (entree.objet_repr, entree.action) == ("Rennes Métropole", ActionAudit.STRUCTURE_VERIFIEE)


def test_an_entry_cannot_be_saved_again_nor_deleted(entree):
    entree.objet_repr = "autre chose"
    with pytest.raises(TypeError):
        entree.save()
    with pytest.raises(TypeError):
        entree.delete()


def test_an_entry_written_in_a_failed_transaction_disappears(agent, epci):
    with pytest.raises(RuntimeError), transaction.atomic():
        journaliser(ActionAudit.STRUCTURE_VERIFIEE, auteur=agent, objet=epci)
        raise RuntimeError("l'action échoue")
    assert not EntreeAudit.objects.exists()


def test_an_account_erased_by_an_admin_is_journaled_with_its_address(client, admin_plateforme):
    compte = UtilisateurFactory(email="erreur@exemple.fr")
    client.force_login(admin_plateforme)
    reponse = client.post(reverse("admin:comptes_utilisateur_delete", args=[compte.pk]), {"post": "yes"})
    assert reponse.status_code == 302
    assert not Utilisateur.objects.filter(pk=compte.pk).exists()
    entree = entree_unique(ActionAudit.COMPTE_EFFACE)
    assert (entree.auteur, entree.object_id, entree.details) == (
        admin_plateforme,
        str(compte.pk),
        {"adresse_email": "erreur@exemple.fr"},
    )


def test_my_space_links_platform_admins_to_the_journal(client, admin_plateforme, agent):
    url = reverse("admin:comptes_entreeaudit_changelist")
    client.force_login(admin_plateforme)
    assert url in client.get(reverse("comptes:mon_espace")).content.decode()
    client.force_login(agent)
    assert url not in client.get(reverse("comptes:mon_espace")).content.decode()


def test_the_purge_erases_the_entries_older_than_the_retention_and_says_so(settings, agent, epci):
    from datetime import timedelta

    from django.utils import timezone

    from comptes.audit import purger_entrees_anciennes

    settings.COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS = 365
    maintenant = timezone.now()

    def entree_du(il_y_a: timedelta) -> EntreeAudit:
        entree = journaliser(ActionAudit.STRUCTURE_VERIFIEE, auteur=agent, objet=epci, organisation=epci)
        EntreeAudit.objects.filter(pk=entree.pk).update(cree_le=maintenant - il_y_a)
        return entree

    trop_anciennes = [entree_du(timedelta(days=366)), entree_du(timedelta(days=365, seconds=1))]
    gardees = [entree_du(timedelta(days=364)), entree_du(timedelta(0))]

    assert purger_entrees_anciennes(maintenant) == 2

    restantes = set(EntreeAudit.objects.exclude(action=ActionAudit.JOURNAL_PURGE).values_list("pk", flat=True))
    assert restantes == {entree.pk for entree in gardees}
    assert not EntreeAudit.objects.filter(pk__in=[entree.pk for entree in trop_anciennes]).exists()
    purge = entree_unique(ActionAudit.JOURNAL_PURGE)
    assert (purge.auteur, purge.details["entrees_effacees"], purge.details["conservation_jours"]) == (None, 2, 365)
    # Rien de plus à effacer : aucune nouvelle entrée.
    assert purger_entrees_anciennes(maintenant) == 0
    assert EntreeAudit.objects.filter(action=ActionAudit.JOURNAL_PURGE).count() == 1


@pytest.fixture
def association_dissoute(db):
    organisation = OrganisationFactory(nom="Association dissoute", siret="77567227200016")
    AdhesionFactory(organisation=organisation, role=Role.STRUCTURE, utilisateur__email="presidente@exemple.fr")
    AdhesionFactory(organisation=organisation, role=Role.STRUCTURE, utilisateur__email="tresorier@exemple.fr")
    return organisation


def assert_suppression_journalisee(organisation_pk: int, nom: str, adresses: list[str], auteur: Utilisateur):
    retraits = EntreeAudit.objects.filter(action=ActionAudit.ADHESION_RETIREE, details__organisation=nom)
    assert sorted(entree.details["utilisateur"] for entree in retraits) == adresses
    assert all(entree.auteur == auteur and entree.details["motif"] == "organisation supprimée" for entree in retraits)
    [suppression] = EntreeAudit.objects.filter(
        action=ActionAudit.ORGANISATION_SUPPRIMEE, object_id=str(organisation_pk)
    )
    assert (suppression.auteur, suppression.objet_repr, suppression.details["adhesions_retirees"]) == (
        auteur,
        nom,
        len(adresses),
    )


def test_deleting_an_organisation_in_the_admin_journals_each_membership_it_removes(
    client, admin_plateforme, association_dissoute
):
    pk = association_dissoute.pk
    client.force_login(admin_plateforme)

    reponse = client.post(reverse("admin:comptes_organisation_delete", args=[pk]), {"post": "yes"})

    assert reponse.status_code == 302
    assert not Adhesion.objects.filter(organisation_id=pk).exists()
    assert_suppression_journalisee(
        pk, "Association dissoute", ["presidente@exemple.fr", "tresorier@exemple.fr"], admin_plateforme
    )


def test_deleting_organisations_from_the_list_journals_their_memberships(
    client, admin_plateforme, association_dissoute
):
    autre = AdhesionFactory(organisation__nom="Collectif fermé", utilisateur__email="membre@exemple.fr").organisation
    client.force_login(admin_plateforme)

    reponse = client.post(
        reverse("admin:comptes_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [association_dissoute.pk, autre.pk], "post": "yes"},
    )

    assert reponse.status_code == 302
    assert_suppression_journalisee(
        association_dissoute.pk,
        "Association dissoute",
        ["presidente@exemple.fr", "tresorier@exemple.fr"],
        admin_plateforme,
    )
    assert_suppression_journalisee(autre.pk, "Collectif fermé", ["membre@exemple.fr"], admin_plateforme)


def test_a_failed_deletion_from_the_list_leaves_the_organisation_and_no_entry(
    client, admin_plateforme, association_dissoute, monkeypatch
):
    from django.contrib import admin

    def panne(self, request, queryset):
        raise RuntimeError("la base refuse la suppression")

    monkeypatch.setattr(admin.ModelAdmin, "delete_queryset", panne)
    client.force_login(admin_plateforme)
    client.raise_request_exception = True

    with pytest.raises(RuntimeError):
        client.post(
            reverse("admin:comptes_organisation_changelist"),
            {"action": "delete_selected", "_selected_action": [association_dissoute.pk], "post": "yes"},
        )

    assert Adhesion.objects.filter(organisation=association_dissoute).count() == 2
    assert not EntreeAudit.objects.exists()


def test_admins_read_alert_unsubscriptions_without_changing_them(client, admin_plateforme, membre_structure):
    from comptes.models import AbonnementAlerte, TypeAlerte

    abonnement = AbonnementAlerte.objects.create(
        utilisateur=membre_structure, type_alerte=TypeAlerte.APPELS_A_PROJETS, abonne=False
    )
    client.force_login(admin_plateforme)
    liste = client.get(reverse("admin:comptes_abonnementalerte_changelist")).content.decode()
    assert str(membre_structure) in liste
    assert client.get(reverse("admin:comptes_abonnementalerte_add")).status_code == 403
    client.post(reverse("admin:comptes_abonnementalerte_change", args=[abonnement.pk]), {"abonne": "on"})
    abonnement.refresh_from_db()
    assert abonnement.abonne is False
