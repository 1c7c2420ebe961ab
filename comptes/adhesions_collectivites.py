"""Une collectivité rejoint la plateforme sans passer par l'administration.

Une personne connectée demande que sa collectivité (commune, EPCI, département, région, choisie dans le
référentiel `territoires`) rejoigne Coville, avec sa fonction et un justificatif. Un administrateur de la
plateforme ou un agent de l'État (préfecture) du département de la collectivité examine la demande :
accepter crée l'organisation reliée au territoire si elle n'existe pas et y fait entrer la personne comme
agent (premier gestionnaire, qui invitera ensuite ses collègues) ; refuser demande un motif. Chaque décision
est écrite au journal d'audit, et les e-mails partent par la file des tâches, dans la transaction de l'action.

Une collectivité déjà sur la plateforme avec des agents ne se demande pas : ses agents invitent leurs
collègues."""

import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from comptes.audit import journaliser
from comptes.contexte import Qui, contexte
from comptes.models import (
    ActionAudit,
    Adhesion,
    DemandeAdhesionCollectivite,
    EtatDemandeAdhesion,
    Organisation,
    Role,
    TypeOrganisation,
    Utilisateur,
)
from config.lib.courriels import envoyer_apres_validation
from config.lib.fichiers import verifier_fichier
from territoires.codes import ressemble_a_un_code
from territoires.models import Commune, Departement, Epci, Region

PREFIXE_PIECES = "prive/adhesions-collectivites"

MESSAGE_DEJA_INSCRITE = (
    "{nom} est déjà sur la plateforme et a des agents : demandez-leur de vous inviter "
    "(depuis la page de leur organisation, « Inviter une personne »)."
)


@dataclass(frozen=True)
class Collectivite:
    """Une collectivité trouvée dans le référentiel."""

    type: str
    code: str
    nom: str
    departement: Departement | None
    region: Region | None


def _lien(nom: str, *args: object) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(nom, args=args)


def _departement_d_un_epci(epci: Epci) -> Departement | None:
    """Le département de l'EPCI : celui de sa commune la plus peuplée (un EPCI déborde parfois d'un département)."""
    commune = (
        Commune.objects.filter(Q(epci=epci) | Q(ept=epci))
        .select_related("departement")
        .order_by("-population", "code")
        .first()
    )
    return commune.departement if commune is not None else None


def _candidats(type_collectivite: str, texte: str) -> list[Collectivite]:
    """Les collectivités du type dont le code est `texte`, sinon dont le nom (sans accents ni majuscules) le
    contient ; au plus 6, les plus peuplées d'abord."""
    code = texte.upper().replace(" ", "")
    par_code = ressemble_a_un_code(texte)
    if type_collectivite == TypeOrganisation.COMMUNE:
        communes = Commune.objects.filter(obsolete=False).select_related("departement__region")
        communes = communes.filter(code=code) if par_code else communes.filter(nom_recherche__contains=_cle(texte))
        return [
            Collectivite(type_collectivite, c.code, c.nom, c.departement, c.departement.region)
            for c in communes.order_by("-population", "code")[:6]
        ]
    if type_collectivite == TypeOrganisation.EPCI:
        epcis = Epci.objects.filter(obsolete=False)
        epcis = epcis.filter(siren=code) if par_code else epcis.filter(nom_recherche__contains=_cle(texte))
        resultats = []
        for epci in epcis.order_by("-population", "siren")[:6]:
            departement = _departement_d_un_epci(epci)
            resultats.append(
                Collectivite(
                    type_collectivite,
                    epci.siren,
                    epci.nom,
                    departement,
                    departement.region if departement is not None else None,
                )
            )
        return resultats
    if type_collectivite == TypeOrganisation.DEPARTEMENT:
        departements = Departement.objects.select_related("region")
        departements = departements.filter(Q(code=code) | Q(nom_recherche__contains=_cle(texte)))
        return [Collectivite(type_collectivite, d.code, d.nom, d, d.region) for d in departements.order_by("code")[:6]]
    regions = Region.objects.filter(Q(code=code) | Q(nom_recherche__contains=_cle(texte))).order_by("code")[:6]
    return [Collectivite(type_collectivite, r.code, r.nom, None, r) for r in regions]


def _cle(texte: str) -> str:
    """Le texte comme la colonne `nom_recherche` le range (minuscules, sans accents)."""
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return " ".join(sans_accents.lower().split())


def trouver_collectivite(type_collectivite: str, texte: str) -> Collectivite:
    """La collectivité du référentiel désignée par son nom ou son code, ou une ValidationError qui dit quoi
    préciser (aucune trouvée, ou plusieurs : leurs codes sont proposés)."""
    texte = " ".join(texte.split())[:100]
    if len(texte) < 2:
        raise ValidationError("Indiquez au moins deux caractères du nom, ou le code de la collectivité.")
    candidats = _candidats(type_collectivite, texte)
    exacts = [c for c in candidats if c.code == texte.upper().replace(" ", "") or _cle(c.nom) == _cle(texte)]
    if len(exacts) == 1:
        return exacts[0]
    if len(candidats) == 1:
        return candidats[0]
    libelle = TypeOrganisation(type_collectivite).label.lower()
    if not candidats:
        raise ValidationError(f"Aucune collectivité de type « {libelle} » ne correspond à « {texte} ».")
    propositions = " ; ".join(f"{c.nom} ({c.code})" for c in (exacts or candidats))
    raise ValidationError(f"Plusieurs collectivités correspondent : indiquez le code de la vôtre. {propositions}.")


