"""Test de charge : `make charge` (base `coville_charge`, DATABASE_URL fournie par scripts/avec_postgres.py).

1. la base nationale est réutilisée ou (re)générée (benchmarks/charge/donnees.py), puis migrée ;
2. les fichiers statiques sont collectés, gunicorn démarre comme en production (`--workers 4 --threads 2`,
   README « Mise en production ») avec un worker de tâches, sur 127.0.0.1 seulement ;
3. les PDF visités par les élus sont demandés au worker et attendus, chaque adresse du catalogue est vérifiée
   (200) une fois ;
4. Locust (`FastHttpUser`, sans tête) lance les parcours mêlés : nombre d'utilisateurs, durée et graine fixes
   (réglables : CHARGE_UTILISATEURS, CHARGE_DUREE, CHARGE_GRAINE) ;
5. les chiffres sont affichés et écrits dans var/charge.json (benchmarks/charge/chiffres.py), puis tout s'arrête.
"""

import json
import os
import secrets
import signal
import socket
import subprocess  # nosec B404 # lance les processus de la plateforme et Locust, commandes en liste
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

RACINE = Path(__file__).resolve().parent.parent.parent
DOSSIER = RACINE / "var" / "charge"
SORTIE = RACINE / "var" / "charge.json"
HOTE = "127.0.0.1"
PROCESSUS_WEB = 4  # README, « Mise en production » : gunicorn config.wsgi --workers 4 --threads 2
FILS_PAR_PROCESSUS = 2
UTILISATEURS = int(os.environ.get("CHARGE_UTILISATEURS", "60"))
DUREE = int(os.environ.get("CHARGE_DUREE", "120"))
GRAINE = int(os.environ.get("CHARGE_GRAINE", "2027"))
DELAI_PDF = 600  # secondes pour que le worker rende les PDF visités par les élus


def afficher(texte: str) -> None:
    print(texte, flush=True)


def port_libre() -> int:
    with socket.socket() as sock:
        sock.bind((HOTE, 0))
        return sock.getsockname()[1]


def environnement_production(secret: str) -> dict[str, str]:
    """Les variables d'un déploiement (README, « Mise en production »), en HTTP sur l'adresse de bouclage."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": HOTE,
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(DOSSIER / "statiques"),
        "MEDIA_ROOT": str(DOSSIER / "fichiers"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }


def preparer(url: str) -> dict:
    """Base prête, statiques collectés ; rend le catalogue et les sessions des comptes."""
    sys.path.insert(0, str(RACINE))
    from benchmarks.charge import catalogue as adresses
    from benchmarks.charge import donnees

    debut = time.perf_counter()
    a_generer = donnees.preparer_la_base(url, sortie=afficher)

    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if a_generer or donnees.empreinte_de_la_base(url) is None:
        donnees.generer(sortie=afficher)
    collecter_les_statiques()
    afficher(f"  fichiers statiques prêts ({time.perf_counter() - debut:.0f} s)")
    catalogue = adresses.catalogue().en_dict()
    comptes = sorted({*catalogue["agent"], *catalogue["association"], *catalogue["elu"]})
    catalogue["sessions"] = adresses.sessions(comptes)
    connection.close()
    return catalogue


def collecter_les_statiques() -> None:
    """collectstatic (compression comprise : plusieurs minutes sur une machine chargée), sauf si les fichiers
    sources n'ont pas changé depuis la dernière collecte (empreinte des chemins, tailles et dates)."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    h = hashlib.sha256()
    for finder in get_finders():
        for chemin, stockage in sorted(finder.list([]), key=lambda paire: paire[0]):
            etat = os.stat(stockage.path(chemin))
            h.update(f"{chemin}:{etat.st_size}:{etat.st_mtime_ns}".encode())
    marque = Path(settings.STATIC_ROOT) / ".empreinte-charge"
    if marque.exists() and marque.read_text() == h.hexdigest():
        return
    call_command("collectstatic", "--noinput", verbosity=0)
    marque.write_text(h.hexdigest())


class Processus:
    def __init__(self, nom: str, commande: list[str], env: dict[str, str]):
        self.nom = nom
        self.journal = DOSSIER / f"{nom}.log"
        with self.journal.open("w") as sortie:
            self.popen = subprocess.Popen(  # nosec B603 # commande en liste, sans shell
                commande, cwd=RACINE, env=env, stdout=sortie, stderr=subprocess.STDOUT, process_group=0
            )

    def vivant(self) -> bool:
        return self.popen.poll() is None

    def arreter(self) -> None:
        if self.vivant():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()

    def fin_du_journal(self) -> str:
        return self.journal.read_text(errors="replace")[-3000:]


def lire(url: str, session: str | None = None) -> tuple[int, str]:
    requete = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"} if session else {})
    try:
        with urllib.request.urlopen(requete, timeout=60) as reponse:  # nosec B310 # adresse de bouclage
            reponse.read()
            return reponse.status, reponse.headers.get("Content-Type", "")
    except urllib.error.HTTPError as erreur:
        return erreur.code, erreur.headers.get("Content-Type", "")


