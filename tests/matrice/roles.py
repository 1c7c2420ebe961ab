"""La table des rôles : qui reçoit quelle réponse, pour chaque adresse de Coville et chaque méthode.

Elle est écrite d'après la table « Who may do what » de `ARCHITECTURE.md` (et non d'après ce que le code
répond aujourd'hui), avec sa règle : **404** pour ce que la personne ne peut pas voir, **403** pour ce qu'elle
voit sans pouvoir le changer, et « les visiteurs anonymes ne voient que les pages publiques : le référentiel
territorial, les contrats signés et leur résumé public, les fiches publiques de l'annuaire, les exports de
données ouvertes et les réponses aux contributions » (toute autre page les envoie se connecter).
`tests/test_matrice_acces.py` visite chaque adresse comme chaque acteur et compare ; une adresse de la
configuration absente d'ici fait échouer le test : **une nouvelle adresse s'ajoute à `MATRICE`**.

Les acteurs (lignes) sont définis par rapport aux objets du monde de test (`tests/matrice/monde.py`) : un
contrat porté par Rennes Métropole, en concertation (ouverte aux signataires, aux structures et aux
habitants), signé par la préfecture d'Ille-et-Vilaine et le bailleur Archipel Habitat ; un appel à projets de
ce contrat ; des dossiers des Ateliers du Blosne (co-porteur : Villejean Solidaire) qui demandent un
financement à la métropole, à l'État et au bailleur.

Là où la table d'ARCHITECTURE.md se tait, la décision prise est écrite sur la ligne, en commentaire
(« décision : … »).
"""

from dataclasses import dataclass

# --- Acteurs ----------------------------------------------------------------------------------------------

ACTEURS: dict[str, str] = {
    "visiteur": "visiteur anonyme",
    "inscrit": "personne inscrite sans organisation (une habitante, pour la concertation)",
    "agent": "agent de Rennes Métropole, collectivité porteuse du contrat, financeur sollicité",
    "elu": "élu·e de Rennes Métropole",
    "etat": "État : préfecture d'Ille-et-Vilaine (même département, signataire, financeur sollicité)",
    "structure": "membre des Ateliers du Blosne, structure porteuse des dossiers et animatrice du collectif",
    "co_porteur": "membre de Villejean Solidaire, co-porteur des dossiers",
    "habitant": "habitant·e, conseil citoyen de Maurepas",
    "partenaire": "partenaire : Archipel Habitat, bailleur signataire, financeur sollicité",
    "admin": "administrateur de la plateforme",
    "agent_autre_epci": "même rôle, autre organisation : agent de Vitré Communauté (même département)",
    "elu_autre_epci": "même rôle, autre organisation : élu·e de Vitré Communauté",
    "structure_autre": "même rôle, autre organisation : membre de Maurepas Mobilité",
    "partenaire_autre": "même rôle, autre organisation : CAF d'Ille-et-Vilaine, ni signataire ni sollicitée",
    "etat_autre_departement": "autre territoire : préfecture du Finistère",
    "agent_autre_region": "autre territoire : agent de Toulouse Métropole (Occitanie)",
}
CONNECTES = frozenset(ACTEURS) - {"visiteur"}

# Pour le contrat en concertation : ses associés lisent tout (collectivité porteuse, élus de la collectivité
# porteuse, signataires, État du département, administrateurs) ; les publics de la concertation ouverte lisent
# ce qui leur est soumis et contribuent ; les autres ne le voient pas.
ASSOCIES_CONTRAT = frozenset({"agent", "elu", "etat", "partenaire", "admin"})
PUBLICS_CONCERTATION = frozenset({"inscrit", "habitant", "structure", "co_porteur", "structure_autre"})
LECTEURS_CONTRAT = ASSOCIES_CONTRAT | PUBLICS_CONCERTATION
CONTRIBUTEURS = frozenset({"agent", "etat", "partenaire"}) | PUBLICS_CONCERTATION

# Pour les dossiers : la structure porteuse et son co-porteur les suivent ; les instructeurs sont les agents de
# la collectivité porteuse du contrat et ceux des financeurs sollicités (ici aussi l'État et le bailleur) ; les
# administrateurs les lisent (modération) sans instruire. Un financeur non sollicité ne voit rien.
# décision : les élus lisent les contrats, pas les dossiers de financement (ARCHITECTURE.md : le financement
# n'est pas le contrat) ; un dossier leur est caché comme à toute personne qui ne le porte ni ne l'instruit.
PORTEURS_DOSSIER = frozenset({"structure", "co_porteur"})
# Le RIB des Ateliers (voir la matrice).
VALIDEURS_RIB = frozenset({"agent", "etat", "partenaire"})
LECTEURS_RIB = VALIDEURS_RIB | {"structure"}
VOIENT_RIB = LECTEURS_RIB | {"admin"}
INSTRUCTEURS = frozenset({"agent", "etat", "partenaire"})
LECTEURS_DOSSIER = PORTEURS_DOSSIER | INSTRUCTEURS | {"admin"}
# Le tableau d'instruction est celui de toute personne qui instruit ou finance pour une collectivité, l'État
# ou un partenaire, même sans dossier aujourd'hui.
INSTRUCTEURS_DE_METIER = INSTRUCTEURS | {
    "agent_autre_epci",
    "agent_autre_region",
    "partenaire_autre",
    "etat_autre_departement",
}
AGENTS = frozenset({"agent", "agent_autre_epci", "agent_autre_region"})
# Les personnes qui ont activé la double authentification (application et codes de récupération) : elle est
# exigée des agents, de l'État et des administrateurs ; les autres ne l'ont pas activée.
AVEC_2FA = AGENTS | {"etat", "etat_autre_departement", "admin"}
SANS_2FA = CONNECTES - AVEC_2FA
MEMBRES_DE_STRUCTURE = frozenset({"structure", "co_porteur", "structure_autre"})
# Saisir les valeurs des indicateurs du contrat : les agents de ses signataires (la métropole qui le porte,
# la préfecture et le bailleur qui le signent).
SAISISSEURS_VALEURS = frozenset({"agent", "etat", "partenaire"})
# Les brouillons des bilans : les associés du contrat et les membres du conseil citoyen associé au bilan.
LECTEURS_BILAN = ASSOCIES_CONTRAT | {"habitant"}


# --- Réponses attendues -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendu:
    """Une réponse attendue. `sans_effet` : après un POST refusé (ou sans action), aucune ligne des tables du
    domaine n'a changé."""

    libelle: str
    sans_effet: bool = True


PAGE = Attendu("200")  # la page ; un POST n'enregistre rien (formulaire réaffiché, aperçu)
# GET : la page (200) ; POST : l'action est faite (des lignes ont changé) et la personne renvoyée ailleurs que
# vers la connexion.
OK = Attendu("ok", sans_effet=False)
# Le POST est fait (des lignes ont changé) et la personne renvoyée vers la page de connexion.
OK_PUIS_CONNEXION = Attendu("ok puis 302 connexion", sans_effet=False)
# Renvoi documenté ailleurs que vers la connexion ; un POST n'enregistre rien (action de session seulement —
# déconnexion, mot de passe redonné —, ou refus expliqué par un message sur la page d'arrivée).
REDIRIGE = Attendu("302")
CONNEXION = Attendu("302 connexion")  # vers la page de connexion de Coville
CONNEXION_ADMIN = Attendu("302 connexion admin")  # vers celle de l'administration Django
NON_AUTORISE = Attendu("401")
INTERDIT = Attendu("403")
CONFLIT = Attendu("409")
SAISIE_REFUSEE = Attendu("400")  # la page réaffichée avec le refus expliqué ; rien n'est enregistré
EN_PREPARATION = Attendu("202")  # un PDF pas encore rendu : la page « PDF en préparation »
INTROUVABLE = Attendu("404")
METHODE = Attendu("405")

