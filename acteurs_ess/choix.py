"""Les listes fermées de l'annuaire : formes juridiques, agréments et labels, domaines d'action, collectifs."""

from django.db import models


class FormeJuridique(models.TextChoices):
    ASSOCIATION = "association", "Association"
    SCOP = "scop", "SCOP (société coopérative et participative)"
    SCIC = "scic", "SCIC (société coopérative d'intérêt collectif)"
    CAE = "cae", "CAE (coopérative d'activité et d'emploi)"
    MUTUELLE = "mutuelle", "Mutuelle"
    FONDATION = "fondation", "Fondation"
    SOCIETE_ESS = "societe_ess", "Société commerciale de l'ESS"
    AUTRE = "autre", "Autre"


class Agrement(models.TextChoices):
    ESUS = "esus", "Agrément ESUS (entreprise solidaire d'utilité sociale)"
    SIAE_ACI = "siae_aci", "SIAE : atelier et chantier d'insertion (ACI)"
    SIAE_EI = "siae_ei", "SIAE : entreprise d'insertion (EI)"
    SIAE_ETTI = "siae_etti", "SIAE : entreprise de travail temporaire d'insertion (ETTI)"
    SIAE_AI = "siae_ai", "SIAE : association intermédiaire (AI)"
    REGIE_QUARTIER = "regie_quartier", "Régie de quartier"
    ENTREPRISE_ADAPTEE = "entreprise_adaptee", "Entreprise adaptée"
    ESAT = "esat", "ESAT (établissement et service d'accompagnement par le travail)"
    EBE_TZCLD = "ebe_tzcld", "Entreprise à but d'emploi d'un territoire zéro chômeur (EBE, TZCLD)"
    FABRIQUE_INITIATIVES = "fabrique_initiatives", "Fabrique à initiatives"
    TIERS_LIEU = "tiers_lieu", "Tiers-lieu"
    JEUNESSE_EDUCATION_POPULAIRE = "jep", "Agrément jeunesse et éducation populaire"


class Pilier(models.TextChoices):
    """Les trois piliers des contrats de ville (grille de 2015, toujours utilisée). Les contrats étiquettent
    leurs orientations avec ces mêmes valeurs (`contrats.models.Orientation`)."""

    COHESION_SOCIALE = "cohesion_sociale", "Cohésion sociale"
    CADRE_DE_VIE = "cadre_de_vie", "Cadre de vie et renouvellement urbain"
    DEVELOPPEMENT_ECONOMIQUE = "developpement_economique", "Développement économique et emploi"


class AxeTransversal(models.TextChoices):
    """Les axes transversaux des contrats de ville."""

    JEUNESSE = "jeunesse", "Jeunesse"
    EGALITE = "egalite", "Égalité femmes-hommes"
    DISCRIMINATIONS = "discriminations", "Lutte contre les discriminations"
    TRANSITION = "transition", "Transition écologique"


class Domaine(models.TextChoices):
    EDUCATION = "education", "Éducation et réussite éducative"
    SANTE = "sante", "Santé et accès aux soins"
    CULTURE = "culture", "Culture"
    SPORT = "sport", "Sport"
    ACCES_AUX_DROITS = "acces_aux_droits", "Accès aux droits et aux services publics"
    PARENTALITE = "parentalite", "Parentalité et vie familiale"
    LIEN_SOCIAL = "lien_social", "Lien social et vie associative"
    HABITAT = "habitat", "Habitat et logement"
    ESPACES_PUBLICS = "espaces_publics", "Espaces publics et tranquillité"
    MOBILITE = "mobilite", "Mobilité"
    EMPLOI_INSERTION = "emploi_insertion", "Emploi et insertion"
    CREATION_ACTIVITE = "creation_activite", "Création d'activité et entrepreneuriat"
    COMMERCE_SERVICES = "commerce_services", "Commerce et services de proximité"
    JEUNESSE = "jeunesse", "Jeunesse"
    EGALITE_FEMMES_HOMMES = "egalite_femmes_hommes", "Égalité entre les femmes et les hommes"
    LUTTE_DISCRIMINATIONS = "lutte_discriminations", "Lutte contre les discriminations"
    TRANSITION_ECOLOGIQUE = "transition_ecologique", "Transition écologique"


