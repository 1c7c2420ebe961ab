"""Les indicateurs locaux d'un contrat : créés et modifiés par les agents de ses signataires."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from contrats.models import ContratDeVille, Orientation
from evaluation.models import Indicateur
from evaluation.permissions import peut_saisir_valeurs, refus_saisie
from financements.models import Convention, Dossier

CHAMPS = [
    "code",
    "nom",
    "definition",
    "unite",
    "sens",
    "agregation",
    "source",
    "methode",
    "producteur",
    "frequence",
    "plage_min",
    "plage_max",
]
LIENS = ["orientations", "dossiers", "conventions"]


def _verifier(contrat: ContratDeVille, auteur, donnees: dict, indicateur: Indicateur | None = None) -> None:
    if not peut_saisir_valeurs(auteur, contrat):
        raise PermissionDenied(refus_saisie(contrat))
    erreurs: dict[str, str] = {}
    code = donnees["code"]
    doublon = Indicateur.objects.filter(contrat=contrat, code=code)
    if indicateur is not None:
        doublon = doublon.exclude(pk=indicateur.pk)
    if doublon.exists():
        erreurs["code"] = f"Le contrat a déjà un indicateur de code « {code} » : choisissez-en un autre."
    elif Indicateur.objects.filter(contrat=None, code=code).exists():
        erreurs["code"] = f"« {code} » est le code d'un indicateur national : utilisez-le plutôt que d'en créer un."
    minimum, maximum = donnees.get("plage_min"), donnees.get("plage_max")
    if minimum is not None and maximum is not None and minimum > maximum:
        erreurs["plage_max"] = "Le maximum plausible doit être supérieur ou égal au minimum."
    for nom in LIENS:
        etrangers = [objet for objet in donnees.get(nom) or [] if not _du_contrat(objet, contrat)]
        if etrangers:
            erreurs[nom] = f"{etrangers[0]} n'appartient pas à ce contrat."
    if erreurs:
        raise ValidationError(erreurs)


def _du_contrat(objet: Orientation | Dossier | Convention, contrat: ContratDeVille) -> bool:
    if isinstance(objet, Dossier):
        return objet.appel.contrat_id == contrat.pk
    if isinstance(objet, Orientation):
        return objet.contrat_id == contrat.pk
    return objet.dossiers.filter(appel__contrat=contrat).exists()


@transaction.atomic
def creer_indicateur(contrat: ContratDeVille, auteur, donnees: dict) -> Indicateur:
    _verifier(contrat, auteur, donnees)
    indicateur = Indicateur.objects.create(
        contrat=contrat, cree_par=auteur, **{nom: donnees.get(nom) for nom in CHAMPS if nom in donnees}
    )
    for nom in LIENS:
        getattr(indicateur, nom).set(donnees.get(nom) or [])
    return indicateur


@transaction.atomic
def modifier_indicateur(indicateur: Indicateur, auteur, donnees: dict) -> Indicateur:
    if indicateur.contrat is None:
        raise PermissionDenied("Un indicateur national est tenu par l'import officiel : il ne se modifie pas ici.")
    _verifier(indicateur.contrat, auteur, donnees, indicateur)
    for nom in CHAMPS:
        if nom in donnees:
            setattr(indicateur, nom, donnees[nom])
    indicateur.save()
    for nom in LIENS:
        if nom in donnees:
            getattr(indicateur, nom).set(donnees[nom] or [])
    return indicateur