Profil = dict[str, Attendu]


def profil(
    permis: frozenset[str] | set[str] = frozenset(),
    voient: frozenset[str] | set[str] = frozenset(),
    visiteur: Attendu = CONNEXION,
    autres: Attendu = INTROUVABLE,
    accorde: Attendu = OK,
) -> Profil:
    """`permis` : `accorde` (OK) ; `voient` l'objet sans pouvoir agir : 403 ; les autres personnes connectées :
    `autres` (404, l'objet leur est caché) ; le visiteur anonyme : `visiteur`."""
    reponses = dict.fromkeys(CONNECTES, autres)
    reponses |= dict.fromkeys(voient, INTERDIT)
    reponses |= dict.fromkeys(permis, accorde)
    reponses["visiteur"] = visiteur
    return reponses


def tous(attendu: Attendu) -> Profil:
    return dict.fromkeys(ACTEURS, attendu)


# Les profils nommés.
PUBLIC = tous(PAGE)
PUBLIC_METHODE = tous(METHODE)  # POST sur une page publique en lecture seule (@require_GET)
CONNECTE = profil(permis=CONNECTES)  # toute personne connectée ; le visiteur va se connecter
CONNECTE_METHODE = profil(autres=METHODE)  # méthode refusée, après l'obligation de connexion
# Lire le contrat en concertation (sections, concertation) : les associés et les publics de la concertation.
LECTEUR_CONTRAT = profil(permis=LECTEURS_CONTRAT, visiteur=INTROUVABLE)
# Ce que seuls les associés lisent avant la signature : historique des versions, PDF, contributions en cours.
ASSOCIE_CONTRAT = profil(permis=ASSOCIES_CONTRAT, visiteur=INTROUVABLE)
CONTRIBUTEUR = profil(permis=CONTRIBUTEURS, voient=LECTEURS_CONTRAT)
PDF_ASSOCIE_CONTRAT = profil(permis=ASSOCIES_CONTRAT, visiteur=INTROUVABLE, accorde=EN_PREPARATION)
# Rédiger, animer la concertation, tenir signataires et instances, lancer les appels : la collectivité porteuse.
EDITEUR_CONTRAT = profil(permis={"agent"}, voient=LECTEURS_CONTRAT)
EDITEUR_CONTRAT_PAGE = profil(permis={"agent"}, voient=LECTEURS_CONTRAT, accorde=PAGE)
MODERATEUR_CONTRAT = profil(permis={"agent", "admin"}, voient=LECTEURS_CONTRAT)
# Un contrat signé est public ; son texte ne change plus que par avenant, pour personne.
CONTRAT_SIGNE_FIGE = profil(voient=CONNECTES)
# Les avenants du contrat signé : ses agents porteurs les préparent et les adoptent ; toute personne connectée lit
# le contrat signé (403). Un avenant en préparation se lit par les associés du contrat signé (la métropole, ses
# élus, la préfecture signataire, les administrateurs), il est caché aux autres, visiteur compris (404).
ASSOCIES_CONTRAT_SIGNE = frozenset({"agent", "elu", "etat", "admin"})
AVENANT_CONTRAT = profil(permis={"agent"}, voient=CONNECTES)
AVENANT_EN_PREPARATION = profil(permis={"agent"}, voient=ASSOCIES_CONTRAT_SIGNE - {"agent"})
LECTURE_AVENANT_EN_PREPARATION = profil(permis=ASSOCIES_CONTRAT_SIGNE, visiteur=INTROUVABLE, accorde=PAGE)
LECTEUR_DOSSIER = profil(permis=LECTEURS_DOSSIER)
# Un brouillon : seuls ses porteurs le voient ; seule la structure porteuse le modifie.
PORTEUR_BROUILLON = profil(permis={"structure"}, voient={"co_porteur"})
INSTRUCTEUR = profil(permis=INSTRUCTEURS, voient=LECTEURS_DOSSIER)
# Les personnes connectées qui n'administrent pas sont renvoyées vers la connexion de l'administration, qui les
# refuse ; le visiteur va se connecter à Coville (l'administration n'est pas publique).
ADMINISTRATION = profil(permis={"admin"}, autres=CONNEXION_ADMIN)
REFUS_ADMINISTRATION = profil(voient={"admin"}, autres=CONNEXION_ADMIN)


def lecture(get: Profil, post: Profil | None = None) -> dict[str, Profil]:
    return {"GET": get} if post is None else {"GET": get, "POST": post}


def action(post: Profil, get: Profil = CONNECTE_METHODE) -> dict[str, Profil]:
    """Une action en POST seulement (@require_POST) : GET répond 405, après l'obligation de connexion."""
    return {"GET": get, "POST": post}


def formulaire(p: Profil) -> dict[str, Profil]:
    """Une page de formulaire : GET l'affiche (200) à qui peut agir, POST agit ; les autres, même réponse."""
    get = {acteur: PAGE if attendu is OK else attendu for acteur, attendu in p.items()}
    return {"GET": get, "POST": p}


# Les versements de la préfecture : ses agents les gèrent ; la structure et les administrateurs les voient.
PAYEUR_ETAT = profil(permis={"etat"}, voient={"structure", "admin"})

# --- La matrice -------------------------------------------------------------------------------------------
# Clé : le nom de l'adresse (`espace:nom`), suivi de `@cas` quand la même adresse est visitée sur un autre
# objet (le contrat signé, un dossier dans un autre état…) ; une adresse sans nom est désignée par son chemin.

# Django génère des centaines d'adresses d'administration : une seule règle les écarte, **toutes celles sous
# `admin/` qui ne sont pas nommées dans la matrice** (l'accueil, la connexion, le journal d'audit et la liste
# d'un modèle ordinaire y sont ; les autres pages de modèles suivent les mêmes permissions de Django).
PREFIXE_ADMINISTRATION = "admin/"

