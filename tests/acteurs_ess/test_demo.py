import pytest
from django.core.management import call_command
from stdnum import iban

import acteurs_ess.demo
import comptes.demo
from acteurs_ess.models import Collectif, DocumentStructure, EtatRib, EtatValidite, MembreCollectif, Rib, Structure
from comptes.models import Organisation
from territoires.models import Qpv

pytestmark = pytest.mark.django_db


def test_it_loads_full_profiles_and_a_ptce_idempotently(territoire, capsys):
    call_command("charger_demo")
    call_command("charger_demo")

    assert Structure.objects.count() == 3
    ateliers = Structure.objects.get(raison_sociale="Les Ateliers du Blosne")
    assert ateliers.commune_id == "35238"
    assert [q.code for q in ateliers.qpv.all()] == ["QN03505M"]
    assert ateliers.description
    assert ateliers.organisation.adhesions.filter(utilisateur__email="structure@demo.coville.fr").exists()
    villejean = Structure.objects.get(raison_sociale="Villejean Solidaire")
    assert list(villejean.qpv.all()) == list(Qpv.objects.filter(code="QN03502M"))

    ptce = Collectif.objects.get()
    assert ptce.nom == "Pôle ESS Rennes Sud"
    assert set(MembreCollectif.objects.values_list("organisation__nom", flat=True)) == {
        "Les Ateliers du Blosne",
        "Ville de Rennes",
    }
    assert Organisation.objects.get(nom="Ville de Rennes").participations_collectifs.exists()
    assert "Annuaire de l'ESS : 3 fiches" in capsys.readouterr().out


def test_it_loads_without_the_territorial_reference(db):
    comptes.demo.charger(sortie=lambda texte: None)
    acteurs_ess.demo.charger(sortie=lambda texte: None)
    assert Structure.objects.filter(commune__isnull=True).count() == 3
    assert not Structure.qpv.through.objects.exists()


def test_each_demo_structure_has_one_validated_rib_with_a_valid_iban(territoire, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("charger_demo")
    call_command("charger_demo")
    ribs = Rib.objects.filter(etat=EtatRib.VALIDE).select_related("valide_par")
    assert ribs.count() == Structure.objects.count() == 3
    assert all(iban.is_valid(r.iban) and r.iban.startswith("FR") for r in ribs)
    assert len({r.iban for r in ribs}) == 3
    assert {r.valide_par.email for r in ribs} == {"agent@demo.coville.fr"}


def test_the_demo_vault_of_the_ateliers_flags_a_report_that_expires_soon(territoire, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("charger_demo")
    call_command("charger_demo")
    ateliers = Structure.objects.get(raison_sociale="Les Ateliers du Blosne")
    documents = {d.type: d for d in DocumentStructure.objects.filter(structure=ateliers)}
    assert set(documents) == {"statuts", "comptes", "rapport_activite"}
    assert documents["rapport_activite"].validite() == EtatValidite.BIENTOT_EXPIRE
    assert documents["statuts"].validite() == EtatValidite.VALABLE
