# Coville — commandes de développement. Sans DATABASE_URL, un PostgreSQL embarqué démarre sous var/.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VERROU := requirements.lock
AVEC_PG := $(BIN)/python scripts/avec_postgres.py
MANAGE := $(BIN)/python manage.py
HOTE ?= 127.0.0.1:8000

# Paquets système (Debian/Ubuntu) vérifiés avant chaque commande, selon ce qu'elle demande : installés avec
# apt-get en root ou avec sudo, sinon la commande apt-get à lancer est affichée (scripts/paquets_systeme.sh).
PAQUETS := install
demo quality bench charge: PAQUETS := demo
test: PAQUETS := test

.PHONY: install paquets-systeme lock demo test quality djlint mypy bench charge serveur messages sauvegarde restauration

paquets-systeme:
	@PYTHON="$(PYTHON)" bash scripts/paquets_systeme.sh $(PAQUETS)

# Dépendances figées avec leurs empreintes (requirements.lock, complet : --no-deps, pip ne résout rien et un
# « extra » comme fonttools[woff] ne lui fait pas chercher une autre version), puis le projet
# lui-même sans dépendances, construit par le setuptools du verrou (rien d'autre n'est téléchargé ; son
# avertissement générique « Editable installation » est tu) ; enfin le verrou doit satisfaire pyproject.toml.
$(VENV)/.installe: $(VERROU) pyproject.toml | paquets-systeme
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VERROU)
	PYTHONWARNINGS="ignore:Editable installation" \
		$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python scripts/verrou_a_jour.py
	touch $@

install: $(VENV)/.installe

## Régénère requirements.lock depuis pyproject.toml (les autres versions restent figées sauf
## `make lock PIP_COMPILE_ARGS=--upgrade`)
lock: paquets-systeme
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	[ -x $(BIN)/pip-compile ] || $(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VERROU)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --extra dev $(PIP_COMPILE_ARGS) -o $(VERROU) pyproject.toml

## Installe, démarre la base, migre, charge la démonstration et sert sur http://$(HOTE), avec un worker de tâches
## de fond à côté (e-mails, rappels) ; Ctrl-C arrête les deux, puis la base.
demo: install
	DEBUG=$${DEBUG:-true} $(AVEC_PG) -- sh -c '$(MANAGE) migrate --noinput && $(MANAGE) createcachetable && \
		$(MANAGE) charger_demo --url http://$(HOTE)/ && exec $(BIN)/python scripts/ensemble.py \
		-- $(MANAGE) runserver --noreload $(HOTE) -- $(MANAGE) worker'

## Lance toute la suite de tests, répartie sur les cœurs de la machine (pytest-xdist : un processus et une base de
## test par cœur ; `make test PROCESSUS_TESTS=0` pour un seul processus)
PROCESSUS_TESTS ?= auto
test: install
	$(AVEC_PG) --base coville_tests -- $(BIN)/pytest -n $(PROCESSUS_TESTS) $(PYTEST_ARGS)

## Format, lint (dont RUF100 : noqa inutiles), gabarits (djLint), types (mypy), sécurité (bandit, [tool.bandit]),
## migrations manquantes,
## check --deploy des réglages de production
quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint --lint templates/
	DATABASE_URL=$${DATABASE_URL:-postgres://localhost/coville} $(BIN)/mypy
	$(BIN)/bandit -c pyproject.toml -r . -q
	$(AVEC_PG) -- sh -c 'SECRET_KEY=$$(head -c 48 /dev/urandom | base64) $(MANAGE) makemigrations --check --dry-run && \
		SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DEBUG=false ALLOWED_HOSTS=coville.example.fr \
		$(MANAGE) check --deploy --fail-level WARNING'

## Lint des gabarits (réglages : [tool.djlint] de pyproject.toml)
djlint: install
	$(BIN)/djlint --lint templates/

## Types (fichiers : [tool.mypy] files de pyproject.toml ; le greffon Django lit config.settings_test, sans
## se connecter à la base)
mypy: install
	DATABASE_URL=$${DATABASE_URL:-postgres://localhost/coville} $(BIN)/mypy

## Compile les traductions du projet (locale/fr/LC_MESSAGES/*.po en .mo) après une modification ; demande msgfmt
## (paquet gettext). Les .mo sont committés : ni l'installation ni les tests n'ont besoin de gettext.
messages: install
	DATABASE_URL=$${DATABASE_URL:-postgres://localhost/coville} DEBUG=true \
		$(MANAGE) compilemessages --locale fr --ignore $(VENV) --ignore var

## Mesures de performance : chiffres affichés et écrits dans var/bench.json
bench: install
	$(AVEC_PG) --base coville_bench --base-dediee -- $(BIN)/python benchmarks/run.py

## Sauvegarde cohérente : la base (pg_dump, format custom, outils de la version du serveur) puis les fichiers du
## stockage, avec un manifeste (lignes de chaque table, SHA-256 de chaque fichier), dans
## var/sauvegardes/coville-AAAAMMJJ-HHMMSS.tar (`make sauvegarde REPERTOIRE=…` pour un autre dossier)
REPERTOIRE ?= var/sauvegardes
sauvegarde: install
	$(AVEC_PG) -- $(MANAGE) sauvegarder --repertoire $(REPERTOIRE)

## Restaure FICHIER dans une base vide (celle de DATABASE_URL ; sans elle, coville_restauree du PostgreSQL
## embarqué, créée au besoin) et un stockage vide (sans réglage, MEDIA_ROOT=var/media-restauree) ; refuse une
## base ou un stockage qui contient déjà quelque chose, puis recompte tout contre le manifeste
restauration: install
	@test -n "$(FICHIER)" || { echo "Indiquez l'archive : make restauration FICHIER=var/sauvegardes/coville-….tar"; exit 2; }
	MEDIA_ROOT=$${MEDIA_ROOT:-var/media-restauree} $(AVEC_PG) --base coville_restauree -- $(MANAGE) restaurer $(FICHIER)
## Test de charge (benchmarks/charge/) : gunicorn comme en production et un worker sur la base nationale
## `coville_charge` (générée une fois, réutilisée tant que ses générateurs n'ont pas changé), Locust sans tête ;
## chiffres affichés et écrits dans var/charge.json (CHARGE_UTILISATEURS, CHARGE_DUREE, CHARGE_GRAINE)
charge: install
	$(AVEC_PG) --base coville_charge --base-dediee -- $(BIN)/python -m benchmarks.charge.run
