"""Les documents PDF d'un contrat de ville : le contrat complet et la synthèse pour les élus.

Chaque document est rendu par WeasyPrint (config/pdf.py) à partir d'un gabarit de `templates/pdf/`, avec un
nombre fixe de requêtes, par une tâche de fond (`contrats.taches.rendre_pdf_contrat`, qui appelle
`mettre_a_jour`), puis gardé dans le stockage sous une empreinte des données du contrat : tant que ces données
(et les gabarits, voir `VERSION_GABARITS`) ne changent pas, un téléchargement lit le fichier déjà rendu ; quand
elles changent, le téléchargement attend la nouvelle édition (« PDF en préparation »), jamais l'ancienne.
"""

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from config.pdf import edition_existe, html_en_pdf, lecture_coherente, ranger_edition, rendre_pdf
from contrats.models import (
    Avenant,
    Concertation,
    ContratDeVille,
    Contribution,
    Engagement,
    Etape,
    InstanceGouvernance,
    ModificationAvenant,
    Orientation,
    Section,
    Signataire,
    StatutAvenant,
    StatutContribution,
)
from contrats.models.concertation import STATUTS_REPONDUS
from contrats.registres import synthese_contrat
from contrats.texte import nettoyer
from territoires.carto import Carte, carte_des_qpv
from territoires.models import Commune, Qpv

# À changer à chaque modification des gabarits PDF ou de ce module qui change le document rendu : les PDF
# gardés sous l'ancienne version ne sont plus servis.
VERSION_GABARITS = "2026-12-07.3"

GABARIT_CONTRAT = "pdf/contrat.html"
GABARIT_SYNTHESE = "pdf/synthese_contrat.html"

_TITRE = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def _titres_decales(html: str, decalage: int = 3) -> str:
    """Le texte d'une section, ses titres descendus de `decalage` niveaux : dans le PDF, une section est un
    titre de niveau 4 (chapitre, étape, section), ses propres titres viennent dessous."""
    return _TITRE.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + decalage, 6)}", html)


# --- Empreinte ---------------------------------------------------------------------------------------------


def _tables() -> dict[str, str]:
    from comptes.models import Organisation, Utilisateur

    modeles = {
        "utilisateur": Utilisateur,
        "contrat": ContratDeVille,
        "qpv": Qpv,
        "commune": Commune,
        "organisation": Organisation,
        "signataire": Signataire,
        "engagement": Engagement,
        "section": Section,
        "orientation": Orientation,
        "instance": InstanceGouvernance,
        "reunion": InstanceGouvernance.reunions.rel.related_model,
        "concertation": Concertation,
        "contribution": Contribution,
        "avenant": Avenant,
        "modification_avenant": ModificationAvenant,
    }
    tables = {nom: modele._meta.db_table for nom, modele in modeles.items()}
    tables["contrat_qpv"] = ContratDeVille.qpv.through._meta.db_table
    tables["contrat_communes"] = ContratDeVille.communes.through._meta.db_table
    tables["orientation_qpv"] = Orientation.qpv.through._meta.db_table
    return tables


