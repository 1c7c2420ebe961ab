"""La base du test de charge, `coville_charge`, à l'échelle nationale, et le catalogue des adresses visitées.

La base est générée une fois (référentiel territorial national, démonstration, puis financements/generateur.py :
448 contrats, 100 000 structures, 50 000 dossiers sur trois ans) et **committée**, puisque des serveurs gunicorn
doivent la voir (`make bench`, lui, travaille dans des transactions annulées). L'empreinte du code qui la
produit (générateurs, démonstrations, ce module, liste des migrations) est gardée dans la table
`charge_empreinte` : tant qu'elle ne change pas, la base est réutilisée telle quelle ; sinon elle est détruite
et régénérée (`preparer_la_base`, appelé avant que Django ne s'y connecte).

Les comptes du test (agents de collectivités porteuses, membres de structures qui ont des dossiers) sont créés
avec les données ; leurs sessions, signées par la SECRET_KEY du serveur, le sont à chaque lancement.
"""

import hashlib
import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

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
        call_command("importer_territoires", str(settings.DONNEES_PARTAGEES), stdout=io.StringIO())
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
        curseur.execute("VACUUM ANALYZE") if connection.get_autocommit() else curseur.execute("ANALYZE")
        curseur.execute("CREATE TABLE IF NOT EXISTS charge_empreinte (empreinte text NOT NULL, generee_le timestamptz)")
        curseur.execute("DELETE FROM charge_empreinte")
        curseur.execute("INSERT INTO charge_empreinte VALUES (%s, now())", [empreinte()])
    sortie(f"Base du test de charge générée en {time.perf_counter() - debut:.0f} s.")


def creer_les_comptes(grande: int, agents: int = AGENTS, membres: int = MEMBRES) -> None:
    """Agents de la plus grande collectivité porteuse et d'autres porteurs ; membres de structures qui ont des
    dossiers. Sans mot de passe : leurs sessions sont créées directement (`sessions`)."""
    from comptes.models import Adhesion, Organisation, Role, TypeOrganisation, Utilisateur
    from financements.models import Dossier, FinanceurAppel

    porteurs = [grande] + [
        pk
        for pk in FinanceurAppel.objects.filter(organisation__type=TypeOrganisation.EPCI)
        .exclude(organisation_id=grande)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .distinct()[: agents - 1]
    ]
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


# --- Catalogue ---------------------------------------------------------------------------------------------


@dataclass
class Catalogue:
    """Les adresses de chaque parcours (chemins relatifs) et les comptes qui les visitent (e-mail → adresses)."""

    visiteur: list[str] = field(default_factory=list)
    recherche: list[str] = field(default_factory=list)
    agent: dict[str, list[str]] = field(default_factory=dict)
    association: dict[str, list[str]] = field(default_factory=dict)
    elu: dict[str, list[str]] = field(default_factory=dict)
    pdf: list[str] = field(default_factory=list)

    def en_dict(self) -> dict:
        return asdict(self)


