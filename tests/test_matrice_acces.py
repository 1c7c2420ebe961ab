"""La matrice des accès : chaque adresse de la configuration, visitée en GET (et en POST, avec un contenu
valide, là où l'adresse le reçoit ou le refuse) par chaque acteur, reçoit la réponse que donne la table des rôles
(`tests/matrice/roles.py`, écrite d'après ARCHITECTURE.md). Un POST refusé ne change aucune ligne des tables du
domaine. Les écarts sont rapportés ensemble, en un tableau : adresse, méthode, acteur, attendu, obtenu.

Le monde (`tests/matrice/monde.py`) est construit une fois pour le module ; chaque visite se fait dans un point de
sauvegarde annulé ensuite, si bien qu'une action permise ne déborde pas sur la visite suivante.
"""

import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrice.monde import ADRESSES, DONNEES, PREPARATIONS, Monde, construire
from tests.matrice.roles import (
    ACTEURS,
    CONNEXION,
    CONNEXION_ADMIN,
    MATRICE,
    OK,
    OK_PUIS_CONNEXION,
    PAGE,
    PREFIXE_ADMINISTRATION,
    REDIRIGE,
    Attendu,
    nom_de_l_adresse,
)

pytestmark = pytest.mark.django_db

# Les tables dont un POST refusé ne doit changer aucune ligne : celles des modèles de nos applications et des
# comptes d'allauth (adresses, double authentification, comptes de fournisseurs). Hors du relevé : le journal
# d'audit (il enregistre aussi des lectures), les sessions et le cache.
APPLICATIONS_DU_DOMAINE = {
    "comptes",
    "territoires",
    "acteurs_ess",
    "contrats",
    "financements",
    "evaluation",
    "account",
    "mfa",
    "socialaccount",
}
TABLES_HORS_RELEVE = {"comptes_entreeaudit"}
# La tenue de compte d'allauth sur les authentificateurs : quand un code a servi pour la dernière fois, quand
# les codes de récupération ont été montrés (allauth le note dès qu'on appelle leur page, même en POST refusé).
LIGNES_RELEVEES = {"mfa_authenticator": "(t.id, t.user_id, t.type, t.data - 'viewed_at', t.created_at)"}


def _motifs(resolver: URLResolver, prefixe: str = "", espace: str = "") -> Iterator[tuple[str, str | None]]:
    for motif in resolver.url_patterns:
        chemin = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            sous_espace = ":".join(filter(None, [espace, motif.namespace]))
            yield from _motifs(motif, chemin, sous_espace)
        elif isinstance(motif, URLPattern):
            nom = f"{espace}:{motif.name}" if espace and motif.name else motif.name
            yield chemin, nom


def adresses_de_la_configuration() -> set[str]:
    """Chaque adresse de la configuration, par son nom (avec son espace), ou par son chemin si elle n'en a
    pas ; sans celles de l'administration que la matrice ne nomme pas (règle de `roles.py`)."""
    adresses = set()
    for chemin, nom in _motifs(get_resolver()):
        cle = nom or chemin
        if chemin.startswith(PREFIXE_ADMINISTRATION) and cle not in MATRICE:
            continue
        adresses.add(cle)
    return adresses


def test_the_matrix_names_every_url_of_the_configuration_and_no_other():
    dans_la_configuration = adresses_de_la_configuration()
    dans_la_matrice = {nom_de_l_adresse(cle) for cle in MATRICE}
    erreurs = [f"URL absente de la matrice : {nom}" for nom in sorted(dans_la_configuration - dans_la_matrice)]
    erreurs += [
        f"URL de la matrice absente de la configuration : {nom}"
        for nom in sorted(dans_la_matrice - dans_la_configuration)
    ]
    assert not erreurs, "\n".join(erreurs) + "\n(ajoutez chaque nouvelle adresse à tests/matrice/roles.py)"


