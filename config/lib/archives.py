"""Archives ZIP déposées (ODT, ODS, DOCX, XLSX) : bornes vérifiées avant d'en lire une seule entrée.

Un fichier de 1 Mo peut se décompresser en plusieurs gigaoctets (« bombe de décompression ») ou compter des
centaines de milliers d'entrées. `verifier_archive` lit seulement le répertoire central de l'archive et refuse,
avec un message pour la personne qui l'a déposée, ce qui dépasse les bornes. Les tailles qu'il additionne sont
celles que l'archive annonce : le module `zipfile` ne rend jamais plus d'octets qu'une entrée n'en annonce,
une archive qui ment sur ses tailles est donc bornée par son propre mensonge.
"""

import zipfile

MO = 1024 * 1024
# Un document bureautique de 10 Mo (la taille maximale d'un dépôt) en fait rarement plus de 100 une fois
# décompressé : son texte XML se compresse environ dix fois, ses images pas du tout.
TAILLE_DECOMPRESSEE_MAXIMUM = 200 * MO
TAILLE_ENTREE_MAXIMUM = 100 * MO
NOMBRE_ENTREES_MAXIMUM = 1000


class ArchiveRefusee(Exception):
    """L'archive dépasse une borne ; le message est destiné à la personne qui l'a déposée."""


def verifier_archive(archive: zipfile.ZipFile, nom: str) -> None:
    """Lève `ArchiveRefusee` si l'archive compte trop d'entrées, ou si l'une d'elles ou leur total se
    décompresse au-delà des bornes. Ne lit aucune entrée."""
    entrees = archive.infolist()
    if len(entrees) > NOMBRE_ENTREES_MAXIMUM:
        raise ArchiveRefusee(
            f"Le fichier « {nom} » contient plus de {NOMBRE_ENTREES_MAXIMUM} entrées : il est refusé. "
            "Enregistrez-le à nouveau depuis votre logiciel de bureautique."
        )
    plus_grande = max((entree.file_size for entree in entrees), default=0)
    total = sum(entree.file_size for entree in entrees)
    if plus_grande > TAILLE_ENTREE_MAXIMUM or total > TAILLE_DECOMPRESSEE_MAXIMUM:
        raise ArchiveRefusee(
            f"Le fichier « {nom} » occuperait plus de {TAILLE_DECOMPRESSEE_MAXIMUM // MO} Mo une fois décompressé : "
            "il est refusé. Enregistrez-le à nouveau depuis votre logiciel de bureautique, ou découpez-le."
        )
