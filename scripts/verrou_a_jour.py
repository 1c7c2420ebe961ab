"""Vérifie, après `make install`, que les versions installées depuis requirements.lock satisfont toutes les
dépendances de pyproject.toml (extra `dev` compris) : sinon pyproject.toml a changé sans `make lock`.

    .venv/bin/python scripts/verrou_a_jour.py
"""

import sys
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement


def ecarts() -> list[str]:
    trouves = []
    for texte in requires("coville") or []:
        exigence = Requirement(texte)
        if exigence.marker and not exigence.marker.evaluate({"extra": "dev"}):
            continue
        try:
            installee = version(exigence.name)
        except PackageNotFoundError:
            trouves.append(f"{exigence.name} absent (demandé : {exigence.name}{exigence.specifier})")
            continue
        if not exigence.specifier.contains(installee, prereleases=True):
            trouves.append(f"{exigence.name} {installee} installé (demandé : {exigence.name}{exigence.specifier})")
    return trouves


def main() -> int:
    trouves = ecarts()
    if trouves:
        print(f"requirements.lock ne suit plus pyproject.toml : {' ; '.join(trouves)}. Lancez `make lock`.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
