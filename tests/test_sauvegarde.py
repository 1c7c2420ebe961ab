"""Sauvegarde et restauration (comptes/sauvegarde.py) : l'aller-retour de la démonstration, table par table et
fichier par fichier, dans une base et un stockage neufs ; les refus d'une base ou d'un stockage non vides."""

import hashlib
import io
import json
import subprocess
import sys
import tarfile

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from psycopg import sql

from comptes.sauvegarde import compter_lignes, outil_postgres, parametres_connexion, sauvegarder
from tests.processus import RACINE, environnement

pytestmark = pytest.mark.django_db(transaction=True)

FICHIERS = {
    "pieces/12/statuts.pdf": b"%PDF-1.7 statuts",
    "pdf/contrat-CV-35-2024/3f2a.pdf": b"%PDF-1.7 contrat",
    "apercus/import.xlsx": b"PK tableur",
}


@pytest.fixture
def stockage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for nom, contenu in FICHIERS.items():
        default_storage.save(nom, ContentFile(contenu))
    # Une écriture interrompue (config/lib/stockage.py) n'est pas un fichier de la plateforme.
    (settings.MEDIA_ROOT / ".partiels").mkdir(exist_ok=True)
    (settings.MEDIA_ROOT / ".partiels" / "tmp123.partiel").write_bytes(b"%PDF-tronqu")
    return settings.MEDIA_ROOT


@pytest.fixture
def base_neuve():
    """Une base vide sur le même serveur que la base de test ; supprimée à la fin."""
    parametres = parametres_connexion()
    nom = f"{parametres['dbname']}_restauree"
    administration = {**parametres, "dbname": "postgres"}
    with psycopg.connect(**administration, autocommit=True) as connexion:
        connexion.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(nom)))
        connexion.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nom)))
    yield {**parametres, "dbname": nom}
    with psycopg.connect(**administration, autocommit=True) as connexion:
        connexion.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(nom)))


def _url(parametres: dict[str, str]) -> str:
    identite = parametres.get("user", "") + (f":{parametres['password']}" if parametres.get("password") else "")
    hote = parametres.get("host", "localhost") + (f":{parametres['port']}" if parametres.get("port") else "")
    return f"postgres://{identite}@{hote}/{parametres['dbname']}"


def _lignes(parametres: dict[str, str]) -> dict[str, int]:
    with psycopg.connect(**parametres) as connexion, connexion.cursor() as curseur:
        return compter_lignes(curseur)


def _empreintes(racine) -> dict[str, str]:
    return {
        str(chemin.relative_to(racine)): hashlib.sha256(chemin.read_bytes()).hexdigest()
        for chemin in sorted(racine.rglob("*"))
        if chemin.is_file() and ".partiels" not in chemin.parts
    }


def _restaurer(archive, base: dict[str, str], media) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "restaurer", str(archive)],
        cwd=RACINE,
        env=environnement(DATABASE_URL=_url(base), MEDIA_ROOT=str(media)),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_demo_comes_back_whole_from_a_backup(stockage, base_neuve, tmp_path):
    call_command("charger_demo", stdout=io.StringIO())
    avant = _lignes(parametres_connexion())

    archive, manifeste = sauvegarder(tmp_path / "sauvegardes")
    restauree = tmp_path / "restauree"
    resultat = _restaurer(archive, base_neuve, restauree)

    assert resultat.returncode == 0, resultat.stderr
    assert "Restauration vérifiée" in resultat.stdout
    # Chaque table, ligne pour ligne ; chaque fichier, octet pour octet ; rien de l'écriture interrompue.
    assert manifeste.tables == avant
    assert sum(avant.values()) > 500 and avant["public.contrats_contratdeville"] > 0
    assert _lignes(base_neuve) == avant
    assert _empreintes(restauree) == _empreintes(stockage)
    assert set(FICHIERS) < set(_empreintes(restauree))  # les nôtres et ceux de la démonstration
    assert archive.stat().st_mode & 0o077 == 0  # lisible de son seul propriétaire


def test_the_archive_holds_the_database_before_the_files_and_a_manifest(stockage, tmp_path):
    archive, _ = sauvegarder(tmp_path)

    with tarfile.open(archive) as tar:
        noms = tar.getnames()
        manifeste = json.load(tar.extractfile("manifeste.json"))
        copie = tar.extractfile("base.dump").read()
    assert noms[0] == "base.dump" and noms[-1] == "manifeste.json"
    assert sorted(noms[1:-1]) == sorted(f"fichiers/{nom}" for nom in FICHIERS)
    assert copie.startswith(b"PGDMP")  # format custom de pg_dump
    assert manifeste["fichiers"]["pieces/12/statuts.pdf"] == {
        "taille": len(FICHIERS["pieces/12/statuts.pdf"]),
        "sha256": hashlib.sha256(FICHIERS["pieces/12/statuts.pdf"]).hexdigest(),
    }
    assert not list(tmp_path.glob("*.partiel"))


def test_the_client_tools_match_the_major_version_of_the_server():
    with psycopg.connect(**parametres_connexion()) as connexion:
        majeure = connexion.info.server_version // 10000
    sortie = subprocess.run([outil_postgres("pg_dump", majeure), "--version"], capture_output=True, text=True)
    assert f"(PostgreSQL) {majeure}." in sortie.stdout


def test_a_restore_over_a_database_holding_data_is_refused(stockage, tmp_path):
    archive, _ = sauvegarder(tmp_path / "sauvegardes")
    avant = _lignes(parametres_connexion())

    with pytest.raises(CommandError, match=r"n'est pas vide \(\d+ tables\) : restaurez dans une base neuve"):
        call_command("restaurer", str(archive))

    assert _lignes(parametres_connexion()) == avant


def test_a_restore_into_a_storage_holding_files_is_refused_before_writing_anything(stockage, base_neuve, tmp_path):
    archive, _ = sauvegarder(tmp_path / "sauvegardes")

    resultat = _restaurer(archive, base_neuve, stockage)

    assert resultat.returncode != 0
    assert "Le stockage des fichiers n'est pas vide" in resultat.stderr
    assert _lignes(base_neuve) == {}


def test_the_libpq_options_of_the_address_reach_the_postgresql_tools(monkeypatch):
    # Le PostgreSQL embarqué (make sans DATABASE_URL) donne son socket par `?host=…` : Django le range dans OPTIONS.
    from django.db import connections

    monkeypatch.setitem(
        connections["default"].settings_dict, "OPTIONS", {"host": "/srv/coville/var/postgres", "isolation_level": 1}
    )

    parametres = parametres_connexion()

    assert parametres["host"] == "/srv/coville/var/postgres"
    assert "isolation_level" not in parametres
