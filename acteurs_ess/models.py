"""L'annuaire des acteurs de l'ESS : structures, collectifs qui les réunissent, demandes de rattachement."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from acteurs_ess.choix import (
    TYPES_DU_COFFRE,
    Agrement,
    Domaine,
    EtatDemande,
    EtatImport,
    EtatMembreCollectif,
    FormeJuridique,
    RoleCollectif,
    TypeCollectif,
)
from comptes.models import Organisation
from config.lib.fichiers import taille_lisible
from territoires.models import Commune, Qpv, SansAccent, nom_normalise
from territoires.recherche import index_debut_de_nom, index_ressemblance


def mots_cles(forme_juridique: str, agrements: list[str], domaines: list[str]) -> str:
    """Les libellés des listes fermées, pour que la recherche plein texte trouve « insertion » ou « tiers-lieu ».

    La forme « association » est omise : elle décrit la plupart des structures, le mot ne départagerait rien
    et ferait classer presque tout l'annuaire ; le filtre « forme juridique » la remplace.
    """
    libelles = (
        [FormeJuridique(forme_juridique).label]
        if forme_juridique and forme_juridique != FormeJuridique.ASSOCIATION
        else []
    )
    libelles += [Agrement(code).label for code in agrements]
    libelles += [Domaine(code).label for code in domaines]
    return " ; ".join(libelles)


def vecteur_recherche() -> SearchVector:
    """Le document indexé : noms (poids A), libellés des listes fermées (B), description (C), sans accents."""
    return (
        SearchVector(SansAccent("raison_sociale"), SansAccent("sigle"), config="french", weight="A")
        + SearchVector(SansAccent("mots_cles"), config="french", weight="B")
        + SearchVector(SansAccent("description"), config="french", weight="C")
    )


class StructureQuerySet(models.QuerySet):
    def verifiees(self):
        return self.filter(verifiee_le__isnull=False)


class Structure(models.Model):
    """Une structure de l'ESS (association, coopérative, mutuelle, fondation, société de l'ESS).

    Elle a son organisation dans `comptes` : les membres de cette organisation (rôle « structure ») agissent
    pour elle. Une structure importée par une collectivité a une organisation sans membre jusqu'à ce
    qu'une personne la revendique et que sa demande soit acceptée.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="structure", verbose_name="organisation"
    )
    raison_sociale = models.CharField("raison sociale", max_length=255)
    sigle = models.CharField("sigle", max_length=50, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True, db_index=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    rna = models.CharField("numéro RNA", max_length=10, blank=True)
    forme_juridique = models.CharField(
        "forme juridique", max_length=20, choices=FormeJuridique.choices, default=FormeJuridique.ASSOCIATION
    )
    agrements = ArrayField(
        models.CharField(max_length=30, choices=Agrement.choices),
        default=list,
        blank=True,
        verbose_name="agréments et labels",
    )
    domaines = ArrayField(
        models.CharField(max_length=30, choices=Domaine.choices),
        default=list,
        blank=True,
        verbose_name="domaines d'action",
    )
    adresse = models.CharField("adresse", max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="structures_ess",
        null=True,
        blank=True,
        verbose_name="commune du siège",
    )
    qpv = models.ManyToManyField(Qpv, related_name="structures_ess", blank=True, verbose_name="QPV où elle agit")
    communes_action = models.ManyToManyField(
        Commune, related_name="structures_ess_actives", blank=True, verbose_name="communes où elle agit"
    )
    description = models.TextField("description", blank=True)
    contact = models.CharField("personne à contacter", max_length=150, blank=True)
    email = models.EmailField("adresse e-mail de contact", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    site_web = models.URLField("site web", blank=True)
    # Une structure qui cesse son activité reste dans l'annuaire, avec son histoire (dossiers, conventions) ;
    # sa fiche le dit. Ses membres ou les agents de son territoire l'indiquent, et peuvent l'annuler.
    activite_cessee_le = models.DateField("activité cessée le", null=True, blank=True)
    # Valeur par défaut aussi en base : les écritures en masse (COPY du générateur national) ne la nomment pas.
    motif_cessation = models.TextField("motif de la cessation d'activité", blank=True, default="", db_default="")
    verifiee_le = models.DateTimeField("vérifiée le", null=True, blank=True)
    verifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifiée par",
    )
    importee_par = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="structures_importees",
        verbose_name="importée par",
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    mots_cles = models.TextField("mots-clés de recherche", blank=True, editable=False)
    recherche = models.GeneratedField(
        expression=vecteur_recherche(), output_field=SearchVectorField(), db_persist=True, editable=False
    )

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure de l'ESS"
        verbose_name_plural = "structures de l'ESS"
        ordering = ["raison_sociale", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="structure_siret_unique",
                violation_error_message="Une structure avec ce SIRET est déjà inscrite dans l'annuaire.",
            ),
            models.UniqueConstraint(
                fields=["rna"],
                condition=~Q(rna=""),
                name="structure_rna_unique",
                violation_error_message="Une structure avec ce numéro RNA est déjà inscrite dans l'annuaire.",
            ),
        ]
        indexes = [
            GinIndex(fields=["recherche"], name="structure_recherche"),
            GinIndex(OpClass(nom_normalise("raison_sociale"), name="gin_trgm_ops"), name="structure_nom_trgm"),
            # Autocomplétion des structures (`acteurs_ess.recherche`, `territoires.recherche.par_ressemblance`).
            index_debut_de_nom("raison_sociale", "structure_debut_nom"),
            index_ressemblance("raison_sociale", "structure_nom_gist"),
            GinIndex(fields=["agrements"], name="structure_agrements"),
            GinIndex(fields=["domaines"], name="structure_domaines"),
            # Filtre par forme juridique, dans l'ordre alphabétique de l'annuaire.
            models.Index(fields=["forme_juridique", "raison_sociale", "id"], name="structure_forme_ordre"),
            models.Index(fields=["raison_sociale", "id"], name="structure_ordre_alphabetique"),
            models.Index(fields=["rna"], name="structure_rna"),
        ]

    def __str__(self):
        return f"{self.raison_sociale} ({self.sigle})" if self.sigle else self.raison_sociale

    def save(self, *args, **kwargs):
        self.mots_cles = mots_cles(self.forme_juridique, self.agrements, self.domaines)
        if self.siret and not self.siren:
            self.siren = self.siret[:9]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "mots_cles", "siren"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("acteurs_ess:structure", args=[self.pk])

    @property
    def est_verifiee(self) -> bool:
        return self.verifiee_le is not None

    def get_agrements_display(self) -> list[str]:
        return [Agrement(code).label for code in self.agrements]

    def get_domaines_display(self) -> list[str]:
        return [Domaine(code).label for code in self.domaines]


