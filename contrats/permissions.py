"""Qui peut faire quoi sur un contrat de ville : de petits prédicats nommés (ARCHITECTURE.md, « Who may do
what »).

Chaque prédicat prend `qui` : le contexte d'accès de la requête, ou un utilisateur (voir `comptes.contexte`).
Le profil d'une personne vis-à-vis d'un contrat se calcule des adhésions du contexte (lues une fois par
requête) et des signataires du contrat (lus une fois par objet) : les prédicats appelés par une page ne
multiplient pas les requêtes.
"""

from dataclasses import dataclass, field

from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from comptes.contexte import Qui, contexte
from comptes.models import COLLECTIVITES, Organisation, Role
from contrats.models import Concertation, ContratDeVille, Public

# Un SIREN d'EPCI (9 chiffres) ou un code commune (5 caractères) : ils ne se confondent jamais avec les codes
# de région et de département (2 ou 3 caractères), qui, eux, se recouvrent.
LONGUEURS_CODE_PORTEUR = (5, 9)


def est_reliee_au_referentiel(organisation: Organisation) -> bool:
    return bool(
        organisation.commune_id or organisation.epci_id or organisation.departement_id or organisation.region_id
    )


def _code_porteur_sur(contrat: ContratDeVille) -> bool:
    return len(contrat.code_porteur) in LONGUEURS_CODE_PORTEUR


def organisation_porte(organisation: Organisation, contrat: ContratDeVille) -> bool:
    """La règle unique qui désigne la collectivité porteuse : l'organisation est reliée au territoire porteur
    (EPCI ou commune) ou, si elle n'est reliée à aucun territoire du référentiel, porte le même code officiel
    (SIREN ou code INSEE de la commune, qui ne se confondent pas avec un code de région ou de département)."""
    if organisation.type not in COLLECTIVITES:
        return False
    if contrat.epci_id and organisation.epci_id == contrat.epci_id:
        return True
    if contrat.commune_id and organisation.commune_id == contrat.commune_id:
        return True
    return (
        _code_porteur_sur(contrat)
        and not est_reliee_au_referentiel(organisation)
        and organisation.code_territoire == contrat.code_porteur
    )


def q_organisations_porteuses(contrat: ContratDeVille, prefixe: str = "") -> Q:
    """La même règle qu'`organisation_porte`, en filtre de requête (pour lister les agents à notifier…)."""
    condition = Q(pk__in=[])
    if _code_porteur_sur(contrat):
        condition |= Q(
            **{
                f"{prefixe}code_territoire": contrat.code_porteur,
                f"{prefixe}commune__isnull": True,
                f"{prefixe}epci__isnull": True,
                f"{prefixe}departement__isnull": True,
                f"{prefixe}region__isnull": True,
            }
        )
    if contrat.epci_id:
        condition |= Q(**{f"{prefixe}epci_id": contrat.epci_id})
    if contrat.commune_id:
        condition |= Q(**{f"{prefixe}commune_id": contrat.commune_id})
    return condition & Q(**{f"{prefixe}type__in": list(COLLECTIVITES)})


@dataclass
class Profil:
    """Ce qu'une personne est pour un contrat."""

    connecte: bool = False
    admin: bool = False
    agent_porteur: bool = False
    # agent, agent de l'État ou partenaire d'une organisation signataire : contribue et lit
    signataire: bool = False
    elu: bool = False
    etat: bool = False
    structure: bool = False
    habitant: bool = False
    organisations_contributrices: list[Organisation] = field(default_factory=list)

    @property
    def associe(self) -> bool:
        """Lit tout le contrat, quel que soit son état."""
        return self.admin or self.agent_porteur or self.signataire or self.elu or self.etat

    def publics(self) -> set[str]:
        """Les publics de concertation auxquels la personne appartient."""
        publics: set[str] = set()
        if self.agent_porteur or self.signataire or self.etat:
            publics.add(Public.SIGNATAIRES)
        if self.structure:
            publics.add(Public.STRUCTURES)
        if self.habitant:
            publics.add(Public.HABITANTS)
        return publics