def attendre_le_serveur(base: str, *processus: Processus, delai: float = 120) -> None:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        for p in processus:
            if not p.vivant():
                raise RuntimeError(f"{p.nom} s'est arrêté :\n{p.fin_du_journal()}")
        try:
            if lire(f"{base}/sante/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)  # intervalle de sondage, borné par `limite`
    raise RuntimeError(f"gunicorn ne répond pas sur {base} après {delai} s")


def attendre_les_pdf(base: str, catalogue: dict, *processus: Processus) -> None:
    """Demande les PDF (la première visite les fait rendre par le worker) et attend qu'ils soient servis."""
    # Par la session d'un élu : le contrat de démonstration n'est pas public.
    session = next(iter(catalogue["sessions"][email] for email in catalogue["elu"]))
    restants = list(catalogue["pdf"])
    limite = time.monotonic() + DELAI_PDF
    while restants:
        restants = [chemin for chemin in restants if "application/pdf" not in lire(f"{base}{chemin}", session)[1]]
        if not restants:
            return
        if time.monotonic() > limite:
            raise RuntimeError(f"PDF toujours pas rendus après {DELAI_PDF} s : {', '.join(restants)}")
        for p in processus:
            if not p.vivant():
                raise RuntimeError(f"{p.nom} s'est arrêté :\n{p.fin_du_journal()}")
        time.sleep(2)  # intervalle de sondage, borné par `limite`


def verifier_le_catalogue(base: str, catalogue: dict) -> None:
    """Chaque adresse visitée répond 200 à son visiteur : sinon la mesure compterait des erreurs attendues."""
    sessions = catalogue["sessions"]
    visites = [(chemin, None) for chemin in catalogue["visiteur"] + catalogue["recherche"]]
    for parcours in ("agent", "association", "elu"):
        visites += [(chemin, sessions[email]) for email, chemins in catalogue[parcours].items() for chemin in chemins]
    erreurs = [
        f"{statut} {chemin}" for chemin, session in visites if (statut := lire(f"{base}{chemin}", session)[0]) != 200
    ]
    if erreurs:
        raise RuntimeError("adresses du catalogue qui ne répondent pas 200 :\n" + "\n".join(erreurs))
    afficher(f"{len(visites)} adresses du catalogue vérifiées (200).")


def main() -> int:
    url = os.environ["DATABASE_URL"]
    DOSSIER.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(50)
    env = {**os.environ, **environnement_production(secret)}
    os.environ.update(environnement_production(secret))
    debut = time.perf_counter()
    catalogue = preparer(url)
    afficher(f"Données prêtes en {time.perf_counter() - debut:.0f} s.")

    port = port_libre()
    base = f"http://{HOTE}:{port}"
    python = sys.executable
    web = Processus(
        "gunicorn",
        [
            python,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"{HOTE}:{port}",
            "--workers",
            str(PROCESSUS_WEB),
            "--threads",
            str(FILS_PAR_PROCESSUS),
        ],
        env,
    )
    worker = Processus("worker", [python, "manage.py", "procrastinate", "worker"], env)
    try:
        attendre_le_serveur(base, web, worker)
        afficher(f"gunicorn ({PROCESSUS_WEB} processus de {FILS_PAR_PROCESSUS} fils) et un worker démarrés sur {base}.")
        attendre_les_pdf(base, catalogue, web, worker)
        afficher(f"{len(catalogue['pdf'])} PDF prêts.")
        verifier_le_catalogue(base, catalogue)
        fichier_catalogue = DOSSIER / "catalogue.json"
        fichier_catalogue.write_text(json.dumps(catalogue, ensure_ascii=False))
        fichier_stats = DOSSIER / "stats.json"
        afficher(
            f"Charge : {UTILISATEURS} utilisateurs pendant {DUREE} s (graine {GRAINE}) ; uptime : {charge_machine()}"
        )
        subprocess.run(  # nosec B603 # commande en liste, sans shell
            [
                python,
                str(RACINE / "benchmarks" / "charge" / "locust_sans_tete.py"),
                "--hote",
                base,
                "--catalogue",
                str(fichier_catalogue),
                "--utilisateurs",
                str(UTILISATEURS),
                "--duree",
                str(DUREE),
                "--graine",
                str(GRAINE),
                "--sortie",
                str(fichier_stats),
                "--gunicorn",
                str(web.popen.pid),
                "--base",
                urlsplit(url).path.lstrip("/"),
            ],
            cwd=RACINE,
            check=True,
        )
        afficher(f"Fin de la charge ; uptime : {charge_machine()}")
    finally:
        web.arreter()
        worker.arreter()

    from benchmarks.charge import chiffres

    stats = json.loads(fichier_stats.read_text())
    resultats = chiffres.calculer(stats)
    for ligne in chiffres.tableau(resultats):
        afficher(ligne)
    afficher("Pages les plus lentes (p95) :")
    for ligne in chiffres.pages_lentes(stats):
        afficher(ligne)
    SORTIE.write_text(json.dumps(resultats, indent=2, ensure_ascii=False) + "\n")
    afficher(
        f"# {len(resultats)} chiffres écrits dans {SORTIE.relative_to(RACINE)} "
        f"({time.perf_counter() - debut:.0f} s en tout)"
    )
    return 0


def charge_machine() -> str:
    return " ".join(f"{valeur:.2f}" for valeur in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