def test_every_entry_of_the_matrix_has_an_address_a_payload_and_every_actor():
    assert set(ADRESSES) == set(MATRICE)
    assert set(DONNEES) <= {cle for cle, methodes in MATRICE.items() if "POST" in methodes}
    for cle, methodes in MATRICE.items():
        assert set(methodes) <= {"GET", "POST"}, cle
        for methode, reponses in methodes.items():
            assert set(reponses) == set(ACTEURS), (cle, methode)


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Monde]:
    reglages = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        # Les sessions du monde redonnent le mot de passe une fois, à la construction : allauth ne le redemande
        # pas pendant la visite, quelle que soit sa durée.
        ACCOUNT_REAUTHENTICATION_TIMEOUT=24 * 3600,
        # Le code à six chiffres d'un POST est calculé juste avant la requête ; l'intervalle voisin est admis,
        # au cas où les trente secondes basculent entre les deux.
        MFA_TOTP_TOLERANCE=1,
    )
    # Des milliers de 403 et de 404 attendus : Django les journaliserait chacun avec sa pile d'appels ; les
    # erreurs (500) restent journalisées.
    journal = logging.getLogger("django.request")
    niveau = journal.level
    journal.setLevel(logging.ERROR)
    try:
        with django_db_blocker.unblock(), reglages, transaction.atomic():
            yield construire()
            transaction.set_rollback(True)
    finally:
        journal.setLevel(niveau)


def _tables_du_domaine() -> list[str]:
    tables = {
        modele._meta.db_table
        for modele in apps.get_models(include_auto_created=True)
        if modele._meta.app_label in APPLICATIONS_DU_DOMAINE and modele._meta.managed and not modele._meta.proxy
    }
    return sorted(tables - TABLES_HORS_RELEVE)


def empreinte(tables: list[str]) -> dict[str, str]:
    """L'empreinte du contenu de chaque table, en une requête."""
    if not tables:
        return {}
    requete = " UNION ALL ".join(
        f"SELECT %s, md5(coalesce(string_agg({ligne}::text, '|' ORDER BY {ligne}::text), '')) "
        f"FROM {connection.ops.quote_name(table)} t"
        for table in tables
        for ligne in [LIGNES_RELEVEES.get(table, "t")]
    )
    with connection.cursor() as curseur:
        curseur.execute(requete, tables)
        return dict(curseur.fetchall())


def ecritures(tables: list[str]) -> dict[str, tuple[int, int, int]] | None:
    """Les lignes insérées, modifiées et supprimées dans chaque table depuis le début de la transaction (points de
    sauvegarde annulés compris : ces compteurs de PostgreSQL ne font que croître). Une table dont les compteurs
    n'ont pas bougé pendant une requête n'a pas changé : seules les autres sont relues par `empreinte`. None sans
    `track_counts` (compteurs éteints) : chaque table est alors relue."""
    with connection.cursor() as curseur:
        curseur.execute("SHOW track_counts")
        if curseur.fetchone()[0] != "on":
            return None
        curseur.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE schemaname = current_schema() AND relname = ANY(%s)",
            [tables],
        )
        return {table: tuple(compteurs) for table, *compteurs in curseur.fetchall()}


def _cible(reponse) -> str | None:
    if reponse.status_code in (301, 302):
        return urlsplit(reponse["Location"]).path
    return None


def conforme(attendu: Attendu, methode: str, reponse, changees: list[str]) -> bool:
    """La réponse est celle attendue ; pour un POST, les tables changées (`changees`) aussi : l'action permise
    a enregistré quelque chose, le POST refusé rien."""
    statut, cible = reponse.status_code, _cible(reponse)
    connexions = {reverse("account_login"), reverse("admin:login")}
    if methode == "POST" and bool(changees) == attendu.sans_effet:
        return False
    if attendu is OK:
        return statut == 200 if methode == "GET" else cible is not None and cible not in connexions
    if attendu is OK_PUIS_CONNEXION:
        return statut == 302 and cible == reverse("account_login")
    if attendu is PAGE:
        return statut == 200
    if attendu is REDIRIGE:
        return cible is not None and cible not in connexions
    if attendu is CONNEXION:
        return statut == 302 and cible == reverse("account_login")
    if attendu is CONNEXION_ADMIN:
        return statut == 302 and cible == reverse("admin:login")
    return statut == int(attendu.libelle)


