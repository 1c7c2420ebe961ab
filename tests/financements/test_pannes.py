"""Pannes, avec les vrais processus (gunicorn, worker Procrastinate) : PostgreSQL redémarré sous la charge, le
stockage objet arrêté puis relancé, le disque plein sous le stockage local.

Un worker tué au milieu d'une tâche est couvert ailleurs : tests/contrats/test_pdf_en_arriere_plan.py
(`test_a_worker_killed_while_writing_a_pdf_leaves_no_partial_file_and_the_job_is_run_again` : tué en plein rendu,
aucun PDF tronqué, la tâche relancée une fois et réussie) et tests/test_taches.py (`test_a_job_whose_worker_died_
is_run_again`, `test_a_job_that_keeps_killing_its_workers_ends_failed`).

Marqué `serveurs` (`make test PYTEST_ARGS="-m serveurs"`)."""

import contextlib
import http.client
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlencode

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils.crypto import get_random_string

from comptes.sauvegarde import parametres_connexion
from config.settings import stockage_des_fichiers
from contrats.models import Section, VersionSection
from financements.models import Dossier, PieceJointe
from tests.financements.conftest import PDF
from tests.postgres_a_part import serveur_postgres
from tests.processus import RACINE, attendre, environnement, lancer, lancer_worker
from tests.seaweedfs import port_libre
from tests.taches import taches

pytestmark = [pytest.mark.serveurs, pytest.mark.django_db(transaction=True)]

INDISPONIBLE = "Service momentanément indisponible"


@dataclass
class Reponse:
    debut: float
    fin: float
    quoi: str
    statut: int
    entetes: dict[str, str] = field(default_factory=dict)
    corps: str = ""


class Personne:
    """Une personne connectée (session validée par le test) qui parle HTTP à un serveur."""

    def __init__(self, port: int, session: str | None) -> None:
        self.port = port
        self.jeton = get_random_string(32)
        self.cookies = f"csrftoken={self.jeton}" + (f"; sessionid={session}" if session else "")

    def demander(
        self, quoi: str, methode: str, chemin: str, donnees: dict | None = None, entetes: dict | None = None
    ) -> Reponse:
        entetes = {"Cookie": self.cookies, **(entetes or {})}
        corps: bytes | str | None = None
        if donnees is not None and any(isinstance(v, SimpleUploadedFile) for v in donnees.values()):
            corps = encode_multipart(BOUNDARY, {**donnees, "csrfmiddlewaretoken": self.jeton})
            entetes["Content-Type"] = MULTIPART_CONTENT
        elif donnees is not None:
            corps = urlencode({**donnees, "csrfmiddlewaretoken": self.jeton})
            entetes["Content-Type"] = "application/x-www-form-urlencoded"
        debut = time.monotonic()
        connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connexion.request(methode, chemin, body=corps, headers=entetes)
            reponse = connexion.getresponse()
            contenu = reponse.read().decode(errors="replace")
            return Reponse(debut, time.monotonic(), quoi, reponse.status, dict(reponse.getheaders()), contenu)
        except OSError as erreur:
            return Reponse(debut, time.monotonic(), quoi, 0, corps=repr(erreur))
        finally:
            connexion.close()


def _repond(port: int) -> bool:
    return Personne(port, None).demander("sante", "GET", "/sante/").statut == 200


def _session(utilisateur) -> str:
    client = Client()
    client.force_login(utilisateur)
    return client.cookies["sessionid"].value


def _gunicorn(nom: str, port: int, env: dict, repertoire, processus: int = 2, limite_fichiers: int | None = None):
    return lancer(
        nom,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(processus),
            "--timeout",
            "60",
        ],
        env,
        repertoire,
        limite_fichiers,
    )


# --- PostgreSQL redémarré sous la charge -----------------------------------------------------------------------