class Collectif(models.Model):
    """Un regroupement d'acteurs : PTCE, réseau, SCIC, Fabrique à initiatives, groupement.

    Ses membres sont des organisations : des structures de l'ESS (par leur organisation), mais aussi des
    collectivités ou d'autres partenaires (une SCIC fait entrer des collectivités à son capital).
    """

    nom = models.CharField("nom", max_length=255)
    type = models.CharField("type", max_length=20, choices=TypeCollectif.choices)
    description = models.TextField("description", blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="collectifs_ess", null=True, blank=True, verbose_name="commune"
    )
    site_web = models.URLField("site web", blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    # Un collectif dissous reste lisible (ses membres, les contrats qui le citent) mais n'accueille plus personne.
    dissous_le = models.DateField("dissous le", null=True, blank=True)
    motif_dissolution = models.TextField("motif de la dissolution", blank=True, default="", db_default="")

    class Meta:
        verbose_name = "collectif"
        ordering = ["nom"]
        # Autocomplétion des collectifs (`acteurs_ess.recherche`, `territoires.recherche.par_ressemblance`).
        indexes = [
            index_debut_de_nom("nom", "collectif_debut_nom"),
            index_ressemblance("nom", "collectif_nom_trgm"),
        ]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("acteurs_ess:collectif", args=[self.pk])


class MembreCollectifQuerySet(models.QuerySet):
    def acceptes(self):
        """Les seuls membres du collectif : les organisations qui ont accepté d'en faire partie."""
        return self.filter(etat=EtatMembreCollectif.ACCEPTEE)


class MembreCollectif(models.Model):
    """La participation d'une organisation (structure, collectivité, partenaire) à un collectif, avec son rôle.

    L'animateur invite ; l'organisation n'est membre qu'une fois l'invitation acceptée par l'un de ses membres
    (personne n'entre dans un collectif sans y avoir consenti).
    """

    collectif = models.ForeignKey(Collectif, on_delete=models.CASCADE, related_name="membres", verbose_name="collectif")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participations_collectifs", verbose_name="organisation"
    )
    role = models.CharField("rôle", max_length=20, choices=RoleCollectif.choices, default=RoleCollectif.MEMBRE)
    etat = models.CharField(
        "état", max_length=10, choices=EtatMembreCollectif.choices, default=EtatMembreCollectif.ACCEPTEE
    )
    invitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="invitée par",
    )
    invitee_le = models.DateTimeField("invitée le", null=True, blank=True)
    repondue_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="réponse de",
    )
    repondue_le = models.DateTimeField("réponse le", null=True, blank=True)

    objects = MembreCollectifQuerySet.as_manager()

    class Meta:
        verbose_name = "membre d'un collectif"
        verbose_name_plural = "membres des collectifs"
        ordering = ["collectif", "organisation__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["collectif", "organisation"],
                name="membre_collectif_unique",
                violation_error_message="Cette organisation est déjà membre de ce collectif.",
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()} — {self.collectif}"


