"""Quand les montants décidés d'un contrat changent (la décision d'un financeur, un dossier qui entre dans un état
décidé ou en change), la synthèse PDF du contrat, qui les montre (bloc `montants_decides`,
`contrats.registres.synthese_contrat`), est rendue à nouveau en arrière-plan, comme le fait `contrats/signaux.py`
pour les données du contrat lui-même. La tâche est différée dans la transaction du changement ; plusieurs
changements se fondent en une tâche (verrou de file), qui ne rend rien si l'empreinte n'a pas changé."""

from django.db.models.signals import post_delete, post_save

from financements.models import AppelAProjets, DecisionFinanceur, Dossier
from financements.models.dossier import STATUTS_DECIDES


def _rendre_la_synthese(contrat_id: int | None) -> None:
    from contrats.taches import differer_rendu

    if contrat_id is not None:
        differer_rendu(contrat_id, "synthese")


def decision_changee(sender, instance: DecisionFinanceur, **kwargs) -> None:
    _rendre_la_synthese(
        Dossier.objects.filter(financements__pk=instance.financement_id)
        .values_list("appel__contrat_id", flat=True)
        .first()
    )


def dossier_enregistre(sender, instance: Dossier, **kwargs) -> None:
    if instance.statut in STATUTS_DECIDES:
        _rendre_la_synthese(
            AppelAProjets.objects.filter(pk=instance.appel_id).values_list("contrat_id", flat=True).first()
        )


def connecter() -> None:
    """Appelé par `FinancementsConfig.ready()`."""
    post_save.connect(decision_changee, sender=DecisionFinanceur, dispatch_uid="financements_decision_synthese")
    post_delete.connect(decision_changee, sender=DecisionFinanceur, dispatch_uid="financements_decision_synthese_supp")
    post_save.connect(dossier_enregistre, sender=Dossier, dispatch_uid="financements_dossier_synthese")
