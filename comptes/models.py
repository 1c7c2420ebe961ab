"""Utilisateurs, organisations, adhésions avec un rôle, invitations."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from territoires.models import Commune, Departement, Epci, Region
from territoires.recherche import index_debut_de_nom, index_ressemblance

LIBELLE_COMPTE_SUPPRIME = "Compte supprimé"


class UtilisateurManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class Utilisateur(AbstractBaseUser, PermissionsMixin):
    """Une personne qui se connecte à Coville, identifiée par son adresse e-mail."""

    email = models.EmailField("adresse e-mail", unique=True)
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField("nom", max_length=150, blank=True)
    is_staff = models.BooleanField(
        "administrateur de la plateforme",
        default=False,
        help_text="Accès à l'administration Django, aux imports et à la modération.",
    )
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    # Un compte supprimé à la demande de la personne (RGPD, art. 17) est anonymisé sur place : ce qu'elle a
    # écrit reste, signé « Compte supprimé » (voir comptes.rgpd.anonymiser).
    est_supprime = models.BooleanField("compte supprimé", default=False)

    objects = UtilisateurManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["email"]

    def __str__(self):
        if self.est_supprime:
            return LIBELLE_COMPTE_SUPPRIME
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.prenom} {self.nom}".strip()

    def get_short_name(self):
        return self.prenom or self.email

    @property
    def nom_public(self) -> str:
        """Le nom montré sur les pages publiques (historique d'un contrat, réponses aux contributions) :
        « Prénom N. », jamais l'adresse e-mail, même pour une personne qui n'a pas donné son nom."""
        if self.est_supprime:
            return LIBELLE_COMPTE_SUPPRIME
        prenom, nom = self.prenom.strip(), self.nom.strip()
        initiale = f"{nom[0].upper()}." if nom else ""
        return " ".join(partie for partie in (prenom, initiale) if partie) or f"Utilisateur·rice n° {self.pk}"


class TypeOrganisation(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Intercommunalité (EPCI, EPT)"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    ETAT = "etat", "Service de l'État"
    STRUCTURE = "structure", "Structure de l'ESS / association"
    BAILLEUR = "bailleur", "Bailleur social"
    CAF = "caf", "Caisse d'allocations familiales"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    PARTENAIRE = "partenaire", "Autre partenaire"
    CONSEIL_CITOYEN = "conseil_citoyen", "Conseil citoyen"
    PLATEFORME = "plateforme", "Équipe de la plateforme"


COLLECTIVITES = {
    TypeOrganisation.COMMUNE,
    TypeOrganisation.EPCI,
    TypeOrganisation.DEPARTEMENT,
    TypeOrganisation.REGION,
}
PARTENAIRES = {
    TypeOrganisation.BAILLEUR,
    TypeOrganisation.CAF,
    TypeOrganisation.FRANCE_TRAVAIL,
    TypeOrganisation.PARTENAIRE,
}


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    ETAT = "etat", "État"
    ELU = "elu", "Élu·e"
    STRUCTURE = "structure", "Membre de la structure"
    HABITANT = "habitant", "Habitant·e"
    PARTENAIRE = "partenaire", "Partenaire"
    ADMIN = "admin", "Administrateur de la plateforme"


def roles_possibles(type_organisation: str) -> list[str]:
    """Les rôles qu'une personne peut tenir dans une organisation de ce type."""
    if type_organisation in COLLECTIVITES:
        return [Role.AGENT, Role.ELU]
    if type_organisation in PARTENAIRES:
        return [Role.PARTENAIRE]
    return {
        TypeOrganisation.ETAT: [Role.ETAT],
        TypeOrganisation.STRUCTURE: [Role.STRUCTURE],
        TypeOrganisation.CONSEIL_CITOYEN: [Role.HABITANT],
        TypeOrganisation.PLATEFORME: [Role.ADMIN],
    }[type_organisation]


def role_gestionnaire(type_organisation: str) -> str:
    """Le rôle dont les membres gèrent l'organisation (invitent leurs collègues)."""
    return roles_possibles(type_organisation)[0]


# Les organisations partenaires (`OrganisationQuerySet.partenaires`) : la condition de leurs index partiels, que
# PostgreSQL ne sert que si la requête porte exactement la même.
ORGANISATIONS_PARTENAIRES = ~Q(
    type__in=[TypeOrganisation.PLATEFORME, TypeOrganisation.STRUCTURE, TypeOrganisation.CONSEIL_CITOYEN]
)


class OrganisationQuerySet(models.QuerySet):
    def collectivites(self):
        return self.filter(type__in=COLLECTIVITES)

    def partenaires(self):
        """Les organisations qui peuvent signer un contrat ou financer un appel : ni l'équipe de la plateforme,
        ni les structures de l'ESS (elles portent des dossiers), ni les conseils citoyens."""
        return self.filter(ORGANISATIONS_PARTENAIRES)


class Organisation(models.Model):
    """Une collectivité, un service de l'État, une structure de l'ESS, un partenaire ou un conseil citoyen."""

    nom = models.CharField("nom", max_length=255)
    type = models.CharField("type", max_length=20, choices=TypeOrganisation.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    # Lien vers le référentiel territorial pour les collectivités ; sous forme de code tant que
    # le référentiel n'est pas importé (voir territoires/).
    code_territoire = models.CharField(
        "code du territoire",
        max_length=9,
        blank=True,
        help_text="Code INSEE de la commune, du département ou de la région ; SIREN de l'EPCI.",
    )
    # Le territoire de la collectivité (ou du service déconcentré de l'État, pour le département).
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations", verbose_name="commune"
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations", verbose_name="EPCI"
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name="département",
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations", verbose_name="région"
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        ordering = ["nom"]
        # Autocomplétion des organisations (`comptes.recherche`, `territoires.recherche.par_ressemblance`).
        indexes = [
            index_debut_de_nom("nom", "organisation_debut_nom"),
            index_ressemblance("nom", "organisation_nom_trgm"),
            # L'autocomplétion des partenaires (`partenaires()`) parcourt ses seules lignes : sans ces index
            # partiels, les plus proches voisins passaient les 100 000 structures de l'ESS (250 ms pour « Dole »
            # à l'échelle nationale, 1 ms avec).
            index_debut_de_nom("nom", "partenaire_debut_nom", condition=ORGANISATIONS_PARTENAIRES),
            index_ressemblance("nom", "partenaire_nom_trgm", condition=ORGANISATIONS_PARTENAIRES),
        ]

    def __str__(self):
        return self.nom

    @property
    def est_collectivite(self) -> bool:
        return self.type in COLLECTIVITES

    def roles_possibles(self) -> list[str]:
        return roles_possibles(self.type)

    def lier_au_territoire(self) -> None:
        """Relie l'organisation à son territoire d'après `code_territoire`, s'il est dans le référentiel.

        Un code de 9 chiffres est un SIREN d'EPCI, de 5 caractères un code commune, de 2 ou 3 un
        département, sauf pour une région (code de région).
        """
        code = self.code_territoire.strip().upper()
        self.commune = self.epci = self.departement = self.region = None
        if not code:
            return
        if self.type == TypeOrganisation.REGION:
            self.region = Region.objects.filter(code=code).first()
        elif len(code) == 9:
            self.epci = Epci.objects.filter(siren=code).first()
        elif len(code) == 5:
            self.commune = Commune.objects.filter(code=code).first()
        elif len(code) in (2, 3):
            self.departement = Departement.objects.filter(code=code).first()


class AdhesionQuerySet(models.QuerySet):
    def adresses_actives(self) -> list[str]:
        """Les adresses e-mail, sans doublon et triées, des membres de ces adhésions qui peuvent encore se
        connecter : un compte désactivé ou supprimé ne reçoit plus rien (son adresse peut ne plus être la sienne)."""
        return sorted(
            set(
                self.filter(utilisateur__is_active=True, utilisateur__est_supprime=False).values_list(
                    "utilisateur__email", flat=True
                )
            )
        )


class Adhesion(models.Model):
    """L'appartenance d'un utilisateur à une organisation, avec son rôle."""

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="adhesions",
        verbose_name="utilisateur",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="adhesions", verbose_name="organisation"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    cree_le = models.DateTimeField("depuis le", auto_now_add=True)

    objects = AdhesionQuerySet.as_manager()

    class Meta:
        verbose_name = "adhésion"
        constraints = [
            models.UniqueConstraint(fields=["utilisateur", "organisation"], name="adhesion_unique"),
        ]
        ordering = ["organisation__nom"]

    def __str__(self):
        return f"{self.utilisateur} — {self.get_role_display()} — {self.organisation}"


class InvitationQuerySet(models.QuerySet):
    def en_attente(self):
        return self.ouvertes().filter(expire_le__gt=timezone.now())

    def ouvertes(self):
        """Ni acceptées ni annulées, expirées comprises : celles que compte la contrainte d'unicité (une
        contrainte ne peut pas dépendre de l'heure qu'il est)."""
        return self.filter(acceptee_le__isnull=True, annulee_le__isnull=True)


def hacher_jeton(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


class Invitation(models.Model):
    """Une invitation envoyée par e-mail à rejoindre une organisation avec un rôle.

    Seule l'empreinte du jeton est conservée : le lien envoyé ne peut pas être reconstitué depuis la base.
    """

    DUREE_VALIDITE = timedelta(days=14)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name="organisation"
    )
    email = models.EmailField("adresse e-mail")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    invitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations_envoyees",
        verbose_name="invitée par",
    )
    empreinte_jeton = models.CharField(max_length=64, unique=True, editable=False)
    cree_le = models.DateTimeField("envoyée le", auto_now_add=True)
    expire_le = models.DateTimeField("expire le")
    acceptee_le = models.DateTimeField("acceptée le", null=True, blank=True)
    acceptee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_acceptees",
        verbose_name="acceptée par",
    )
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-cree_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(acceptee_le__isnull=True, annulee_le__isnull=True),
                name="invitation_en_attente_unique",
                violation_error_message="Une invitation est déjà en attente pour cette adresse.",
            )
        ]

    def __str__(self):
        return f"Invitation de {self.email} ({self.get_role_display()}) à {self.organisation}"

    @classmethod
    def nouveau_jeton(cls) -> tuple[str, str]:
        jeton = secrets.token_urlsafe(32)
        return jeton, hacher_jeton(jeton)

    @property
    def est_expiree(self) -> bool:
        return self.expire_le <= timezone.now()

    @property
    def est_utilisee(self) -> bool:
        return self.acceptee_le is not None


