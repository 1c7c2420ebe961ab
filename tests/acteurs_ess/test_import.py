import io
import re
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from acteurs_ess import imports, permissions
from acteurs_ess.models import ImportStructures, Structure
from comptes.models import Organisation
from tests.acteurs_ess.factories import StructureFactory
from tests.archives import classeur as classeur_de
from tests.taches import executer_taches

pytestmark = pytest.mark.django_db

ENTETE = "raison_sociale,sigle,siret,siren,rna,forme_juridique,agrements,commune,qpv,adresse,site_web,description"


def csv_(*lignes: str, entete: str = ENTETE) -> bytes:
    return ("\n".join([entete, *lignes]) + "\n").encode()


def analyser(contenu: bytes, nom: str = "structures.csv"):
    return imports.analyser(nom, contenu)


def test_it_previews_creations_without_writing(territoire):
    analyse = analyser(
        csv_(
            "Les Ateliers du Blosne,ADB,44306184100047,,W353012345,association,esus|siae_aci,35238,QN03505M|QN03504M,"
            "12 rue de Bruxelles,ateliers.example.fr,Réparation",
            "Coursiers Solidaires,,,,,SCOP,,35281,,,,",
        )
    )
    assert analyse.est_valide
    assert [(ligne.numero, ligne.action) for ligne in analyse.lignes] == [(2, "creation"), (3, "creation")]
    assert not Structure.objects.exists()


def test_it_writes_everything_and_a_rerun_changes_nothing(territoire, epci):
    contenu = csv_(
        "Les Ateliers du Blosne,ADB,44306184100047,,W353012345,association,esus|siae_aci,35238,QN03505M|QN03504M,"
        "12 rue de Bruxelles,ateliers.example.fr,Réparation",
        "Coursiers Solidaires,,,,,scop,,35281,,,,",
    )
    bilan = imports.ecrire(analyser(contenu), importee_par=epci)
    assert (bilan.creees, bilan.mises_a_jour) == (2, 0)

    ateliers = Structure.objects.get(siret="44306184100047")
    assert (ateliers.siren, ateliers.rna, ateliers.sigle) == ("443061841", "W353012345", "ADB")
    assert ateliers.agrements == ["esus", "siae_aci"]
    assert ateliers.site_web == "https://ateliers.example.fr"
    assert ateliers.importee_par == epci
    assert {q.code for q in ateliers.qpv.all()} == {"QN03505M", "QN03504M"}
    assert ateliers.organisation.nom == "Les Ateliers du Blosne"
    assert not ateliers.organisation.adhesions.exists()
    assert "Agrément ESUS" in ateliers.mots_cles
    assert Structure.objects.filter(recherche="insertion").get() == ateliers

    relance = analyser(contenu)
    # Les Coursiers n'ont aucun identifiant : l'import ne peut pas les reconnaître et les recréerait.
    assert [ligne.action for ligne in relance.lignes] == ["inchangee", "creation"]


def test_it_updates_a_structure_found_by_siret_rna_or_siren(territoire):
    par_siret = StructureFactory(raison_sociale="Ancien nom", siret="44306184100047")
    par_rna = StructureFactory(raison_sociale="Asso RNA", rna="W353012345")
    par_siren = StructureFactory(raison_sociale="Asso SIREN", siren="732829320")
    analyse = analyser(
        csv_(
            "Nouveau nom,,44306184100047,,,,,,,,,",
            "Asso RNA,,,,W353012345,,,,QN03505M,,,",
            "Asso SIREN,,,732829320,,,,35238,,,,",
        )
    )
    assert [(ligne.action, ligne.structure_id) for ligne in analyse.lignes] == [
        ("mise_a_jour", par_siret.pk),
        ("mise_a_jour", par_rna.pk),
        ("mise_a_jour", par_siren.pk),
    ]
    assert analyse.lignes[0].changements == ["raison_sociale", "forme_juridique"]
    imports.ecrire(analyse)
    par_siret.refresh_from_db()
    assert par_siret.raison_sociale == "Nouveau nom"
    assert [q.code for q in par_rna.qpv.all()] == ["QN03505M"]
    par_siren.refresh_from_db()
    assert par_siren.commune_id == "35238"
    assert [
        ligne.action
        for ligne in analyser(
            csv_(
                "Nouveau nom,,44306184100047,,,,,,,,,",
                "Asso RNA,,,,W353012345,,,,QN03505M,,,",
                "Asso SIREN,,,732829320,,,,35238,,,,",
            )
        ).lignes
    ] == ["inchangee"] * 3