def test_postgresql_restarted_under_load_gives_french_503s_only_while_down_and_everything_recovers(
    brouillon, appel, structure, section, contrat, agent, membre_structure, tmp_path
):
    sessions = {"agent": _session(agent), "structure": _session(membre_structure)}
    with serveur_postgres() as postgres:
        # La base de test (personnes, sessions, contrat, appel…) copiée sur le serveur du test, qu'il redémarre.
        postgres.copier_la_base(parametres_connexion(), "coville")
        env = environnement(
            DATABASE_URL=postgres.url("coville"),
            ALLOWED_HOSTS="127.0.0.1",
            MEDIA_ROOT=str(tmp_path / "media"),
            # Connexions gardées d'une requête à l'autre, comme en production : elles meurent avec le serveur et
            # doivent être vérifiées (CONN_HEALTH_CHECKS) puis rouvertes.
            CONN_MAX_AGE="60",
        )
        port = port_libre()
        web = _gunicorn("gunicorn", port, env, tmp_path)
        worker = lancer_worker("worker", env, tmp_path, files="pdf,courriels,maintenance")
        processus = [web, worker]
        try:
            attendre(lambda: _repond(port), "gunicorn répond", *processus)
            reponses, arret, redemarrage = _charge_pendant_un_redemarrage(
                postgres, port, sessions, section, brouillon, appel, structure
            )

            # Aucune erreur 500, aucune connexion refusée : des pages, des redirections après enregistrement, et
            # des 503 seulement pendant l'arrêt (plus le temps de rouvrir une connexion).
            statuts = {r.statut for r in reponses}
            assert statuts <= {200, 302, 503}, _resume(reponses)
            pannes = [r for r in reponses if r.statut == 503]
            assert pannes, "aucune requête n'a vu l'arrêt : la charge n'a pas couvert le redémarrage"
            assert all(r.fin >= arret and r.debut <= redemarrage + 2 for r in pannes), _resume(reponses)
            for reponse in pannes:
                assert reponse.entetes.get("Retry-After"), reponse
                if reponse.quoi != "sante":
                    assert INDISPONIBLE in reponse.corps, reponse.corps[:500]
            # Après le redémarrage, tout répond de nouveau, par les mêmes processus.
            apres = [r for r in reponses if r.debut > redemarrage + 2]
            assert apres and all(r.statut in (200, 302) for r in apres), _resume(apres)
            assert web.vivant() and worker.vivant()
            # Aucun processus gunicorn relancé : les deux du démarrage ont tenu.
            assert web.journal.read_text().count("Booting worker") == 2

            # Le worker s'est reconnecté : le PDF demandé par une version enregistrée après le redémarrage est rendu.
            attendre(
                lambda: _pdf_rendu_apres(postgres, redemarrage),
                "le worker rend le PDF après le redémarrage",
                *processus,
            )
            _aucune_donnee_a_moitie_ecrite(postgres, section, reponses)
        finally:
            for un_processus in processus:
                un_processus.arreter()


def _charge_pendant_un_redemarrage(postgres, port, sessions, section, brouillon, appel, structure):
    """Quatre personnes lisent et écrivent en boucle ; PostgreSQL s'arrête 1,5 s au milieu, puis redémarre."""
    reponses: list[Reponse] = []
    fin = threading.Event()
    agent = Personne(port, sessions["agent"])
    porteur = Personne(port, sessions["structure"])
    url_section = reverse("contrats:section", args=[section.contrat.code, section.pk])
    url_modifier = reverse("contrats:modifier_section", args=[section.contrat.code, section.pk])
    url_dossier = reverse("financements:dossier", args=[brouillon.pk])
    url_nouveau = reverse("financements:nouveau_dossier", args=[appel.pk])

    def lire(personne, quoi, chemin):
        while not fin.is_set():
            reponses.append(personne.demander(quoi, "GET", chemin))

    def versions():
        numero, n = section.numero, 0
        while not fin.is_set():
            n += 1
            donnees = {"texte": f"<p>Version écrite pendant l'essai n° {n}.</p>", "version_base": numero, "message": ""}
            reponse = agent.demander("version", "POST", url_modifier, donnees)
            reponses.append(reponse)
            if reponse.statut == 302:
                numero += 1
            elif reponse.statut != 503:
                numero = _numero(postgres, section) or numero
            time.sleep(0.05)

    def dossiers():
        n = 0
        while not fin.is_set():
            n += 1
            donnees = {"structure": structure.pk, "titre": f"Dossier de l'essai n° {n}"}
            reponses.append(porteur.demander("dossier", "POST", url_nouveau, donnees))
            time.sleep(0.05)

    fils = [
        threading.Thread(target=lire, args=(agent, "section", url_section)),
        threading.Thread(target=lire, args=(porteur, "dossier-lu", url_dossier)),
        threading.Thread(target=lire, args=(Personne(port, None), "sante", "/sante/")),
        threading.Thread(target=versions),
        threading.Thread(target=dossiers),
    ]
    for fil in fils:
        fil.start()
    try:
        time.sleep(3)
        arret = time.monotonic()
        postgres.arreter("fast")
        time.sleep(1.5)
        postgres.demarrer()
        redemarrage = time.monotonic()
        time.sleep(6)
    finally:
        fin.set()
        for fil in fils:
            fil.join(timeout=60)
    return sorted(reponses, key=lambda r: r.debut), arret, redemarrage


