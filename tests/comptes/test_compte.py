"""« Mon compte » : son nom, l'export de ses données, la suppression de son compte (RGPD) ; et la même
suppression faite par un administrateur à la demande de la personne."""

import csv
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptes.models import Adhesion, EntreeAudit, Invitation, Role, Utilisateur
from comptes.registres import donnees_personnelles
from tests.factories import MOT_DE_PASSE

pytestmark = pytest.mark.django_db


def test_it_is_reachable_from_my_space(client, habitant):
    client.force_login(habitant)
    assert reverse("comptes:mon_compte") in client.get(reverse("comptes:mon_espace")).content.decode()


def test_it_needs_a_login(client):
    for nom in ("mon_compte", "telecharger_donnees", "telecharger_donnees_csv", "supprimer_compte"):
        reponse = client.get(reverse(f"comptes:{nom}"))
        assert reponse.status_code == 302
        assert reponse["Location"].startswith(reverse("account_login"))


def test_it_edits_my_name(client, habitant):
    client.force_login(habitant)
    reponse = client.post(reverse("comptes:mon_compte"), {"prenom": "  Léa ", "nom": "Le  Gall"}, follow=True)
    habitant.refresh_from_db()
    assert (habitant.prenom, habitant.nom) == ("Léa", "Le Gall")
    assert "Votre nom a été enregistré." in reponse.content.decode()


def test_it_keeps_the_input_and_explains_in_french_on_a_bad_name(client, habitant):
    client.force_login(habitant)
    ancien = habitant.nom
    reponse = client.post(reverse("comptes:mon_compte"), {"prenom": "Léa-Marie", "nom": "lea@exemple.fr"})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Le nom ne peut pas contenir d&#x27;adresse e-mail" in contenu
    assert 'value="Léa-Marie"' in contenu
    assert 'value="lea@exemple.fr"' in contenu
    reponse = client.post(reverse("comptes:mon_compte"), {"prenom": "", "nom": "1234"})
    contenu = reponse.content.decode()
    assert "Indiquez votre prénom." in contenu
    assert "Le nom doit contenir au moins une lettre." in contenu
    habitant.refresh_from_db()
    assert habitant.nom == ancien


