"""Ce qui, dans les financements, empêche de supprimer un objet d'un contrat (registres de
`contrats.registres`) : un signataire qui finance un appel du contrat ou y a décidé, une orientation que des
appels ou des dossiers ont choisie comme priorité."""

from contrats.models import Orientation, Signataire
from financements.models import AppelAProjets, DecisionFinanceur, Dossier, FinanceurAppel


def signataire_financeur(signataire: Signataire) -> list[str]:
    raisons = []
    decisions = DecisionFinanceur.objects.filter(
        financement__financeur_id=signataire.organisation_id,
        financement__dossier__appel__contrat_id=signataire.contrat_id,
    ).count()
    if decisions:
        raisons.append(
            f"il a pris {decisions} décision(s) de financement sur les appels à projets de ce contrat ; ces "
            "décisions restent au dossier. S'il ne signe plus le contrat, indiquez-le par un avenant."
        )
    appels = list(
        FinanceurAppel.objects.filter(
            organisation_id=signataire.organisation_id, appel__contrat_id=signataire.contrat_id
        ).values_list("appel__titre", flat=True)
    )
    if appels and not decisions:
        raisons.append(
            "il finance les appels à projets « " + " », « ".join(appels) + " » : retirez-le d'abord de ces appels."
        )
    return raisons


def orientation_priorite(orientation: Orientation) -> list[str]:
    raisons = []
    appels = AppelAProjets.objects.filter(priorites=orientation).count()
    dossiers = Dossier.objects.filter(priorites=orientation).count()
    if appels:
        raisons.append(f"{appels} appel(s) à projets l'ont choisie comme priorité.")
    if dossiers:
        raisons.append(f"{dossiers} dossier(s) de financement s'y rattachent.")
    return raisons