# Une seule requête : pour chaque partie du contrat, les colonnes que les documents affichent (ou, pour les
# textes des sections, leur numéro de version et sa date), agrégées en une chaîne dont PostgreSQL calcule le
# MD5. Les textes longs des sections ne sont pas relus : chaque enregistrement crée une version, qui change
# `numero` et `modifiee_le`. Les parties sans date de modification (signataires, engagements, orientations,
# réunions) sont courtes : les relire coûte moins qu'une milliseconde.
_PARTIES_EMPREINTE = [
    """SELECT ROW(c.code, c.nom, c.statut, c.modifie_le, c.annee_debut, c.annee_fin, c.population_qpv,
                  c.dispositifs)::text
       FROM {contrat} c WHERE c.id = %(id)s""",
    # Les avenants adoptés (seuls au PDF) et les sections qu'ils modifient ; un avenant adopté ne change plus.
    """SELECT string_agg(ROW(a.id, a.numero, a.objet, md5(a.motif), a.date_adoption, a.reference,
                             (SELECT string_agg(ROW(m.section_id, m.version_id)::text, ',' ORDER BY m.id)
                              FROM {modification_avenant} m WHERE m.avenant_id = a.id))::text,
                         ',' ORDER BY a.numero)
       FROM {avenant} a WHERE a.contrat_id = %(id)s AND a.statut = 'adopte'""",
    """SELECT string_agg(ROW(q.code, q.nom, q.population, q.emprise)::text, ',' ORDER BY q.code)
       FROM {contrat_qpv} cq JOIN {qpv} q ON q.code = cq.qpv_id WHERE cq.contratdeville_id = %(id)s""",
    """SELECT string_agg(ROW(co.code, co.nom)::text, ',' ORDER BY co.code)
       FROM {contrat_communes} cc JOIN {commune} co ON co.code = cc.commune_id WHERE cc.contratdeville_id = %(id)s""",
    """SELECT string_agg(ROW(s.id, o.nom, o.type, s.signe_par, s.date_signature, s.ordre)::text, ',' ORDER BY s.id)
       FROM {signataire} s JOIN {organisation} o ON o.id = s.organisation_id WHERE s.contrat_id = %(id)s""",
    """SELECT string_agg(ROW(e.id, e.signataire_id, e.texte, e.montant, e.ordre)::text, ',' ORDER BY e.id)
       FROM {engagement} e JOIN {signataire} s ON s.id = e.signataire_id WHERE s.contrat_id = %(id)s""",
    """SELECT string_agg(ROW(s.id, s.etape, s.titre, s.ordre, s.numero, s.modifiee_le)::text, ',' ORDER BY s.id)
       FROM {section} s WHERE s.contrat_id = %(id)s AND s.supprimee_le IS NULL""",
    """SELECT string_agg(ROW(o.id, o.parent_id, o.niveau, o.titre, o.description, o.ordre, o.piliers, o.axes)::text,
                         ',' ORDER BY o.id)
       FROM {orientation} o WHERE o.contrat_id = %(id)s""",
    """SELECT string_agg(ROW(oq.orientation_id, oq.qpv_id)::text, ',' ORDER BY oq.orientation_id, oq.qpv_id)
       FROM {orientation_qpv} oq JOIN {orientation} o ON o.id = oq.orientation_id WHERE o.contrat_id = %(id)s""",
    """SELECT string_agg(ROW(i.id, i.type, i.nom, i.composition)::text, ',' ORDER BY i.id)
       FROM {instance} i WHERE i.contrat_id = %(id)s""",
    """SELECT string_agg(ROW(r.id, r.date, r.participants, r.decisions, r.compte_rendu)::text, ',' ORDER BY r.id)
       FROM {reunion} r JOIN {instance} i ON i.id = r.instance_id WHERE i.contrat_id = %(id)s""",
    """SELECT string_agg(ROW(k.id, k.titre, k.debut, k.fin, k.close_le, k.publics)::text, ',' ORDER BY k.id)
       FROM {concertation} k WHERE k.contrat_id = %(id)s""",
    # Le nom signé sous une contribution (« Prénom N. », « Compte supprimé ») ou celui de son organisation : une
    # personne supprimée change l'empreinte, l'édition qui la nommait n'est plus jamais servie.
    """SELECT string_agg(ROW(x.id, x.statut, x.masquee, x.repondue_le, x.version_integration_id, x.organisation_id,
                                    md5(x.reponse), md5(x.texte || x.proposition), u.est_supprime, u.prenom, u.nom,
                                    xo.nom)::text,
                         ',' ORDER BY x.id)
       FROM {contribution} x JOIN {concertation} k ON k.id = x.concertation_id
            JOIN {utilisateur} u ON u.id = x.auteur_id LEFT JOIN {organisation} xo ON xo.id = x.organisation_id
       WHERE k.contrat_id = %(id)s""",
]
# Chaque partie vide compte comme une chaîne vide, à sa place : deux états différents ne se confondent pas.
_SQL_EMPREINTE = "SELECT md5(concat_ws('|', {}))".format(
    ", ".join(f"coalesce(({partie}), '')" for partie in _PARTIES_EMPREINTE)
)


def empreinte(contrat: ContratDeVille, cle: str = "contrat") -> str:
    """L'empreinte des données que le document `cle` du contrat affiche, en une requête (plus, pour la
    synthèse, celles des blocs que les applications supérieures y ajoutent, `contrats.registres.synthese_contrat`
    : indicateurs, montants décidés, projets financés et conventions) : elle change quand une section reçoit une
    version, qu'une contribution reçoit une réponse ou est masquée, que son autrice ou auteur supprime son
    compte, qu'un signataire, un engagement, une orientation, une réunion ou l'état du contrat change, pour la
    synthèse que les données d'un de ses blocs changent (une valeur, un montant décidé), et avec
    `VERSION_GABARITS`."""
    with connection.cursor() as curseur:
        curseur.execute(_SQL_EMPREINTE.format(**_tables()), {"id": contrat.pk})
        (donnees,) = curseur.fetchone()
    if cle == "synthese":
        donnees = f"{donnees}:{synthese_contrat.donnees(contrat)!r}"
    return hashlib.sha256(f"{VERSION_GABARITS}:{donnees}".encode()).hexdigest()[:24]