def _resume(reponses) -> str:
    return "\n".join(f"{r.debut:.2f}-{r.fin:.2f} {r.quoi} {r.statut} {r.corps[:200]!r}" for r in reponses[-80:])


def _numero(postgres, section) -> int | None:
    try:
        with postgres.connexion("coville") as connexion:
            (numero,) = connexion.execute(
                f"SELECT numero FROM {Section._meta.db_table} WHERE id = %s",
                [section.pk],
            ).fetchone()
            return numero
    except Exception:
        return None


def _pdf_rendu_apres(postgres, redemarrage: float) -> bool:
    decalage = time.monotonic() - redemarrage
    with postgres.connexion("coville") as connexion:
        (rendus,) = connexion.execute(
            "SELECT count(*) FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id "
            "WHERE j.task_name LIKE %s AND e.type = 'succeeded' AND e.at > now() - make_interval(secs => %s)",
            ["%rendre_pdf_contrat", decalage],
        ).fetchone()
    return rendus > 0


def _aucune_donnee_a_moitie_ecrite(postgres, section, reponses) -> None:
    """Chaque version est entière (la section porte le texte et le numéro de sa dernière version, les numéros se
    suivent) ; chaque dossier créé a son entrée de journal ; rien de ce qui a été confirmé (302) ne manque."""
    with postgres.connexion("coville") as connexion:
        numero, texte = connexion.execute(
            f"SELECT numero, texte FROM {Section._meta.db_table} WHERE id = %s",
            [section.pk],
        ).fetchone()
        numeros = [
            n
            for (n,) in connexion.execute(
                f"SELECT numero FROM {VersionSection._meta.db_table} WHERE section_id = %s ORDER BY numero",
                [section.pk],
            )
        ]
        (derniere,) = connexion.execute(
            f"SELECT texte FROM {VersionSection._meta.db_table} WHERE section_id = %s AND numero = %s",
            [section.pk, numero],
        ).fetchone()
        journal = Dossier.journal.rel.related_model._meta.db_table
        dossiers = connexion.execute(
            f"SELECT d.id, count(j.id) FROM {Dossier._meta.db_table} d "
            f"LEFT JOIN {journal} j ON j.{Dossier.journal.field.column} = d.id "
            "WHERE d.titre LIKE %s GROUP BY d.id",
            ["Dossier de l'essai%"],
        ).fetchall()
    assert numeros == list(range(1, numero + 1))
    assert texte == derniere
    versions_confirmees = sum(1 for r in reponses if r.quoi == "version" and r.statut == 302)
    assert numero - section.numero >= versions_confirmees > 0
    assert all(entrees == 1 for _, entrees in dossiers), dossiers
    dossiers_confirmes = sum(1 for r in reponses if r.quoi == "dossier" and r.statut == 302)
    assert len(dossiers) >= dossiers_confirmes > 0


# --- Stockage objet arrêté puis relancé ----------------------------------------------------------------------

JETON = "jeton-de-supervision-des-essais-" + "x" * 16
INDISPONIBLE_STOCKAGE = "Le stockage des fichiers ne répond pas pour le moment"
ENVOI_IMPOSSIBLE = "Le fichier n'a pas été enregistré : le stockage des fichiers ne répond pas pour le moment."


