"""La synthèse d'un QPV pour les élus : un PDF d'une page, public, qui ne montre que des données publiques.

Chiffres clés du quartier contre la distribution nationale (lignes de base officielles), tendance de ses
principaux indicateurs (valeurs réalisées et cibles publiques : exposées par un bilan publié), carte du
périmètre, projets financés (dossiers décidés seulement) et conventions en vigueur ou terminées, état des
contrats qui le couvrent.

Même mécanisme que les PDF des contrats (contrats/documents.py, config/pdf.py) : une tâche de fond
(`evaluation.taches.rendre_pdf_synthese_qpv`) rend le document à la première demande et le range dans le
stockage sous une empreinte de ses données ; tant qu'elle ne change pas, le téléchargement lit ce fichier.
Aucun signal ni rendu après un import : les 1 600 QPV ne sont rendus que quand quelqu'un les demande, et la
demande suivante un changement (une valeur, une décision, une convention, l'état d'un contrat) voit
l'empreinte changée et fait rendre la nouvelle édition.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Prefetch, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from acteurs_ess.models import Structure
from config.lib.graphiques import Graphique, Serie
from config.pdf import edition_existe, html_en_pdf, lecture_coherente, ranger_edition
from contrats.models import ContratDeVille
from contrats.selectors import contrats_du_territoire
from evaluation.models import Bilan, DistributionNationale, Indicateur, NatureValeur, StatutBilan, TypeBilan, Valeur
from evaluation.selectors import lignes_de_base_du_qpv
from financements.models import Convention, Dossier, Financement
from financements.models.convention import StatutConvention
from financements.models.dossier import STATUTS_DECIDES
from financements.selectors import projets_finances
from territoires.carto import carte_des_qpv
from territoires.models import Commune, Qpv

GABARIT = "pdf/synthese_qpv.html"

# À changer à chaque modification du gabarit ou de ce module qui change le document rendu : les synthèses
# gardées sous l'ancienne version ne sont plus servies (contrats.documents.VERSION_GABARITS).
VERSION_GABARIT = "2026-12-07.2"

# Une page : au plus trois indicateurs en tendance, quatre projets, trois conventions (les plus récents ; le
# nombre et le total de tous les projets sont dans les chiffres clés).
INDICATEURS_EN_TENDANCE = 3
PROJETS_AU_PLUS = 4
CONVENTIONS_AU_PLUS = 3

# Une convention montrée au public : en vigueur ou terminée, ou résiliée après avoir été en vigueur
# (financements.selectors.conventions_publiques).
Q_CONVENTION_PUBLIQUE = Q(statut__in=[StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE]) | Q(
    statut=StatutConvention.RESILIEE, en_vigueur_le__isnull=False
)


def nom_document(code: str) -> str:
    """Le nom du document dans le stockage (`config.pdf.chemin_pdf`)."""
    return f"synthese-qpv-{code}"


def nom_fichier(code: str) -> str:
    return f"synthese-quartier-{code}.pdf"


# --- Empreinte ---------------------------------------------------------------------------------------------


def _tables() -> dict[str, str]:
    tables = {
        "qpv": Qpv,
        "commune": Commune,
        "valeur": Valeur,
        "indicateur": Indicateur,
        "bilan": Bilan,
        "distribution": DistributionNationale,
        "contrat": ContratDeVille,
        "dossier": Dossier,
        "financement": Financement,
        "structure": Structure,
        "convention": Convention,
        "montant": Convention.montants.rel.related_model,
    }
    noms = {nom: modele._meta.db_table for nom, modele in tables.items()}
    noms["qpv_communes"] = Qpv.communes.through._meta.db_table
    noms["contrat_qpv"] = ContratDeVille.qpv.through._meta.db_table
    noms["dossier_qpv"] = Dossier.qpv.through._meta.db_table
    noms["convention_dossiers"] = Convention.dossiers.through._meta.db_table
    return noms


# Une requête : pour chaque partie de la synthèse, les colonnes qu'elle affiche, agrégées en une chaîne dont
# PostgreSQL calcule le MD5. Les distributions nationales sont toutes relues (une dizaine de lignes) : un import
# les recalcule, et la synthèse suivante de chaque QPV le voit.
_PARTIES_EMPREINTE = [
    """SELECT ROW(q.code, q.nom, q.population, q.emprise, md5(q.perimetre::text))::text
       FROM {qpv} q WHERE q.code = %(code)s""",
    """SELECT string_agg(ROW(co.code, co.nom)::text, ',' ORDER BY co.code)
       FROM {qpv_communes} qc JOIN {commune} co ON co.code = qc.commune_id WHERE qc.qpv_id = %(code)s""",
    # Les valeurs courantes du QPV, officielles ou saisies pour un contrat (une correction crée une nouvelle ligne
    # courante, un autre identifiant), chacune avec l'année jusqu'à laquelle les bilans publiés de son contrat
    # exposent ses valeurs (ValeurQuerySet.publiques) : la publication d'un bilan change l'empreinte.
    """SELECT string_agg(ROW(v.id, v.valeur, i.nom, i.unite, i.sens,
                             (SELECT ROW(count(*), max(CASE WHEN b.type = %(bilan_final)s THEN 9999 ELSE b.annee END))
                              FROM {bilan} b WHERE b.contrat_id = v.contrat_id AND b.statut = %(bilan_publie)s)
                         )::text, ',' ORDER BY v.id)
       FROM {valeur} v JOIN {indicateur} i ON i.id = v.indicateur_id
       WHERE v.qpv_id = %(code)s AND v.courante""",
    """SELECT string_agg(ROW(d.indicateur_id, d.premier_quartile, d.mediane, d.troisieme_quartile,
                             d.nombre_qpv)::text, ',' ORDER BY d.indicateur_id)
       FROM {distribution} d""",
    """SELECT string_agg(ROW(c.id, c.code, c.nom, c.statut, c.annee_debut, c.annee_fin)::text, ',' ORDER BY c.id)
       FROM {contrat_qpv} cq JOIN {contrat} c ON c.id = cq.contratdeville_id WHERE cq.qpv_id = %(code)s""",
    # Les projets décidés du QPV et la décision de chacun de leurs financeurs : un dossier qui n'est pas décidé
    # n'entre ni dans la synthèse ni dans son empreinte.
    """SELECT string_agg(ROW(d.id, d.titre, d.statut, d.montant_accorde, d.collectif, s.raison_sociale, s.sigle,
                             (SELECT string_agg(ROW(f.financeur_id, f.montant_accorde)::text, ',' ORDER BY f.id)
                              FROM {financement} f WHERE f.dossier_id = d.id))::text,
                         ',' ORDER BY d.id)
       FROM {dossier_qpv} dq JOIN {dossier} d ON d.id = dq.dossier_id JOIN {structure} s ON s.id = d.structure_id
       WHERE dq.qpv_id = %(code)s AND d.statut = ANY(%(dossiers_decides)s)""",
    """SELECT string_agg(DISTINCT ROW(c.id, c.statut, c.annee_debut, c.nombre_annees, c.en_vigueur_le,
                                      (SELECT sum(m.montant) FROM {montant} m WHERE m.convention_id = c.id))::text,
                         ',')
       FROM {convention_dossiers} cd JOIN {convention} c ON c.id = cd.convention_id
            JOIN {dossier_qpv} dq ON dq.dossier_id = cd.dossier_id
       WHERE dq.qpv_id = %(code)s
         AND (c.statut = ANY(%(conventions_publiques)s)
              OR (c.statut = %(resiliee)s AND c.en_vigueur_le IS NOT NULL))""",
]
_SQL_EMPREINTE = "SELECT md5(concat_ws('|', {}))".format(
    ", ".join(f"coalesce(({partie}), '')" for partie in _PARTIES_EMPREINTE)
)


def empreinte(code: str) -> str:
    """L'empreinte des données que la synthèse du QPV `code` affiche, en une requête : elle change quand une
    valeur du quartier est saisie ou corrigée, qu'un bilan publié en expose de nouvelles, qu'un projet du
    quartier est décidé ou qu'une décision change, qu'une convention change d'état ou de montants, qu'un contrat
    qui couvre le quartier change d'état, qu'un import recalcule la distribution nationale, et avec
    `VERSION_GABARIT`."""
    with connection.cursor() as curseur:
        curseur.execute(
            _SQL_EMPREINTE.format(**_tables()),
            {
                "code": code,
                "bilan_final": TypeBilan.FINAL.value,
                "bilan_publie": StatutBilan.PUBLIE.value,
                "dossiers_decides": sorted(STATUTS_DECIDES),
                # Les conventions publiques (Q_CONVENTION_PUBLIQUE) : un projet de convention en négociation
                # n'entre ni dans la synthèse ni dans son empreinte.
                "conventions_publiques": [StatutConvention.EN_VIGUEUR, StatutConvention.TERMINEE],
                "resiliee": StatutConvention.RESILIEE,
            },
        )
        (donnees,) = curseur.fetchone()
    return hashlib.sha256(f"{VERSION_GABARIT}:{donnees}".encode()).hexdigest()[:24]


# --- Contexte ----------------------------------------------------------------------------------------------


@dataclass
class Tendance:
    """Les valeurs réalisées et les cibles d'un indicateur pour le quartier, par année."""

    indicateur: Indicateur
    realise: dict[int, Decimal | None]
    cible: dict[int, Decimal | None]

    @property
    def resume(self) -> str:
        """« Taux d'emploi : de 41,5 % en 2024 à 44,5 % en 2026 (cible : 50 % en 2030) »."""
        formater = self.indicateur.formater
        connues = [(a, v) for a, v in sorted(self.realise.items()) if v is not None]
        if not connues:
            texte = f"{self.indicateur.nom} : non diffusé"
        elif len(connues) == 1:
            texte = f"{self.indicateur.nom} : {formater(connues[0][1])} en {connues[0][0]}"
        else:
            (premiere, debut), (derniere, fin) = connues[0], connues[-1]
            texte = f"{self.indicateur.nom} : de {formater(debut)} en {premiere} à {formater(fin)} en {derniere}"
        if self.cible:
            annee = max(self.cible)
            texte += f" (cible : {formater(self.cible[annee])} en {annee})"
        return texte