def _decrire(reponse) -> str:
    cible = _cible(reponse)
    return f"{reponse.status_code} → {cible}" if cible else str(reponse.status_code)


def visiter(monde: Monde, cle: str, methode: str, acteur: str, attendu: Attendu, avant: dict[str, str]) -> str | None:
    """Visite l'adresse comme l'acteur, dans un point de sauvegarde annulé ensuite ; rend ce qui a été obtenu
    si ce n'est pas la réponse attendue, sinon None."""
    adresse = ADRESSES[cle](monde)
    with transaction.atomic():
        try:
            if cle in PREPARATIONS:
                PREPARATIONS[cle](monde, acteur)
            client = monde.client(acteur)
            if methode == "GET":
                reponse = client.get(adresse)
            else:
                compteurs = ecritures(list(avant))
                reponse = client.post(adresse, DONNEES.get(cle, lambda m, a: {})(monde, acteur))
            if reponse.streaming:
                # Lu jusqu'au bout : une erreur en cours de flux compte, et le fichier servi est refermé (par le
                # client de test, sans fermer la connexion à la base).
                b"".join(reponse.streaming_content)
            changees = []
            if methode == "POST":
                apres = ecritures(list(avant))
                ecrites = [
                    table
                    for table in avant
                    if compteurs is None or apres is None or apres.get(table) != compteurs.get(table)
                ]
                changees = [table for table, valeur in empreinte(ecrites).items() if avant[table] != valeur]
            obtenu = None
            if not conforme(attendu, methode, reponse, changees):
                obtenu = _decrire(reponse)
                if methode == "POST":
                    obtenu += f", lignes changées : {', '.join(changees)}" if changees else ", aucune ligne changée"
        except Exception as erreur:  # une erreur 500 est un écart comme un autre, rapporté dans le tableau
            obtenu = f"exception {type(erreur).__name__} : {erreur}"[:200]
        transaction.set_rollback(True)
    return obtenu


def _groupe(cle: str) -> str:
    nom = nom_de_l_adresse(cle)
    if ":" in nom:
        return nom.split(":", 1)[0]
    return "config" if nom in {"accueil", "sante", "catalogue_javascript"} else "allauth"


# Un test par groupe d'adresses et par méthode : les plus gros groupes (financements, contrats) coûtent chacun
# plus d'une minute, et les processus de pytest-xdist se les partagent mieux en morceaux.
GROUPES = sorted({(_groupe(cle), methode) for cle, methodes in MATRICE.items() for methode in methodes})


def tableau(ecarts: list[tuple[str, str, str, str, str]]) -> str:
    lignes = [("adresse", "méthode", "acteur", "attendu", "obtenu"), *ecarts]
    largeurs = [max(len(ligne[i]) for ligne in lignes) for i in range(4)]
    return "\n".join(
        "  ".join(valeur.ljust(largeurs[i]) if i < 4 else valeur for i, valeur in enumerate(ligne)) for ligne in lignes
    )


@pytest.mark.parametrize("groupe, methode", GROUPES, ids=[f"{groupe}-{methode}" for groupe, methode in GROUPES])
def test_each_actor_gets_the_answer_the_role_table_gives(monde, groupe, methode):
    avant = empreinte(_tables_du_domaine())
    ecarts = []
    for cle, methodes in MATRICE.items():
        if _groupe(cle) != groupe or methode not in methodes:
            continue
        for acteur in ACTEURS:
            attendu = methodes[methode][acteur]
            obtenu = visiter(monde, cle, methode, acteur, attendu, avant)
            if obtenu is not None:
                ecarts.append((cle, methode, acteur, attendu.libelle, obtenu))
    if ecarts:
        pytest.fail(f"{len(ecarts)} cellule(s) de la matrice diffèrent :\n{tableau(ecarts)}", pytrace=False)
