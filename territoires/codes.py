"""Les formats des codes officiels du référentiel territorial."""

import re

from stdnum.fr import siren as stdnum_siren

CODE_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
CODE_DEPARTEMENT = re.compile(r"^(\d{2}|2[AB]|97\d|98\d)$")
CODE_REGION = re.compile(r"^\d{2,3}$")
# QN + département sur trois caractères (`075`, `02A`, `976`) + numéro d'ordre + lettre de type
# (M : métropole, I : intercommunal, N : nouveau quartier, C : nouvelle géographie de Mayotte).
CODE_QPV = re.compile(r"^QN(\d{3}|02[AB])\d{2}[A-Z]$")


def est_code_commune(code: str) -> bool:
    return bool(CODE_COMMUNE.match(code))


def est_code_departement(code: str) -> bool:
    return bool(CODE_DEPARTEMENT.match(code))


def est_code_region(code: str) -> bool:
    return bool(CODE_REGION.match(code))


def est_code_qpv(code: str) -> bool:
    return bool(CODE_QPV.match(code))


def est_siren(code: str) -> bool:
    return stdnum_siren.is_valid(code) and len(code) == 9


def ressemble_a_un_code(texte: str) -> bool:
    """Une saisie de recherche qui commence comme un code (INSEE, SIREN, QPV, code postal)."""
    texte = texte.strip().upper()
    return bool(re.match(r"^(\d{2,}|2[AB]\d*|QN[0-9AB]*[A-Z]?)$", texte))
