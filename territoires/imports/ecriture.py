"""Écriture en masse : COPY dans une table temporaire, puis INSERT des nouvelles lignes et UPDATE des seules
lignes qui changent (IS DISTINCT FROM). Une seconde exécution ne réécrit rien et le dit."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection

from territoires.imports.erreurs import Erreurs


@dataclass
class Compte:
    """Ce qu'un import a fait (ou ferait, à blanc) pour une sorte de territoire."""

    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    obsoletes: int = 0
    cles_modifiees: set = field(default_factory=set, repr=False)

    @property
    def a_change(self) -> bool:
        return bool(self.crees or self.modifies or self.obsoletes)


def copier(table_temporaire: str, table_modele: str, colonnes: Sequence[str], lignes: Iterable[tuple]) -> None:
    """Crée une table temporaire aux colonnes de la table modèle (plus `ligne`, la position dans le fichier)
    et y copie les lignes par COPY."""
    liste = ", ".join(colonnes)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table_temporaire}")
        cursor.execute(
            f"CREATE TEMP TABLE {table_temporaire} ON COMMIT DROP AS SELECT {liste} FROM {table_modele} WITH NO DATA"  # nosec B608 # noms de tables et colonnes du code
        )
        cursor.execute(f"ALTER TABLE {table_temporaire} ADD COLUMN ligne integer")
        with cursor.cursor.copy(f"COPY {table_temporaire} ({liste}, ligne) FROM STDIN") as copie:
            for ligne in lignes:
                copie.write_row(ligne)
        cursor.execute(f"ANALYZE {table_temporaire}")


def verifier_references(
    erreurs: Erreurs, table_temporaire: str, colonne: str, table_cible: str, cle_cible: str, quoi: str
) -> None:
    """Signale les lignes dont la référence (département, EPCI, commune…) n'existe pas dans le référentiel."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.ligne, t.{colonne} FROM {table_temporaire} t WHERE t.{colonne} IS NOT NULL "  # nosec B608 # noms de tables et colonnes du code
            f"AND NOT EXISTS (SELECT 1 FROM {table_cible} c WHERE c.{cle_cible} = t.{colonne}) "
            "ORDER BY t.ligne LIMIT 50"
        )
        for ligne, code in cursor.fetchall():
            erreurs.ajouter(ligne, f"{quoi} « {code} » inconnu du référentiel")


def fusionner(
    table_temporaire: str,
    table: str,
    cle: str,
    colonnes: Sequence[str],
    colonnes_a_jour: Sequence[str],
    garder_cles: bool = False,
) -> Compte:
    """Insère les lignes nouvelles et met à jour les colonnes `colonnes_a_jour` des lignes qui diffèrent."""
    compte = Compte()
    liste = ", ".join(colonnes)
    with connection.cursor() as cursor:
        if colonnes_a_jour:
            cibles = ", ".join(f"c.{colonne}" for colonne in colonnes_a_jour)
            sources = ", ".join(f"t.{colonne}" for colonne in colonnes_a_jour)
            affectations = ", ".join(f"{colonne} = t.{colonne}" for colonne in colonnes_a_jour)
            cursor.execute(
                f"UPDATE {table} c SET {affectations} FROM {table_temporaire} t "  # nosec B608 # noms de tables et colonnes du code
                f"WHERE c.{cle} = t.{cle} AND ({cibles}) IS DISTINCT FROM ({sources})"
                + (f" RETURNING c.{cle}" if garder_cles else "")
            )
            compte.modifies = cursor.rowcount
            if garder_cles:
                compte.cles_modifiees = {cle_ for (cle_,) in cursor.fetchall()}
        cursor.execute(
            f"INSERT INTO {table} ({liste}) SELECT {liste} FROM {table_temporaire} t "  # nosec B608 # noms de tables et colonnes du code
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} c WHERE c.{cle} = t.{cle})"
        )
        compte.crees = cursor.rowcount
        cursor.execute(f"SELECT count(*) FROM {table_temporaire}")  # nosec B608 # noms de tables et colonnes du code
        (total,) = cursor.fetchone()
    compte.inchanges = total - compte.crees - compte.modifies
    return compte