def signataires_du_contrat(contrat: ContratDeVille) -> set[int]:
    """Les organisations signataires, lues une fois par objet contrat (préchargement de Django)."""
    if "signataires" not in getattr(contrat, "_prefetched_objects_cache", {}):
        prefetch_related_objects([contrat], "signataires")
    return {s.organisation_id for s in contrat.signataires.all()}


def profil(qui: Qui, contrat: ContratDeVille) -> Profil:
    """Ce que la personne est pour ce contrat, d'après les adhésions de son contexte d'accès (lues une fois
    par requête) et les signataires du contrat (lus une fois par objet) : aucune requête de plus par appel."""
    acces = contexte(qui)
    if not acces.est_connecte:
        return Profil()
    signataires = signataires_du_contrat(contrat)
    resultat = Profil(connecte=True, admin=acces.est_admin)
    for adhesion in acces.adhesions:
        organisation = adhesion.organisation
        signe = organisation.pk in signataires
        porte = organisation_porte(organisation, contrat)
        if adhesion.role == Role.AGENT and porte:
            resultat.agent_porteur = True
        if adhesion.role in (Role.AGENT, Role.ETAT, Role.PARTENAIRE) and signe:
            resultat.signataire = True
        if adhesion.role == Role.ELU and (signe or porte):
            resultat.elu = True
        # Deux départements vides ne sont pas le même département.
        meme_departement = bool(contrat.departement_id) and organisation.departement_id == contrat.departement_id
        if adhesion.role == Role.ETAT and (signe or meme_departement):
            resultat.etat = True
        if adhesion.role == Role.STRUCTURE:
            resultat.structure = True
        if adhesion.role == Role.HABITANT:
            resultat.habitant = True
        if adhesion.role != Role.ELU:
            resultat.organisations_contributrices.append(organisation)
    # Une personne inscrite sans organisation est une habitante (voir Mon espace).
    if not acces.adhesions:
        resultat.habitant = True
    return resultat


def concertations_ouvertes_a(qui: Qui, contrat: ContratDeVille) -> list[Concertation]:
    publics = profil(qui, contrat).publics()
    if not publics:
        return []
    return [c for c in contrat.concertations.filter(publics__overlap=list(publics)) if c.est_ouverte()]


def peut_voir_contrat(qui: Qui, contrat: ContratDeVille) -> bool:
    """Un contrat signé est public ; avant, le voient ses signataires, la collectivité porteuse, l'État du
    département, ses élus, et les publics d'une concertation ouverte."""
    if contrat.est_public:
        return True
    if not contexte(qui).est_connecte:
        return False
    return profil(qui, contrat).associe or bool(concertations_ouvertes_a(qui, contrat))


def peut_modifier_contrat(qui: Qui, contrat: ContratDeVille) -> bool:
    """Les agents de la collectivité porteuse rédigent, tant que le contrat n'est pas signé."""
    return contrat.en_redaction and profil(qui, contrat).agent_porteur


def peut_changer_statut(qui: Qui, contrat: ContratDeVille) -> bool:
    return profil(qui, contrat).agent_porteur


def peut_gerer_signataires(qui: Qui, contrat: ContratDeVille) -> bool:
    return profil(qui, contrat).agent_porteur


def peut_animer_concertation(qui: Qui, contrat: ContratDeVille) -> bool:
    """Ouvrir et clore une concertation, analyser les contributions et y répondre."""
    return profil(qui, contrat).agent_porteur


def peut_moderer(qui: Qui, contrat: ContratDeVille) -> bool:
    profil_ = profil(qui, contrat)
    return profil_.agent_porteur or profil_.admin


def peut_lire_contributions_deposees(qui: Qui, contrat: ContratDeVille) -> bool:
    """Les contributions pas encore répondues ne sont lues que par les associés du contrat."""
    return profil(qui, contrat).associe