class ActionAudit(models.TextChoices):
    INVITATION_ACCEPTEE = "invitation_acceptee", "Invitation acceptée"
    ADHESION_AJOUTEE = "adhesion_ajoutee", "Adhésion ajoutée"
    ROLE_CHANGE = "role_change", "Changement de rôle"
    ADHESION_RETIREE = "adhesion_retiree", "Adhésion retirée"
    RATTACHEMENT_ACCEPTE = "rattachement_accepte", "Demande de rattachement acceptée"
    STRUCTURE_VERIFIEE = "structure_verifiee", "Vérification d'une structure"
    RIB_PROPOSE = "rib_propose", "RIB proposé par une structure"
    RIB_VALIDE = "rib_valide", "RIB d'une structure validé"
    DECISION_FINANCEUR = "decision_financeur", "Décision d'un financeur"
    EXPORT_DONNEES_PERSONNELLES = "export_donnees_personnelles", "Export de données personnelles"
    EXPORT_INSTRUCTION = "export_instruction", "Export du tableau d'instruction"
    EXPORT_CONTRIBUTIONS = "export_contributions", "Export des contributions d'un contrat"
    COMPTE_SUPPRIME = "compte_supprime", "Suppression de compte (RGPD)"
    COMPTE_ANONYMISE = "compte_anonymise", "Anonymisation par un administrateur"
    COMPTE_EFFACE = "compte_efface", "Compte effacé de la base par un administrateur"
    ORGANISATION_SUPPRIMEE = "organisation_supprimee", "Organisation supprimée par un administrateur"
    JOURNAL_PURGE = "journal_purge", "Entrées anciennes du journal d'audit effacées"
    ADHESION_COLLECTIVITE_ACCEPTEE = "adhesion_coll_acceptee", "Demande d'adhésion d'une collectivité acceptée"
    ADHESION_COLLECTIVITE_REFUSEE = "adhesion_coll_refusee", "Demande d'adhésion d'une collectivité refusée"
    DOCUMENT_AJOUTE = "document_ajoute", "Document ajouté au coffre d'une structure"
    DOCUMENT_RETIRE = "document_retire", "Document supprimé du coffre d'une structure"
    DOCUMENT_ARCHIVE = "document_archive", "Document archivé dans le coffre d'une structure"


