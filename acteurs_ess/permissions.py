"""Règles d'accès de l'annuaire : de petits prédicats nommés.

Qui décide d'une demande de rattachement (ou d'une revendication) et qui vérifie une structure ? Un membre
de la structure (pour les rattachements), un administrateur de la plateforme, ou un **agent d'une
collectivité dont le territoire contient la commune du siège** de la structure (la commune elle-même, son
EPCI ou son EPT, son département, sa région), d'après les liens de la collectivité au référentiel
(`Organisation.commune`, `.epci`, `.departement`, `.region`), jamais d'après son code : les codes de région
01–06, 11, 24… sont aussi des codes de département. Une collectivité qui n'est pas reliée au référentiel n'a
pas de territoire ; une structure sans commune n'est dans le territoire d'aucun agent (seuls les
administrateurs la traitent).

Chaque prédicat prend `qui` : le contexte d'accès de la requête, ou un utilisateur (voir `comptes.contexte`).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from acteurs_ess.choix import RoleCollectif
from acteurs_ess.models import Collectif, DemandeRattachement, DocumentStructure, ImportStructures, Structure
from acteurs_ess.registres import lecteurs_document, valideurs_rib
from comptes.contexte import Qui, contexte
from comptes.models import COLLECTIVITES, Organisation, Role
from territoires.models import Commune


def est_membre(qui: Qui, structure: Structure) -> bool:
    """Membre de la structure : une adhésion avec le rôle « structure » à son organisation."""
    return contexte(qui).est_membre(structure.organisation_id, Role.STRUCTURE)


def peut_modifier_structure(qui: Qui, structure: Structure) -> bool:
    """Les membres de la structure tiennent sa fiche à jour ; les administrateurs aussi."""
    return contexte(qui).est_admin or est_membre(qui, structure)


def collectivites_agent(qui: Qui) -> list[Organisation]:
    """Les collectivités où la personne est agent."""
    return contexte(qui).collectivites(Role.AGENT)


def est_agent(qui: Qui) -> bool:
    return contexte(qui).a_role(Role.AGENT)


def q_communes_des_collectivites(organisations: Iterable[Organisation], prefixe: str = "") -> Q:
    """Les communes situées dans le territoire de ces collectivités, en filtre de requête sur une commune
    (`prefixe` mène à la commune : `"structure__commune__"`…) ; un filtre vide sans collectivité reliée."""
    condition = Q(pk__in=[])
    for o in organisations:
        if o.commune_id:
            condition |= Q(**{f"{prefixe}pk": o.commune_id})
        if o.epci_id:
            condition |= Q(**{f"{prefixe}epci_id": o.epci_id}) | Q(**{f"{prefixe}ept_id": o.epci_id})
        if o.departement_id:
            condition |= Q(**{f"{prefixe}departement_id": o.departement_id})
        if o.region_id:
            condition |= Q(**{f"{prefixe}departement__region_id": o.region_id})
    return condition


def q_collectivites_contenant(code_commune: str, prefixe: str = "") -> Q:
    """Les collectivités dont le territoire contient la commune (la commune, son EPCI ou son EPT, son
    département, sa région), en filtre de requête sur une organisation, par ses liens au référentiel."""
    t = TerritoiresDeCommune.lire(code_commune)
    condition = Q(**{f"{prefixe}commune_id": t.commune})
    epcis = [pk for pk in (t.epci, t.ept) if pk]
    if epcis:
        condition |= Q(**{f"{prefixe}epci_id__in": epcis})
    if t.departement:
        condition |= Q(**{f"{prefixe}departement_id": t.departement})
    if t.region:
        condition |= Q(**{f"{prefixe}region_id": t.region})
    return condition & Q(**{f"{prefixe}type__in": list(COLLECTIVITES)})


@dataclass(frozen=True)
class TerritoiresDeCommune:
    """La commune, son EPCI, son EPT, son département et sa région : les territoires qui la contiennent."""

    commune: str
    epci: str | None
    ept: str | None
    departement: str | None
    region: str | None

    @classmethod
    def lire(cls, code_commune: str) -> "TerritoiresDeCommune":
        ligne = (
            Commune.objects.filter(pk=code_commune)
            .values_list("epci_id", "ept_id", "departement_id", "departement__region_id")
            .first()
        )
        return cls(code_commune, *(ligne or (None, None, None, None)))

    def dans(self, organisation: Organisation) -> bool:
        """Le territoire de la collectivité contient la commune (liens au référentiel, jamais les codes)."""
        return bool(
            (organisation.commune_id and organisation.commune_id == self.commune)
            or (organisation.epci_id and organisation.epci_id in (self.epci, self.ept))
            or (organisation.departement_id and organisation.departement_id == self.departement)
            or (organisation.region_id and organisation.region_id == self.region)
        )


def est_agent_du_territoire(qui: Qui, structure: Structure) -> bool:
    """Agent d'une collectivité dont le territoire contient la commune de la structure ; une structure sans
    commune n'est dans le territoire d'aucun agent."""
    collectivites = collectivites_agent(qui)
    if not collectivites or structure.commune_id is None:
        return False
    territoires = TerritoiresDeCommune.lire(structure.commune_id)
    return any(territoires.dans(o) for o in collectivites)


def peut_verifier_structure(qui: Qui, structure: Structure) -> bool:
    """Marquer une structure « vérifiée » : un agent de son territoire ou un administrateur."""
    return contexte(qui).est_admin or est_agent_du_territoire(qui, structure)


def peut_decider_rattachement(qui: Qui, demande: DemandeRattachement) -> bool:
    """Accepter ou refuser une demande : un membre de la structure, un agent de son territoire, un admin."""
    acces = contexte(qui)
    if not acces.est_connecte or demande.demandeur_id == acces.utilisateur.pk:
        return acces.est_admin
    structure = demande.structure
    return acces.est_admin or est_membre(acces, structure) or est_agent_du_territoire(acces, structure)


def peut_importer(qui: Qui) -> bool:
    """Importer une liste de structures : les agents des collectivités et les administrateurs."""
    acces = contexte(qui)
    return acces.est_admin or acces.a_role(Role.AGENT)


def peut_suivre_import(qui: Qui, suivi: ImportStructures) -> bool:
    """Un import se suit par la personne qui l'a lancé (tant qu'elle peut importer) et par les administrateurs."""
    acces = contexte(qui)
    return acces.est_admin or (suivi.lance_par_id == acces.utilisateur.pk and peut_importer(acces))


def territoire_d_import(qui: Qui) -> Q | None:
    """Les communes où un import de la personne peut créer ou mettre à jour des structures, en filtre sur une
    commune : celles du territoire des collectivités où elle est agent ; `None` (tout le pays) pour les
    administrateurs de la plateforme."""
    acces = contexte(qui)
    if acces.est_admin:
        return None
    return q_communes_des_collectivites(acces.collectivites(Role.AGENT))


def peut_creer_collectif(qui: Qui) -> bool:
    """Les membres d'une structure et les agents des collectivités créent un collectif, que leur organisation
    anime. Pas les administrateurs de la plateforme : ils n'animent rien, ils modèrent les collectifs existants
    (`peut_gerer_collectif`)."""
    return contexte(qui).a_role(Role.STRUCTURE, Role.AGENT)


def peut_gerer_collectif(qui: Qui, collectif: Collectif) -> bool:
    """Les membres d'une organisation qui anime le collectif en gèrent les membres ; les administrateurs aussi."""
    acces = contexte(qui)
    if acces.est_admin:
        return True
    organisations = acces.ids_organisations()
    return (
        bool(organisations)
        and collectif.membres.acceptes()
        .filter(organisation_id__in=organisations, role=RoleCollectif.ANIMATEUR)
        .exists()
    )


