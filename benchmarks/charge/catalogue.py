"""Le catalogue des adresses visitées par chaque parcours du test de charge, choisies dans la base, et les
sessions des comptes qui les visitent. Ne change pas les données : le modifier ne régénère pas la base."""

from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from benchmarks.charge.donnees import DOMAINE, GRAINE


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
    from financements.models import Dossier, StatutDossier
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
        # Un brouillon n'est vu que de sa structure.
        dossiers = (
            Dossier.objects.filter(financements__financeur=adhesion.organisation_id)
            .exclude(statut=StatutDossier.BROUILLON)
            .order_by("pk")
        )
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