def tendances(qpv: Qpv) -> list[Tendance]:
    """Les principaux indicateurs du quartier (ceux qui ont le plus de valeurs réalisées, dans l'unité du premier
    : ils partagent un graphique), réalisé et cible par année : valeurs courantes et publiques du quartier entier
    (`ValeurQuerySet.publiques` : officielles, ou exposées par un bilan publié de leur contrat). Une requête."""
    valeurs = (
        Valeur.objects.courantes()
        .filter(
            cle_territoire=f"qpv:{qpv.code}",
            annee__isnull=False,
            nature__in=[NatureValeur.REALISE, NatureValeur.CIBLE],
        )
        .publiques()
        .select_related("indicateur")
        .order_by("indicateur__nom", "annee")
    )
    par_indicateur: dict[int, Tendance] = {}
    for valeur in valeurs:
        tendance = par_indicateur.setdefault(valeur.indicateur_id, Tendance(valeur.indicateur, {}, {}))
        par_annee = tendance.realise if valeur.nature == NatureValeur.REALISE else tendance.cible
        par_annee[valeur.annee] = valeur.valeur
    retenues = [
        t for t in sorted(par_indicateur.values(), key=lambda t: (-len(t.realise), t.indicateur.nom)) if t.realise
    ]
    if not retenues:
        return []
    unite = retenues[0].indicateur.unite
    return [t for t in retenues if t.indicateur.unite == unite][:INDICATEURS_EN_TENDANCE]


