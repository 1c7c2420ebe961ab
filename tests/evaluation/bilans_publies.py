"""Un bilan publié d'un contrat, créé tel quel (son cycle, de la préparation à la publication, est vérifié dans
test_bilans.py) : c'est lui qui rend publiques les valeurs du contrat qu'il couvre (`ValeurQuerySet.publiques`)."""

from evaluation.models import ANNEE_MI_PARCOURS, Bilan, StatutBilan, TypeBilan


def publier_bilan(contrat, auteur, type_: str = TypeBilan.ANNUEL, annee: int | None = None) -> Bilan:
    if annee is None:
        annee = ANNEE_MI_PARCOURS if type_ == TypeBilan.MI_PARCOURS else contrat.annee_fin
    return Bilan.objects.create(contrat=contrat, type=type_, annee=annee, statut=StatutBilan.PUBLIE, cree_par=auteur)
