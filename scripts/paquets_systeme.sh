#!/usr/bin/env bash
# Paquets système (Debian/Ubuntu) que demande chaque commande, vérifiés avant elle :
#
#     scripts/paquets_systeme.sh install|demo|test|ci
#
#   install  Python 3.11 et son module venv (pour créer .venv)
#   demo     + Pango et HarfBuzz, dont la bibliothèque HarfBuzz « subset » (WeasyPrint, PDF) ; aussi pour
#            `make quality` et `make bench`, qui chargent les vues et donc WeasyPrint
#   test     + le Chromium de Debian à /usr/bin/chromium (tests/e2e)
#   ci       + make et le client PostgreSQL (pg_isready, psql), dont se sert .ci/run
#
# Rien ne manque : rien n'est affiché. Il manque des paquets : en root, ou si `sudo -n true` réussit, ils sont
# installés avec apt-get ; sinon une seule ligne les nomme avec la commande à lancer, et le code de sortie est 1.
#
# Pour les tests (tests/test_paquets_systeme.py), les commandes (id, sudo, ldconfig, apt-get…) sont cherchées
# dans PATH ; PYTHON désigne l'interpréteur à vérifier (défaut : python3.11, sinon python3) et
# COVILLE_CHROMIUM l'exécutable de Chromium (défaut : /usr/bin/chromium, celui que lance tests/e2e/conftest.py).
set -euo pipefail

mode="${1:-}"
case "$mode" in
  install | demo | test | ci) ;;
  *)
    echo "Usage : $0 install|demo|test|ci" >&2
    exit 2
    ;;
esac

chromium="${COVILLE_CHROMIUM:-/usr/bin/chromium}"

paquets=() # noms Debian/Ubuntu des paquets manquants
besoins=() # ce qu'ils fournissent (pour une machine sans apt-get)

manque() {
  local paquet
  for paquet in "${paquets[@]}"; do
    [ "$paquet" = "$1" ] && return 0
  done
  paquets+=("$1")
  besoins+=("$2")
}

# Bibliothèques partagées connues de l'éditeur de liens (ldconfig est dans /sbin, hors du PATH d'un
# utilisateur ordinaire sur Debian) ; sans ldconfig, les dossiers de bibliothèques habituels.
bibliotheques=""
lire_bibliotheques() {
  local ldconfig
  ldconfig="$(command -v ldconfig || true)"
  if [ -z "$ldconfig" ]; then
    for ldconfig in /sbin/ldconfig /usr/sbin/ldconfig ""; do
      if [ -x "$ldconfig" ]; then break; fi
    done
  fi
  bibliotheques=""
  if [ -n "$ldconfig" ]; then bibliotheques="$("$ldconfig" -p 2>/dev/null || true)"; fi
}

bibliotheque() {
  [[ "$bibliotheques" == *[[:space:]]"$1 ("* ]] && return 0
  [ -n "$bibliotheques" ] && return 1
  local dossier
  for dossier in /lib /usr/lib /lib64 /usr/lib64 /usr/local/lib /lib/*-linux-gnu /usr/lib/*-linux-gnu; do
    [ -e "$dossier/$1" ] && return 0
  done
  return 1
}

version_python() {
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

verifier() {
  paquets=()
  besoins=()

  # Python 3.11 et venv : sur Debian, ensurepip (donc `python3 -m venv`) est dans le paquet python3.11-venv.
  local python="${PYTHON:-}" version=""
  [ -n "$python" ] || python="$(command -v python3.11 || command -v python3 || true)"
  [ -z "$python" ] || version="$(version_python "$python" || true)"
  if [ "$version" != "3.11" ]; then
    manque python3.11 "Python 3.11"
    manque python3.11-venv "le module venv de Python 3.11"
  elif ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    if [ "$(version_python python3 || true)" = "3.11" ]; then
      manque python3-venv "le module venv de Python 3.11"
    else
      manque python3.11-venv "le module venv de Python 3.11"
    fi
  fi

  if [ "$mode" != install ]; then
    lire_bibliotheques
    bibliotheque libpango-1.0.so.0 || manque libpango-1.0-0 libpango-1.0.so.0
    bibliotheque libpangoft2-1.0.so.0 || manque libpangoft2-1.0-0 libpangoft2-1.0.so.0
    bibliotheque libharfbuzz.so.0 || manque libharfbuzz0b libharfbuzz.so.0
    bibliotheque libharfbuzz-subset.so.0 || manque libharfbuzz-subset0 libharfbuzz-subset.so.0
  fi

  if [ "$mode" = test ] || [ "$mode" = ci ]; then
    [ -x "$chromium" ] || manque chromium "$chromium"
  fi

  if [ "$mode" = ci ]; then
    command -v make >/dev/null || manque make make
    command -v pg_isready >/dev/null || manque postgresql-client pg_isready
    command -v psql >/dev/null || manque postgresql-client psql
  fi
}

verifier
[ ${#paquets[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  printf -v liste '%s, ' "${besoins[@]}"
  echo "Paquets système manquants (noms Debian/Ubuntu) : ${paquets[*]}. Cette machine n'a pas apt-get :" \
    "installez l'équivalent avec son gestionnaire de paquets (il faut : ${liste%, })." >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "Paquets système manquants : ${paquets[*]}. Installez-les avec : sudo apt-get install ${paquets[*]}" >&2
    exit 1
  fi
fi

apt_get() {
  if [ -n "$sudo" ]; then
    sudo -n DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    DEBIAN_FRONTEND=noninteractive apt-get "$@"
  fi
}

demandes=("${paquets[@]}")
echo "Paquets système : installation de ${demandes[*]} (apt-get)…"
if ! apt_get update -qq || ! apt_get install -y -qq --no-install-recommends "${demandes[@]}" >/dev/null; then
  echo "Paquets système : l'installation de ${demandes[*]} par apt-get a échoué (voir ci-dessus)." >&2
  exit 1
fi

verifier
if [ ${#paquets[@]} -gt 0 ]; then
  printf -v liste '%s, ' "${besoins[@]}"
  echo "Paquets système : ${paquets[*]} toujours absents après apt-get install (il faut : ${liste%, })." >&2
  exit 1
fi
