"""Lecture des résultats d'axe-core."""

# Une violation de ces impacts fait échouer le test ; « moderate » et « minor » relèvent de l'audit RGAA.
IMPACTS_BLOQUANTS = {"serious", "critical"}


def rapport_axe(violations: list[dict]) -> str:
    """Les violations, lisibles dans le message d'échec : règle, impact, aide, et chaque élément visé."""
    lignes = [f"{len(violations)} violation(s) d'accessibilité bloquante(s) :"]
    for violation in violations:
        lignes.append(f"- {violation['id']} ({violation['impact']}) : {violation['help']} — {violation['helpUrl']}")
        for noeud in violation["nodes"]:
            lignes.append(f"    {', '.join(map(str, noeud['target']))} : {noeud['html'][:200]}")
    return "\n".join(lignes)