class EntreeAudit(models.Model):
    """Une action sensible (changement de rôle, vérification, décision, export de données personnelles,
    suppression de compte) : qui l'a faite, quand, sur quoi, pour quelle organisation. On n'y fait qu'ajouter des
    entrées, jusqu'à leur durée de conservation (`COVILLE_CONSERVATION_JOURNAL_AUDIT_JOURS`), au-delà de laquelle
    `comptes.audit.purger_entrees_anciennes` les efface ; les administrateurs de la plateforme le lisent dans
    l'administration. On l'écrit par `comptes.audit.journaliser`, dans la transaction de l'action."""

    cree_le = models.DateTimeField("le", default=timezone.now, db_index=True)
    action = models.CharField("action", max_length=40, choices=ActionAudit.choices)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    # L'adresse au moment de l'action : l'entrée reste lisible si le compte est ensuite anonymisé ou supprimé.
    # Le journal n'est visible que des administrateurs de la plateforme.
    auteur_repr = models.CharField("auteur (au moment de l'action)", max_length=300, blank=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="type d'objet"
    )
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    objet_repr = models.CharField("objet", max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisation",
    )
    details = models.JSONField("détails", default=dict, blank=True)
    adresse_ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-cree_le", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_objet")]

    def __str__(self):
        return f"{timezone.localtime(self.cree_le):%d/%m/%Y %H:%M} — {self.get_action_display()} — {self.objet_repr}"

    # Une entrée ne se corrige ni ne s'efface une à une (l'administration n'offre ni l'un ni l'autre). Les
    # mises à jour et suppressions en masse restent possibles : Django s'en sert pour vider `auteur` ou
    # `organisation` quand la ligne visée est supprimée, et la purge des entrées trop anciennes efface par lot.
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Le journal d'audit ne se modifie pas : on n'y fait qu'ajouter des entrées.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Le journal d'audit ne se modifie pas : on n'y fait qu'ajouter des entrées.")


