"""Personnes et organisations utilisées dans toute la suite (à la manière de healthchecks, `hc/test.py`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    noms versionnés et compression de WhiteNoise), une fois pour toute la suite : c'est long."""
    racine = tmp_path_factory.mktemp("staticfiles")
    collecte = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=RACINE,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "production-simulee-" + "k" * 50,
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "STATIC_ROOT": str(racine),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collecte.returncode == 0, collecte.stderr
    return racine


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
            curseur.execute(
                "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
                "procrastinate_workers CASCADE"
            )


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
