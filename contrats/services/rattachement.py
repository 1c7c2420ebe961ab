"""Les agents d'une collectivité rattachent leur collectivité aux signataires d'un contrat qui la concerne, ou
l'en détachent — sans passer par la collectivité porteuse, qui tient les autres signataires
(`contrats.services.gouvernance`). Chaque changement est écrit au journal du contrat."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from comptes.models import Organisation
from contrats.models import ContratDeVille, Signataire, StatutContrat
from contrats.permissions import collectivites_a_rattacher, peut_detacher_collectivite
from contrats.registres import obstacles, obstacles_suppression_signataire
from contrats.services.journal import journaliser_modification


@transaction.atomic
def rattacher_ma_collectivite(contrat: ContratDeVille, auteur, organisation: Organisation) -> Signataire:
    """Ajoute la collectivité de l'agent aux signataires du contrat, à la fin de la liste."""
    contrat = ContratDeVille.objects.select_for_update().get(pk=contrat.pk)
    if contrat.statut == StatutContrat.CLOS:
        raise ValidationError("Ce contrat est clos : ses signataires ne changent plus.")
    if contrat.signataires.filter(organisation=organisation).exists():
        raise ValidationError(f"{organisation} est déjà signataire de ce contrat.")
    if organisation not in collectivites_a_rattacher(auteur, contrat):
        raise PermissionDenied(
            "Seuls les agents d'une collectivité que le contrat concerne l'ajoutent à ses signataires."
        )
    ordre = (contrat.signataires.order_by("-ordre").values_list("ordre", flat=True).first() or 0) + 1
    signataire = Signataire.objects.create(contrat=contrat, organisation=organisation, ordre=ordre)
    journaliser_modification(contrat, auteur, f"Signataire ajouté par ses agents : {organisation}")
    return signataire


@transaction.atomic
def detacher_ma_collectivite(signataire: Signataire, auteur) -> None:
    """Retire la collectivité de l'agent des signataires, sauf si elle a déjà signé, si le contrat est clos ou
    si d'autres objets en dépendent (un financeur qui a déjà décidé) : la raison est donnée, rien ne change."""
    signataire = Signataire.objects.select_for_update().select_related("contrat", "organisation").get(pk=signataire.pk)
    organisation, contrat = signataire.organisation, signataire.contrat
    if not peut_detacher_collectivite(auteur, organisation):
        raise PermissionDenied("Seuls les agents de cette collectivité la retirent des signataires.")
    if contrat.statut == StatutContrat.CLOS:
        raise ValidationError("Ce contrat est clos : ses signataires ne changent plus.")
    if signataire.date_signature is not None:
        raise ValidationError(
            f"{organisation} a signé le contrat le {signataire.date_signature:%d/%m/%Y} : elle ne peut plus en être "
            "retirée que par un avenant, avec la collectivité porteuse."
        )
    raisons = obstacles(obstacles_suppression_signataire, signataire)
    if raisons:
        raise ValidationError([f"{organisation} ne peut pas être retirée des signataires :", *raisons])
    nombre = signataire.engagements.count()
    signataire.delete()
    suite = f" et ses {nombre} engagement{'s' if nombre > 1 else ''}" if nombre else ""
    journaliser_modification(contrat, auteur, f"Signataire retiré par ses agents : {organisation}{suite}")