def test_it_downloads_my_account_and_memberships_as_json(client, habitant):
    client.force_login(habitant)
    reponse = client.post(reverse("comptes:telecharger_donnees"))
    assert reponse["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in reponse["Content-Disposition"]
    donnees = json.loads(reponse.content)
    assert donnees["compte"]["adresse_email"] == "habitant@exemple.fr"
    assert donnees["compte"]["prenom"] == habitant.prenom
    assert donnees["adhesions"] == [
        {
            "organisation": "Conseil citoyen de Maurepas",
            "type_organisation": "Conseil citoyen",
            "role": "Habitant·e",
            "depuis_le": donnees["adhesions"][0]["depuis_le"],
        }
    ]
    # Les applications de niveau supérieur y ajoutent ce qu'elles gardent de la personne.
    assert {"contributions", "messages", "dossiers_crees"} <= set(donnees)
    assert {"contributions", "messages", "dossiers_crees"} <= set(donnees_personnelles.noms())


def test_it_downloads_my_data_as_csv_files_a_spreadsheet_opens(client, habitant):
    # Un nom qu'un tableur prendrait pour une formule reste du texte (apostrophe, `config.lib.tableurs`).
    habitant.prenom = '=HYPERLINK("https://exemple.invalid")'
    habitant.save(update_fields=["prenom"])
    client.force_login(habitant)

    reponse = client.post(reverse("comptes:telecharger_donnees_csv"))

    assert reponse["Content-Type"] == "application/zip"
    assert reponse["Content-Disposition"].startswith('attachment; filename="coville-mes-donnees-')
    assert reponse["Content-Disposition"].endswith('.zip"')
    assert reponse["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(reponse.content))
    assert {"LISEZMOI.txt", "compte.csv", "adhesions.csv", "journal_d_audit.csv"} <= set(archive.namelist())
    compte = archive.read("compte.csv").decode("utf-8")
    assert compte.startswith("\ufeff")  # Excel reconnaît l'UTF-8
    [ligne] = csv.DictReader(io.StringIO(compte.removeprefix("\ufeff")))
    assert ligne["adresse_email"] == "habitant@exemple.fr"
    assert ligne["prenom"] == '\'=HYPERLINK("https://exemple.invalid")'
    assert ligne["administrateur_de_la_plateforme"] == "non"
    [adhesion] = csv.DictReader(io.StringIO(archive.read("adhesions.csv").decode("utf-8-sig")))
    assert (adhesion["organisation"], adhesion["role"]) == ("Conseil citoyen de Maurepas", "Habitant·e")
    [entree] = csv.DictReader(io.StringIO(archive.read("journal_d_audit.csv").decode("utf-8-sig")))
    assert json.loads(entree["details"]) == {"export": "ses propres données (RGPD, CSV)"}
    # Une rubrique vide n'a pas de fichier ; le LISEZMOI le dit.
    assert "invitations_envoyees.csv" not in archive.namelist()
    lisezmoi = archive.read("LISEZMOI.txt").decode("utf-8")
    assert "- compte.csv : 1 ligne(s)" in lisezmoi
    assert "- invitations_envoyees : aucune donnée (pas de fichier)" in lisezmoi


@pytest.mark.parametrize("page", ["mon_compte", "supprimer_compte"])
def test_my_account_and_the_delete_page_offer_both_downloads_as_forms(client, habitant, page):
    client.force_login(habitant)
    contenu = client.get(reverse(f"comptes:{page}")).content.decode()
    for vue in ("telecharger_donnees", "telecharger_donnees_csv"):
        assert f'<form method="post" action="{reverse(f"comptes:{vue}")}">' in contenu
        assert f'href="{reverse(f"comptes:{vue}")}"' not in contenu


@pytest.mark.parametrize("vue", ["telecharger_donnees", "telecharger_donnees_csv"])
def test_a_get_of_my_data_is_refused_and_journals_nothing(client, habitant, vue):
    # Un <img src> d'un autre site ne remplit pas le journal d'audit de la personne connectée.
    client.force_login(habitant)
    assert client.get(reverse(f"comptes:{vue}")).status_code == 405
    assert not EntreeAudit.objects.exists()


@pytest.mark.parametrize("vue", ["telecharger_donnees", "telecharger_donnees_csv"])
def test_an_export_needs_the_csrf_token(habitant, vue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(habitant)
    assert client.post(reverse(f"comptes:{vue}")).status_code == 403
    assert not EntreeAudit.objects.exists()


def _supprimer(client, utilisateur, confirmation=MOT_DE_PASSE):
    client.force_login(utilisateur)
    return client.post(reverse("comptes:supprimer_compte"), {"confirmation": confirmation}, follow=True)


def test_it_refuses_to_delete_without_the_password(client, habitant):
    reponse = _supprimer(client, habitant, "pas-le-bon")
    assert "Ce mot de passe n&#x27;est pas le vôtre" in reponse.content.decode()
    habitant.refresh_from_db()
    assert not habitant.est_supprime
    assert habitant.is_active


def test_it_anonymises_my_account_in_place_and_logs_me_out(client, habitant, agent, epci):
    invitation_recue = Invitation.objects.create(
        organisation=epci,
        email=habitant.email,
        role=Role.ELU,
        invitee_par=agent,
        empreinte_jeton="a" * 64,
        expire_le=timezone.now() + Invitation.DUREE_VALIDITE,
    )
    invitation_acceptee = Invitation.objects.create(
        organisation=habitant.adhesions.get().organisation,
        email=habitant.email,
        role=Role.HABITANT,
        invitee_par=agent,
        empreinte_jeton="b" * 64,
        expire_le=timezone.now(),
        acceptee_le=timezone.now(),
        acceptee_par=habitant,
    )
    pk = habitant.pk

    reponse = _supprimer(client, habitant)

    assert "Votre compte a été supprimé." in reponse.content.decode()
    assert "_auth_user_id" not in client.session
    compte = Utilisateur.objects.get(pk=pk)
    assert compte.est_supprime
    assert compte.email == f"supprime-{pk}@coville.invalid"
    assert (compte.prenom, compte.nom) == ("", "")
    assert not compte.is_active
    assert not compte.has_usable_password()
    assert str(compte) == "Compte supprimé"
    assert not EmailAddress.objects.filter(user=compte).exists()
    assert not Adhesion.objects.filter(utilisateur=compte).exists()
    invitation_recue.refresh_from_db()
    assert invitation_recue.annulee_le is not None
    assert invitation_recue.email == compte.email
    invitation_acceptee.refresh_from_db()
    assert invitation_acceptee.email == compte.email
    # La personne ne peut plus se connecter, ni avec son ancienne adresse ni avec la nouvelle.
    assert not client.login(email="habitant@exemple.fr", password=MOT_DE_PASSE)
    assert client.get(reverse("comptes:mon_espace")).status_code == 302


def test_it_confirms_with_the_e_mail_when_there_is_no_password(client, exterieur):
    exterieur.set_unusable_password()
    exterieur.save()
    reponse = _supprimer(client, exterieur, "autre@exemple.fr")
    assert "Cette adresse n&#x27;est pas celle de votre compte" in reponse.content.decode()
    _supprimer(client, exterieur, "Exterieur@exemple.fr")
    exterieur.refresh_from_db()
    assert exterieur.est_supprime


def test_an_admin_anonymises_an_account_on_request(client, admin_plateforme, habitant):
    client.force_login(admin_plateforme)
    reponse = client.post(
        reverse("admin:comptes_utilisateur_changelist"),
        {"action": "anonymiser", "_selected_action": [habitant.pk, admin_plateforme.pk]},
        follow=True,
    )
    contenu = reponse.content.decode()
    assert "1 compte(s) anonymisé(s)" in contenu
    assert "Votre propre compte n&#x27;a pas été anonymisé" in contenu
    habitant.refresh_from_db()
    assert habitant.est_supprime
    assert habitant.email == f"supprime-{habitant.pk}@coville.invalid"
    admin_plateforme.refresh_from_db()
    assert not admin_plateforme.est_supprime
