"""Les chiffres du test de charge, depuis les statistiques de Locust, au format de var/bench.json.

`stats` est ce qu'écrit benchmarks/charge/locust_sans_tete.py : la durée mesurée, la charge de la machine
avant et après, et chaque entrée de Locust sérialisée (`StatsEntry.serialize()` : nom `parcours · page`,
nombre de requêtes et d'échecs, histogramme `response_times` {durée arrondie en ms: nombre}). Les centiles se
calculent sur l'histogramme réuni des pages de chaque parcours, comme Locust le fait pour une entrée.
Sans Locust ni Django : testé seul (tests/benchmarks/test_charge.py).
"""

import math
import re
from collections import Counter

# Cibles de l'issue 15, sur une machine à deux cœurs : un plancher pour le débit, un plafond pour le reste.
BUDGET_REQUETES_PAR_SECONDE = 150
BUDGET_P95_MS = 300
BUDGET_ERREURS = 0
SEPARATEUR = " · "


def page(chemin: str) -> str:
    """`/contrats/CN03501I/sections/12/?x=1` → `contrats/sections` : les segments sans chiffre ni majuscule."""
    segments = chemin.split("?", 1)[0].strip("/").split("/")
    return "/".join(s for s in segments if s and not re.search(r"[0-9A-Z]", s)) or "accueil"


def parcours_de(nom: str) -> str:
    return nom.split(SEPARATEUR, 1)[0]


def centile(histogramme: dict, proportion: float) -> float:
    """Le plus petit temps t tel qu'au moins `proportion` des requêtes ont pris t ou moins (0 sans requête)."""
    total = sum(histogramme.values())
    if not total:
        return 0
    rang = max(1, math.ceil(total * proportion))
    cumul = 0
    for duree in sorted(histogramme, key=float):
        cumul += histogramme[duree]
        if cumul >= rang:
            return float(duree)
    return float(max(histogramme, key=float))


def _chiffres(prefixe: str, histogramme: Counter, requetes: int, echecs: int, duree: float) -> dict:
    total = prefixe == "charge"
    return {
        f"{prefixe}.requetes": {"value": requetes, "unit": "requêtes", "budget": None},
        f"{prefixe}.requetes_par_seconde": {
            "value": round(requetes / duree, 2) if duree else 0,
            "unit": "requêtes/s",
            "budget": BUDGET_REQUETES_PAR_SECONDE if total else None,
        },
        f"{prefixe}.mediane_ms": {"value": centile(histogramme, 0.5), "unit": "ms", "budget": None},
        f"{prefixe}.p95_ms": {"value": centile(histogramme, 0.95), "unit": "ms", "budget": BUDGET_P95_MS},
        f"{prefixe}.p99_ms": {"value": centile(histogramme, 0.99), "unit": "ms", "budget": None},
        f"{prefixe}.erreurs": {"value": echecs, "unit": "erreurs", "budget": BUDGET_ERREURS},
    }


def calculer(stats: dict) -> dict:
    """Totaux `charge.*` puis chiffres de chaque parcours `charge.<parcours>.*`, et le contexte de la mesure."""
    duree = float(stats["duree"])
    par_parcours: dict[str, list[dict]] = {}
    for entree in stats["entrees"]:
        par_parcours.setdefault(parcours_de(entree["name"]), []).append(entree)

    def reunir(entrees: list[dict]) -> tuple[Counter, int, int]:
        histogramme: Counter = Counter()
        for entree in entrees:
            histogramme.update({float(k): v for k, v in entree["response_times"].items()})
        return (
            histogramme,
            sum(e["num_requests"] for e in entrees),
            sum(e["num_failures"] for e in entrees),
        )

    resultats = _chiffres("charge", *reunir(stats["entrees"]), duree)
    for parcours in sorted(par_parcours):
        resultats |= _chiffres(f"charge.{parcours}", *reunir(par_parcours[parcours]), duree)
    resultats["charge.utilisateurs"] = {"value": stats["utilisateurs"], "unit": "utilisateurs", "budget": None}
    resultats["charge.duree"] = {"value": round(duree, 1), "unit": "s", "budget": None}
    for moment in ("avant", "apres"):
        resultats[f"charge.machine_charge_{moment}"] = {
            "value": round(stats[f"charge_machine_{moment}"], 2),
            "unit": "processus (uptime, 1 min)",
            "budget": None,
        }
    requetes = resultats["charge.requetes"]["value"]
    for sorte, secondes in (stats.get("cpu") or {}).items():
        resultats[f"charge.cpu_{sorte}_ms_par_requete"] = {
            "value": round(1000 * secondes / requetes, 1) if requetes else 0,
            "unit": "ms de processeur",
            "budget": None,
        }
    if stats.get("cpu") and requetes:
        par_requete = sum(stats["cpu"].values()) / requetes
        resultats["charge.capacite_deux_coeurs"] = {
            "value": round(2 / par_requete, 1) if par_requete else 0,
            "unit": "requêtes/s (estimée : 2 cœurs libres, processeur du web et de la base)",
            "budget": BUDGET_REQUETES_PAR_SECONDE,
        }
    return resultats


def tableau(resultats: dict) -> list[str]:
    """Les lignes affichées : une par parcours (requêtes/s, médiane, p95, p99, erreurs), puis le total."""
    parcours = sorted({nom.split(".")[1] for nom in resultats if nom.count(".") == 2})
    lignes = [f"{'parcours':<14}{'req/s':>9}{'médiane':>10}{'p95':>8}{'p99':>8}{'erreurs':>9}"]
    for nom in [*parcours, None]:
        prefixe = f"charge.{nom}" if nom else "charge"
        lignes.append(
            f"{nom or 'TOTAL':<14}{resultats[f'{prefixe}.requetes_par_seconde']['value']:>9.1f}"
            f"{resultats[f'{prefixe}.mediane_ms']['value']:>8.0f}ms{resultats[f'{prefixe}.p95_ms']['value']:>6.0f}ms"
            f"{resultats[f'{prefixe}.p99_ms']['value']:>6.0f}ms{resultats[f'{prefixe}.erreurs']['value']:>9}"
        )
    for nom in (
        "utilisateurs",
        "duree",
        "machine_charge_avant",
        "machine_charge_apres",
        "cpu_web_ms_par_requete",
        "cpu_base_ms_par_requete",
        "capacite_deux_coeurs",
    ):
        if f"charge.{nom}" not in resultats:
            continue
        chiffre = resultats[f"charge.{nom}"]
        lignes.append(f"charge.{nom}: {chiffre['value']} {chiffre['unit']}")
    return lignes


def pages_lentes(stats: dict, nombre: int = 10) -> list[str]:
    """Les `nombre` pages au p95 le plus long (où chercher ce qui ralentit), avec leur part des requêtes."""
    total = sum(entree["num_requests"] for entree in stats["entrees"]) or 1
    entrees = sorted(stats["entrees"], key=lambda e: centile(e["response_times"], 0.95), reverse=True)
    return [
        f"  p95 {centile(e['response_times'], 0.95):>6.0f} ms  médiane {centile(e['response_times'], 0.5):>5.0f} ms"
        f"  {100 * e['num_requests'] / total:>4.1f} % des requêtes  {e['name']}"
        for e in entrees[:nombre]
    ]
