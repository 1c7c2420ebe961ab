"""Des archives ZIP fabriquées pour les tests de fichiers déposés : bombes de décompression, archives aux
milliers d'entrées. Un entier tient lieu de contenu : autant d'octets nuls, écrits par morceaux (la mémoire du
test reste petite, l'archive aussi : des zéros se compressent à plus de 1000 pour 1)."""

import io
import zipfile

MO = 1024 * 1024


def archive_zip(entrees: dict[str, bytes | str | int]) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in entrees.items():
            if isinstance(contenu, int):
                with archive.open(nom, "w", force_zip64=contenu > 2**31) as entree:
                    for _ in range(contenu // MO):
                        entree.write(bytes(MO))
                    entree.write(bytes(contenu % MO))
            else:
                archive.writestr(nom, contenu)
    return tampon.getvalue()


def classeur(lignes: list[list], extra: dict[str, bytes | str | int] | None = None) -> bytes:
    """Un classeur XLSX des lignes données, auquel on ajoute (ou dont on remplace) des entrées."""
    import openpyxl

    livre = openpyxl.Workbook()
    for ligne in lignes:
        livre.active.append(ligne)
    tampon = io.BytesIO()
    livre.save(tampon)
    with zipfile.ZipFile(io.BytesIO(tampon.getvalue())) as source:
        entrees: dict[str, bytes | str | int] = {n: source.read(n) for n in source.namelist()}
    return archive_zip(entrees | (extra or {}))