def peut_telecharger_contrat(qui: Qui, contrat: ContratDeVille) -> bool:
    """Le PDF du contrat et sa synthèse : tout le monde une fois le contrat signé ; avant, ses associés
    seulement (les publics d'une concertation ouverte lisent le projet en ligne, sans en emporter de PDF)."""
    return contrat.est_public or profil(qui, contrat).associe


def refus_contribution(qui: Qui, concertation: Concertation) -> str | None:
    """Pourquoi la personne ne peut pas contribuer à cette concertation (message en français), ou None."""
    if not contexte(qui).est_connecte:
        return "Connectez-vous pour contribuer."
    if concertation.close_le is not None:
        return "Cette concertation est close : elle ne reçoit plus de contributions."
    aujourd_hui = timezone.localdate()
    if aujourd_hui < concertation.debut:
        return f"Cette concertation ouvre le {concertation.debut:%d/%m/%Y} : revenez à partir de cette date."
    if aujourd_hui > concertation.fin:
        return (
            f"Cette concertation s'est terminée le {concertation.fin:%d/%m/%Y} : elle ne reçoit plus de contributions."
        )
    if not profil(qui, concertation.contrat).publics() & set(concertation.publics):
        publics = ", ".join(concertation.libelles_publics).lower()
        return f"Cette concertation est réservée aux publics suivants : {publics}. Votre profil n'en fait pas partie."
    return None


def peut_contribuer(qui: Qui, concertation: Concertation) -> bool:
    return refus_contribution(qui, concertation) is None


def peut_preparer_avenant(qui: Qui, contrat: ContratDeVille) -> bool:
    """Un contrat signé ou en exécution change par avenant, préparé et adopté par les agents de la collectivité
    porteuse ; un contrat clos ne change plus."""
    return contrat.est_public and contrat.statut != "clos" and profil(qui, contrat).agent_porteur


def peut_modifier_dispositifs(qui: Qui, contrat: ContratDeVille) -> bool:
    """Les dispositifs nationaux du contrat : les agents de la collectivité porteuse, quel que soit son état."""
    return profil(qui, contrat).agent_porteur


def collectivite_concernee(organisation: Organisation, contrat: ContratDeVille) -> bool:
    """Le contrat couvre le territoire de la collectivité : sa commune (portée ou couverte), son EPCI (porteur,
    ou celui d'une commune couverte), son département, sa région."""
    if organisation.type not in COLLECTIVITES or not est_reliee_au_referentiel(organisation):
        return False
    if organisation.commune_id:
        return (
            organisation.commune_id == contrat.commune_id
            or contrat.communes.filter(pk=organisation.commune_id).exists()
        )
    if organisation.epci_id:
        return organisation.epci_id == contrat.epci_id or contrat.communes.filter(epci_id=organisation.epci_id).exists()
    if organisation.departement_id:
        return organisation.departement_id == contrat.departement_id
    return contrat.departement is not None and contrat.departement.region_id == organisation.region_id


def collectivites_a_rattacher(qui: Qui, contrat: ContratDeVille) -> list[Organisation]:
    """Les collectivités dont la personne est agent, que le contrat concerne et qui n'en sont pas encore
    signataires : elle peut les y rattacher (contrat non clos)."""
    from contrats.models import StatutContrat

    if contrat.statut == StatutContrat.CLOS:
        return []
    signataires = signataires_du_contrat(contrat)
    return [
        organisation
        for organisation in contexte(qui).collectivites(Role.AGENT)
        if organisation.pk not in signataires and collectivite_concernee(organisation, contrat)
    ]


def peut_detacher_collectivite(qui: Qui, organisation: Organisation) -> bool:
    """Les agents d'une collectivité la retirent des signataires d'un contrat (`detacher_ma_collectivite`)."""
    return organisation.type in COLLECTIVITES and contexte(qui).est_membre(organisation, Role.AGENT)