def graphique_des_tendances(tendances: list[Tendance]) -> Graphique | None:
    """Les valeurs réalisées des principaux indicateurs, une ligne par indicateur (même unité), avec leur résumé
    et leur tableau ; les cibles sont dans le résumé. Un seul graphique : chacun coûte au rendu du PDF."""
    if not tendances:
        return None
    annees = sorted({annee for t in tendances for annee in t.realise})
    formater = tendances[0].indicateur.formater

    def format_valeur(valeur) -> str:
        return "—" if valeur is None else formater(Decimal(str(valeur)))

    return Graphique(
        "lignes",
        "Tendance des principaux indicateurs du quartier",
        " ; ".join(t.resume for t in tendances) + ".",
        [Serie(t.indicateur.nom, [t.realise.get(a) for a in annees]) for t in tendances],
        [str(a) for a in annees],
        format_valeur=format_valeur,
        format_axe=format_valeur,
        entete_series="Indicateur (réalisé)",
    )


def conventions_du_qpv(qpv: Qpv) -> list[Convention]:
    """Les conventions publiques (en vigueur, terminées) des projets du quartier, les plus récentes d'abord,
    avec leur montant total : une requête."""
    return list(
        Convention.objects.filter(
            Q_CONVENTION_PUBLIQUE,
            pk__in=Convention.dossiers.through.objects.filter(dossier__qpv=qpv).values("convention_id"),
        )
        .select_related("structure")
        .annotate(total=Sum("montants__montant"), nombre_financeurs=Count("montants__financeur", distinct=True))
        .order_by("-annee_debut", "-pk")[:CONVENTIONS_AU_PLUS]
    )