class Relais:
    """Un relais TCP devant le serveur S3 : l'arrêter, c'est arrêter le stockage pour Coville (connexions
    coupées, puis refusées) ; le relancer sur le même port, c'est le redémarrer. SeaweedFS, partagé par la
    suite, continue de tourner derrière."""

    def __init__(self, cible: int) -> None:
        self.cible = cible
        self.port = port_libre()
        self._ecoute: socket.socket | None = None
        self._connexions: list[socket.socket] = []

    def demarrer(self) -> None:
        self._ecoute = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accepter, args=(self._ecoute,), daemon=True).start()

    def arreter(self) -> None:
        if self._ecoute is not None:
            self._ecoute.shutdown(socket.SHUT_RDWR)  # réveille accept()
            self._ecoute.close()
            self._ecoute = None
        for connexion in self._connexions:
            with contextlib.suppress(OSError):
                connexion.shutdown(socket.SHUT_RDWR)
            connexion.close()
        self._connexions.clear()

    def _accepter(self, ecoute: socket.socket) -> None:
        while True:
            try:
                client, _ = ecoute.accept()
            except OSError:
                return
            serveur = socket.create_connection(("127.0.0.1", self.cible))
            self._connexions += [client, serveur]
            for source, destination in ((client, serveur), (serveur, client)):
                threading.Thread(target=self._pomper, args=(source, destination), daemon=True).start()

    @staticmethod
    def _pomper(source: socket.socket, destination: socket.socket) -> None:
        try:
            while donnees := source.recv(65536):
                destination.sendall(donnees)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                destination.shutdown(socket.SHUT_WR)


def _envoyer_piece(porteur: Personne, dossier, type_piece: str, contenu: bytes = PDF) -> Reponse:
    return porteur.demander(
        "envoi",
        "POST",
        reverse("financements:pieces_dossier", args=[dossier.pk]),
        {
            "type": type_piece,
            "fichier": SimpleUploadedFile(f"{type_piece}.pdf", contenu, content_type="application/pdf"),
        },
    )


def test_object_storage_stopped_then_started_gives_clear_503s_then_recovers_fully(
    brouillon, membre_structure, seaweedfs, settings, monkeypatch, tmp_path
):
    relais = Relais(int(seaweedfs.adresse.rsplit(":", 1)[1]))
    relais.demarrer()
    variables = {**seaweedfs.variables(), "STOCKAGE_S3_ENDPOINT_URL": f"http://127.0.0.1:{relais.port}"}
    # Le test lit le bucket directement, sans le relais.
    for nom, valeur in seaweedfs.variables().items():
        monkeypatch.setenv(nom, valeur)
    settings.STORAGES = {**settings.STORAGES, "default": stockage_des_fichiers()}
    port = port_libre()
    web = _gunicorn(
        "gunicorn",
        port,
        environnement(**variables, ALLOWED_HOSTS="127.0.0.1", COVILLE_JETON_SUPERVISION=JETON),
        tmp_path,
        processus=1,
    )
    porteur = Personne(port, _session(membre_structure))
    moniteur = Personne(port, None)
    etat = lambda: moniteur.demander("etat", "GET", "/sante/detail/", entetes={"Authorization": f"Bearer {JETON}"})  # noqa: E731
    try:
        attendre(lambda: _repond(port), "gunicorn répond", web)
        assert _envoyer_piece(porteur, brouillon, "statuts").statut == 302
        piece = brouillon.pieces.get()
        url_piece = reverse("financements:piece", args=[brouillon.pk, piece.pk])
        assert porteur.demander("piece", "GET", url_piece).corps.encode() == PDF

        relais.arreter()

        telechargement = porteur.demander("piece", "GET", url_piece)
        assert telechargement.statut == 503 and telechargement.entetes["Retry-After"] == "60"
        assert INDISPONIBLE in unescape(telechargement.corps) and INDISPONIBLE_STOCKAGE in unescape(
            telechargement.corps
        )
        envoi = _envoyer_piece(porteur, brouillon, "rib")
        assert envoi.statut == 503 and ENVOI_IMPOSSIBLE in unescape(envoi.corps)
        assert list(PieceJointe.objects.filter(dossier=brouillon).values_list("type", flat=True)) == ["statuts"]
        # La sonde de vie garde ce processus dans le répartiteur ; l'état détaillé nomme la panne.
        assert moniteur.demander("sante", "GET", "/sante/").statut == 200
        pendant = etat()
        assert pendant.statut == 503 and '"stockage": {"statut": "erreur"' in pendant.corps

        relais.demarrer()

        assert porteur.demander("piece", "GET", url_piece).corps.encode() == PDF
        assert _envoyer_piece(porteur, brouillon, "rib").statut == 302
        rib = brouillon.pieces.get(type="rib")
        with default_storage.open(rib.chemin) as fichier:
            assert fichier.read() == PDF
        assert etat().statut == 200
        assert web.journal.read_text().count("Booting worker") == 1
    finally:
        web.arreter()
        relais.arreter()


