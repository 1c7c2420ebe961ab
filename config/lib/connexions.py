"""Une connexion de plus à la base, pour écrire ce qui doit se voir pendant une longue transaction.

Un travail de fond tout ou rien (un import) tient sa transaction ouverte jusqu'à la fin : ce qu'il y écrit reste
invisible aux autres connexions jusqu'à sa validation. Son avancement, lui, doit se lire pendant qu'il avance :
il passe par une seconde connexion, en validation automatique, que la transaction n'englobe pas.

Règle à respecter : la transaction principale ne doit pas verrouiller les lignes que la connexion à part écrit
(ni les modifier) avant sa dernière écriture, sinon la connexion à part l'attendrait, et elle-même attendrait
la connexion à part."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper


@contextmanager
def connexion_a_part(alias: str = DEFAULT_DB_ALIAS) -> Iterator[BaseDatabaseWrapper]:
    """Une nouvelle connexion aux réglages de `alias` (la base de test pendant les tests), en validation
    automatique, ouverte au premier usage et fermée en sortant du bloc."""
    connexion = connections.create_connection(alias)
    try:
        yield connexion
    finally:
        connexion.close()
