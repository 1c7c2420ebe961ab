"""Personnes et organisations utilisées dans toute la suite (à la manière de healthchecks, `hc/test.py`)."""

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.backends.postgresql.operations import DatabaseOperations as OperationsPostgres

from comptes.models import Role
from tests.double_authentification import activer
from tests.factories import AdhesionFactory, OrganisationFactory, UtilisateurFactory

# Le contrat de ville de Rennes Métropole, utilisé par les tests des contrats et par ceux des financements ;
# le serveur S3 (SeaweedFS) des tests du stockage objet.
pytest_plugins = ["tests.contrats.fixtures", "tests.seaweedfs"]

RACINE = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def statiques_de_production(tmp_path_factory) -> Path:
    """Les fichiers statiques collectés par `collectstatic` avec les réglages de production (config.settings :
    noms versionnés et compression de WhiteNoise), une fois pour toute la suite : c'est long. Sous pytest-xdist,
    chaque processus a sa session : le premier qui en a besoin collecte, dans le dossier temporaire commun aux
    processus, sous un verrou ; les autres attendent le verrou et lisent le même dossier."""
    commun = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        commun = commun.parent
    racine = commun / "staticfiles-production"
    with (commun / "staticfiles-production.verrou").open("w") as verrou:
        fcntl.flock(verrou, fcntl.LOCK_EX)
        if not racine.is_dir():
            _collecter_les_statiques(commun / f"staticfiles-{os.getpid()}", racine)
    return racine


def _collecter_les_statiques(provisoire: Path, racine: Path) -> None:
    collecte = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=RACINE,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "production-simulee-" + "k" * 50,
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "STATIC_ROOT": str(provisoire),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collecte.returncode == 0, collecte.stderr
    # Renommé une fois complet : une collecte interrompue n'est jamais prise pour finie.
    provisoire.rename(racine)


