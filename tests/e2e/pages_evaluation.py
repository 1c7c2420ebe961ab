"""Les pages de l'évaluation à passer à axe-core, valables avec la démonstration (`evaluation/demo.py` : lignes
de base des QPV de démonstration, indicateurs locaux et valeurs du contrat CN03501I, son bilan annuel 2025 publié
et son bilan à mi-parcours en préparation).

La page d'un QPV avec ses lignes de base est vérifiée avec celles du référentiel (pages_territoires.py)."""

CODE = "CN03501I"
AGENT = "agent@demo.coville.fr"


def _indicateur_national() -> str:
    from evaluation.models import Indicateur

    return f"/evaluation/indicateurs/{Indicateur.objects.get(contrat=None, code='taux_emploi').pk}/"


def _indicateur_local() -> str:
    from evaluation.models import Indicateur

    return f"/evaluation/indicateurs/{Indicateur.objects.get(contrat__code=CODE, code='jeunes-accompagnes').pk}/"


def _valeur() -> str:
    from evaluation.models import Valeur

    return f"/evaluation/valeurs/{Valeur.objects.filter(contrat__code=CODE).order_by('pk').first().pk}/"


def _corriger() -> str:
    return _valeur() + "corriger/"


def _bilan(type_bilan: str) -> str:
    from evaluation.models import Bilan

    return Bilan.objects.get(contrat__code=CODE, type=type_bilan).get_absolute_url()


def _bilan_publie() -> str:
    return _bilan("annuel")


def _bilan_en_preparation() -> str:
    return _bilan("mi_parcours")


def _textes_bilan() -> str:
    return _bilan_en_preparation() + "textes/"


PAGES = [
    "/evaluation/indicateurs/",
    "/evaluation/indicateurs/?unite=pourcentage",
    _indicateur_national,
    f"/evaluation/contrats/{CODE}/bilans/",
    _bilan_publie,
]

PAGES_CONNECTEES = [
    ("contrat", f"/evaluation/contrats/{CODE}/", AGENT),
    ("tableau", f"/evaluation/contrats/{CODE}/tableau-de-bord/", AGENT),
    ("indicateur-local", _indicateur_local, AGENT),
    ("nouvel-indicateur", f"/evaluation/contrats/{CODE}/indicateurs/nouveau/", AGENT),
    ("nouvelle-valeur", f"/evaluation/contrats/{CODE}/valeurs/nouvelle/", AGENT),
    ("valeur", _valeur, AGENT),
    ("corriger", _corriger, AGENT),
    ("bilans", f"/evaluation/contrats/{CODE}/bilans/", AGENT),
    ("nouveau-bilan", f"/evaluation/contrats/{CODE}/bilans/nouveau/", AGENT),
    ("bilan-en-preparation", _bilan_en_preparation, AGENT),
    ("textes-bilan", _textes_bilan, AGENT),
    ("avis-bilan", lambda: _bilan_en_preparation() + "avis/", "habitant@demo.coville.fr"),
]
