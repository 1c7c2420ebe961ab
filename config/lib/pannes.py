"""Les pannes de la base de données vues d'une requête : PostgreSQL redémarré, arrêté ou injoignable.

Pendant un redémarrage de PostgreSQL (mise à jour, bascule sur une réplique), chaque requête qui touche la base
échoue : ouverture de la connexion refusée, connexion coupée par l'arrêt du serveur (« terminating connection
due to administrator command »), serveur encore en démarrage. Ces erreurs passent d'elles-mêmes : la personne
reçoit une page 503 qui le dit, avec `Retry-After`, jamais une erreur 500 ; la transaction de la requête, elle,
est annulée par PostgreSQL (rien n'est à moitié écrit). Une erreur de la requête elle-même (SQL invalide,
contrainte violée) reste une erreur 500 : elle ne passera pas en attendant."""

from django.db import InterfaceError, OperationalError

# Classes d'erreurs SQLSTATE d'une connexion perdue ou refusée : 08 (connection exception), 57P01 à 57P05
# (operator intervention : arrêt administratif, arrêt brutal, serveur en démarrage, base supprimée, session
# inactive coupée) ; https://www.postgresql.org/docs/current/errcodes-appendix.html
SQLSTATE_DE_CONNEXION = ("08", "57P")
# Secondes annoncées au navigateur et aux robots : un redémarrage de PostgreSQL dure quelques secondes.
RETRY_AFTER_SECONDES = 30


def panne_de_connexion(erreur: BaseException) -> bool:
    """`erreur` dit que la base est injoignable (et non que la requête est fautive)."""
    if isinstance(erreur, InterfaceError):
        # La connexion est déjà fermée (coupée par le serveur pendant la requête précédente).
        return True
    if not isinstance(erreur, OperationalError):
        return False
    cause = erreur.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    # Sans SQLSTATE, l'erreur vient du client : connexion refusée, serveur disparu en pleine requête.
    return sqlstate is None or sqlstate.startswith(SQLSTATE_DE_CONNEXION)
