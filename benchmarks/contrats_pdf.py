"""Mesures des PDF des contrats de ville (issue #5, partie 6), sur le contrat réaliste de contrats/generateur.py
(10 QPV, 40 sections de 1 à 3 pages, 200 contributions) :

- `contrats.pdf_contrat_froid` : le contrat complet rendu sans cache (contexte, gabarit, WeasyPrint) ;
- `contrats.pdf_weasyprint_seul` : le même HTML passé directement à WeasyPrint (PDF/UA-1) ;
- `contrats.pdf_ratio` : le premier divisé par le second ;
- `contrats.pdf_contrat_cache` : le téléchargement (vue, client de test) du contrat inchangé, une fois son PDF
  rendu (ce que fait le worker, ici dans la transaction), lu sur le disque local (médiane) ;
- `contrats.pdf_synthese_froid` : la synthèse pour les élus rendue sans cache ;
- `financements.pdf_convention_froid` : la CPO de la démonstration (trois ans, ses financeurs, signatures,
  annexes : description de l'action et budget pluriannuel) rendue sans cache, comme le fait le worker
  (financements.documents.pdf_convention : lecture, gabarit, WeasyPrint), le meilleur de quelques essais
  (budget : 1,5 s, issue 12) ; `financements.pdf_convention_pages` donne sa taille.

Les PDF vont dans un dossier temporaire (jamais var/media), et tout se passe dans une transaction annulée à la
fin. Chaque rendu à froid est le meilleur de quelques essais, en alternance avec WeasyPrint seul (la machine
de mesure peut être partagée) ; `contrats.pdf_contexte_et_gabarit` donne la part de la préparation (requêtes,
nettoyage des textes, cartes, gabarit).
"""

import io
import statistics
import tempfile
import time

from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from weasyprint import HTML

from config.pdf import BASE_URL, RecuperateurLocal
from contrats import documents
from contrats.generateur import generer

ESSAIS_FROIDS = 3
ESSAIS_CACHE = 30


class _Annuler(Exception):
    pass


def _duree(fonction) -> float:
    debut = time.perf_counter()
    fonction()
    return time.perf_counter() - debut


def _froids(contrat) -> tuple[float, float, float]:
    """Le meilleur de quelques rendus à froid du contrat complet, de WeasyPrint seul sur le même HTML, et de
    la préparation seule (contexte et gabarit). Les mesures alternent : une machine chargée pénalise autant
    l'une que l'autre."""
    html = documents.html_contrat(contrat)
    complet, seul, preparation = [], [], []
    for _ in range(ESSAIS_FROIDS):
        complet.append(_duree(lambda: documents.pdf_contrat(contrat)))
        seul.append(
            _duree(
                lambda: HTML(string=html, base_url=BASE_URL, url_fetcher=RecuperateurLocal()).write_pdf(
                    pdf_variant="pdf/ua-1"
                )
            )
        )
        preparation.append(_duree(lambda: documents.html_contrat(contrat)))
    return min(complet), min(seul), min(preparation)


def _synthese_froide(contrat) -> float:
    return min(_duree(lambda: documents.pdf_synthese(contrat)) for _ in range(ESSAIS_FROIDS))


def _convention_froide(rapport) -> None:
    # Import ici : le reste du module mesure les contrats, sans dépendre des financements.
    from pypdf import PdfReader

    from financements import documents as documents_financements
    from financements.models import Convention

    cpo = Convention.objects.order_by("-nombre_annees", "pk").first()
    if cpo is None:
        return
    pdf = documents_financements.pdf_convention(cpo.pk)
    froid = min(_duree(lambda: documents_financements.pdf_convention(cpo.pk)) for _ in range(ESSAIS_FROIDS))
    rapport("financements.pdf_convention_froid", froid, "s", 1.5)
    rapport("financements.pdf_convention_pages", len(PdfReader(io.BytesIO(pdf)).pages), "pages")


def mesurer(rapport) -> None:
    with tempfile.TemporaryDirectory() as dossier, override_settings(MEDIA_ROOT=dossier):
        try:
            with transaction.atomic():
                genere = generer()
                contrat = genere.contrat

                froid, seul, preparation = _froids(contrat)
                rapport("contrats.pdf_contrat_froid", froid, "s", 6)
                rapport("contrats.pdf_weasyprint_seul", seul, "s")
                rapport("contrats.pdf_ratio", froid / seul, "x", 1.3)
                rapport("contrats.pdf_contexte_et_gabarit", preparation, "s")

                client = Client()
                client.force_login(genere.agent)
                url = reverse("contrats:contrat_pdf", args=[contrat.code])
                assert client.get(url).status_code == 202  # pas encore rendu : « PDF en préparation »
                documents.mettre_a_jour(contrat.pk, "contrat")  # le travail du worker
                durees = []
                for _ in range(ESSAIS_CACHE):
                    debut = time.perf_counter()
                    reponse = client.get(url)
                    contenu = b"".join(reponse.streaming_content)
                    durees.append((time.perf_counter() - debut) * 1000)
                    assert reponse.status_code == 200 and contenu.startswith(b"%PDF-")
                rapport("contrats.pdf_contrat_cache", statistics.median(durees), "ms", 50)

                rapport("contrats.pdf_synthese_froid", _synthese_froide(contrat), "s", 1)
                raise _Annuler
        except _Annuler:
            pass
        _convention_froide(rapport)