# --- Contextes ---------------------------------------------------------------------------------------------


@dataclass
class QpvDuContrat:
    qpv: Qpv
    communes: list[Commune]
    carte: Carte | None


@dataclass
class Noeud:
    orientation: Orientation
    objectifs: list[Orientation] = field(default_factory=list)


def _qpv(contrat: ContratDeVille) -> list[Qpv]:
    return list(
        Qpv.objects.filter(contrats=contrat)
        .only("code", "nom", "population", "perimetre", "emprise")
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.only("code", "nom").order_by("nom")))
        .order_by("code")
    )


def _arbre(contrat: ContratDeVille) -> list[Noeud]:
    orientations = list(
        Orientation.objects.filter(contrat=contrat).prefetch_related(
            Prefetch("qpv", queryset=Qpv.objects.only("code", "nom"))
        )
    )
    noeuds = {o.pk: Noeud(o) for o in orientations if o.parent_id is None}
    for orientation in orientations:
        if orientation.parent_id in noeuds:
            noeuds[orientation.parent_id].objectifs.append(orientation)
    return list(noeuds.values())


def _signataires(contrat: ContratDeVille) -> list[Signataire]:
    return list(
        Signataire.objects.filter(contrat=contrat)
        .select_related("organisation")
        .prefetch_related(Prefetch("engagements", queryset=Engagement.objects.order_by("ordre", "pk")))
    )


def _statut_concertation(concertations: list[Concertation]) -> str:
    jour = timezone.localdate()
    if any(c.est_ouverte(jour) for c in concertations):
        return "ouverte"
    if any(c.close_le is None and c.debut > jour for c in concertations):
        return "à venir"
    return "close" if concertations else "aucune"


def contexte_contrat(contrat: ContratDeVille) -> dict:
    """Tout ce que le contrat complet affiche, en 15 requêtes quel que soit le volume du contrat."""
    qpv = _qpv(contrat)  # 2 : les QPV avec leur périmètre, leurs communes
    communes = list(contrat.communes.only("code", "nom").order_by("nom"))  # 3
    signataires = _signataires(contrat)  # 4, 5 : les signataires et leur organisation, leurs engagements
    sections = list(  # 6
        Section.objects.filter(contrat=contrat).only("etape", "titre", "ordre", "texte", "numero", "modifiee_le")
    )
    for section in sections:
        section.texte_pdf = _titres_decales(nettoyer(section.texte))
    etapes = [
        {"etape": etape, "sections": [s for s in sections if s.etape == etape.value]}
        for etape in Etape
        if any(s.etape == etape.value for s in sections)
    ]
    arbre = _arbre(contrat)  # 7, 8 : les orientations et objectifs, leurs QPV
    instances = list(  # 9, 10 : les instances et leurs réunions
        InstanceGouvernance.objects.filter(contrat=contrat).prefetch_related("reunions")
    )
    concertations = list(Concertation.objects.filter(contrat=contrat).order_by("debut", "pk"))  # 11
    avenants = list(contrat.avenants.filter(statut=StatutAvenant.ADOPTE).order_by("numero"))  # 14
    modifications = (  # 15 : les sections qu'ils modifient (toujours lues : un nombre de requêtes fixe)
        ModificationAvenant.objects.filter(avenant__contrat=contrat, avenant__statut=StatutAvenant.ADOPTE)
        .select_related("section", "version")
        .order_by("pk")
    )
    par_avenant: dict[int, list[ModificationAvenant]] = {}
    for modification in modifications:
        par_avenant.setdefault(modification.avenant_id, []).append(modification)
    for avenant in avenants:
        avenant.sections_modifiees = par_avenant.get(avenant.pk, [])
    contributions = list(  # 12 : les contributions publiques et visibles qui ont reçu une réponse publique
        Contribution.objects.publiques()
        .visibles()
        .repondues()
        .filter(concertation__contrat=contrat)
        .select_related("auteur", "organisation", "section", "orientation", "version_integration__section")
        .order_by("concertation__debut", "deposee_le", "pk")
    )
    en_attente = (  # 13
        Contribution.objects.publiques()
        .visibles()
        .filter(concertation__contrat=contrat)
        .exclude(statut__in=sorted(STATUTS_REPONDUS))
        .count()
    )
    return {
        "contrat": contrat,
        "qpv": [QpvDuContrat(q, list(q.communes.all()), carte_des_qpv([q])) for q in qpv],
        "carte": carte_des_qpv(qpv),
        "population_qpv": sum(q.population or 0 for q in qpv),
        "communes": communes,
        "signataires": signataires,
        "etapes": etapes,
        "arbre": arbre,
        "instances": instances,
        "concertations": concertations,
        "contributions": contributions,
        "contributions_en_attente": en_attente,
        "avenants": avenants,
        "edite_le": timezone.localtime(),
    }


