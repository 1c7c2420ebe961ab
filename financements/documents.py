"""Les PDF des financements : le résumé d'un dossier (porteur, co-porteurs, instructeurs), la convention
(articles, parties, montants par année et par financeur, signatures, annexes) et chaque avenant (ce qui change,
pourquoi, montants avant et après). Rendus par des tâches de fond (`financements.taches`) et gardés dans le
stockage sous une empreinte de leurs données, comme les PDF des contrats (config/pdf.py) : un téléchargement
ne rend jamais rien."""

import hashlib

from django.db.models import Max, Prefetch
from django.template.loader import render_to_string

from comptes.models import Organisation
from config.pdf import edition_existe, html_en_pdf, lecture_coherente, ranger_edition
from financements.models import (
    Avenant,
    Convention,
    Dossier,
    Financement,
    LigneBudget,
    ObjectifConvention,
    PartieFinanceur,
    SignatureAvenant,
    SignatureConvention,
    StatutAvenant,
)
from financements.services import conventions as services_conventions
from financements.services import dossiers as services

GABARIT = "pdf/dossier.html"

# À changer à chaque modification du gabarit ou du rendu qui change le document : les résumés gardés sous
# l'ancienne version ne sont plus servis (contrats.documents.VERSION_GABARITS).
VERSION_GABARIT = "2026-12-07.2"


def nom_document(dossier_id: int) -> str:
    return f"dossier-{dossier_id}"


def empreinte(dossier: Dossier) -> str:
    """Change à chaque enregistrement du dossier (`modifie_le`) et à chaque entrée de son journal (budget,
    pièces, avis, décisions) : une requête."""
    dernier = dossier.journal.order_by("-pk").values_list("pk", flat=True).first() or 0
    return hashlib.sha256(f"{VERSION_GABARIT}:{dossier.modifie_le.isoformat()}-{dernier}".encode()).hexdigest()[:16]


def contexte(dossier: Dossier) -> dict:
    # Le même PDF sert au porteur et aux instructeurs : il ne montre que ce que le porteur peut lire.
    return {
        "dossier": dossier,
        "totaux": services.totaux_budget(dossier),
        "lignes": dossier.lignes_budget.all(),
        "financements": dossier.financements.all(),
        "co_porteurs": dossier.co_porteurs.all(),
        "journal": dossier.journal.pour_porteur(dossier)
        .exclude(a_statut="")
        .select_related("auteur")
        .order_by("date", "pk"),
        "decisions_visibles": services.est_decide(dossier),
    }


def _dossier(dossier_id: int) -> Dossier | None:
    return (
        Dossier.objects.select_related("appel__contrat", "structure")
        .prefetch_related(
            Prefetch("financements", queryset=Financement.objects.select_related("financeur", "decision")),
            Prefetch("lignes_budget", queryset=LigneBudget.objects.select_related("financeur")),
            "co_porteurs__structure",
            "qpv",
        )
        .filter(pk=dossier_id)
        .first()
    )


def pdf_dossier(dossier: Dossier) -> bytes:
    """Le résumé du dossier, rendu maintenant (sans passer par le stockage)."""
    return html_en_pdf(render_to_string(GABARIT, contexte(dossier)))


def mettre_a_jour(dossier_id: int) -> bool:
    """Rend et range le résumé du dossier pour ses données actuelles, s'il ne l'est pas déjà (le travail de la
    tâche de fond). Rend True s'il a été rendu, False s'il était à jour ou si le dossier n'existe plus."""
    with lecture_coherente():
        dossier = _dossier(dossier_id)
        if dossier is None:
            return False
        nom, valeur = nom_document(dossier.pk), empreinte(dossier)
        if edition_existe(nom, valeur):
            return False
        html = render_to_string(GABARIT, contexte(dossier))
    ranger_edition(nom, valeur, html_en_pdf(html))
    return True


# --- La convention et ses avenants ------------------------------------------------------------------------
# Même principe : une tâche de fond (`financements.taches.rendre_pdf_convention`, `rendre_pdf_avenant`) rend le
# document sous l'empreinte des données qu'il montre ; le téléchargement sert cette édition ou attend.

GABARIT_CONVENTION = "pdf/convention.html"
GABARIT_AVENANT = "pdf/avenant.html"


def nom_document_convention(convention_id: int) -> str:
    return f"convention-{convention_id}"


def nom_document_avenant(avenant_id: int) -> str:
    return f"avenant-{avenant_id}"


def _hacher(*valeurs: object) -> str:
    return hashlib.sha256("|".join(str(v) for v in valeurs).encode()).hexdigest()[:16]


def empreinte_convention(convention: Convention) -> str:
    """Change quand ce que montre le PDF change : la convention (`modifie_le`), chaque entrée de son journal
    (montants, objectifs, articles, signatures, avenants appliqués, financeurs ajoutés ou retirés : tout y
    passe), les actions financées (annexes) et l'identité de la structure. Une requête."""
    derniers = Convention.objects.filter(pk=convention.pk).aggregate(
        journal=Max("journal__pk"), dossiers=Max("dossiers__modifie_le")
    )
    s = convention.structure
    return _hacher(
        convention.modifie_le.isoformat(),
        derniers["journal"],
        derniers["dossiers"],
        s.raison_sociale,
        s.sigle,
        s.siret,
        s.adresse,
    )


