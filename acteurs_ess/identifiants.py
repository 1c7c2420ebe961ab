"""Identifiants officiels d'une structure : SIREN, SIRET (python-stdnum) et numéro RNA d'une association.

Chaque fonction `normaliser_…` retire espaces et séparateurs, vérifie le numéro et le rend sous sa forme
compacte, ou lève une `ValidationError` au message compréhensible par la personne qui l'a saisi.
"""

import re

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

# W + 9 caractères (chiffres ou majuscules) : les numéros anciens reprennent le code de la préfecture,
# qui peut contenir une lettre (Corse : 2A, 2B ; outre-mer).
RNA = re.compile(r"^W[0-9A-Z]{9}$")
SIREN_LA_POSTE = "356000000"


def _compacter(valeur: str) -> str:
    return re.sub(r"[\s.\-/]", "", valeur or "")


def normaliser_siren(valeur: str) -> str:
    numero = _compacter(valeur)
    if not numero.isdigit() or len(numero) != 9:
        raise ValidationError(f"« {valeur} » n'est pas un numéro SIREN : il faut 9 chiffres.", code="siren_format")
    try:
        return stdnum_siren.validate(numero)
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            f"Le SIREN {numero} n'existe pas : sa clé de contrôle est fausse. Vérifiez chaque chiffre.",
            code="siren_cle",
        ) from None


def normaliser_siret(valeur: str) -> str:
    """Les SIRET de La Poste (SIREN 356000000) ne suivent pas la clé de Luhn : python-stdnum applique
    leur règle propre (somme des chiffres multiple de 5), vérifiée par nos tests."""
    numero = _compacter(valeur)
    if not numero.isdigit() or len(numero) != 14:
        raise ValidationError(
            f"« {valeur} » n'est pas un numéro SIRET : il faut 14 chiffres (SIREN + 5 chiffres de l'établissement).",
            code="siret_format",
        )
    try:
        return stdnum_siret.validate(numero)
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            f"Le SIRET {numero} n'existe pas : sa clé de contrôle est fausse. Vérifiez chaque chiffre.",
            code="siret_cle",
        ) from None


def normaliser_rna(valeur: str) -> str:
    numero = _compacter(valeur).upper()
    if not RNA.match(numero):
        raise ValidationError(
            f"« {valeur} » n'est pas un numéro RNA : il commence par W, suivi de 9 chiffres ou lettres "
            "(par exemple W353012345).",
            code="rna_format",
        )
    return numero


def siren_du_siret(siret: str) -> str:
    return siret[:9]
