"""Lance les mesures de performance : `make bench` (base `coville_bench`, DATABASE_URL fournie).

Prépare la base (migrations, table du cache, démonstration), puis appelle `mesurer(rapport)` de
benchmarks/socle.py puis de chaque autre module public de benchmarks/ (ordre alphabétique) ; ou des seuls
modules nommés (`python -m benchmarks.run evaluation`), dont les chiffres remplacent les leurs dans
var/bench.json. Chaque chiffre
est affiché (`nom: valeur unité`) et écrit dans var/bench.json :
`{"nom": {"value": …, "unit": "…", "budget": … ou null}}`.
"""

import io
import json
import os
import pkgutil
import sys
from importlib import import_module
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
DOSSIER = Path(__file__).resolve().parent
SORTIE = RACINE / "var" / "bench.json"


def preparer_django() -> None:
    # Lancé comme script : la racine du projet n'est pas dans le chemin d'import.
    sys.path.insert(0, str(RACINE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    # Le client de test de Django se présente comme « testserver ».
    hotes = [hote for hote in os.environ.get("ALLOWED_HOSTS", "").split(",") if hote.strip()]
    os.environ["ALLOWED_HOSTS"] = ",".join([*hotes, "testserver"])

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("charger_demo", stdout=io.StringIO())


def modules_de_mesure() -> list[str]:
    """socle d'abord, puis les autres modules de benchmarks/ ; run et les modules privés (_x) sont exclus."""
    noms = sorted(
        module.name
        for module in pkgutil.iter_modules([str(DOSSIER)])
        if not module.ispkg and module.name not in {"run", "socle"} and not module.name.startswith("_")
    )
    return ["socle", *noms]


def main(noms: list[str] | None = None) -> int:
    inconnus = set(noms or []) - set(modules_de_mesure())
    if inconnus:
        print(f"modules de mesure inconnus : {', '.join(sorted(inconnus))}", file=sys.stderr)
        return 2
    preparer_django()
    chiffres: dict[str, dict] = {}

    def rapport(nom: str, valeur: float, unite: str, budget: float | None = None) -> None:
        if nom in chiffres:
            raise ValueError(f"chiffre déjà mesuré : {nom}")
        valeur = valeur if isinstance(valeur, int) else round(float(valeur), 2)
        chiffres[nom] = {"value": valeur, "unit": unite, "budget": budget}
        print(f"{nom}: {valeur} {unite}", flush=True)

    for nom in noms or modules_de_mesure():
        module = import_module(f"benchmarks.{nom}")
        if not hasattr(module, "mesurer"):
            print(f"# benchmarks/{nom}.py n'expose pas mesurer(rapport) : ignoré", file=sys.stderr)
            continue
        module.mesurer(rapport)

    SORTIE.parent.mkdir(parents=True, exist_ok=True)
    if noms and SORTIE.is_file():
        # Les chiffres des autres modules, mesurés avant, restent.
        chiffres = json.loads(SORTIE.read_text()) | chiffres
    SORTIE.write_text(json.dumps(chiffres, indent=2, ensure_ascii=False) + "\n")
    print(f"# {len(chiffres)} chiffres écrits dans {SORTIE.relative_to(RACINE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