def _convention(convention_id: int) -> Convention | None:
    return (
        Convention.objects.select_related("structure__commune", "precedente")
        .prefetch_related(
            Prefetch("parties", queryset=PartieFinanceur.objects.select_related("financeur")),
            "montants",
            Prefetch("signatures", queryset=SignatureConvention.objects.order_by("pk")),
            Prefetch("objectifs", queryset=ObjectifConvention.objects.select_related("orientation__parent")),
            "articles",
            Prefetch(
                "dossiers",
                queryset=Dossier.objects.select_related("appel__contrat").prefetch_related(
                    "qpv",
                    Prefetch(
                        "lignes_budget",
                        queryset=LigneBudget.objects.select_related("financeur").order_by("annee", "sens", "ordre"),
                    ),
                    "financements",
                ),
            ),
            Prefetch("avenants", queryset=Avenant.objects.filter(statut=StatutAvenant.SIGNE)),
        )
        .filter(pk=convention_id)
        .first()
    )


def tableau_montants(convention: Convention, parties: list[Organisation]) -> dict:
    """Les montants par année (lignes) et par financeur (colonnes), avec les totaux, pour la page et le PDF."""
    montants = {(m.financeur_id, m.annee): m.montant for m in convention.montants.all()}
    lignes = [
        (annee, [montants.get((f.pk, annee)) for f in parties], sum(montants.get((f.pk, annee), 0) for f in parties))
        for annee in convention.annees
    ]
    totaux = [sum(montants.get((f.pk, a), 0) for a in convention.annees) for f in parties]
    return {"lignes": lignes, "totaux": totaux, "total": sum(totaux)}


def contexte_convention(convention: Convention) -> dict:
    """Le contexte du PDF de la convention (les requêtes sont celles des prefetch de `_convention`)."""
    parties = [p.financeur for p in convention.parties.all()]
    signatures = {s.financeur_id: s for s in convention.signatures.all()}
    dossiers = list(convention.dossiers.all())
    return {
        "convention": convention,
        "parties": parties,
        **tableau_montants(convention, parties),
        "signature_structure": signatures.get(None),
        "signatures_financeurs": [(f, signatures.get(f.pk)) for f in parties],
        "objectifs": convention.objectifs.all(),
        "articles": convention.articles.all(),
        "dossiers": [(d, services.totaux_budget(d)) for d in dossiers],
        "avenants": convention.avenants.all(),
    }


def pdf_convention(convention_id: int) -> bytes:
    """La convention, rendue maintenant (sans passer par le stockage) : la mesure « à froid » du benchmark."""
    convention = _convention(convention_id)
    if convention is None:
        raise Convention.DoesNotExist(convention_id)
    return html_en_pdf(render_to_string(GABARIT_CONVENTION, contexte_convention(convention)))


def mettre_a_jour_convention(convention_id: int) -> bool:
    """Rend et range la convention pour ses données actuelles, si ce n'est déjà fait (le travail de la tâche)."""
    with lecture_coherente():
        convention = _convention(convention_id)
        if convention is None:
            return False
        nom, valeur = nom_document_convention(convention.pk), empreinte_convention(convention)
        if edition_existe(nom, valeur):
            return False
        html = render_to_string(GABARIT_CONVENTION, contexte_convention(convention))
    ranger_edition(nom, valeur, html_en_pdf(html))
    return True


def empreinte_avenant(avenant: Avenant) -> str:
    """Un avenant ne change plus une fois préparé, sauf ses signatures et son état : une requête."""
    derniere = avenant.signatures.aggregate(n=Max("pk"))["n"]
    s = avenant.convention.structure
    return _hacher(avenant.pk, avenant.statut, avenant.signe_le, derniere, s.raison_sociale, s.siret)


def _avenant(avenant_id: int) -> Avenant | None:
    return (
        Avenant.objects.select_related("convention__structure")
        .prefetch_related(
            Prefetch("convention__parties", queryset=PartieFinanceur.objects.select_related("financeur")),
            Prefetch("signatures", queryset=SignatureAvenant.objects.order_by("pk")),
        )
        .filter(pk=avenant_id)
        .first()
    )


def contexte_avenant(avenant: Avenant) -> dict:
    convention = avenant.convention
    parties = [p.financeur for p in convention.parties.all()]
    signatures = {s.financeur_id: s for s in avenant.signatures.all()}
    return {
        "avenant": avenant,
        "convention": convention,
        "parties": parties,
        "changements": services_conventions.differences(avenant, {f.pk: str(f) for f in parties}),
        "signature_structure": signatures.get(None),
        "signatures_financeurs": [(f, signatures.get(f.pk)) for f in parties],
    }


def pdf_avenant(avenant_id: int) -> bytes:
    avenant = _avenant(avenant_id)
    if avenant is None:
        raise Avenant.DoesNotExist(avenant_id)
    return html_en_pdf(render_to_string(GABARIT_AVENANT, contexte_avenant(avenant)))


def mettre_a_jour_avenant(avenant_id: int) -> bool:
    with lecture_coherente():
        avenant = _avenant(avenant_id)
        if avenant is None:
            return False
        nom, valeur = nom_document_avenant(avenant.pk), empreinte_avenant(avenant)
        if edition_existe(nom, valeur):
            return False
        html = render_to_string(GABARIT_AVENANT, contexte_avenant(avenant))
    ranger_edition(nom, valeur, html_en_pdf(html))
    return True