def test_it_never_changes_a_profile_kept_by_its_members(structure):
    analyse = analyser(csv_(f"Autre nom,,{structure.siret},,,,,,,,,"))
    assert analyse.lignes[0].action == "ignoree"
    assert "tenue par les membres" in analyse.lignes[0].explication
    imports.ecrire(analyse)
    structure.refresh_from_db()
    assert structure.raison_sociale == "Les Ateliers du Blosne"


@pytest.mark.parametrize(
    "ligne, message",
    [
        (",,,,,,,,,,,", None),  # ligne vide : ignorée, pas rejetée
        ("Sans nom,,44306184100048,,,,,,,,,", "Le SIRET 44306184100048 n'existe pas"),
        ("Sans nom,,,443061842,,,,,,,,", "Le SIREN 443061842 n'existe pas"),
        ("Sans nom,,,,353012345,,,,,,,", "n'est pas un numéro RNA"),
        (" ,sigle,,,,,,,,,,", "La raison sociale est vide."),
        ("Sans nom,,,,,,,99999,,,,", "Aucune commune n'a le code INSEE « 99999 »"),
        ("Sans nom,,,,,,,,QN03505M|QN99999M,,,", "Code(s) QPV inconnu(s) : QN99999M"),
        ("Sans nom,,,,,coopérative,,,,,,", "Forme juridique « coopérative » inconnue"),
        ("Sans nom,,,,,,label rouge,,,,,", "Agrément « label rouge » inconnu"),
        ("Sans nom,,44306184100047,732829320,,,,,,,,", "ne correspond pas au SIRET"),
        ("Sans nom,,,,,,,,,,pas un site,", "Adresse de site web invalide"),
    ],
)
def test_it_rejects_bad_lines_with_a_french_reason(territoire, ligne, message):
    analyse = analyser(csv_("Correcte,,,,,,,,,,,", ligne))
    if message is None:
        assert len(analyse.lignes) == 1
        return
    assert analyse.lignes[0].action == "creation"
    rejet = analyse.lignes[1]
    assert (rejet.numero, rejet.action) == (3, "rejet")
    assert message in rejet.explication
    assert not analyse.est_valide


def test_it_rejects_a_siret_already_in_the_file(territoire):
    analyse = analyser(csv_("Une,,44306184100047,,,,,,,,,", "Deux,,44306184100047,,,,,,,,,"))
    assert analyse.lignes[1].action == "rejet"
    assert "SIRET 44306184100047 déjà présent ligne 2" in analyse.lignes[1].explication


def test_it_writes_nothing_when_one_line_is_rejected(territoire):
    analyse = analyser(csv_("Correcte,,,,,,,,,,,", "Fautive,,44306184100048,,,,,,,,,"))
    with pytest.raises(Exception, match="1 ligne\\(s\\) rejetée\\(s\\)"):
        imports.ecrire(analyse)
    assert not Structure.objects.exists()
    assert list(Organisation.objects.values_list("nom", flat=True)) == ["Rennes Métropole"]  # celle de l'agent


def test_it_rolls_back_everything_if_writing_fails_midway(territoire, monkeypatch):
    analyse = analyser(csv_("Une,,44306184100047,,,,,,QN03505M,,,", "Deux,,,,,,,,,,,"))
    original = Structure.qpv.through.objects.bulk_create

    def panne(*args, **kwargs):
        raise RuntimeError("panne de la base")

    monkeypatch.setattr(Structure.qpv.through.objects, "bulk_create", panne)
    with pytest.raises(RuntimeError):
        imports.ecrire(analyse)
    monkeypatch.setattr(Structure.qpv.through.objects, "bulk_create", original)
    assert not Structure.objects.exists()
    assert list(Organisation.objects.values_list("nom", flat=True)) == ["Rennes Métropole"]  # celle de l'agent


def test_it_reads_windows_1252_with_semicolons_and_loose_headers(territoire):
    contenu = "Raison Sociale;SIRET;Commune;Téléphone\nRégie de quartier;44306184100047;35238;02 99\n".encode("cp1252")
    analyse = analyser(contenu)
    assert analyse.colonnes == ["raison_sociale", "siret", "commune"]
    assert analyse.colonnes_inconnues == ["Téléphone"]
    assert analyse.lignes[0].raison_sociale == "Régie de quartier"
    assert analyse.est_valide


