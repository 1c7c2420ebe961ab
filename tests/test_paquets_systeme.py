"""scripts/paquets_systeme.sh, lancé dans un PATH de commandes factices (id, sudo, ldconfig, apt-get…) écrites
dans un dossier temporaire : le script ne voit que ce dossier, quelle que soit la machine qui lance les tests."""

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "paquets_systeme.sh"
BASH = "/bin/bash"

BIBLIOTHEQUES = {
    "libpango-1.0.so.0",
    "libpangoft2-1.0.so.0",
    "libharfbuzz.so.0",
    "libharfbuzz-subset.so.0",
}


class Machine:
    """Une machine factice : ce que rend `ldconfig -p`, l'identité (`id -u`), `sudo`, `apt-get` et Chromium."""

    def __init__(self, dossier: Path, *, uid: int = 1000, sudo: bool = False, bibliotheques=BIBLIOTHEQUES):
        self.bin = dossier / "bin"
        self.bin.mkdir()
        self.journal = dossier / "journal"
        self.journal.touch()
        self.cache_ld = dossier / "ld.so.cache"
        self.cache_ld.write_text(
            f"{len(bibliotheques)} libs found in cache `/etc/ld.so.cache'\n"
            + "".join(f"\t{nom} (libc6,x86-64) => /lib/x86_64-linux-gnu/{nom}\n" for nom in sorted(bibliotheques))
        )
        self.chromium = dossier / "chromium"
        self.commande("id", f'[ "$1" = -u ] && echo {uid}')
        self.commande("ldconfig", f'[ "$1" = -p ] && /bin/cat "{self.cache_ld}"')
        # Python 3.11 avec son module venv : `-c` rend la version demandée, puis réussit l'import d'ensurepip.
        self.commande("python3.11", 'case "$2" in *version_info*) echo 3.11 ;; esac')
        # apt-get note chaque appel ; `install` « installe » : la bibliothèque subset et Chromium apparaissent.
        self.commande(
            "apt-get",
            f'echo "apt-get $* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> "{self.journal}"\n'
            f'if [ "$1" = install ]; then\n'
            f'  printf "\\tlibharfbuzz-subset.so.0 (libc6,x86-64) => /x\\n" >> "{self.cache_ld}"\n'
            f'  printf "#!/bin/sh\\n" > "{self.chromium}"; /bin/chmod +x "{self.chromium}"\n'
            f"fi",
        )
        if sudo:
            # sudo -n true réussit ; sudo -n VAR=valeur commande… lance la commande avec cette variable.
            self.commande(
                "sudo",
                f'echo "sudo $*" >> "{self.journal}"\n'
                '[ "$1" = -n ] && shift\n[ "$1" = true ] && exit 0\nexec /usr/bin/env "$@"',
            )
        else:
            self.commande(
                "sudo", f'echo "sudo $*" >> "{self.journal}"\necho "sudo: a password is required" >&2\nexit 1'
            )

    def commande(self, nom: str, corps: str) -> None:
        chemin = self.bin / nom
        chemin.write_text(f"#!/bin/sh\n{corps}\n")
        chemin.chmod(0o755)

    def avec_chromium(self) -> "Machine":
        self.chromium.write_text("#!/bin/sh\n")
        self.chromium.chmod(0o755)
        return self

    def lancer(self, mode: str) -> subprocess.CompletedProcess:
        env = {"PATH": str(self.bin), "COVILLE_CHROMIUM": str(self.chromium), "LANG": "C.UTF-8"}
        return subprocess.run(
            [BASH, str(SCRIPT), mode], env=env, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
        )

    def appels(self) -> list[str]:
        return self.journal.read_text().splitlines()


@pytest.fixture
def machine(tmp_path):
    def creer(**options) -> Machine:
        return Machine(tmp_path, **options)

    return creer


def test_rien_ne_manque_rien_n_est_affiche(machine):
    m = machine().avec_chromium()
    for nom in ("make", "pg_isready", "psql"):
        m.commande(nom, "exit 0")

    resultat = m.lancer("ci")

    assert (resultat.returncode, resultat.stdout, resultat.stderr) == (0, "", "")
    assert m.appels() == []