class DemandeRattachement(models.Model):
    """La demande d'une personne à rejoindre une structure déjà inscrite (ou à revendiquer une structure
    importée, encore sans membre). Un membre de la structure, un agent d'une collectivité du territoire de
    la structure ou un administrateur l'accepte ou la refuse."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="demandes_rattachement", verbose_name="structure"
    )
    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="demandes_rattachement",
        verbose_name="demandeur",
    )
    message = models.TextField("message", blank=True)
    revendication = models.BooleanField(
        "revendication", default=False, help_text="La structure n'avait aucun membre au moment de la demande."
    )
    etat = models.CharField("état", max_length=20, choices=EtatDemande.choices, default=EtatDemande.EN_ATTENTE)
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
    motif = models.TextField("motif de la décision", blank=True)

    class Meta:
        verbose_name = "demande de rattachement"
        verbose_name_plural = "demandes de rattachement"
        ordering = ["-cree_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "demandeur"],
                condition=Q(etat=EtatDemande.EN_ATTENTE),
                name="demande_rattachement_en_attente_unique",
                violation_error_message="Vous avez déjà une demande en attente pour cette structure.",
            )
        ]

    def __str__(self):
        return f"{self.demandeur} → {self.structure} ({self.get_etat_display()})"

    @property
    def est_en_attente(self) -> bool:
        return self.etat == EtatDemande.EN_ATTENTE


class ImportStructures(models.Model):
    """Un import de structures confirmé depuis la page d'import : la tâche de fond qui l'écrit
    (`acteurs_ess.taches.importer_structures`), son avancement et son résultat, gardés pour que la personne
    retrouve ses imports.

    L'avancement (`lignes_faites`) est écrit par une connexion à part, hors de la transaction de l'import, qui
    reste invisible jusqu'à sa validation ; l'état final est écrit dans cette transaction, avec les structures :
    un import marqué terminé est écrit, un import qui n'est pas marqué terminé n'a rien écrit."""

    jeton = models.CharField("jeton de l'aperçu", max_length=32, unique=True)
    nom_fichier = models.CharField("fichier", max_length=255)
    chemin = models.CharField("fichier de l'aperçu dans le stockage", max_length=255)
    lance_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports_structures",
        verbose_name="lancé par",
    )
    collectivite = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pour la collectivité",
        help_text="Les structures créées sont « importées par » elle.",
    )
    etat = models.CharField("état", max_length=20, choices=EtatImport.choices, default=EtatImport.EN_ATTENTE)
    lignes_total = models.PositiveIntegerField("lignes du fichier", null=True, blank=True)
    lignes_faites = models.PositiveIntegerField("lignes traitées", default=0)
    creees = models.PositiveIntegerField("structures créées", default=0)
    mises_a_jour = models.PositiveIntegerField("structures mises à jour", default=0)
    inchangees = models.PositiveIntegerField("lignes inchangées", default=0)
    ignorees = models.PositiveIntegerField("lignes ignorées", default=0)
    rejetees = models.PositiveIntegerField("lignes rejetées", default=0)
    rejets = models.JSONField("lignes rejetées (numéro, raison sociale, motif)", default=list, blank=True)
    erreur = models.TextField("erreur", blank=True)
    cree_le = models.DateTimeField("confirmé le", auto_now_add=True)
    commence_le = models.DateTimeField("commencé le", null=True, blank=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "import de structures"
        verbose_name_plural = "imports de structures"
        ordering = ["-cree_le", "-pk"]

    def __str__(self):
        return f"{self.nom_fichier} ({self.get_etat_display()}, {self.cree_le:%d/%m/%Y %H:%M})"

    def get_absolute_url(self):
        return reverse("acteurs_ess:suivi_import", args=[self.pk])

    @property
    def est_fini(self) -> bool:
        return self.etat in (EtatImport.TERMINE, EtatImport.ECHOUE)

    @property
    def pourcentage(self) -> int:
        if not self.lignes_total:
            return 0
        return min(100, self.lignes_faites * 100 // self.lignes_total)


class EtatRib(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente de validation"
    VALIDE = "valide", "Validé"
    REMPLACE = "remplace", "Remplacé"


def iban_masque(iban: str) -> str:
    """« FR76 **** **** **** **** ***1 234 » : le pays, la clé et les quatre derniers caractères, par groupes de
    quatre, assez pour reconnaître un compte sans pouvoir le recopier."""
    visible = iban[:4] + "*" * max(len(iban) - 8, 0) + iban[-4:] if len(iban) > 8 else "*" * len(iban)
    return " ".join(visible[i : i + 4] for i in range(0, len(visible), 4))


class Rib(models.Model):
    """Un relevé d'identité bancaire proposé par un membre d'une structure : le compte où les financeurs versent
    ses subventions.

    Changer le compte d'une structure est l'attaque classique contre les subventions (un faux RIB envoyé au nom
    de l'association) : un RIB proposé reste « en attente » tant qu'un agent d'un financeur ne l'a pas validé
    (voir `acteurs_ess.permissions.peut_valider_rib`) ; il devient alors le RIB validé de la structure et le
    précédent passe « remplacé », gardé pour l'historique. Chaque membre de la structure est prévenu de la
    proposition et de la validation. Le document (le RIB de la banque) est un fichier privé du stockage."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="ribs", verbose_name="structure")
    iban = models.CharField("IBAN", max_length=34, help_text="Sans espaces, vérifié (python-stdnum).")
    bic = models.CharField("BIC", max_length=11, blank=True)
    titulaire = models.CharField("titulaire du compte", max_length=255)
    # Le RIB de la banque pris dans le coffre-fort de la structure plutôt que téléversé : son fichier est partagé,
    # le document ne se supprime plus (il s'archive).
    document = models.ForeignKey(
        "DocumentStructure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ribs",
        verbose_name="document du coffre",
    )
    chemin = models.CharField("chemin du document dans le stockage", max_length=255, editable=False)
    nom = models.CharField("nom du document", max_length=255)
    taille = models.PositiveIntegerField("taille (octets)")
    type_mime = models.CharField("type MIME", max_length=100)
    etat = models.CharField("état", max_length=12, choices=EtatRib.choices, default=EtatRib.EN_ATTENTE)
    propose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="proposé par"
    )
    propose_le = models.DateTimeField("proposé le", auto_now_add=True)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="validé par",
    )
    valide_le = models.DateTimeField("validé le", null=True, blank=True)
    remplace_le = models.DateTimeField("remplacé le", null=True, blank=True)

    class Meta:
        verbose_name = "RIB"
        verbose_name_plural = "RIB"
        ordering = ["structure", "-propose_le", "-pk"]
        constraints = [
            # Un seul RIB validé, un seul en attente par structure : le versement ne peut hésiter entre deux.
            models.UniqueConstraint(fields=["structure"], condition=Q(etat=EtatRib.VALIDE), name="rib_un_seul_valide"),
            models.UniqueConstraint(
                fields=["structure"], condition=Q(etat=EtatRib.EN_ATTENTE), name="rib_un_seul_en_attente"
            ),
            models.CheckConstraint(
                condition=~Q(etat=EtatRib.VALIDE) | Q(valide_le__isnull=False), name="rib_valide_date"
            ),
        ]

    def __str__(self):
        return f"{self.structure} : {self.iban_masque}"

    @property
    def iban_masque(self) -> str:
        return iban_masque(self.iban)

    @property
    def iban_lisible(self) -> str:
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