def contexte_synthese(contrat: ContratDeVille) -> dict:
    """Ce que la synthèse pour les élus affiche, en 8 requêtes, plus celles des blocs des applications
    supérieures (`contrats.registres.synthese_contrat` : indicateurs, montants décidés, projets financés et
    conventions ; un nombre fixe chacun)."""
    qpv = _qpv(contrat)  # 1, 2
    signataires = _signataires(contrat)  # 3, 4
    arbre = _arbre(contrat)  # 5, 6
    concertations = list(Concertation.objects.filter(contrat=contrat).order_by("debut", "pk"))  # 7
    statuts = Counter(  # 8 : les contributions publiques et visibles par état
        dict(
            Contribution.objects.publiques()
            .visibles()
            .filter(concertation__contrat=contrat)
            .values_list("statut")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    montant = sum((e.montant for s in signataires for e in s.engagements.all() if e.montant is not None), Decimal("0"))
    repondues = sum(statuts[s] for s in STATUTS_REPONDUS)
    return {
        "contrat": contrat,
        "qpv": qpv,
        "carte": carte_des_qpv(qpv),
        "population_qpv": sum(q.population or 0 for q in qpv),
        "signataires": signataires,
        "montant_engagements": montant,
        "arbre": arbre,
        "nb_objectifs": sum(len(n.objectifs) for n in arbre),
        "concertations": concertations,
        "etat_concertation": _statut_concertation(concertations),
        "nb_contributions": sum(statuts.values()),
        "nb_repondues": repondues,
        "statuts_contributions": [(s.label, statuts[s.value]) for s in StatutContribution],
        "blocs": synthese_contrat.rendre(synthese_contrat.donnees(contrat)),
        "edite_le": timezone.localtime(),
    }


# --- Documents ---------------------------------------------------------------------------------------------


def html_contrat(contrat: ContratDeVille) -> str:
    return render_to_string(GABARIT_CONTRAT, contexte_contrat(contrat))


@dataclass(frozen=True)
class Document:
    """Un document PDF du contrat : son gabarit, ce qu'il affiche, le début du nom du fichier téléchargé."""

    cle: str
    gabarit: str
    contexte: Callable[[ContratDeVille], dict]
    fichier: str


DOCUMENTS = {
    "contrat": Document("contrat", GABARIT_CONTRAT, contexte_contrat, "contrat-de-ville"),
    "synthese": Document("synthese", GABARIT_SYNTHESE, contexte_synthese, "synthese-contrat-de-ville"),
}


def nom_document(contrat: ContratDeVille, cle: str) -> str:
    """Le nom du document dans le stockage (`config.pdf.chemin_pdf`) : `contrat-<code>`, `synthese-<code>`."""
    return f"{cle}-{contrat.code}"


def pdf_contrat(contrat: ContratDeVille) -> bytes:
    """Le contrat complet en PDF, rendu maintenant (sans passer par le stockage)."""
    return rendre_pdf(GABARIT_CONTRAT, contexte_contrat(contrat))


def pdf_synthese(contrat: ContratDeVille) -> bytes:
    """La synthèse pour les élus (une ou deux pages), rendue maintenant (sans passer par le stockage)."""
    return rendre_pdf(GABARIT_SYNTHESE, contexte_synthese(contrat))


def mettre_a_jour(contrat_id: int, cle: str) -> bool:
    """Rend et range le document `cle` du contrat pour ses données actuelles, s'il ne l'est pas déjà (le travail
    de la tâche de fond). Rend True si le document a été rendu, False s'il était à jour ou si le contrat
    n'existe plus.

    L'empreinte et le contenu sont lus au même instant de la base (`lecture_coherente`) : l'édition rangée sous
    une empreinte montre exactement les données de cette empreinte, même si le contrat change pendant le
    rendu (la tâche différée par ce changement rendra l'édition suivante)."""
    document = DOCUMENTS[cle]
    with lecture_coherente():
        contrat = ContratDeVille.objects.avec_porteur().filter(pk=contrat_id).first()
        if contrat is None:
            return False
        nom, valeur = nom_document(contrat, cle), empreinte(contrat, cle)
        if edition_existe(nom, valeur):
            return False
        html = render_to_string(document.gabarit, document.contexte(contrat))
    ranger_edition(nom, valeur, html_en_pdf(html))
    return True