def catalogue(taille: int = 40) -> Catalogue:
    """Des adresses réelles de la base pour chaque parcours, choisies de façon déterministe (`taille` au plus
    par sorte de page)."""
    import random

    from django.urls import reverse

    from acteurs_ess.models import Structure
    from comptes.models import Adhesion, Role
    from contrats.models import ContratDeVille, Contribution, Section
    from financements.generateur import THEMES
    from financements.models import Dossier
    from territoires.models import Commune, Departement, Epci, Qpv, Region

    aleatoire = random.Random(GRAINE)  # nosec B311 # choix des pages visitées, aucun secret

    def quelques(valeurs, n: int = taille) -> list:
        valeurs = list(valeurs)
        return aleatoire.sample(valeurs, min(n, len(valeurs)))

    c = Catalogue()
    # Visiteurs : accueil, territoire, annuaire, contrat et ce que les habitants ont dit.
    c.visiteur.append(reverse("accueil"))
    c.visiteur += [reverse("territoires:region", args=[code]) for code in Region.objects.values_list("code", flat=True)]
    c.visiteur += [
        reverse("territoires:departement", args=[code])
        for code in quelques(Departement.objects.values_list("code", flat=True))
    ]
    c.visiteur += [
        reverse("territoires:epci", args=[siren])
        for siren in quelques(Epci.objects.filter(qpv__isnull=False).distinct().values_list("siren", flat=True))
    ]
    c.visiteur += [
        reverse("territoires:commune", args=[code])
        for code in quelques(Commune.objects.filter(qpv__isnull=False).distinct().values_list("code", flat=True))
    ]
    c.visiteur += [
        reverse("territoires:qpv", args=[code]) for code in quelques(Qpv.objects.values_list("code", flat=True))
    ]
    annuaire = reverse("acteurs_ess:annuaire")
    c.visiteur += [annuaire, f"{annuaire}?page=2"]
    c.visiteur += [
        reverse("acteurs_ess:structure", args=[pk])
        for pk in quelques(Structure.objects.order_by("pk").values_list("pk", flat=True)[:5000])
    ]
    publics = list(ContratDeVille.objects.publics().order_by("code").values_list("code", flat=True))
    c.visiteur += [reverse("contrats:contrat", args=[code]) for code in quelques(publics)]
    c.visiteur.append(reverse("contrats:liste"))
    avec_reponses = Contribution.objects.values_list("concertation__contrat__code", flat=True).distinct()
    c.visiteur += [
        reverse("contrats:contributions_publiques", args=[code]) for code in avec_reponses if code in publics
    ]
    c.visiteur += [reverse("financements:appels", args=[code]) for code in quelques(publics, 10)]

    # Recherches et autocomplétions.
    recherche = reverse("territoires:recherche")
    autocompletion = reverse("territoires:autocompletion")
    noms = quelques(Commune.objects.filter(qpv__isnull=False).distinct().values_list("nom", flat=True))
    for nom in noms:
        c.recherche.append(f"{autocompletion}?{urlencode({'q': nom[:4]})}")
        c.recherche.append(f"{recherche}?{urlencode({'q': nom})}")
    mots = sorted({mot.split()[0].lower() for mot in THEMES})
    c.recherche += [f"{annuaire}?{urlencode({'q': mot})}" for mot in mots]
    c.recherche += [
        f"{annuaire}?{urlencode({'commune': code})}"
        for code in quelques(Commune.objects.filter(qpv__isnull=False).distinct().values_list("code", flat=True), 10)
    ]

    # Agents : tableau d'instruction (filtré ou non), un dossier, les sections du contrat de démonstration.
    tableau = reverse("financements:tableau_instruction")
    filtres = ["", "?statut=en_instruction", "?statut=depose", "?annee=2026", "?page=2", "?convention=true"]
    for adhesion in Adhesion.objects.filter(utilisateur__email__endswith=DOMAINE, role=Role.AGENT).select_related(
        "utilisateur"
    ):
        dossiers = Dossier.objects.filter(financements__financeur=adhesion.organisation_id).order_by("pk")
        adresses = [f"{tableau}{filtre}" for filtre in filtres]
        adresses += [reverse("financements:dossier", args=[pk]) for pk in dossiers.values_list("pk", flat=True)[:10]]
        c.agent[adhesion.utilisateur.email] = adresses
    from contrats.demo import CODE

    sections = Section.objects.filter(contrat__code=CODE).order_by("pk").values_list("pk", flat=True)
    c.agent["agent@demo.coville.fr"] = [reverse("contrats:section", args=[CODE, pk]) for pk in sections] + [
        tableau,
        reverse("contrats:contrat", args=[CODE]),
    ]

    # Associations : leur dossier (et leur espace).
    for adhesion in Adhesion.objects.filter(utilisateur__email__endswith=DOMAINE, role=Role.STRUCTURE).select_related(
        "utilisateur"
    ):
        dossiers = Dossier.objects.filter(structure__organisation=adhesion.organisation_id).order_by("pk")
        c.association[adhesion.utilisateur.email] = [
            reverse("financements:dossier", args=[pk]) for pk in dossiers.values_list("pk", flat=True)[:5]
        ] + [reverse("comptes:mon_espace")]

    # Élus : les PDF des contrats (celui de la démonstration et quelques contrats signés).
    codes_pdf = [CODE, *quelques([code for code in publics if code != CODE], 4)]
    c.pdf = [reverse(f"contrats:{cle}_pdf", args=[code]) for code in codes_pdf for cle in ("contrat", "synthese")]
    c.elu["elu@demo.coville.fr"] = list(c.pdf)
    return c


def sessions(emails: list[str]) -> dict[str, str]:
    """Une session ouverte (clé du cookie `sessionid`) pour chacun de ces comptes, comme après une connexion."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from comptes.models import Utilisateur

    cles = {}
    for utilisateur in Utilisateur.objects.filter(email__in=emails):
        session = SessionStore()
        session[SESSION_KEY] = str(utilisateur.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = utilisateur.get_session_auth_hash()
        session.create()
        cles[utilisateur.email] = session.session_key
    manquants = set(emails) - set(cles)
    if manquants:
        raise RuntimeError(f"comptes introuvables : {', '.join(sorted(manquants))}")
    return cles