# Un document qui expire dans ce délai est signalé dans le coffre : le temps de demander le nouveau.
JOURS_ALERTE_EXPIRATION = 30


class EtatValidite(models.TextChoices):
    VALABLE = "valable", "Valable"
    BIENTOT_EXPIRE = "bientot_expire", "Expire bientôt"
    EXPIRE = "expire", "Expiré"


class DocumentStructureQuerySet(models.QuerySet):
    def actifs(self):
        """Les documents en usage dans le coffre : ni remplacés par une version plus récente, ni archivés."""
        return self.filter(archive_le__isnull=True, remplace_par__isnull=True)

    def valables(self, jour: date):
        """Les documents actifs qu'un dossier peut joindre ce jour-là : sans date de fin, ou pas encore expirés."""
        return self.actifs().filter(Q(valable_jusqu_au__isnull=True) | Q(valable_jusqu_au__gte=jour))


class DocumentStructure(models.Model):
    """Un document du coffre-fort d'une structure (statuts, RIB, comptes approuvés, rapport d'activité,
    délégation de signature…), déposé une fois par un de ses membres et joint ensuite à chacun de ses dossiers
    au lieu d'être téléversé de nouveau.

    Une nouvelle version remplace la précédente (`remplace_par`), qui reste lisible des dossiers qui la
    joignent ; un document qu'aucun dossier déposé ne joint se supprime, les autres s'archivent. Le fichier est
    rangé dans le stockage hors de toute adresse publique et servi par une vue qui vérifie l'accès."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="documents", verbose_name="structure"
    )
    type = models.CharField("type de document", max_length=20, choices=TYPES_DU_COFFRE)
    chemin = models.CharField("chemin dans le stockage", max_length=255, editable=False)
    nom = models.CharField("nom du fichier", max_length=255)
    taille = models.PositiveIntegerField("taille (octets)")
    type_mime = models.CharField("type MIME", max_length=100)
    date_document = models.DateField(
        "date du document", null=True, blank=True, help_text="Date d'adoption des statuts, de clôture des comptes…"
    )
    valable_jusqu_au = models.DateField(
        "valable jusqu'au", null=True, blank=True, help_text="Laissez vide pour un document sans date de fin."
    )
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="déposé par"
    )
    depose_le = models.DateTimeField("déposé le", default=timezone.now)
    remplace_par = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="versions_precedentes",
        verbose_name="remplacé par",
    )
    archive_le = models.DateTimeField("archivé le", null=True, blank=True)
    archive_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="archivé par",
    )

    objects = DocumentStructureQuerySet.as_manager()

    class Meta:
        verbose_name = "document de structure"
        verbose_name_plural = "documents des structures"
        ordering = ["type", "-depose_le", "-pk"]
        indexes = [models.Index(fields=["structure", "type"], name="document_structure_type")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valable_jusqu_au__isnull=True)
                | Q(date_document__isnull=True)
                | Q(valable_jusqu_au__gte=models.F("date_document")),
                name="document_structure_dates",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} — {self.nom}"

    def get_absolute_url(self):
        return reverse("acteurs_ess:document_structure", args=[self.structure_id, self.pk])

    @property
    def est_actif(self) -> bool:
        return self.archive_le is None and self.remplace_par_id is None

    @property
    def taille_lisible(self) -> str:
        return taille_lisible(self.taille)

    def validite(self, jour: date | None = None) -> EtatValidite:
        """Valable, expiré (après son dernier jour), ou bientôt expiré (`JOURS_ALERTE_EXPIRATION`)."""
        jour = jour or timezone.localdate()
        if self.valable_jusqu_au is None or self.valable_jusqu_au >= jour + timedelta(days=JOURS_ALERTE_EXPIRATION):
            return EtatValidite.VALABLE
        return EtatValidite.EXPIRE if self.valable_jusqu_au < jour else EtatValidite.BIENTOT_EXPIRE

    def est_valable(self, jour: date | None = None) -> bool:
        return self.validite(jour) != EtatValidite.EXPIRE