def _vider_par_delete(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """Le vidage des tables après un test transactionnel (commande `flush` de Django) : des DELETE plutôt qu'un
    TRUNCATE. Sur des tables presque vides, TRUNCATE recrée le fichier de chacune des ~110 tables (plusieurs
    secondes par test) ; DELETE les vide en quelques millisecondes, avec le même résultat (les séquences ne sont
    pas remises à zéro, comme le TRUNCATE de Django sans `reset_sequences`). Les clés étrangères de Django sont
    différables : vérifiées à la fin de la transaction du vidage, quand tout est vide."""
    if reset_sequences or not tables:
        return _SQL_FLUSH_DE_DJANGO(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    return ["SET CONSTRAINTS ALL DEFERRED"] + [f"DELETE FROM {self.quote_name(table)}" for table in tables]


_SQL_FLUSH_DE_DJANGO = OperationsPostgres.sql_flush


@pytest.fixture(scope="session", autouse=True)
def _vidage_rapide():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(OperationsPostgres, "sql_flush", _vider_par_delete)
        yield


@pytest.fixture(autouse=True)
def _cache_vide():
    # Les limites de débit d'allauth vivent dans le cache : chaque test part d'un compteur vide ; aucune page
    # publique gardée par un test précédent (config/lib/pages_publiques.py).
    from django.core.cache import cache, caches

    cache.clear()
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _file_de_taches_videe(request, django_db_blocker):
    # Les tables de Procrastinate ne sont pas des modèles gérés par Django : le vidage de la base qui suit un test
    # `transaction=True` (ou un navigateur sur live_server) les laisse telles quelles, et les tâches d'un test
    # passeraient au suivant.
    yield
    marqueur = request.node.get_closest_marker("django_db")
    transactionnel = (marqueur and marqueur.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if transactionnel:
        from django.db import connection

        with django_db_blocker.unblock(), connection.cursor() as curseur:
            # DELETE plutôt que TRUNCATE, bien plus lent sur des tables presque vides (voir `_vider_par_delete`).
            for table in ("events", "periodic_defers", "jobs", "workers"):
                curseur.execute(f"DELETE FROM procrastinate_{table}")


@pytest.fixture
def smtp_en_panne(settings):
    """Le serveur d'e-mails refuse tout envoi : les actions doivent réussir quand même."""
    settings.EMAIL_BACKEND = "tests.courriels.BackendEnPanne"


@pytest.fixture
def epci(db):
    return OrganisationFactory(epci=True, nom="Rennes Métropole")


@pytest.fixture
def commune(db):
    return OrganisationFactory(commune=True, nom="Ville de Rennes")


@pytest.fixture
def prefecture(db):
    return OrganisationFactory(etat=True, nom="Préfecture d'Ille-et-Vilaine")


@pytest.fixture
def association(db):
    return OrganisationFactory(nom="Les Ateliers du Blosne")


@pytest.fixture
def bailleur(db):
    return OrganisationFactory(bailleur=True, nom="Archipel Habitat")


@pytest.fixture
def conseil_citoyen(db):
    return OrganisationFactory(conseil_citoyen=True, nom="Conseil citoyen de Maurepas")


# Agents, membres de l'État et administrateurs ont activé la double authentification, exigée pour instruire,
# décider, exporter et administrer (comptes/mfa.py) ; `tests.double_authentification.desactiver` la retire.
@pytest.fixture
def agent(epci):
    return activer(
        AdhesionFactory(organisation=epci, role=Role.AGENT, utilisateur__email="agent@exemple.fr").utilisateur
    )


@pytest.fixture
def elu(epci):
    return AdhesionFactory(organisation=epci, role=Role.ELU, utilisateur__email="elu@exemple.fr").utilisateur


@pytest.fixture
def agent_etat(prefecture):
    return activer(
        AdhesionFactory(organisation=prefecture, role=Role.ETAT, utilisateur__email="etat@exemple.fr").utilisateur
    )


@pytest.fixture
def membre_structure(association):
    return AdhesionFactory(
        organisation=association, role=Role.STRUCTURE, utilisateur__email="tresoriere@exemple.fr"
    ).utilisateur


@pytest.fixture
def partenaire(bailleur):
    return AdhesionFactory(
        organisation=bailleur, role=Role.PARTENAIRE, utilisateur__email="bailleur@exemple.fr"
    ).utilisateur


@pytest.fixture
def habitant(conseil_citoyen):
    return AdhesionFactory(
        organisation=conseil_citoyen, role=Role.HABITANT, utilisateur__email="habitant@exemple.fr"
    ).utilisateur


@pytest.fixture
def admin_plateforme(db):
    organisation = OrganisationFactory(plateforme=True, nom="Équipe Coville")
    return activer(
        AdhesionFactory(
            organisation=organisation,
            role=Role.ADMIN,
            utilisateur__email="admin@exemple.fr",
            utilisateur__is_staff=True,
            utilisateur__is_superuser=True,
        ).utilisateur
    )


@pytest.fixture
def exterieur(db):
    """Une personne inscrite qui n'appartient à aucune organisation."""
    return UtilisateurFactory(email="exterieur@exemple.fr")


# Les tests les plus longs partent en premier. pytest-xdist (`make test`, répartition `load`) distribue les tests
# dans l'ordre de la collecte : rangés par nom, la matrice d'accès et les tests de production venaient en dernier,
# et un processus finissait seul pendant qu'un autre attendait. Dans l'ordre de leur durée (mesurée avec
# `pytest --durations`) ; un test qui n'est pas ici garde sa place, après eux.
EN_PREMIER = (
    "tests/test_matrice_acces.py::test_each_actor_gets_the_answer_the_role_table_gives[financements-",
    "tests/test_matrice_acces.py::test_each_actor_gets_the_answer_the_role_table_gives[contrats-",
    "tests/test_matrice_acces.py::test_each_actor_gets_the_answer_the_role_table_gives[",
    "tests/e2e/test_cpo_bout_en_bout.py",
    "tests/financements/test_migration.py",
    "tests/test_production.py",
    "tests/financements/test_pannes.py",
    "tests/financements/test_deux_serveurs.py",
    "tests/test_sauvegarde.py",
    "tests/territoires/test_import_national.py",
    "tests/evaluation/test_import_national.py",
    "tests/contrats/test_import.py::test_it_imports_the_national_list",
    "tests/e2e/",
    "tests/contrats/test_pdf_en_arriere_plan.py",
)


def pytest_collection_modifyitems(items):
    def rang(item) -> int:
        return next((i for i, debut in enumerate(EN_PREMIER) if item.nodeid.startswith(debut)), len(EN_PREMIER))

    items.sort(key=rang)  # tri stable : l'ordre de la collecte est gardé à rang égal