class EtatDemandeAdhesion(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"


class DemandeAdhesionCollectivite(models.Model):
    """La demande d'une personne connectée pour que sa collectivité (commune, EPCI, département, région,
    choisie dans le référentiel) rejoigne la plateforme. Un administrateur de la plateforme ou un agent de
    l'État du département de la collectivité l'accepte (l'organisation est créée au besoin et la personne en
    devient agent) ou la refuse avec un motif (`comptes.adhesions_collectivites`)."""

    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="demandes_adhesion_collectivite",
        verbose_name="demandeur",
    )
    type = models.CharField(
        "type de collectivité",
        max_length=20,
        choices=[(t.value, t.label) for t in TypeOrganisation if t in COLLECTIVITES],
    )
    code_territoire = models.CharField("code du territoire", max_length=9)
    nom = models.CharField("collectivité", max_length=255)
    # Le département de la collectivité (celui de la préfecture qui examine) ; vide pour une région.
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="département"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="région"
    )
    fonction = models.CharField("fonction", max_length=200)
    justificatif = models.TextField("justificatif")
    piece_chemin = models.CharField("pièce dans le stockage", max_length=255, blank=True)
    piece_nom = models.CharField("nom de la pièce", max_length=255, blank=True)
    piece_type = models.CharField("type de la pièce", max_length=100, blank=True)
    etat = models.CharField(
        "état", max_length=20, choices=EtatDemandeAdhesion.choices, default=EtatDemandeAdhesion.EN_ATTENTE
    )
    cree_le = models.DateTimeField("demandée le", auto_now_add=True)
    decidee_le = models.DateTimeField("décidée le", null=True, blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidée par",
    )
    motif = models.TextField("motif du refus", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demandes_adhesion",
        verbose_name="organisation",
    )

    class Meta:
        verbose_name = "demande d'adhésion d'une collectivité"
        verbose_name_plural = "demandes d'adhésion des collectivités"
        ordering = ["-cree_le", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "code_territoire", "demandeur"],
                condition=Q(etat="en_attente"),
                name="demande_adhesion_collectivite_unique",
                violation_error_message="Vous avez déjà une demande en attente pour cette collectivité.",
            )
        ]

    def __str__(self):
        return f"{self.demandeur} → {self.nom} ({self.get_etat_display()})"

    @property
    def est_en_attente(self) -> bool:
        return self.etat == EtatDemandeAdhesion.EN_ATTENTE


class TacheDeFond(ProcrastinateJob):
    """Une tâche de la file de Procrastinate (un e-mail à envoyer, un rappel, une purge), telle que l'administration
    de la plateforme la montre. Son libellé ne reprend pas ses arguments, comme le fait celui de Procrastinate : le
    texte d'un e-mail contient parfois un lien personnel (mot de passe oublié, invitation)."""

    class Meta:
        proxy = True
        verbose_name = "tâche de fond"
        verbose_name_plural = "tâches de fond"

    def __str__(self):
        return f"{self.task_name.rsplit('.', 1)[-1]} n° {self.pk}"


class TypeAlerte(models.TextChoices):
    """Les alertes par e-mail auxquelles une personne peut se désabonner (chacune a son lien dans ses e-mails)."""

    APPELS_A_PROJETS = "appels_a_projets", "Nouveaux appels à projets sur le territoire de mes structures"


class AbonnementAlerte(models.Model):
    """Le choix d'une personne pour un type d'alerte. Sans ligne, la personne est abonnée : une ligne n'existe
    qu'une fois qu'elle s'est désabonnée (lien de l'e-mail ou « Mon compte »), puis éventuellement réabonnée."""

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abonnements_alertes"
    )
    type_alerte = models.CharField("alerte", max_length=30, choices=TypeAlerte.choices)
    abonne = models.BooleanField("abonné", default=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "abonnement à une alerte"
        verbose_name_plural = "abonnements aux alertes"
        constraints = [
            models.UniqueConstraint(fields=["utilisateur", "type_alerte"], name="abonnement_alerte_unique"),
        ]

    def __str__(self):
        return f"{self.utilisateur} — {self.get_type_alerte_display()} — {'abonné' if self.abonne else 'désabonné'}"