def test_sans_root_ni_sudo_une_ligne_nomme_les_paquets_et_la_commande(machine):
    m = machine(bibliotheques=BIBLIOTHEQUES - {"libharfbuzz-subset.so.0"})

    resultat = m.lancer("test")

    assert resultat.returncode == 1
    assert resultat.stdout == ""
    assert resultat.stderr == (
        "Paquets système manquants : libharfbuzz-subset0 chromium. "
        "Installez-les avec : sudo apt-get install libharfbuzz-subset0 chromium\n"
    )
    # sudo a été essayé sans mot de passe, apt-get jamais lancé.
    assert m.appels() == ["sudo -n true"]


def test_chaque_commande_ne_demande_que_ce_qu_il_lui_faut(machine):
    m = machine(bibliotheques=BIBLIOTHEQUES - {"libharfbuzz-subset.so.0", "libpango-1.0.so.0"})

    assert m.lancer("install").returncode == 0
    demo = m.lancer("demo")
    assert demo.returncode == 1
    assert demo.stderr == (
        "Paquets système manquants : libpango-1.0-0 libharfbuzz-subset0. "
        "Installez-les avec : sudo apt-get install libpango-1.0-0 libharfbuzz-subset0\n"
    )
    ci = m.lancer("ci")
    assert ci.returncode == 1
    assert "libpango-1.0-0 libharfbuzz-subset0 chromium make postgresql-client." in ci.stderr


def test_python_sans_venv(machine):
    m = machine()
    m.commande("python3.11", 'case "$2" in *version_info*) echo 3.11 ;; *ensurepip*) exit 1 ;; esac')

    resultat = m.lancer("install")

    assert resultat.returncode == 1
    assert resultat.stderr == (
        "Paquets système manquants : python3.11-venv. Installez-les avec : sudo apt-get install python3.11-venv\n"
    )


def test_en_root_apt_get_installe_ce_qui_manque(machine):
    m = machine(uid=0, bibliotheques=BIBLIOTHEQUES - {"libharfbuzz-subset.so.0"})

    resultat = m.lancer("test")

    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout == "Paquets système : installation de libharfbuzz-subset0 chromium (apt-get)…\n"
    assert m.appels() == [
        "apt-get update -qq DEBIAN_FRONTEND=noninteractive",
        "apt-get install -y -qq --no-install-recommends libharfbuzz-subset0 chromium DEBIAN_FRONTEND=noninteractive",
    ]
    # Une fois installés, plus rien ne manque : une nouvelle vérification est muette.
    apres = m.lancer("test")
    assert (apres.returncode, apres.stdout, apres.stderr) == (0, "", "")


def test_avec_sudo_sans_mot_de_passe_apt_get_passe_par_sudo(machine):
    m = machine(sudo=True, bibliotheques=BIBLIOTHEQUES - {"libharfbuzz-subset.so.0"})

    resultat = m.lancer("demo")

    assert resultat.returncode == 0, resultat.stderr
    assert m.appels() == [
        "sudo -n true",
        "sudo -n DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "apt-get update -qq DEBIAN_FRONTEND=noninteractive",
        "sudo -n DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libharfbuzz-subset0",
        "apt-get install -y -qq --no-install-recommends libharfbuzz-subset0 DEBIAN_FRONTEND=noninteractive",
    ]


def test_apt_get_n_installe_rien_message_d_echec(machine):
    m = machine(uid=0, bibliotheques=BIBLIOTHEQUES - {"libharfbuzz-subset.so.0"})
    m.commande("apt-get", f'echo "apt-get $*" >> "{m.journal}"')

    resultat = m.lancer("demo")

    assert resultat.returncode == 1
    assert resultat.stderr == (
        "Paquets système : libharfbuzz-subset0 toujours absents après apt-get install "
        "(il faut : libharfbuzz-subset.so.0).\n"
    )


def test_sans_apt_get_une_ligne_dit_ce_qu_il_faut(machine):
    m = machine(bibliotheques=BIBLIOTHEQUES - {"libharfbuzz-subset.so.0"})
    (m.bin / "apt-get").unlink()

    resultat = m.lancer("test")

    assert resultat.returncode == 1
    assert resultat.stdout == ""
    assert resultat.stderr.count("\n") == 1
    assert resultat.stderr == (
        "Paquets système manquants (noms Debian/Ubuntu) : libharfbuzz-subset0 chromium. Cette machine n'a pas "
        "apt-get : installez l'équivalent avec son gestionnaire de paquets (il faut : libharfbuzz-subset.so.0, "
        f"{m.chromium}).\n"
    )
