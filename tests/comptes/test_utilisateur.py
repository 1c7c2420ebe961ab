"""Le nom d'une personne sur les pages publiques : « Prénom N. », jamais son adresse e-mail."""

import pytest

from comptes.models import Utilisateur


@pytest.mark.parametrize(
    ("prenom", "nom", "attendu"),
    [
        ("Nadia", "Habitante", "Nadia H."),
        ("  élise ", "de la Tour", "élise D."),
        ("Nadia", "", "Nadia"),
        ("", "Habitante", "H."),
        ("", "", "Utilisateur·rice n° 12"),
    ],
)
def test_the_public_name_never_shows_the_email(prenom, nom, attendu):
    utilisateur = Utilisateur(pk=12, email="nadia@exemple.fr", prenom=prenom, nom=nom)
    assert utilisateur.nom_public == attendu


def test_a_deleted_account_shows_as_deleted_on_public_pages():
    from comptes.models import LIBELLE_COMPTE_SUPPRIME

    utilisateur = Utilisateur(pk=12, prenom="Awa", nom="Diallo", est_supprime=True)
    assert utilisateur.nom_public == LIBELLE_COMPTE_SUPPRIME