def organisation_existante(type_collectivite: str, code: str) -> Organisation | None:
    return Organisation.objects.filter(type=type_collectivite, code_territoire=code).order_by("pk").first()


def _a_des_agents(organisation: Organisation) -> bool:
    return Adhesion.objects.filter(
        organisation=organisation, role=Role.AGENT, utilisateur__is_active=True, utilisateur__est_supprime=False
    ).exists()


def peut_examiner(qui: Qui, demande: DemandeAdhesionCollectivite) -> bool:
    """Les administrateurs de la plateforme, et les agents de l'État du département de la collectivité (pour
    une région : ceux d'un département de la région)."""
    acces = contexte(qui)
    if acces.est_admin:
        return True
    for organisation in acces.organisations(Role.ETAT):
        if organisation.type != TypeOrganisation.ETAT or organisation.departement_id is None:
            continue
        if demande.departement_id is not None and organisation.departement_id == demande.departement_id:
            return True
        if (
            demande.departement_id is None
            and demande.region_id is not None
            and Departement.objects.filter(pk=organisation.departement_id, region_id=demande.region_id).exists()
        ):
            return True
    return False


def peut_voir_demandes(qui: Qui) -> bool:
    """La liste des demandes : les administrateurs et les agents de l'État d'un service départemental."""
    acces = contexte(qui)
    return acces.est_admin or any(
        o.type == TypeOrganisation.ETAT and o.departement_id for o in acces.organisations(Role.ETAT)
    )


def demandes_a_examiner(qui: Qui) -> QuerySet[DemandeAdhesionCollectivite]:
    """Les demandes que la personne peut examiner (toutes les états), les plus récentes d'abord."""
    acces = contexte(qui)
    demandes = DemandeAdhesionCollectivite.objects.select_related("demandeur", "departement", "region")
    if acces.est_admin:
        return demandes
    departements = {
        o.departement_id
        for o in acces.organisations(Role.ETAT)
        if o.type == TypeOrganisation.ETAT and o.departement_id is not None
    }
    if not departements:
        return demandes.none()
    regions = Departement.objects.filter(pk__in=departements).values("region_id")
    return demandes.filter(Q(departement_id__in=departements) | Q(departement__isnull=True, region_id__in=regions))


def _adresses_examinateurs(demande: DemandeAdhesionCollectivite) -> list[str]:
    etat = Adhesion.objects.filter(role=Role.ETAT, organisation__type=TypeOrganisation.ETAT)
    if demande.departement_id is not None:
        etat = etat.filter(organisation__departement_id=demande.departement_id)
    else:
        etat = etat.filter(organisation__departement__region_id=demande.region_id)
    adresses = etat.adresses_actives()
    if adresses:
        return adresses
    # Sans préfecture inscrite, les administrateurs de la plateforme examinent.
    return sorted(
        Utilisateur.objects.filter(is_staff=True, is_active=True, est_supprime=False).values_list("email", flat=True)
    )


def _ranger_piece(fichier: File) -> tuple[str, str, str]:
    nom, type_mime = verifier_fichier(fichier)
    chemin = default_storage.save(f"{PREFIXE_PIECES}/{uuid.uuid4().hex}{PurePath(nom).suffix.lower()}", fichier)
    return chemin, nom, type_mime


@transaction.atomic
def demander(
    demandeur: Utilisateur,
    collectivite: Collectivite,
    fonction: str,
    justificatif: str,
    piece: File | None = None,
) -> DemandeAdhesionCollectivite:
    """Enregistre la demande et prévient ses examinateurs. Refusée (ValidationError) si la collectivité est
    déjà sur la plateforme avec des agents, ou si la personne a déjà une demande en attente pour elle."""
    organisation = organisation_existante(collectivite.type, collectivite.code)
    if organisation is not None and _a_des_agents(organisation):
        raise ValidationError(MESSAGE_DEJA_INSCRITE.format(nom=organisation.nom), code="deja_inscrite")
    if DemandeAdhesionCollectivite.objects.filter(
        demandeur=demandeur,
        type=collectivite.type,
        code_territoire=collectivite.code,
        etat=EtatDemandeAdhesion.EN_ATTENTE,
    ).exists():
        raise ValidationError(
            f"Vous avez déjà une demande en attente pour {collectivite.nom} : elle sera examinée bientôt.",
            code="doublon",
        )
    if not fonction.strip() or not justificatif.strip():
        raise ValidationError("Indiquez votre fonction et un justificatif.")
    chemin = nom_piece = type_piece = ""
    if piece is not None:
        chemin, nom_piece, type_piece = _ranger_piece(piece)
    demande = DemandeAdhesionCollectivite.objects.create(
        demandeur=demandeur,
        type=collectivite.type,
        code_territoire=collectivite.code,
        nom=collectivite.nom,
        departement=collectivite.departement,
        region=collectivite.region,
        fonction=fonction.strip(),
        justificatif=justificatif.strip(),
        piece_chemin=chemin,
        piece_nom=nom_piece,
        piece_type=type_piece,
    )
    envoyer_apres_validation(
        f"{demandeur} demande que {collectivite.nom} rejoigne Coville",
        (
            f"{demandeur} ({demandeur.email}), {demande.fonction}, demande que {collectivite.nom} "
            f"({TypeOrganisation(collectivite.type).label.lower()}, {collectivite.code}) rejoigne Coville.\n\n"
            f"{demande.justificatif}\n\nPour accepter ou refuser : {_lien('comptes:demandes_adhesion')}\n"
        ),
        _adresses_examinateurs(demande),
    )
    return demande


