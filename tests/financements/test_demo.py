import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from comptes.models import Organisation, Utilisateur
from financements.demo import TITRE
from financements.models import AppelAProjets, Dossier, Issue, StatutDossier

pytestmark = pytest.mark.django_db


def test_it_loads_a_call_with_dossiers_in_every_state_idempotently(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("charger_demo", verbosity=0)
    call_command("charger_demo", verbosity=0)
    appel = AppelAProjets.objects.get(titre=TITRE)
    assert appel.contrat.code == "CN03501I"
    assert {f.organisation.nom for f in appel.financeurs.all()} == {
        "Rennes Métropole",
        "Préfecture d'Ille-et-Vilaine",
        "Ville de Rennes",
    }
    dossiers = Dossier.objects.filter(appel=appel)
    assert set(dossiers.values_list("statut", flat=True)) == set(StatutDossier.values)
    assert dossiers.filter(collectif=True, co_porteurs__confirme_le__isnull=False).exists()
    assert dossiers.filter(convention_requise=True).exists()
    assert set(dossiers.exclude(issue="").values_list("issue", flat=True)) == set(Issue.values)
    assert {d.structure.raison_sociale for d in dossiers} == {
        "Les Ateliers du Blosne",
        "Régie de quartier de Maurepas",
        "Villejean Solidaire",
    }
    assert dossiers.count() == 10  # rien n'est dupliqué au second chargement


def test_the_demo_accounts_see_the_board_and_the_open_data(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("charger_demo", verbosity=0)
    client.force_login(Utilisateur.objects.get(email="etat@demo.coville.fr"))
    page = client.get(reverse("financements:tableau_instruction"))
    assert page.status_code == 200
    # Les dossiers déposés qui sollicitent l'État : quatre dans l'appel de 2027, celui de la CPO 2025–2028.
    assert page.context["page"].paginator.count == 5
    metropole = Organisation.objects.get(nom="Rennes Métropole")
    contenu = b"".join(client.get(reverse("financements:scdl", args=[metropole.pk])).streaming_content).decode()
    lignes = list(csv.reader(io.StringIO(contenu)))
    assert len(lignes) > 1 and all(ligne[1] == "24350013900189" for ligne in lignes[1:])
    client.force_login(Utilisateur.objects.get(email="structure@demo.coville.fr"))
    espace = client.get(reverse("comptes:mon_espace")).content.decode()
    assert "Repair café itinérant" in espace


def test_the_demo_dossiers_name_the_legal_representative_and_the_means_of_the_structure(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("charger_demo", stdout=io.StringIO())
    dossiers = Dossier.objects.select_related("structure")
    assert dossiers.exists()
    assert all(d.representant_nom and d.representant_qualite and d.budget_annuel_structure for d in dossiers)
    regie = dossiers.filter(structure__raison_sociale="Régie de quartier de Maurepas").first()
    assert regie.signataire.startswith("Nadia Benali (Directrice), par délégation")


def test_the_demo_has_an_annual_convention_in_force_and_a_cpo_awaiting_a_funder(settings, tmp_path):
    from financements.models import Convention, StatutConvention

    settings.MEDIA_ROOT = tmp_path
    call_command("charger_demo", verbosity=0)
    call_command("charger_demo", verbosity=0)
    conventions = Convention.objects.filter(dossiers__appel__titre=TITRE)
    en_vigueur = conventions.filter(statut=StatutConvention.EN_VIGUEUR, nombre_annees=1)
    assert en_vigueur.count() == 2  # rien n'est dupliqué au second chargement
    cpo = conventions.get(nombre_annees=3)
    assert cpo.statut == StatutConvention.SIGNEE_STRUCTURE
    signes = set(cpo.signatures.values_list("financeur__nom", flat=True))
    assert signes == {None, "Préfecture d'Ille-et-Vilaine"}  # la métropole n'a pas encore signé


def test_the_demo_conventions_in_force_have_their_advance_paid_and_their_balance_planned(settings, tmp_path):
    from financements.models import StatutVersement, Versement

    settings.MEDIA_ROOT = tmp_path
    call_command("charger_demo", verbosity=0)
    call_command("charger_demo", verbosity=0)
    versements = Versement.objects.filter(convention__dossiers__appel__titre=TITRE)
    assert sorted(versements.values_list("nature", "statut")) == sorted(
        [("avance", StatutVersement.PAYE), ("solde", StatutVersement.PREVU)] * 2
    )
    assert all(v.iban for v in versements.filter(statut=StatutVersement.PAYE))


def test_the_demo_has_a_cpo_2025_2028_in_execution_with_three_funders(client, settings, tmp_path):
    from financements.demo import TITRE_2025
    from financements.models import Convention, StatutAvenant, StatutCompteRendu, StatutConvention, StatutVersement

    settings.MEDIA_ROOT = tmp_path
    call_command("charger_demo", verbosity=0)
    call_command("charger_demo", verbosity=0)  # rechargée sans doublon
    cpo = Convention.objects.get(dossiers__appel__titre=TITRE_2025)
    assert (cpo.annee_debut, cpo.nombre_annees, cpo.statut) == (2025, 4, StatutConvention.EN_VIGUEUR)
    assert cpo.parties.count() == 3
    assert cpo.versements.filter(statut=StatutVersement.PAYE).exists()
    assert cpo.comptes_rendus.get(annee=2025).statut == StatutCompteRendu.ACCEPTE
    assert not cpo.comptes_rendus.filter(annee=2026).exists()  # dû au 30 juin 2027
    assert cpo.avenants.get().statut == StatutAvenant.SIGNE
    # Ce que montrent les tableaux : la structure, la métropole et l'État.
    client.force_login(Utilisateur.objects.get(email="structure@demo.coville.fr"))
    espace = client.get(reverse("comptes:mon_espace")).content.decode()
    assert "Ce que vous recevrez" in espace and cpo.get_absolute_url() in espace
    client.force_login(Utilisateur.objects.get(email="agent@demo.coville.fr"))
    tableau = client.get(reverse("financements:tableau_conventions"))
    assert tableau.context["chiffres"].a_venir + tableau.context["chiffres"].a_mandater >= 1
    client.force_login(Utilisateur.objects.get(email="etat@demo.coville.fr"))
    etat = client.get(reverse("financements:tableau_etat"), {"annee": 2026})
    assert etat.context["tableau"].total.etat_asso_cpo == 30000
