"""Le comité de programmation d'un appel : les dossiers côte à côte, avec pour chaque financeur de l'appel le
montant demandé, son avis (et le montant qu'il propose) et sa décision, pour décider ensemble. Lecture seule ;
le même contenu sert la page et l'export CSV.

Nombre de requêtes fixe : la page de dossiers, puis leurs financements (avec décision), leurs avis (avec
l'organisation) et leurs QPV, chacun en une requête."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from comptes.contexte import Qui
from comptes.models import Organisation
from financements.models import AppelAProjets, AvisInstruction, Dossier, Financement, FinanceurAppel
from financements.permissions import est_agent_porteur, financeurs_de_l_appel


def dossiers_du_comite(qui: Qui, appel: AppelAProjets) -> QuerySet[Dossier]:
    """Les dossiers déposés de l'appel que la personne instruit : tous pour la collectivité porteuse ; pour un
    financeur, ceux qui lui demandent quelque chose (il ne voit jamais un dossier qui ne le sollicite pas)."""
    dossiers = Dossier.objects.deposes().filter(appel=appel)
    if not est_agent_porteur(qui, appel.contrat):
        dossiers = dossiers.filter(financeurs_ids__overlap=[o.pk for o in financeurs_de_l_appel(qui, appel)])
    return dossiers.order_by("titre", "pk")


def pour_comite(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return dossiers.select_related("structure", "appel").prefetch_related(
        Prefetch("financements", queryset=Financement.objects.select_related("decision")),
        Prefetch("avis", queryset=AvisInstruction.objects.select_related("organisation")),
        "qpv",
    )


@dataclass
class Cellule:
    """Ce qu'un financeur de l'appel pense et a décidé d'un dossier."""

    demande: Decimal | None = None
    avis: AvisInstruction | None = None
    decide: Decimal | None = None


@dataclass
class Ligne:
    dossier: Dossier
    cellules: list[Cellule]
    autres_avis: list[AvisInstruction] = field(default_factory=list)

    @property
    def total_propose(self) -> Decimal | None:
        montants = [c.avis.montant_propose for c in self.cellules if c.avis and c.avis.montant_propose is not None]
        montants += [a.montant_propose for a in self.autres_avis if a.montant_propose is not None]
        return sum(montants, Decimal(0)) if montants else None


def financeurs(appel: AppelAProjets) -> list[Organisation]:
    """Les financeurs de l'appel, une colonne chacun."""
    return [f.organisation for f in FinanceurAppel.objects.filter(appel=appel).select_related("organisation")]


def lignes(dossiers: Iterable[Dossier], colonnes: list[Organisation]) -> Iterator[Ligne]:
    ordre = {o.pk: i for i, o in enumerate(colonnes)}
    for dossier in dossiers:
        cellules = [Cellule() for _ in colonnes]
        for financement in dossier.financements.all():
            if financement.financeur_id in ordre:
                cellule = cellules[ordre[financement.financeur_id]]
                cellule.demande = financement.montant_demande
                decision = getattr(financement, "decision", None)
                cellule.decide = decision.montant if decision else None
        autres = []
        for avis in dossier.avis.all():
            if avis.organisation_id in ordre:
                cellules[ordre[avis.organisation_id]].avis = avis
            else:
                autres.append(avis)
        yield Ligne(dossier, cellules, autres)


def entete_csv(colonnes: list[Organisation]) -> list[str]:
    entete = ["Référence", "Intitulé", "Structure porteuse", "État", "QPV"]
    for o in colonnes:
        entete += [f"{o.nom} : demandé (€)", f"{o.nom} : avis", f"{o.nom} : proposé (€)", f"{o.nom} : décidé (€)"]
    return entete + ["Autres avis", "Total demandé (€)", "Total proposé (€)", "Total décidé (€)"]


def lignes_csv(dossiers: Iterable[Dossier], colonnes: list[Organisation]) -> Iterator[list]:
    for ligne in lignes(dossiers, colonnes):
        d = ligne.dossier
        valeurs: list = [d.reference, d.titre, d.structure.raison_sociale, d.get_statut_display()]
        valeurs.append(", ".join(q.nom for q in d.qpv.all()))
        for c in ligne.cellules:
            valeurs += [
                c.demande if c.demande is not None else "",
                c.avis.get_sens_display() if c.avis else "",
                c.avis.montant_propose if c.avis and c.avis.montant_propose is not None else "",
                c.decide if c.decide is not None else "",
            ]
        valeurs.append(
            " ; ".join(
                f"{a.organisation.nom} : {a.get_sens_display()}"
                + (f" ({a.montant_propose} €)" if a.montant_propose is not None else "")
                for a in ligne.autres_avis
            )
        )
        total = ligne.total_propose
        valeurs += [d.montant_demande, total if total is not None else "", d.montant_accorde]
        yield valeurs