# --- Disque plein sous le stockage local -----------------------------------------------------------------------

LIMITE_WEB = 64 * 1024
LIMITE_WORKER = 16 * 1024


def _fichiers(racine) -> list[str]:
    return sorted(str(p.relative_to(racine)) for p in racine.rglob("*") if p.is_file())


def test_a_full_disk_refuses_the_upload_and_never_serves_a_truncated_pdf(
    brouillon, membre_structure, settings, tmp_path
):
    media = settings.MEDIA_ROOT
    env = environnement(ALLOWED_HOSTS="127.0.0.1", MEDIA_ROOT=str(media))
    port = port_libre()
    # Au-delà de ces tailles, le disque est « plein » pour ces processus (RLIMIT_FSIZE).
    web = _gunicorn("gunicorn", port, env, tmp_path, processus=1, limite_fichiers=LIMITE_WEB)
    worker = lancer_worker("worker", env, tmp_path, files="pdf", limite_fichiers=LIMITE_WORKER)
    processus = [web, worker]
    porteur = Personne(port, _session(membre_structure))
    try:
        attendre(lambda: _repond(port), "gunicorn répond", *processus)

        # Une pièce plus grosse que la place qui reste : refusée avec un message, rien d'enregistré.
        grosse = PDF + b"%" + b"0" * (2 * LIMITE_WEB) + b"\n"
        envoi = _envoyer_piece(porteur, brouillon, "statuts", grosse)
        assert envoi.statut == 503 and ENVOI_IMPOSSIBLE in unescape(envoi.corps)
        assert not PieceJointe.objects.exists()
        assert _fichiers(media) == []
        # Une petite passe encore.
        assert _envoyer_piece(porteur, brouillon, "rib").statut == 302

        # Le disque du worker est plein : WeasyPrint ne peut même pas écrire les polices qu'il prépare. Le rendu
        # échoue, rien n'est servi tronqué, et la page du téléchargement dit que le document n'a pas pu être préparé.
        url_pdf = reverse("financements:pdf_dossier", args=[brouillon.pk])
        assert porteur.demander("pdf", "GET", url_pdf).statut == 202
        attendre(lambda: [t.status for t in taches("rendre_pdf_dossier")] == ["failed"], "le rendu échoue", *processus)
        assert [f for f in _fichiers(media) if f.startswith(("pdf/", ".partiels/"))] == []
        telechargement = porteur.demander("pdf", "GET", url_pdf)
        assert telechargement.statut == 503 and "n'a pas pu être préparé" in unescape(telechargement.corps)
        assert "OSError: [Errno 27] File too large" in worker.journal.read_text()
        assert web.vivant() and worker.vivant()
    finally:
        for un_processus in processus:
            un_processus.arreter()


SAUVEGARDE_SOUS_LIMITE = """
import resource
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from config.lib.stockage import StockageIndisponible
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    default_storage.save("pdf/contrat-CN03501I/abc.pdf", ContentFile(b"%PDF-1.7" + b"0" * 100_000))
except StockageIndisponible as erreur:
    print("refusé :", erreur)
"""


def test_a_full_pdf_cache_refuses_the_write_clearly_and_keeps_no_partial_file(settings, tmp_path):
    # Le chemin du cache des PDF et de var/media, seul : le processus ne peut pas écrire plus de 4 Ko par fichier.
    resultat = subprocess.run(
        [sys.executable, "-c", SAUVEGARDE_SOUS_LIMITE],
        cwd=RACINE,
        env=environnement(MEDIA_ROOT=str(tmp_path / "media")),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert resultat.returncode == 0, resultat.stderr
    assert "refusé : Le stockage des fichiers ne répond pas pour le moment" in resultat.stdout
    # Le journal (réglage LOGGING : sortie d'erreur) nomme la cause pour l'exploitation.
    assert "Disque plein : écriture de pdf/contrat-CN03501I/abc.pdf impossible" in resultat.stderr
    assert _fichiers(tmp_path / "media") == []  # ni fichier tronqué sous son nom, ni reste dans .partiels
