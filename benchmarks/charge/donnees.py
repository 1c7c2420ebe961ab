"""La base du test de charge, `coville_charge`, à l'échelle nationale.

La base est générée une fois (référentiel territorial national, démonstration, puis financements/generateur.py :
448 contrats, 100 000 structures, 50 000 dossiers sur trois ans) et **committée**, puisque des serveurs gunicorn
doivent la voir (`make bench`, lui, travaille dans des transactions annulées). L'empreinte du code qui la
produit (générateurs, démonstrations, ce module, liste des migrations) est gardée dans la table
`charge_empreinte` : tant qu'elle ne change pas, la base est réutilisée telle quelle ; sinon elle est détruite
et régénérée (`preparer_la_base`, appelé avant que Django ne s'y connecte).

Les comptes du test (agents de collectivités porteuses, membres de structures qui ont des dossiers) sont créés
avec les données ; leurs sessions, signées par la SECRET_KEY du serveur, le sont à chaque lancement
(benchmarks/charge/catalogue.py, qui choisit aussi les adresses visitées).
"""

import hashlib
import io
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RACINE = Path(__file__).resolve().parent.parent.parent
GRAINE = 2027
AGENTS = 6
MEMBRES = 20
DOMAINE = "@charge.coville.fr"
# Ce qui produit les données : un changement de l'un de ces fichiers (ou une nouvelle migration) régénère la base.
SOURCES = [
    "acteurs_ess/generateur.py",
    "financements/generateur.py",
    "comptes/demo.py",
    "contrats/demo.py",
    "acteurs_ess/demo.py",
    "financements/demo.py",
    "benchmarks/charge/donnees.py",
]


def empreinte() -> str:
    """Empreinte du code générateur et de la liste des migrations (les données d'un autre schéma seraient fausses)."""
    h = hashlib.sha256()
    for chemin in SOURCES:
        fichier = RACINE / chemin
        h.update(chemin.encode())
        h.update(fichier.read_bytes() if fichier.exists() else b"")
    for migration in sorted(RACINE.glob("*/migrations/0*.py")):
        h.update(str(migration.relative_to(RACINE)).encode())
    return h.hexdigest()


def _url_serveur(url: str) -> str:
    """L'adresse de la base d'administration `postgres` sur le même serveur que `url`."""
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def empreinte_de_la_base(url: str) -> str | None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connexion:
        table = connexion.execute("SELECT to_regclass('charge_empreinte')").fetchone()
        if not table or table[0] is None:
            return None
        ligne = connexion.execute("SELECT empreinte FROM charge_empreinte").fetchone()
        return ligne[0] if ligne else None


def preparer_la_base(url: str, sortie=print) -> bool:
    """Détruit et recrée la base de `url` si son empreinte n'est pas celle du code actuel ; rend True si la base
    est à (re)générer. Appelé avant toute connexion de Django."""
    import psycopg
    from psycopg import sql

    attendue = empreinte()
    trouvee = empreinte_de_la_base(url)
    if trouvee == attendue:
        sortie(f"Base du test de charge réutilisée (empreinte {attendue[:12]}).")
        return False
    nom = urlsplit(url).path.lstrip("/")
    sortie(
        f"Base {nom} : {'vide' if trouvee is None else 'générée par un autre code'}, "
        "(re)génération à l'échelle nationale (quelques minutes)."
    )
    with psycopg.connect(_url_serveur(url), autocommit=True) as connexion:
        connexion.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(nom)))
        connexion.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nom)))
    return True


def generer(sortie=print) -> None:
    """Remplit une base vide et migrée : référentiel national, démonstration, données nationales, comptes du
    test ; l'empreinte n'est écrite qu'à la fin (une génération interrompue est refaite au lancement suivant)."""
    import time

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from financements import generateur

    debut = time.perf_counter()
    if settings.DONNEES_PARTAGEES.exists():
        call_command(
            "importer_territoires", str(settings.DONNEES_PARTAGEES), stdout=io.StringIO(), stderr=io.StringIO()
        )
        sortie(f"  référentiel territorial national importé ({time.perf_counter() - debut:.0f} s)")
    call_command("charger_demo", stdout=io.StringIO())
    sortie(f"  démonstration chargée ({time.perf_counter() - debut:.0f} s)")
    genere = generateur.generer(graine=GRAINE)
    sortie(
        f"  {genere.contrats} contrats, {genere.structures} structures, {genere.dossiers} dossiers, "
        f"{genere.decisions} décisions ({time.perf_counter() - debut:.0f} s)"
    )
    creer_les_comptes(genere.grande.pk)
    with connection.cursor() as curseur:
        # Hors transaction (la génération est validée) : statistiques et carte de visibilité à jour.
        curseur.execute("VACUUM ANALYZE")
        curseur.execute("CREATE TABLE IF NOT EXISTS charge_empreinte (empreinte text NOT NULL, generee_le timestamptz)")
        curseur.execute("DELETE FROM charge_empreinte")
        curseur.execute("INSERT INTO charge_empreinte VALUES (%s, now())", [empreinte()])
    sortie(f"Base du test de charge générée en {time.perf_counter() - debut:.0f} s.")


def creer_les_comptes(grande: int, agents: int = AGENTS, membres: int = MEMBRES) -> None:
    """Agents de la plus grande collectivité porteuse et d'autres porteurs ; membres de structures qui ont des
    dossiers. Sans mot de passe : leurs sessions sont créées directement (`sessions`)."""
    from comptes.models import Adhesion, Organisation, Role, TypeOrganisation, Utilisateur
    from financements.models import Dossier, FinanceurAppel

    autres = (
        FinanceurAppel.objects.filter(organisation__type=TypeOrganisation.EPCI)
        .exclude(organisation_id=grande)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    porteurs = [grande, *autres[: agents - 1]]
    for rang, organisation in enumerate(porteurs):
        agent, _ = Utilisateur.objects.get_or_create(email=f"agent{rang}{DOMAINE}")
        Adhesion.objects.get_or_create(utilisateur=agent, organisation_id=organisation, role=Role.AGENT)
    structures = (
        Dossier.objects.exclude(structure__organisation=None)
        .order_by("structure_id")
        .values_list("structure__organisation_id", flat=True)
        .distinct()[:membres]
    )
    for rang, organisation in enumerate(structures):
        membre, _ = Utilisateur.objects.get_or_create(email=f"membre{rang}{DOMAINE}")
        Adhesion.objects.get_or_create(utilisateur=membre, organisation_id=organisation, role=Role.STRUCTURE)
    assert Organisation.objects.filter(pk=grande).exists()