def contexte(qpv: Qpv) -> dict:
    """Ce que la synthèse du QPV affiche, en 6 requêtes quel que soit le quartier (le QPV et ses communes sont
    déjà lus par `qpv_de_la_synthese`)."""
    lignes = lignes_de_base_du_qpv(qpv)  # 1
    par_commune = len({v.code_partie for ligne in lignes for v in ligne.valeurs if v.code_partie}) > 1
    projets = list(projets_finances(qpv=qpv)[:PROJETS_AU_PLUS])  # 2
    total_projets = projets_finances(qpv=qpv).aggregate(nombre=Count("pk"), montant=Sum("montant_accorde"))  # 3
    return {
        "qpv": qpv,
        "communes": list(qpv.communes.all()),
        "carte": carte_des_qpv([qpv]),
        "lignes": lignes,
        "par_commune": par_commune,
        "tendances": graphique_des_tendances(tendances(qpv)),  # 4
        "projets": projets,
        "nombre_projets": total_projets["nombre"] or 0,
        "montant_projets": total_projets["montant"] or Decimal(0),
        "conventions": conventions_du_qpv(qpv),  # 5
        "contrats": list(contrats_du_territoire(qpv=qpv)),  # 6
        "edite_le": timezone.localtime(),
    }


def qpv_de_la_synthese(code: str) -> Qpv | None:
    """Le QPV avec ce que la synthèse en lit d'avance (département, EPCI, communes) : deux requêtes."""
    return (
        Qpv.objects.select_related("departement", "epci")
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.only("code", "nom").order_by("nom")))
        .filter(code=code)
        .first()
    )


def pdf_synthese_qpv(qpv: Qpv) -> bytes:
    """La synthèse du QPV, rendue maintenant (sans passer par le stockage) : la mesure « à froid »."""
    return html_en_pdf(render_to_string(GABARIT, contexte(qpv)))


def mettre_a_jour(code: str) -> bool:
    """Rend et range la synthèse du QPV pour ses données actuelles, si ce n'est déjà fait (le travail de la
    tâche de fond). Rend True si elle a été rendue, False si elle était à jour ou si le QPV n'existe pas.
    L'empreinte et le contenu sont lus au même instant de la base (`config.pdf.lecture_coherente`)."""
    with lecture_coherente():
        qpv = qpv_de_la_synthese(code)
        if qpv is None:
            return False
        nom, valeur = nom_document(code), empreinte(code)
        if edition_existe(nom, valeur):
            return False
        html = render_to_string(GABARIT, contexte(qpv))
    ranger_edition(nom, valeur, html_en_pdf(html))
    return True