def _verrouiller(examinateur: Qui, demande: DemandeAdhesionCollectivite) -> DemandeAdhesionCollectivite:
    demande = DemandeAdhesionCollectivite.objects.select_for_update().get(pk=demande.pk)
    if not peut_examiner(examinateur, demande):
        raise PermissionDenied("Vous ne pouvez pas examiner cette demande.")
    if not demande.est_en_attente:
        raise ValidationError(f"Cette demande a déjà été {demande.get_etat_display().lower()}.")
    return demande


@transaction.atomic
def accepter(examinateur: Utilisateur, demande: DemandeAdhesionCollectivite) -> DemandeAdhesionCollectivite:
    """Crée l'organisation reliée au territoire si elle n'existe pas, y fait entrer la personne comme agent."""
    demande = _verrouiller(examinateur, demande)
    organisation = organisation_existante(demande.type, demande.code_territoire)
    if organisation is not None:
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if (
            _a_des_agents(organisation)
            and not Adhesion.objects.filter(
                organisation=organisation, utilisateur=demande.demandeur, role=Role.AGENT
            ).exists()
        ):
            raise ValidationError(
                f"{organisation.nom} a maintenant des agents : ils peuvent inviter la personne. Refusez la demande "
                "en l'indiquant dans le motif."
            )
        creee = False
    else:
        organisation = Organisation(type=demande.type, nom=demande.nom, code_territoire=demande.code_territoire)
        organisation.lier_au_territoire()
        organisation.save()
        creee = True
    adhesion, _ = Adhesion.objects.update_or_create(
        utilisateur=demande.demandeur, organisation=organisation, defaults={"role": Role.AGENT}
    )
    demande.etat = EtatDemandeAdhesion.ACCEPTEE
    demande.decidee_le = timezone.now()
    demande.decidee_par = examinateur
    demande.organisation = organisation
    demande.save(update_fields=["etat", "decidee_le", "decidee_par", "organisation"])
    journaliser(
        ActionAudit.ADHESION_COLLECTIVITE_ACCEPTEE,
        auteur=examinateur,
        objet=adhesion,
        organisation=organisation,
        details={
            "utilisateur": demande.demandeur.email,
            "demande": demande.pk,
            "collectivite": demande.nom,
            "code_territoire": demande.code_territoire,
            "organisation_creee": creee,
        },
    )
    envoyer_apres_validation(
        f"{organisation.nom} a rejoint Coville",
        (
            f"Votre demande a été acceptée : vous êtes agent de {organisation.nom} sur Coville. Invitez vos "
            f"collègues depuis la page de votre organisation : {_lien('comptes:organisation', organisation.pk)}\n"
        ),
        [demande.demandeur.email],
    )
    return demande


@transaction.atomic
def refuser(examinateur: Utilisateur, demande: DemandeAdhesionCollectivite, motif: str) -> DemandeAdhesionCollectivite:
    if not motif.strip():
        raise ValidationError("Indiquez le motif du refus : il est transmis à la personne.")
    demande = _verrouiller(examinateur, demande)
    demande.etat = EtatDemandeAdhesion.REFUSEE
    demande.decidee_le = timezone.now()
    demande.decidee_par = examinateur
    demande.motif = motif.strip()
    demande.save(update_fields=["etat", "decidee_le", "decidee_par", "motif"])
    journaliser(
        ActionAudit.ADHESION_COLLECTIVITE_REFUSEE,
        auteur=examinateur,
        objet=demande,
        details={"utilisateur": demande.demandeur.email, "collectivite": demande.nom, "motif": demande.motif},
    )
    envoyer_apres_validation(
        f"Votre demande pour {demande.nom}",
        f"Votre demande pour que {demande.nom} rejoigne Coville a été refusée.\n\nMotif : {demande.motif}\n",
        [demande.demandeur.email],
    )
    return demande
