# Coville — commandes de développement. Sans DATABASE_URL, un PostgreSQL embarqué démarre sous var/.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
AVEC_PG := $(BIN)/python scripts/avec_postgres.py
MANAGE := $(BIN)/python manage.py
HOTE ?= 127.0.0.1:8000

# Paquets système (Debian/Ubuntu) vérifiés avant chaque commande, selon ce qu'elle demande : installés avec
# apt-get en root ou avec sudo, sinon la commande apt-get à lancer est affichée (scripts/paquets_systeme.sh).
PAQUETS := install
demo quality bench: PAQUETS := demo
test: PAQUETS := test

.PHONY: install paquets-systeme demo test quality bench serveur

paquets-systeme:
	@PYTHON="$(PYTHON)" bash scripts/paquets_systeme.sh $(PAQUETS)

$(VENV)/.installe: pyproject.toml | paquets-systeme
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installe

## Installe, démarre la base, migre, charge la démonstration et sert sur http://$(HOTE)
demo: install
	DEBUG=$${DEBUG:-true} $(AVEC_PG) -- sh -c '$(MANAGE) migrate --noinput && $(MANAGE) createcachetable && \
		$(MANAGE) charger_demo --url http://$(HOTE)/ && exec $(MANAGE) runserver --noreload $(HOTE)'

## Lance toute la suite de tests
test: install
	$(AVEC_PG) --base coville_tests -- $(BIN)/pytest $(PYTEST_ARGS)

## Format, lint, migrations manquantes, check --deploy des réglages de production
quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(AVEC_PG) -- sh -c 'SECRET_KEY=$$(head -c 48 /dev/urandom | base64) $(MANAGE) makemigrations --check --dry-run && \
		SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DEBUG=false ALLOWED_HOSTS=coville.example.fr \
		$(MANAGE) check --deploy --fail-level WARNING'

## Mesures de performance : chiffres affichés et écrits dans var/bench.json
bench: install
	$(AVEC_PG) --base coville_bench --base-dediee -- $(BIN)/python benchmarks/run.py