# --- RIB ---------------------------------------------------------------------------------------------------

ROLES_FINANCEURS = (Role.AGENT, Role.ETAT, Role.PARTENAIRE)


def peut_proposer_rib(qui: Qui, structure: Structure) -> bool:
    """Proposer un nouveau RIB : les seuls membres de la structure (pas les administrateurs : ils ne parlent pas
    pour elle)."""
    return est_membre(qui, structure)


def peut_valider_rib(qui: Qui, structure: Structure) -> bool:
    """Valider le RIB proposé par une structure : un agent d'un financeur, c'est-à-dire un agent d'une
    collectivité de son territoire (qui finance les associations de son territoire), ou un agent, un agent de
    l'État ou un partenaire d'une organisation à qui l'un des dossiers de la structure demande un financement
    (prédicats enregistrés par `financements`). Jamais un membre de la structure, même s'il est aussi agent :
    la validation est le regard d'un tiers sur le changement de compte."""
    acces = contexte(qui)
    if not acces.a_role(*ROLES_FINANCEURS) or est_membre(acces, structure):
        return False
    return est_agent_du_territoire(acces, structure) or any(v(acces, structure) for v in valideurs_rib.values())


def peut_lire_rib(qui: Qui, structure: Structure) -> bool:
    """Voir l'IBAN en entier et télécharger le document : les membres de la structure et qui peut le valider."""
    return est_membre(qui, structure) or peut_valider_rib(qui, structure)


def peut_voir_page_rib(qui: Qui, structure: Structure) -> bool:
    """La page du RIB : ses lecteurs (membres de la structure, qui peut valider son RIB), et, l'IBAN masqué, les
    administrateurs. Pas les autres agents, l'État ni les partenaires de toute la France : la page montre le
    titulaire, le BIC et qui a proposé ou validé le compte."""
    acces = contexte(qui)
    return acces.est_admin or peut_lire_rib(acces, structure)


def peut_gerer_coffre(qui: Qui, structure: Structure) -> bool:
    """Voir le coffre-fort de la structure, y ajouter, remplacer, archiver ou supprimer un document : ses seuls
    membres (comme pour le RIB, les administrateurs ne parlent pas pour elle)."""
    return est_membre(qui, structure)


def peut_lire_document(qui: Qui, document: DocumentStructure) -> bool:
    """Télécharger un document du coffre : les membres de la structure, et qui lit un dossier déposé qui le joint
    (prédicats enregistrés par `financements` : les instructeurs de ce dossier)."""
    acces = contexte(qui)
    return peut_gerer_coffre(acces, document.structure) or any(
        lecteur(acces, document) for lecteur in lecteurs_document.values()
    )