# Chaque domaine d'action se range sous un pilier ou un axe transversal des contrats de ville.
PILIER_DU_DOMAINE = {
    Domaine.EDUCATION: Pilier.COHESION_SOCIALE,
    Domaine.SANTE: Pilier.COHESION_SOCIALE,
    Domaine.CULTURE: Pilier.COHESION_SOCIALE,
    Domaine.SPORT: Pilier.COHESION_SOCIALE,
    Domaine.ACCES_AUX_DROITS: Pilier.COHESION_SOCIALE,
    Domaine.PARENTALITE: Pilier.COHESION_SOCIALE,
    Domaine.LIEN_SOCIAL: Pilier.COHESION_SOCIALE,
    Domaine.HABITAT: Pilier.CADRE_DE_VIE,
    Domaine.ESPACES_PUBLICS: Pilier.CADRE_DE_VIE,
    Domaine.MOBILITE: Pilier.CADRE_DE_VIE,
    Domaine.EMPLOI_INSERTION: Pilier.DEVELOPPEMENT_ECONOMIQUE,
    Domaine.CREATION_ACTIVITE: Pilier.DEVELOPPEMENT_ECONOMIQUE,
    Domaine.COMMERCE_SERVICES: Pilier.DEVELOPPEMENT_ECONOMIQUE,
    Domaine.JEUNESSE: AxeTransversal.JEUNESSE,
    Domaine.EGALITE_FEMMES_HOMMES: AxeTransversal.EGALITE,
    Domaine.LUTTE_DISCRIMINATIONS: AxeTransversal.DISCRIMINATIONS,
    Domaine.TRANSITION_ECOLOGIQUE: AxeTransversal.TRANSITION,
}


def domaines_par_pilier() -> list[tuple[str, list[tuple[str, str]]]]:
    """Les domaines groupés sous leur pilier, puis les axes transversaux, pour les listes à options groupées."""
    groupes = [(pilier.label, [pilier]) for pilier in Pilier] + [("Axes transversaux", list(AxeTransversal))]
    return [
        (libelle, [(domaine.value, domaine.label) for domaine in Domaine if PILIER_DU_DOMAINE[domaine] in membres])
        for libelle, membres in groupes
    ]


class TypeCollectif(models.TextChoices):
    PTCE = "ptce", "PTCE (pôle territorial de coopération économique)"
    RESEAU = "reseau", "Réseau"
    SCIC = "scic", "SCIC (société coopérative d'intérêt collectif)"
    FABRIQUE = "fabrique", "Fabrique à initiatives"
    GROUPEMENT = "groupement", "Groupement (d'employeurs, GEIQ, consortium…)"
    AUTRE = "autre", "Autre regroupement"


class EtatMembreCollectif(models.TextChoices):
    INVITEE = "invitee", "Invitation en attente"
    ACCEPTEE = "acceptee", "Membre"
    REFUSEE = "refusee", "Invitation déclinée"


class RoleCollectif(models.TextChoices):
    ANIMATEUR = "animateur", "Animateur, chef de file"
    MEMBRE = "membre", "Membre"
    ASSOCIE = "associe", "Associé au capital"
    PARTENAIRE = "partenaire", "Partenaire"


class EtatDemande(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"


class EtatImport(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente d'un worker"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ECHOUE = "echoue", "Échoué : rien n'a été écrit"


class TypePiece(models.TextChoices):
    """Les documents qu'une structure fournit aux financeurs : pièces demandées par un appel à projets, documents
    de son coffre-fort (`DocumentStructure`). Définis ici, dans l'annuaire, pour que le coffre de la structure et
    les dossiers (`financements`, qui les reprend) parlent des mêmes types."""

    STATUTS = "statuts", "Statuts de la structure"
    RIB = "rib", "Relevé d'identité bancaire (RIB)"
    ATTESTATION = "attestation", "Attestation sur l'honneur"
    COMPTES = "comptes", "Derniers comptes approuvés"
    RAPPORT_ACTIVITE = "rapport_activite", "Dernier rapport d'activité"
    DELEGATION = "delegation", "Délégation de signature du représentant légal"
    BILAN = "bilan", "Compte-rendu financier (CERFA 15059)"
    AUTRE = "autre", "Autre document"


# Le compte-rendu financier rend compte d'une action financée : il appartient à son dossier, jamais au coffre.
TYPES_DU_COFFRE = [(code, libelle) for code, libelle in TypePiece.choices if code != TypePiece.BILAN]
