"""Les utilisateurs Locust (`FastHttpUser`) du test de charge et leurs parcours, pondérés comme l'usage réel.

Chaque utilisateur visite, à cadence fixe (`CADENCE` requêtes par seconde au plus), des adresses du catalogue
(benchmarks/charge/donnees.py) tirées par son propre générateur aléatoire, graine fixée : deux lancements
visitent les mêmes pages dans le même ordre. Une redirection, une erreur, ou un PDF qui n'en est pas un compte
comme un échec. Le nom de chaque requête est `parcours · page` (page : le chemin sans ses identifiants).
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, constant_throughput, task

from benchmarks.charge.chiffres import SEPARATEUR, page

CADENCE = 3  # requêtes par seconde et par utilisateur, au plus : 60 utilisateurs offrent 180 requêtes/s
_rangs = itertools.count()
_catalogue: dict | None = None


def catalogue() -> dict:
    global _catalogue
    if _catalogue is None:
        with open(os.environ["CHARGE_CATALOGUE"], encoding="utf-8") as fichier:
            _catalogue = json.load(fichier)
    return _catalogue


class Parcours(FastHttpUser):
    abstract = True
    wait_time = constant_throughput(CADENCE)
    nom = ""
    pdf = False

    def on_start(self) -> None:
        graine = int(os.environ.get("CHARGE_GRAINE", "2027"))
        self.aleatoire = random.Random(graine + next(_rangs))  # nosec B311 # ordre des visites, aucun secret
        self.entetes: dict[str, str] = {}
        self.adresses = self.choisir_adresses()

    def choisir_adresses(self) -> list[str]:
        raise NotImplementedError

    def connecter(self, parcours: str) -> list[str]:
        """Un compte du parcours (tiré au sort) : sa session et ses adresses."""
        comptes = catalogue()[parcours]
        email = self.aleatoire.choice(sorted(comptes))
        self.entetes = {"Cookie": f"sessionid={catalogue()['sessions'][email]}"}
        return comptes[email]

    @task
    def visiter(self) -> None:
        chemin = self.aleatoire.choice(self.adresses)
        with self.client.get(
            chemin,
            headers=self.entetes,
            name=f"{self.nom}{SEPARATEUR}{page(chemin)}",
            allow_redirects=False,
            catch_response=True,
        ) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"statut {reponse.status_code}")
            elif self.pdf and "application/pdf" not in (reponse.headers.get("Content-Type") or ""):
                reponse.failure("pas un PDF")


class Visiteur(Parcours):
    """Pages publiques : territoires, annuaire, fiches de structures, contrats signés, réponses publiques."""

    weight = 45
    nom = "visiteur"

    def choisir_adresses(self) -> list[str]:
        return catalogue()["visiteur"]


class Recherche(Parcours):
    """Recherche du référentiel, autocomplétion des territoires, recherches et filtres de l'annuaire."""

    weight = 15
    nom = "recherche"

    def choisir_adresses(self) -> list[str]:
        return catalogue()["recherche"]


class Agent(Parcours):
    """Agent d'une collectivité porteuse : tableau d'instruction (filtré), dossiers, sections du contrat."""

    weight = 20
    nom = "agent"

    def choisir_adresses(self) -> list[str]:
        return self.connecter("agent")


class Association(Parcours):
    """Membre d'une structure : ses dossiers et son espace."""

    weight = 12
    nom = "association"

    def choisir_adresses(self) -> list[str]:
        return self.connecter("association")


class Elu(Parcours):
    """Élu·e : téléchargement des PDF des contrats (contrat complet, synthèse)."""

    weight = 8
    nom = "elu"
    pdf = True

    def choisir_adresses(self) -> list[str]:
        return self.connecter("elu")


UTILISATEURS = [Visiteur, Recherche, Agent, Association, Elu]