def test_it_reads_utf8_with_bom(territoire):
    analyse = analyser("\ufeffraison_sociale\nÉpicerie\n".encode())
    assert analyse.lignes[0].raison_sociale == "Épicerie"


def test_it_reads_xlsx_and_restores_the_leading_zero_of_commune_codes(territoire):
    from territoires.models import Commune, Departement, Region

    region = Region.objects.create(code="84", nom="Auvergne-Rhône-Alpes", zone="metro")
    ain = Departement.objects.create(code="01", nom="Ain", region=region, zone="metro")
    Commune.objects.create(code="01053", nom="Bourg-en-Bresse", departement=ain)
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(["Raison sociale", "SIRET", "commune"])
    feuille.append(["Épicerie de Bourg", 44306184100047, 1053])
    tampon = io.BytesIO()
    classeur.save(tampon)
    analyse = analyser(tampon.getvalue(), "structures.xlsx")
    assert analyse.est_valide
    assert analyse.lignes[0].valeurs["siret"] == "44306184100047"
    assert analyse.lignes[0].valeurs["commune_id"] == "01053"


@pytest.mark.parametrize(
    "nom, contenu, message",
    [
        ("structures.csv", csv_("Sans colonne", entete="nom,siret"), "Colonne obligatoire manquante : raison_sociale"),
        ("structures.csv", b"", "Le fichier est vide"),
        ("structures.csv", csv_(), "aucune ligne de structure"),
        ("structures.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "n'est pas un tableur"),
        ("structures.xlsx", b"pas un zip", "n'est pas un classeur XLSX valide"),
        ("structures.csv", csv_("A,A", entete="raison_sociale,Raison Sociale"), "apparaît deux fois"),
    ],
)
def test_it_refuses_unreadable_files(db, nom, contenu, message):
    analyse = analyser(contenu, nom)
    assert message in analyse.erreur
    assert not analyse.est_valide


def test_the_command_imports_and_supports_dry_run(territoire, tmp_path, capsys):
    fichier = tmp_path / "structures.csv"
    fichier.write_bytes(csv_("Les Ateliers du Blosne,,44306184100047,,,,,35238,,,,"))
    call_command("importer_structures", str(fichier), "--dry-run")
    assert "1 à créer" in capsys.readouterr().out
    assert not Structure.objects.exists()

    call_command("importer_structures", str(fichier))
    assert "1 créée(s)" in capsys.readouterr().out
    assert Structure.objects.count() == 1
    call_command("importer_structures", str(fichier))
    assert "1 inchangées" in capsys.readouterr().out
    assert Structure.objects.count() == 1


def test_the_command_fails_and_writes_nothing_on_a_bad_line(territoire, tmp_path, capsys):
    fichier = tmp_path / "structures.csv"
    fichier.write_bytes(csv_("Correcte,,,,,,,,,,,", "Fautive,,,,,,,99999,,,,"))
    with pytest.raises(CommandError, match="1 ligne\\(s\\) rejetée\\(s\\)"):
        call_command("importer_structures", str(fichier))
    assert "Ligne 3 (Fautive) : Aucune commune" in capsys.readouterr().err
    assert not Structure.objects.exists()


def test_the_command_reports_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("importer_structures", str(tmp_path / "absent.csv"))


def televerser(nom: str, contenu: bytes):
    return SimpleUploadedFile(nom, contenu, content_type="text/csv")


@pytest.mark.django_db(transaction=True)
def test_an_agent_previews_then_confirms_an_import_written_by_a_worker(client, agent, territoire, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(agent)
    url = reverse("acteurs_ess:importer")
    assert client.get(url).status_code == 200
    reponse = client.post(
        url,
        {
            "fichier": televerser(
                "s.csv", csv_("Les Ateliers du Blosne,,44306184100047,,,,,35238,,,,", "Coursiers,,,,,,,35281,,,,")
            )
        },
    )
    contenu = reponse.content.decode()
    assert "2 créations" in contenu
    assert "Confirmer l'import" in contenu
    assert not Structure.objects.exists()

    jeton = reponse.context["jeton"]
    reponse = client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": jeton})
    # La requête n'écrit rien : elle lance l'import et mène à sa page de suivi.
    suivi = ImportStructures.objects.get()
    assert reponse.url == reverse("acteurs_ess:suivi_import", args=[suivi.pk])
    assert not Structure.objects.exists()
    page = unescape(client.get(reponse.url).content.decode())
    assert "En attente" in page
    assert "Actualiser" in page

    executer_taches()

    assert Structure.objects.count() == 2
    assert Structure.objects.first().importee_par.nom == "Rennes Métropole"
    page = unescape(client.get(reponse.url).content.decode())
    assert "Import terminé" in page
    assert (
        "2 structures créées, 0 mises à jour, 0 inchangées, 0 ignorées (fiches tenues par leurs membres), sur 2 lignes"
        in page
    )
    assert "Actualiser" not in page
    # Le même aperçu ne peut pas être confirmé une seconde fois, et son fichier n'est pas gardé.
    reponse = client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": jeton})
    assert reponse.url == reverse("acteurs_ess:importer")
    executer_taches()
    assert Structure.objects.count() == 2
    assert not list((tmp_path / "imports").iterdir())


def test_a_new_preview_replaces_the_previous_one(client, agent, territoire, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(agent)
    url = reverse("acteurs_ess:importer")
    premier = client.post(url, {"fichier": televerser("a.csv", csv_("Une,,,,,,,35238,,,,"))}).context["jeton"]
    client.post(url, {"fichier": televerser("b.csv", csv_("Deux,,,,,,,35238,,,,"))})
    assert len(list((tmp_path / "imports").iterdir())) == 1
    client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": premier})
    assert not Structure.objects.exists()


def test_the_preview_shows_rejections_and_offers_no_confirmation(client, agent, territoire):
    client.force_login(agent)
    reponse = client.post(
        reverse("acteurs_ess:importer"), {"fichier": televerser("s.csv", csv_("Fautive,,,,,,,99999,,,,"))}
    )
    contenu = reponse.content.decode()
    assert "1 ligne rejetée : rien ne sera écrit" in contenu
    assert "Aucune commune n&#x27;a le code INSEE « 99999 »" in contenu
    assert "Confirmer l'import" not in contenu


@pytest.mark.parametrize(
    "nom, contenu, message",
    [
        ("photo.png", b"\x89PNG", "Déposez un fichier de tableur au format CSV ou XLSX."),
        ("gros.csv", b"x" * (10 * 1024 * 1024 + 1), "Ce fichier dépasse 10 Mo"),
    ],
)
def test_it_refuses_oversized_or_non_spreadsheet_uploads(client, agent, nom, contenu, message):
    client.force_login(agent)
    reponse = client.post(reverse("acteurs_ess:importer"), {"fichier": televerser(nom, contenu)})
    assert message in reponse.content.decode()
    assert not Structure.objects.exists()


@pytest.mark.parametrize("personne", ["membre_structure", "elu", "habitant", "exterieur"])
def test_only_agents_and_admins_import(client, personne, request):
    client.force_login(request.getfixturevalue(personne))
    assert client.get(reverse("acteurs_ess:importer")).status_code == 403
    assert client.post(reverse("acteurs_ess:confirmer_import"), {"jeton": "x"}).status_code == 403
    assert client.get(reverse("acteurs_ess:imports")).status_code == 403


def test_a_platform_admin_may_import(client, admin_plateforme):
    client.force_login(admin_plateforme)
    assert client.get(reverse("acteurs_ess:importer")).status_code == 200


def test_an_export_reimports_unchanged(client, territoire):
    structure = StructureFactory(
        raison_sociale="Régie, « quartier »",
        siret="44306184100047",
        agrements=["regie_quartier"],
        commune=territoire["rennes"],
        description="Ligne 1\nLigne 2",
        site_web="https://regie.example.fr",
    )
    structure.qpv.add(territoire["blosne"])
    export = b"".join(client.get(reverse("acteurs_ess:exporter_csv")).streaming_content)
    analyse = analyser(export)
    assert [ligne.action for ligne in analyse.lignes] == ["inchangee"]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_an_export_of_formula_like_names_reimports_unchanged(client, territoire, format):
    StructureFactory(
        raison_sociale='=HYPERLINK("https://pirate.example/","Cliquez")',
        sigle="-ADB",
        siret="44306184100047",
        commune=territoire["rennes"],
        adresse="+33 rue du Blosne",
        description="@SOMME(A1)",
    )
    reponse = client.get(reverse(f"acteurs_ess:exporter_{format}"))
    export = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    analyse = analyser(export, f"structures.{format}")
    assert [ligne.action for ligne in analyse.lignes] == ["inchangee"], analyse.lignes[0].explication


def test_it_refuses_an_xlsx_bomb_before_reading_it(client, agent, monkeypatch):
    from config.lib import archives
    from tests.archives import MO, classeur

    # Des bornes réduites pour un test rapide (tests/test_lib.py en essaie une aux bornes réelles).
    monkeypatch.setattr(archives, "TAILLE_ENTREE_MAXIMUM", 2 * MO)
    # Les chaînes partagées sont lues en entier par openpyxl : elles se décompressent au-delà de la borne.
    chaines = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    bombe = classeur([["raison_sociale"], ["Épicerie"]], {"xl/sharedStrings.xml": chaines.encode() + b" " * 3 * MO})
    analyse = analyser(bombe, "structures.xlsx")
    assert "une fois décompressé" in analyse.erreur
    client.force_login(agent)
    reponse = client.post(reverse("acteurs_ess:importer"), {"fichier": televerser("structures.xlsx", bombe)})
    assert "une fois décompressé" in reponse.content.decode()
    assert not Structure.objects.exists()


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_it_refuses_a_spreadsheet_of_too_many_rows(db, monkeypatch, format):
    from config.lib import tableurs
    from tests.archives import classeur

    monkeypatch.setattr(tableurs, "LIGNES_MAXIMUM", 5)
    lignes = [["raison_sociale"], *([f"Structure {i}"] for i in range(6))]
    contenu = classeur(lignes) if format == "xlsx" else "\n".join(ligne[0] for ligne in lignes).encode()
    analyse = analyser(contenu, f"structures.{format}")
    assert "plus de 5 lignes" in analyse.erreur
    assert analyser(classeur(lignes[:6]) if format == "xlsx" else b"raison_sociale\nA\n", f"s.{format}").est_valide


def test_it_reads_only_the_columns_an_import_may_have(db):
    import zipfile

    from config.lib import tableurs
    from tests.archives import archive_zip

    # Une feuille qui s'annonce large de 16 384 colonnes : chaque ligne lue en compterait autant.
    with zipfile.ZipFile(io.BytesIO(classeur_de([["raison_sociale"], ["Épicerie"]]))) as source:
        entrees = {n: source.read(n) for n in source.namelist()}
    feuille = entrees["xl/worksheets/sheet1.xml"].decode()
    entrees["xl/worksheets/sheet1.xml"] = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD2"', feuille)
    entete, lignes = tableurs.lire_tableur("structures.xlsx", archive_zip(entrees))
    assert len(entete) == tableurs.COLONNES_MAXIMUM
    assert [ligne[0] for ligne in lignes] == ["Épicerie"]


def test_an_agent_imports_only_within_the_territory_of_her_collectivite(client, agent, territoire):
    # Rennes Métropole : Rennes et Saint-Jacques-de-la-Lande ; Brest n'en est pas, une ligne sans commune non plus.
    StructureFactory(raison_sociale="Brest Solidaire", siret="44306184100047", commune=territoire["brest"])
    client.force_login(agent)
    reponse = client.post(
        reverse("acteurs_ess:importer"),
        {
            "fichier": televerser(
                "s.csv",
                csv_(
                    "À Rennes,,,,,,,35238,,,,",
                    "À Brest,,,,,,,29019,,,,",
                    "Sans commune,,,,,,,,,,,",
                    "Brest Solidaire déplacée à Rennes,,44306184100047,,,,,35238,,,,",
                ),
            )
        },
    )

    analyse = reponse.context["analyse"]
    assert [ligne.action for ligne in analyse.lignes] == ["creation", "rejet", "rejet", "rejet"]
    contenu = unescape(reponse.content.decode())
    assert "La commune 29019 est hors du territoire de votre collectivité." in contenu
    assert imports.HORS_TERRITOIRE_SANS_COMMUNE in contenu
    assert "Brest Solidaire est inscrite hors du territoire de votre collectivité" in contenu
    assert "Confirmer l'import" not in contenu


def test_a_platform_admin_imports_anywhere(territoire, admin_plateforme):
    analyse = imports.analyser(
        "s.csv",
        csv_("À Brest,,,,,,,29019,,,,", "Sans commune,,,,,,,,,,,"),
        permissions.territoire_d_import(admin_plateforme),
    )
    assert [ligne.action for ligne in analyse.lignes] == ["creation", "creation"]