MATRICE: dict[str, dict[str, Profil]] = {
    # --- Accueil, santé, traductions des scripts : publics --------------------------------------------------
    "accueil": lecture(PUBLIC, PUBLIC_METHODE),
    "sante": lecture(PUBLIC, PUBLIC_METHODE),
    "catalogue_javascript": lecture(PUBLIC, PUBLIC_METHODE),
    # L'état détaillé de la plateforme (file des tâches, stockage) : les administrateurs, ou un moniteur qui
    # présente le jeton de supervision ; les autres ne savent pas que l'adresse existe.
    "comptes:etat_detaille": lecture(profil(permis={"admin"}, visiteur=INTROUVABLE, accorde=PAGE), PUBLIC_METHODE),
    # --- Comptes (django-allauth) ---------------------------------------------------------------------------
    # décision (allauth) : connexion et inscription sont publiques ; une personne déjà connectée y est renvoyée
    # vers son espace, sans rien enregistrer.
    "account_login": lecture(profil(autres=REDIRIGE, visiteur=PAGE), profil(autres=REDIRIGE, visiteur=OK)),
    "account_signup": lecture(profil(autres=REDIRIGE, visiteur=PAGE), profil(autres=REDIRIGE, visiteur=OK)),
    # décision (allauth) : la déconnexion demande confirmation (GET), se fait en POST ; anonyme, on est renvoyé.
    "account_logout": lecture(profil(autres=PAGE, visiteur=REDIRIGE), tous(REDIRIGE)),
    "account_inactive": lecture(PUBLIC, PUBLIC_METHODE),
    # Redonner son mot de passe : noté dans la session seulement.
    "account_reauthenticate": lecture(CONNECTE, profil(autres=REDIRIGE)),
    # décision (allauth) : une adresse ne s'ajoute pas à un compte protégé par la double authentification ;
    # le formulaire le dit, rien n'est enregistré.
    "account_email": lecture(CONNECTE, profil(permis=SANS_2FA, autres=PAGE)),
    "account_email_verification_sent": lecture(PUBLIC, PUBLIC_METHODE),
    "account_change_password": formulaire(CONNECTE),
    # décision (allauth) : toutes les personnes du monde ont un mot de passe ; « définir un mot de passe » les
    # renvoie vers « changer de mot de passe ».
    "account_set_password": lecture(profil(autres=REDIRIGE), profil(autres=REDIRIGE)),
    # décision : « mot de passe oublié » est public, y compris pour une personne connectée ; la demande envoie un
    # e-mail et n'enregistre rien.
    "account_reset_password": lecture(PUBLIC, tous(REDIRIGE)),
    # décision (allauth) : la connexion par code n'est pas activée ; hors d'une connexion en cours, la page
    # renvoie à la connexion.
    "account_confirm_login_code": lecture(profil(autres=REDIRIGE, visiteur=CONNEXION), profil(autres=REDIRIGE)),
    # Le lien de confirmation d'une adresse est la preuve : quiconque le tient confirme l'adresse, puis va se
    # connecter (allauth).
    "account_confirm_email": lecture(PUBLIC, tous(OK_PUIS_CONNEXION)),
    "account_reset_password_from_key_done": lecture(PUBLIC, PUBLIC_METHODE),
    # décision (allauth) : un lien de réinitialisation valide renvoie (302) vers la page où choisir le mot de
    # passe, sans que la clé reste dans l'adresse.
    "account_reset_password_from_key": lecture(tous(REDIRIGE), tous(REDIRIGE)),
    "account_reset_password_done": lecture(PUBLIC, PUBLIC_METHODE),
    # Double authentification (allauth.mfa), proposée à toute personne connectée.
    "mfa_index": lecture(CONNECTE, CONNECTE_METHODE),
    # décision (allauth) : la saisie du code pendant une connexion ; hors d'une connexion en cours, renvoi.
    "mfa_authenticate": lecture(profil(autres=REDIRIGE, visiteur=CONNEXION), profil(autres=REDIRIGE)),
    # décision (allauth) : redonner son code n'a de sens qu'avec la double authentification ; sans elle, on
    # redonne son mot de passe. Noté dans la session seulement.
    "mfa_reauthenticate": lecture(profil(permis=AVEC_2FA, autres=REDIRIGE), profil(autres=REDIRIGE)),
    # décision (allauth) : qui a déjà son application est renvoyé vers la page qui la désactive.
    "mfa_activate_totp": formulaire(profil(permis=SANS_2FA, autres=REDIRIGE)),
    # décision (allauth) : sans application, rien à désactiver (404). Une personne à qui elle est exigée peut la
    # désactiver : elle lui sera redemandée avant d'instruire, de décider, d'exporter ou d'administrer.
    "mfa_deactivate_totp": formulaire(profil(permis=AVEC_2FA)),
    "mfa_view_recovery_codes": lecture(profil(permis=AVEC_2FA), CONNECTE_METHODE),
    # décision (allauth) : sans application, le formulaire explique que les codes l'accompagnent ; rien n'est
    # créé.
    "mfa_generate_recovery_codes": lecture(CONNECTE, profil(permis=AVEC_2FA, autres=PAGE)),
    # Sans codes de récupération, rien à télécharger (404), quelle que soit la méthode.
    "mfa_download_recovery_codes": lecture(profil(permis=AVEC_2FA), profil(permis=AVEC_2FA, accorde=METHODE)),
    # Connexion par un fournisseur d'identité (ProConnect, OpenID Connect) : désactivée sans OIDC_CLIENT_ID.
    "socialaccount_login_cancelled": lecture(PUBLIC, PUBLIC_METHODE),
    # décision (allauth) : la page d'erreur d'une connexion par un fournisseur répond 401 ; allauth ne la
    # marque pas publique : un visiteur va à la connexion, où il recommence (le bouton n'existe qu'avec
    # ProConnect configuré).
    "socialaccount_login_error": lecture(profil(autres=NON_AUTORISE), CONNECTE_METHODE),
    # décision (allauth) : l'inscription par un fournisseur n'a de sens que pendant une connexion par lui ;
    # hors de celle-ci, renvoi vers la connexion.
    "socialaccount_signup": lecture(tous(CONNEXION), tous(CONNEXION)),
    "socialaccount_connections": lecture(CONNECTE, profil(autres=PAGE)),
    # décision (allauth) : anciennes adresses d'allauth, renvoyées (301) vers les nouvelles ; elles ne sont pas
    # marquées publiques : un visiteur va d'abord se connecter.
    "comptes/social/login/cancelled/": lecture(profil(autres=REDIRIGE)),
    "comptes/social/login/error/": lecture(profil(autres=REDIRIGE)),
    "comptes/social/signup/": lecture(profil(autres=REDIRIGE)),
    "comptes/social/connections/": lecture(profil(autres=REDIRIGE)),
    # décision (allauth) : sans fournisseur configuré, 404 pour tous, en GET comme en POST.
    "openid_connect_login": lecture(tous(INTROUVABLE), tous(INTROUVABLE)),
    "openid_connect_callback": lecture(tous(INTROUVABLE), tous(INTROUVABLE)),
    # --- Comptes, organisations, invitations ----------------------------------------------------------------
    "comptes:mon_espace": lecture(CONNECTE),
    # Les membres d'une organisation voient sa page ; les administrateurs aussi.
    "comptes:organisation": lecture(profil(permis={"agent", "elu", "admin"})),
    # décision : les noms des organisations partenaires (signataires, financeurs possibles) se cherchent une fois
    # connecté·e, pour les formulaires ; ils ne sont pas une liste publique.
    "comptes:autocompletion_organisations": lecture(CONNECTE, CONNECTE_METHODE),
    # Un agent de la collectivité invite ; un élu voit l'organisation mais n'invite personne.
    "comptes:inviter": formulaire(profil(permis={"agent", "admin"}, voient={"elu"})),
    # Le lien d'invitation est public (il crée le compte) ; une personne connectée avec une autre adresse voit
    # la page qui le lui dit, et rien n'est enregistré.
    "comptes:invitation": lecture(PUBLIC, profil(autres=PAGE, visiteur=OK)),
    # Les gestionnaires (agents de la métropole) et les administrateurs gèrent les membres et les invitations ;
    # l'élu voit l'organisation sans la gérer ; ailleurs l'organisation est cachée. La cible est l'élu.
    "comptes:retirer_membre": formulaire(profil(permis={"agent", "admin"}, voient={"elu"})),
    "comptes:changer_role": formulaire(profil(permis={"agent", "admin"}, voient={"elu"})),
    "comptes:annuler_invitation": action(profil(permis={"agent", "admin"}, voient={"elu"})),
    "comptes:renvoyer_invitation": action(profil(permis={"agent", "admin"}, voient={"elu"})),
    # Chaque membre quitte l'organisation, sauf son dernier gestionnaire (409, le message dit quoi faire) ;
    # l'administrateur n'en est pas membre.
    "comptes:quitter": {
        "GET": profil(permis={"agent", "elu"}, accorde=PAGE),
        "POST": profil(permis={"elu"}) | {"agent": CONFLIT},
    },
    "comptes:mon_compte": formulaire(CONNECTE),
    # Ses alertes par e-mail, depuis Mon compte : toute personne connectée, pour elle-même.
    "comptes:alerte": action(CONNECTE),
    # Le lien de désabonnement d'un e-mail d'alerte : sans connexion, le jeton signé suffit (décision : il
    # désabonne la personne du jeton quel que soit le visiteur, comme le bouton du logiciel de messagerie).
    "comptes:desabonnement": lecture(PUBLIC, tous(OK)),
    # Toute personne connectée demande que sa collectivité rejoigne la plateforme (ici Toulouse, absente).
    "comptes:demander_adhesion": formulaire(CONNECTE),
    # décision : les demandes d'adhésion se lisent par les agents de l'État d'un service départemental et les
    # administrateurs ; les autres savent que la page existe (403). Chaque préfecture n'y voit que son territoire.
    "comptes:demandes_adhesion": lecture(
        profil(permis={"etat", "etat_autre_departement", "admin"}, autres=INTERDIT), CONNECTE_METHODE
    ),
    # La demande (commune de Vitré, Ille-et-Vilaine) se décide par la préfecture du département et les
    # administrateurs ; elle est cachée aux autres, préfecture du Finistère comprise (404).
    "comptes:accepter_adhesion": action(profil(permis={"etat", "admin"})),
    "comptes:refuser_adhesion": formulaire(profil(permis={"etat", "admin"})),
    # La pièce justificative : la demandeuse et ceux qui examinent la demande.
    "comptes:piece_adhesion": lecture(profil(permis={"inscrit", "etat", "admin"}, accorde=PAGE), CONNECTE_METHODE),
    # En POST : chaque export écrit une entrée du journal d'audit (hors relevé) ; le fichier est servi (200).
    "comptes:telecharger_donnees": action(profil(permis=CONNECTES, accorde=PAGE)),
    "comptes:telecharger_donnees_csv": action(profil(permis=CONNECTES, accorde=PAGE)),
    "comptes:supprimer_compte": formulaire(CONNECTE),
    "comptes:mentions_legales": lecture(PUBLIC, PUBLIC_METHODE),
    "comptes:donnees_personnelles": lecture(PUBLIC, PUBLIC_METHODE),
    # --- Référentiel territorial : public -------------------------------------------------------------------
    "territoires:recherche": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:autocompletion": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:regions": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:region": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:departement": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:epcis": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:epci": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:communes": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:commune": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:qpvs": lecture(PUBLIC, PUBLIC_METHODE),
    "territoires:qpv": lecture(PUBLIC, PUBLIC_METHODE),
    # --- Annuaire de l'ESS ----------------------------------------------------------------------------------
    "acteurs_ess:annuaire": lecture(PUBLIC, PUBLIC_METHODE),
    "acteurs_ess:exporter_csv": lecture(PUBLIC, PUBLIC_METHODE),
    "acteurs_ess:exporter_xlsx": lecture(PUBLIC, PUBLIC_METHODE),
    "acteurs_ess:structure": lecture(PUBLIC, PUBLIC_METHODE),
    "acteurs_ess:collectifs": lecture(PUBLIC, PUBLIC_METHODE),
    # Les suggestions des formulaires : des noms de l'annuaire, public.
    "acteurs_ess:autocompletion_structures": lecture(PUBLIC, PUBLIC_METHODE),
    "acteurs_ess:autocompletion_collectifs": lecture(PUBLIC, PUBLIC_METHODE),
    "acteurs_ess:collectif": lecture(PUBLIC, PUBLIC_METHODE),
    # Toute personne connectée inscrit une structure (elle en devient le premier membre).
    "acteurs_ess:inscrire": formulaire(CONNECTE),
    # La fiche est publique : qui n'en est pas membre la voit sans la modifier.
    "acteurs_ess:modifier": formulaire(profil(permis={"structure", "admin"}, voient=CONNECTES)),
    # Toute personne connectée demande à rejoindre une structure ; un membre, ou qui a déjà une demande en
    # attente, est renvoyé vers la fiche avec un message, sans nouvelle demande.
    "acteurs_ess:rejoindre": lecture(
        CONNECTE, profil(permis=CONNECTES - {"structure", "inscrit"}, voient=set(), autres=REDIRIGE)
    ),
    # Marquer vérifiée : un agent d'une collectivité dont le territoire contient la commune du siège (Rennes :
    # la métropole), un administrateur ; pas un agent d'un autre EPCI, même du département.
    "acteurs_ess:verifier": action(profil(permis={"agent", "admin"}, voient=CONNECTES)),
    # Le RIB des Ateliers : ses membres le proposent ; les administrateurs voient la page, l'IBAN masqué ; ceux
    # qui peuvent le valider (un agent du territoire ou d'un financeur sollicité par un dossier déposé des
    # Ateliers : la métropole, l'État, le bailleur) le lisent en entier et le valident ; jamais un membre de la
    # structure. Les autres (même agents, État ou partenaires ailleurs) ne voient pas la page.
    "acteurs_ess:rib": lecture(
        profil(permis=VOIENT_RIB, accorde=PAGE), profil(permis={"structure"}, voient=VOIENT_RIB - {"structure"})
    ),
    "acteurs_ess:document_rib": lecture(profil(permis=LECTEURS_RIB, voient=VOIENT_RIB - LECTEURS_RIB)),
    "acteurs_ess:valider_rib": action(profil(permis=VALIDEURS_RIB, voient=VOIENT_RIB - VALIDEURS_RIB)),
    # Le coffre des documents des Ateliers : ses seuls membres le voient et le gèrent (pas les administrateurs,
    # qui ne parlent pas pour la structure, comme pour le RIB). Ses statuts sont joints au dossier en
    # instruction : ses lecteurs les téléchargent et voient qu'ils existent, sans les gérer (403) ; ils ne se
    # suppriment plus (400 : le message propose de les remplacer ou de les archiver).
    "acteurs_ess:documents": lecture(profil(permis={"structure"}, accorde=PAGE), CONNECTE_METHODE),
    "acteurs_ess:ajouter_document": formulaire(profil(permis={"structure"})),
    "acteurs_ess:document_structure": lecture(profil(permis=LECTEURS_DOSSIER, accorde=PAGE), CONNECTE_METHODE),
    "acteurs_ess:remplacer_document": formulaire(profil(permis={"structure"}, voient=LECTEURS_DOSSIER - {"structure"})),
    "acteurs_ess:archiver_document": action(profil(permis={"structure"}, voient=LECTEURS_DOSSIER - {"structure"})),
    "acteurs_ess:supprimer_document": {
        "GET": profil(permis={"structure"}, voient=LECTEURS_DOSSIER - {"structure"}, accorde=PAGE),
        "POST": profil(permis={"structure"}, voient=LECTEURS_DOSSIER - {"structure"}, accorde=SAISIE_REFUSEE),
    },
    "acteurs_ess:rattachements": lecture(CONNECTE),
    # La demande de l'inscrit à rejoindre les Ateliers : un membre, un agent du territoire ou un administrateur
    # la décide ; son auteur la voit sans la décider ; les autres ne la voient pas.
    "acteurs_ess:decider": action(profil(permis={"structure", "agent", "admin"}, voient={"inscrit"})),
    # décision : créer un collectif est ouvert aux membres de structures et aux agents des collectivités
    # (README), pas aux administrateurs, qui n'animent rien (ils gèrent les collectifs existants : modération).
    "acteurs_ess:nouveau_collectif": formulaire(profil(permis=MEMBRES_DE_STRUCTURE | AGENTS, voient=CONNECTES)),
    # La page d'un collectif est publique : ses animateurs (les Ateliers) et les administrateurs en gèrent les
    # membres ; les autres la voient sans la gérer.
    "acteurs_ess:gerer_collectif": formulaire(profil(permis={"structure", "admin"}, voient=CONNECTES)),
    "acteurs_ess:retirer_membre": action(profil(permis={"structure", "admin"}, voient=CONNECTES)),
    # Corriger, dissoudre, supprimer le collectif : ses animateurs (les Ateliers) et les administrateurs. Il a
    # un membre (la métropole) : il se dissout, il ne se supprime pas (409, la page le dit).
    "acteurs_ess:modifier_collectif": formulaire(profil(permis={"structure", "admin"}, voient=CONNECTES)),
    "acteurs_ess:dissoudre_collectif": formulaire(profil(permis={"structure", "admin"}, voient=CONNECTES)),
    "acteurs_ess:supprimer_collectif": {
        "GET": profil(permis={"structure", "admin"}, voient=CONNECTES, accorde=PAGE),
        "POST": profil(permis={"structure", "admin"}, voient=CONNECTES, accorde=CONFLIT),
    },
    # La cessation d'activité des Ateliers : ses membres et les administrateurs ; l'annuler quand elle n'a pas
    # cessé ne change rien (message sur la fiche).
    "acteurs_ess:cesser_activite": formulaire(profil(permis={"structure", "admin"}, voient=CONNECTES)),
    "acteurs_ess:reprendre_activite": action(profil(permis={"structure", "admin"}, voient=CONNECTES, accorde=REDIRIGE)),
    # L'invitation du collectif à Villejean Solidaire : seuls ceux qui gèrent Villejean y répondent.
    "acteurs_ess:repondre_invitation": action(profil(permis={"co_porteur"})),
    # Import de structures : les agents des collectivités et les administrateurs ; l'aperçu n'écrit rien.
    "acteurs_ess:importer": {
        "GET": formulaire(profil(permis=AGENTS | {"admin"}, voient=CONNECTES))["GET"],
        "POST": profil(permis=AGENTS | {"admin"}, voient=CONNECTES, accorde=PAGE),
    },
    "acteurs_ess:confirmer_import": action(profil(permis=AGENTS | {"admin"}, voient=CONNECTES)),
    # Les imports lancés : chaque agent voit les siens (la liste d'un autre agent est vide), l'administrateur tous.
    "acteurs_ess:imports": lecture(profil(permis=AGENTS | {"admin"}, voient=CONNECTES, accorde=PAGE), CONNECTE_METHODE),
    # Le suivi d'un import : à qui l'a lancé et aux administrateurs ; caché aux autres agents (404) ; qui n'importe
    # pas se voit refuser l'import comme la page d'import (403).
    "acteurs_ess:suivi_import": lecture(
        profil(permis={"agent", "admin"}, voient=CONNECTES - AGENTS, accorde=PAGE), CONNECTE_METHODE
    ),
    # --- Contrats de ville ----------------------------------------------------------------------------------
    "contrats:liste": lecture(PUBLIC),
    # La fiche d'identité d'un contrat est publique (liste nationale) ; son texte, pour ses lecteurs.
    "contrats:contrat": lecture(PUBLIC),
    "contrats:contrat@signe": lecture(PUBLIC),
    # Les exports ont les droits des pages qu'ils exportent : la liste nationale (publique) ; les contributions
    # pour les associés ; les signataires et engagements pour qui lit le contrat.
    "contrats:export_csv": lecture(PUBLIC, PUBLIC_METHODE),
    "contrats:export_xlsx": lecture(PUBLIC, PUBLIC_METHODE),
    "contrats:contributions_csv": lecture(profil(permis=ASSOCIES_CONTRAT), CONNECTE_METHODE),
    "contrats:contributions_xlsx": lecture(profil(permis=ASSOCIES_CONTRAT), CONNECTE_METHODE),
    "contrats:signataires_csv": lecture(LECTEUR_CONTRAT, PUBLIC_METHODE),
    "contrats:signataires_xlsx": lecture(LECTEUR_CONTRAT, PUBLIC_METHODE),
    "contrats:signataires_csv@signe": lecture(PUBLIC, PUBLIC_METHODE),
    "contrats:signataires_xlsx@signe": lecture(PUBLIC, PUBLIC_METHODE),
    "contrats:transition": action(EDITEUR_CONTRAT),
    # Les PDF sont rendus par les workers : la première demande de qui peut les lire répond « PDF en préparation ».
    "contrats:contrat_pdf": lecture(PDF_ASSOCIE_CONTRAT),
    "contrats:contrat_pdf@signe": lecture(tous(EN_PREPARATION)),
    "contrats:synthese_pdf": lecture(PDF_ASSOCIE_CONTRAT),
    "contrats:synthese_pdf@signe": lecture(tous(EN_PREPARATION)),
    "contrats:nouvelle_section": formulaire(EDITEUR_CONTRAT),
    "contrats:section": lecture(LECTEUR_CONTRAT),
    "contrats:section@signe": lecture(PUBLIC),
    "contrats:modifier_section": formulaire(EDITEUR_CONTRAT),
    "contrats:modifier_section@signe": formulaire(CONTRAT_SIGNE_FIGE),
    # décision : l'historique d'un contrat en rédaction est un document de travail de ses associés (les
    # publics de la concertation lisent le texte soumis, pas ses versions) ; public une fois le contrat signé.
    "contrats:historique": lecture(ASSOCIE_CONTRAT),
    "contrats:nouvel_avenant": formulaire(AVENANT_CONTRAT),
    # décision : un avenant en préparation (et son formulaire de section) est caché à qui n'est pas associé au
    # contrat, visiteur compris (404), comme un contrat en rédaction.
    "contrats:avenant": lecture(LECTURE_AVENANT_EN_PREPARATION, AVENANT_EN_PREPARATION | {"visiteur": INTROUVABLE}),
    "contrats:avenant@adopte": lecture(PUBLIC),
    "contrats:adopter_avenant": action(AVENANT_EN_PREPARATION),
    "contrats:retirer_modification_avenant": action(AVENANT_EN_PREPARATION),
    # Les dispositifs nationaux : les agents de la collectivité porteuse, quel que soit l'état du contrat.
    "contrats:dispositifs": formulaire(EDITEUR_CONTRAT),
    "contrats:historique@signe": lecture(PUBLIC),
    "contrats:version": lecture(ASSOCIE_CONTRAT),
    "contrats:version@signe": lecture(PUBLIC),
    "contrats:comparer": lecture(ASSOCIE_CONTRAT),
    "contrats:restaurer": action(EDITEUR_CONTRAT),
    "contrats:nouvelle_orientation": formulaire(EDITEUR_CONTRAT),
    # La section « Emploi et insertion » porte une contribution retenue : elle ne se supprime pas (409) ;
    # l'orientation « Emploi des jeunes » est la priorité d'appels et de dossiers : non plus.
    "contrats:renommer_section": formulaire(EDITEUR_CONTRAT),
    "contrats:deplacer_section": action(EDITEUR_CONTRAT),
    "contrats:supprimer_section": formulaire(EDITEUR_CONTRAT | {"agent": CONFLIT}) | {"GET": EDITEUR_CONTRAT_PAGE},
    "contrats:sections_supprimees": formulaire(EDITEUR_CONTRAT),
    "contrats:modifier_orientation": formulaire(EDITEUR_CONTRAT),
    "contrats:supprimer_orientation": formulaire(EDITEUR_CONTRAT | {"agent": CONFLIT}) | {"GET": EDITEUR_CONTRAT_PAGE},
    "contrats:nouvelle_concertation": formulaire(EDITEUR_CONTRAT),
    # La concertation : ses publics la lisent et y contribuent ; l'élu et l'administrateur la lisent sans
    # contribuer (ils ne sont d'aucun public).
    "contrats:concertation": {"GET": profil(permis=LECTEURS_CONTRAT), "POST": CONTRIBUTEUR},
    "contrats:clore_concertation": formulaire(EDITEUR_CONTRAT),
    "contrats:dates_concertation": formulaire(EDITEUR_CONTRAT),
    # Les contributions pas encore répondues : les associés seulement ; pour les publics de la concertation,
    # une page qu'ils ne peuvent pas voir (404), les réponses sont sur la page publique.
    "contrats:contributions": lecture(profil(permis=ASSOCIES_CONTRAT)),
    "contrats:analyser": action(EDITEUR_CONTRAT),
    "contrats:repondre": formulaire(EDITEUR_CONTRAT),
    "contrats:masquer": formulaire(MODERATEUR_CONTRAT),
    # Chacun·e lit ses contributions ; seul·e l'auteur·e (ici l'habitant·e) modifie ou retire la sienne encore
    # « déposée » ; pour toute autre personne elle n'existe pas.
    "contrats:mes_contributions": lecture(CONNECTE),
    "contrats:modifier_contribution": formulaire(profil(permis={"habitant"})),
    "contrats:retirer_contribution": formulaire(profil(permis={"habitant"})),
    "contrats:contributions_publiques": lecture(PUBLIC),
    "contrats:nouveau_signataire": formulaire(EDITEUR_CONTRAT),
    # Les agents d'une collectivité que le contrat concerne l'ajoutent aux signataires : ici Rennes Métropole,
    # porteuse mais pas encore signataire ; qui voit le contrat sans en être agent : 403.
    "contrats:rattacher_collectivite": action(EDITEUR_CONTRAT),
    # Les agents d'une collectivité signataire la retirent ; la cible est la préfecture, qu'aucun agent de
    # collectivité ne peut retirer (sa suppression passe par la collectivité porteuse) : 403 à qui voit le contrat.
    "contrats:detacher_collectivite": formulaire(profil(voient=LECTEURS_CONTRAT)),
    "contrats:nouvel_engagement": formulaire(EDITEUR_CONTRAT),
    "contrats:nouvelle_instance": formulaire(EDITEUR_CONTRAT),
    "contrats:nouvelle_reunion": formulaire(EDITEUR_CONTRAT),
    # Corriger la gouvernance : la collectivité porteuse. L'État a décidé sur un appel du contrat : il ne peut
    # pas être retiré des signataires (409, la raison est dite) ; le comité de pilotage s'est réuni : il ne se
    # supprime pas (409) ; sa réunion, si.
    "contrats:modifier_signataire": formulaire(EDITEUR_CONTRAT),
    "contrats:supprimer_signataire": formulaire(EDITEUR_CONTRAT | {"agent": CONFLIT}) | {"GET": EDITEUR_CONTRAT_PAGE},
    "contrats:modifier_engagement": formulaire(EDITEUR_CONTRAT),
    "contrats:supprimer_engagement": formulaire(EDITEUR_CONTRAT),
    "contrats:modifier_instance": formulaire(EDITEUR_CONTRAT),
    "contrats:supprimer_instance": formulaire(EDITEUR_CONTRAT | {"agent": CONFLIT}) | {"GET": EDITEUR_CONTRAT_PAGE},
    "contrats:modifier_reunion": formulaire(EDITEUR_CONTRAT),
    "contrats:supprimer_reunion": formulaire(EDITEUR_CONTRAT),
    "contrats:renseigner_ess@consultation": formulaire(EDITEUR_CONTRAT),
    "contrats:renseigner_ess@dynamique": formulaire(EDITEUR_CONTRAT),
    "contrats:renseigner_ess@structure": formulaire(EDITEUR_CONTRAT),
    # --- Appels à projets et dossiers -----------------------------------------------------------------------
    # Les appels publiés d'un contrat et ses projets financés : publics.
    "financements:appels": lecture(PUBLIC, PUBLIC_METHODE),
    "financements:nouvel_appel": formulaire(EDITEUR_CONTRAT),
    "financements:appel": lecture(PUBLIC, PUBLIC_METHODE),
    # Un appel pas encore publié : seuls les agents de la collectivité porteuse le voient (décision : pas les
    # administrateurs, c'est un brouillon de la collectivité, rien à modérer).
    "financements:appel@en_preparation": lecture(profil(permis={"agent"}, visiteur=INTROUVABLE)),
    "financements:publier_appel": action(profil(permis={"agent"})),
    # Modifier, prolonger, clore avant terme un appel publié : la collectivité porteuse ; qui le voit (tout
    # connecté, l'appel est public) reçoit 403.
    "financements:modifier_appel": formulaire(profil(permis={"agent"}, voient=CONNECTES)),
    "financements:prolonger_appel": formulaire(profil(permis={"agent"}, voient=CONNECTES)),
    "financements:clore_appel": formulaire(profil(permis={"agent"}, voient=CONNECTES)),
    # La liste nationale des appels ouverts : publique.
    "financements:appels_ouverts": lecture(PUBLIC, PUBLIC_METHODE),
    # Le comité de programmation d'un appel publié (lecture seule, export CSV) : la collectivité porteuse et les
    # financeurs de l'appel. Décision : ni les administrateurs ni les autres financeurs (403 : l'appel est public).
    "financements:comite_programmation": lecture(profil(permis=INSTRUCTEURS, voient=CONNECTES), CONNECTE_METHODE),
    "financements:comite_csv": lecture(profil(permis=INSTRUCTEURS, voient=CONNECTES), CONNECTE_METHODE),
    # Répondre à un appel publié : un membre d'une structure de l'annuaire.
    "financements:nouveau_dossier": formulaire(profil(permis=MEMBRES_DE_STRUCTURE, voient=CONNECTES)),
    "financements:dossier": lecture(LECTEUR_DOSSIER, CONNECTE_METHODE),
    "financements:pdf_dossier": lecture(profil(permis=LECTEURS_DOSSIER, accorde=EN_PREPARATION)),
    "financements:piece": lecture(LECTEUR_DOSSIER),
    "financements:modifier_dossier": formulaire(PORTEUR_BROUILLON),
    # Un dossier en instruction ne se modifie plus (sauf correction demandée) : qui le voit reçoit 403 ; décision :
    # le porteur qui enregistre reçoit 409 (l'état a changé depuis l'ouverture du formulaire), sa saisie gardée.
    "financements:modifier_dossier@en_instruction": {
        "GET": profil(voient=LECTEURS_DOSSIER),
        "POST": profil(voient=LECTEURS_DOSSIER) | {"structure": CONFLIT},
    },
    "financements:budget_dossier": formulaire(PORTEUR_BROUILLON),
    "financements:pieces_dossier": formulaire(PORTEUR_BROUILLON),
    "financements:retirer_piece": action(PORTEUR_BROUILLON),
    "financements:joindre_document": action(PORTEUR_BROUILLON),
    "financements:co_porteurs_dossier": formulaire(PORTEUR_BROUILLON),
    "financements:retirer_co_porteur": action(PORTEUR_BROUILLON),
    "financements:deposer_dossier": action(PORTEUR_BROUILLON),
    # Le porteur supprime son brouillon, ou retire son dossier déposé ; ses lecteurs le voient sans le faire.
    "financements:supprimer_brouillon": formulaire(PORTEUR_BROUILLON),
    "financements:retirer_dossier": formulaire(profil(permis={"structure"}, voient=LECTEURS_DOSSIER)),
    # Renouveler un dossier décidé pour un autre appel ouvert : la structure porteuse ; ses lecteurs le voient.
    "financements:renouveler_dossier": formulaire(profil(permis={"structure"}, voient=LECTEURS_DOSSIER)),
    # Le co-porteur invité confirme sa participation ; la structure porteuse voit le dossier sans le pouvoir.
    "financements:confirmer_co_portage": action(profil(permis={"co_porteur"}, voient={"structure"})),
    # Après la décision, les instructeurs font commencer l'action (« conventionné » suit les conventions).
    "financements:transition_dossier": action(INSTRUCTEUR),
    # Depuis un dossier décidé, les agents de ses financeurs préparent la convention commune à ceux qui n'en ont
    # pas (ici le bailleur, dont le projet de convention de l'action en cours est résilié).
    "financements:preparer_convention": action(INSTRUCTEUR),
    # Le compte-rendu financier d'une action en cours : la structure porteuse.
    "financements:bilan_dossier": action(profil(permis={"structure"}, voient=LECTEURS_DOSSIER)),
    "financements:prendre_dossier": action(INSTRUCTEUR),
    "financements:correction_dossier": action(INSTRUCTEUR),
    "financements:note_dossier": action(INSTRUCTEUR),
    "financements:avis_dossier": action(INSTRUCTEUR),
    # Chaque financeur sollicité décide de sa part : ici la métropole, l'État et le bailleur.
    "financements:decision_dossier": action(INSTRUCTEUR),
    # Une fois le dossier décidé, chaque financeur revoit sa décision avant la convention : la métropole (projet)
    # et le bailleur (convention envoyée, qui revient en projet) ; l'État, dont la convention est signée, voit
    # sa saisie refusée sur la page (400 : il faut un avenant).
    "financements:revision_decision": action(
        profil(permis={"agent", "partenaire"}, voient=LECTEURS_DOSSIER) | {"etat": SAISIE_REFUSEE}
    ),
    # Le fil d'échanges : porteurs et instructeurs ; l'administrateur lit le dossier sans y écrire.
    "financements:message_dossier": action(profil(permis=PORTEURS_DOSSIER | INSTRUCTEURS, voient={"admin"})),
    # décision : le tableau d'instruction est ouvert à qui instruit ou finance (même sans dossier : il est
    # vide) ; pas aux administrateurs, qui n'instruisent pas (ils lisent les dossiers par leur page).
    "financements:tableau_instruction": lecture(
        profil(permis=INSTRUCTEURS_DE_METIER, voient=CONNECTES), CONNECTE_METHODE
    ),
    "financements:export_csv": lecture(profil(permis=INSTRUCTEURS_DE_METIER, voient=CONNECTES), CONNECTE_METHODE),
    "financements:export_xlsx": lecture(profil(permis=INSTRUCTEURS_DE_METIER, voient=CONNECTES), CONNECTE_METHODE),
    # Les subventions accordées au format SCDL : données ouvertes.
    "financements:scdl": lecture(PUBLIC, PUBLIC_METHODE),
    # --- Conventions : leurs parties seules (la structure, les agents des financeurs parties), et les
    # administrateurs en lecture. décision : un financeur du même dossier qui n'est pas partie à une convention
    # ne la voit pas (ni ses montants), pas même la collectivité porteuse du contrat : 404.
    # La liste « Conventions » est celle de toute personne connectée (vide hors des parties).
    "financements:conventions": lecture(CONNECTE, CONNECTE_METHODE),
    # Le tableau de bord des conventions d'un financeur : comme le tableau d'instruction, à qui instruit ou
    # finance (même sans convention : il est vide) ; jamais les versements d'un autre financeur.
    "financements:tableau_conventions": lecture(
        profil(permis=INSTRUCTEURS_DE_METIER, voient=CONNECTES), CONNECTE_METHODE
    ),
    # Le tableau de l'État (programme 147, part aux associations par des CPO) : les agents de l'État, chacun
    # pour les contrats de son département ou qu'il signe. décision : une page sans objet caché, donc 403 pour
    # les autres personnes connectées, administrateurs compris.
    "financements:tableau_etat": lecture(
        profil(permis={"etat", "etat_autre_departement"}, voient=CONNECTES), CONNECTE_METHODE
    ),
    # La convention de la métropole, en projet.
    "financements:convention": lecture(profil(permis={"agent", "structure", "admin"}), CONNECTE_METHODE),
    "financements:modifier_convention": formulaire(profil(permis={"agent"}, voient={"structure", "admin"})),
    "financements:etat_convention": action(profil(permis={"agent"}, voient={"structure", "admin"})),
    # La convention du bailleur, envoyée : la structure signe d'abord ; le bailleur attend son tour (403).
    "financements:signer_convention": formulaire(profil(permis={"structure"}, voient={"partenaire", "admin"})),
    # La convention de l'État en vigueur : l'État, partie, prépare la suivante.
    "financements:renouveler_convention": action(profil(permis={"etat"}, voient={"structure", "admin"})),
    # Le PDF de la convention de la métropole (en projet) : ses parties, rendu par un worker (202 d'abord).
    "financements:pdf_convention": lecture(profil(permis={"agent", "structure", "admin"}, accorde=EN_PREPARATION)),
    # Un agent de la métropole, partie, y ajoute le bailleur qui a décidé sur l'action ; la structure et
    # l'administrateur la voient sans pouvoir la préparer.
    "financements:ajouter_financeur_convention": action(profil(permis={"agent"}, voient={"structure", "admin"})),
    # Les avenants aux conventions de l'État en vigueur : l'État les prépare ; chaque partie signe (la
    # structure d'abord : l'État attend son tour, 403) ; les parties lisent l'avenant, son PDF et les PDF signés.
    "financements:nouvel_avenant": formulaire(profil(permis={"etat"}, voient={"structure", "admin"})),
    "financements:avenant": lecture(profil(permis={"etat", "structure", "admin"}), CONNECTE_METHODE),
    "financements:signer_avenant": formulaire(profil(permis={"structure"}, voient={"etat", "admin"})),
    "financements:pdf_avenant": lecture(profil(permis={"etat", "structure", "admin"}, accorde=EN_PREPARATION)),
    "financements:pdf_signe_avenant": lecture(profil(permis={"etat", "structure", "admin"}), CONNECTE_METHODE),
    # Le PDF signé de la convention de l'État : ses parties.
    "financements:pdf_signe_convention": lecture(profil(permis={"etat", "structure", "admin"}), CONNECTE_METHODE),
    # --- Comptes-rendus financiers annuels : une CPO en vigueur entre les Ateliers, l'État et le bailleur (la
    # métropole n'y est pas partie : 404). Déposé, le compte-rendu se lit par les parties et les administrateurs.
    "financements:compte_rendu": lecture(profil(permis={"etat", "partenaire", "structure", "admin"}), CONNECTE_METHODE),
    # Seuls les membres de la structure le préparent ; les autres parties voient la convention (403).
    "financements:preparer_compte_rendu": formulaire(
        profil(permis={"structure"}, voient={"etat", "partenaire", "admin"})
    ),
    # Chaque financeur partie donne son avis pour lui-même ; la structure et les administrateurs le lisent (403).
    "financements:avis_compte_rendu": action(profil(permis={"etat", "partenaire"}, voient={"structure", "admin"})),
    "financements:pdf_compte_rendu": lecture(
        profil(permis={"etat", "partenaire", "structure", "admin"}, accorde=EN_PREPARATION), CONNECTE_METHODE
    ),
    # --- Versements : ceux de la préfecture sur la convention de l'État en vigueur (le dossier en cours, collectif).
    # Seuls ses agents les gèrent ; la structure (les siens) et les administrateurs les voient sans agir (403) ;
    # tout autre, même un financeur du même dossier, n'en sait rien (404). L'échéancier type se génère sur la
    # convention de l'État du dossier décidé, signée de toutes les parties.
    "financements:generer_echeancier": action(PAYEUR_ETAT),
    "financements:nouveau_versement": formulaire(PAYEUR_ETAT),
    "financements:modifier_versement": formulaire(PAYEUR_ETAT),
    "financements:supprimer_versement": action(PAYEUR_ETAT),
    "financements:mandater_versement": formulaire(PAYEUR_ETAT),
    "financements:payer_versement": formulaire(PAYEUR_ETAT),
    "financements:annuler_versement": formulaire(PAYEUR_ETAT),
    "financements:nouveau_reversement": formulaire(PAYEUR_ETAT),
    "financements:suivre_reversement": formulaire(PAYEUR_ETAT),
    "financements:parts_beneficiaires": formulaire(PAYEUR_ETAT),
    # --- Évaluation : indicateurs et valeurs ----------------------------------------------------------------
    # Le catalogue, un indicateur national, les lignes de base officielles (et leur CSV) : publics.
    "evaluation:catalogue": lecture(PUBLIC, PUBLIC_METHODE),
    "evaluation:indicateur": lecture(PUBLIC, PUBLIC_METHODE),
    "evaluation:lignes_de_base_csv": lecture(PUBLIC, PUBLIC_METHODE),
    # La synthèse d'un QPV pour les élus : publique (données publiques seulement), pas encore rendue.
    "evaluation:synthese_qpv": lecture(tous(EN_PREPARATION), PUBLIC_METHODE),
    "evaluation:valeur@officielle": lecture(PUBLIC, PUBLIC_METHODE),
    # Un indicateur local du contrat en concertation : comme le contrat, ses lecteurs ; caché aux autres.
    "evaluation:indicateur@local": lecture(
        profil(permis=LECTEURS_CONTRAT, visiteur=INTROUVABLE, accorde=PAGE), PUBLIC_METHODE
    ),
    # décision : les valeurs saisies pour un contrat sont lues par ses associés tant qu'aucun bilan publié ne
    # les expose ; les publics d'une concertation ne les voient pas (404), comme les contributions en cours.
    "evaluation:contrat": lecture(profil(permis=ASSOCIES_CONTRAT), CONNECTE_METHODE),
    "evaluation:valeurs_csv": lecture(profil(permis=ASSOCIES_CONTRAT), CONNECTE_METHODE),
    # Le tableau de bord : qui lit le contrat (ses associés y voient toutes les valeurs, les autres les valeurs
    # publiques : lignes de base officielles, valeurs exposées par un bilan publié) ; celui d'un contrat signé est
    # public.
    "evaluation:tableau": lecture(LECTEUR_CONTRAT, PUBLIC_METHODE),
    "evaluation:tableau@signe": lecture(PUBLIC, PUBLIC_METHODE),
    "evaluation:valeur": lecture(profil(permis=ASSOCIES_CONTRAT, visiteur=INTROUVABLE), PUBLIC_METHODE),
    # Une valeur qu'un bilan publié expose (son année est couverte) : publique, comme une ligne de base officielle.
    "evaluation:valeur@publique": lecture(PUBLIC, PUBLIC_METHODE),
    # Saisir, corriger, tenir les indicateurs locaux, relier les comptes-rendus : les agents des signataires
    # (collectivité porteuse, État, bailleur) ; les élus et les administrateurs lisent sans saisir (403).
    "evaluation:nouvel_indicateur": formulaire(profil(permis=SAISISSEURS_VALEURS, voient=ASSOCIES_CONTRAT)),
    "evaluation:nouvelle_valeur": formulaire(profil(permis=SAISISSEURS_VALEURS, voient=ASSOCIES_CONTRAT)),
    "evaluation:corriger": formulaire(profil(permis=SAISISSEURS_VALEURS, voient=ASSOCIES_CONTRAT)),
    "evaluation:relier": action(profil(permis=SAISISSEURS_VALEURS, voient=ASSOCIES_CONTRAT)),
    "evaluation:modifier_indicateur": formulaire(profil(permis=SAISISSEURS_VALEURS, voient=LECTEURS_CONTRAT)),
    # Un indicateur national est tenu par l'import officiel : personne ne le modifie en ligne.
    "evaluation:modifier_indicateur@national": formulaire(profil(voient=CONNECTES)),
    # Une ligne de base officielle du QPV Maurepas, couvert par le contrat : ses saisisseurs la corrigent
    # (nouvelle version) ; la valeur est publique, les autres personnes connectées la voient (403).
    "evaluation:corriger@officielle": formulaire(profil(permis=SAISISSEURS_VALEURS, voient=CONNECTES)),
    # --- Évaluation : bilans du contrat en concertation -------------------------------------------------------
    # La liste : publique dès que le contrat a un bilan publié, même avant sa signature (les brouillons n'y
    # figurent que pour qui les lit). Un brouillon se lit
    # par les associés du contrat et par les membres du conseil citoyen associé au bilan (l'habitant·e de
    # Maurepas), qui y écrit son avis ; un bilan publié est public, avec ses données ouvertes (CSV) et le compte
    # rendu de son comité de pilotage ; un bilan non publié n'a pas de CSV (404 pour tous).
    "evaluation:bilans": lecture(PUBLIC, PUBLIC_METHODE),
    "evaluation:bilan": lecture(profil(permis=LECTEURS_BILAN, visiteur=INTROUVABLE, accorde=PAGE), PUBLIC_METHODE),
    "evaluation:bilan@publie": lecture(PUBLIC, PUBLIC_METHODE),
    "evaluation:pdf_bilan": lecture(
        profil(permis=LECTEURS_BILAN, visiteur=INTROUVABLE, accorde=EN_PREPARATION), PUBLIC_METHODE
    ),
    "evaluation:valeurs_bilan_csv": lecture(PUBLIC, PUBLIC_METHODE),
    "evaluation:valeurs_bilan_csv@brouillon": lecture(tous(INTROUVABLE), PUBLIC_METHODE),
    "evaluation:compte_rendu_copil": lecture(PUBLIC, PUBLIC_METHODE),
    # Préparer (créer, écrire, faire avancer) : les agents de la collectivité porteuse ; les autres lecteurs du
    # bilan (ou, pour en créer un, du contrat) le voient sans agir (403).
    "evaluation:nouveau_bilan": formulaire(profil(permis={"agent"}, voient=LECTEURS_CONTRAT)),
    "evaluation:textes_bilan": formulaire(profil(permis={"agent"}, voient=LECTEURS_BILAN)),
    "evaluation:soumettre_bilan": action(profil(permis={"agent"}, voient=LECTEURS_BILAN)),
    "evaluation:reprendre_bilan": action(profil(permis={"agent"}, voient=LECTEURS_BILAN)),
    "evaluation:valider_bilan": formulaire(profil(permis={"agent"}, voient=LECTEURS_BILAN)),
    "evaluation:publier_bilan": action(profil(permis={"agent"}, voient=LECTEURS_BILAN)),
    # Les partenaires signataires (la préfecture, le bailleur) commentent un bilan soumis ; décision : la
    # collectivité porteuse, qui le prépare, n'est pas signataire ici et ne commente pas son propre bilan.
    "evaluation:commenter_bilan": action(profil(permis={"etat", "partenaire"}, voient=LECTEURS_BILAN)),
    # L'avis du conseil citoyen : ses membres seulement.
    "evaluation:avis_bilan": formulaire(profil(permis={"habitant"}, voient=ASSOCIES_CONTRAT)),
    # --- Administration Django : les administrateurs, avec la double authentification -----------------------
    # L'accueil de l'administration est marqué public par Django : le visiteur passe par la connexion de
    # l'administration, qui le renvoie à celle de Coville.
    "admin:index": lecture(profil(permis={"admin"}, autres=CONNEXION_ADMIN, visiteur=CONNEXION_ADMIN)),
    # La connexion de l'administration passe par celle de Coville (second facteur) ; une personne connectée qui
    # n'administre pas est refusée.
    "admin:login": lecture(
        profil(voient=CONNECTES - {"admin"}, permis={"admin"}, accorde=REDIRIGE),
        profil(voient=CONNECTES - {"admin"}, permis={"admin"}),
    ),
    "admin:comptes_entreeaudit_changelist": lecture(ADMINISTRATION),
    # Le journal d'audit se lit ; personne, pas même un superutilisateur, n'y ajoute, n'en corrige ni n'en
    # efface une entrée.
    "admin:comptes_entreeaudit_change": lecture(ADMINISTRATION, REFUS_ADMINISTRATION),
    "admin:comptes_entreeaudit_add": lecture(REFUS_ADMINISTRATION, REFUS_ADMINISTRATION),
    "admin:comptes_entreeaudit_delete": lecture(REFUS_ADMINISTRATION, REFUS_ADMINISTRATION),
    "admin:comptes_organisation_changelist": lecture(ADMINISTRATION),
}


def nom_de_l_adresse(cle: str) -> str:
    """Le nom de l'adresse dans la configuration (sans le `@cas`)."""
    return cle.split("@", 1)[0]
