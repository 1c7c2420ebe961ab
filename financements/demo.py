"""Démonstration des appels à projets : « Appel à projets 2027 — Rennes Métropole » du contrat CN03501I, ses
trois financeurs, et des dossiers des structures de démonstration dans chaque état (l'un collectif avec un
co-porteur confirmé, l'un au-dessus de 23 000 € d'un financeur). Idempotent : l'appel de démonstration et ses
dossiers sont recréés à chaque chargement."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from acteurs_ess.models import EtatRib, Rib, Structure
from comptes.models import Organisation, Utilisateur
from contrats.models import ContratDeVille
from financements.fichiers import PREFIXE_PRIVE
from financements.models import (
    AppelAProjets,
    Avenant,
    AvisCompteRendu,
    CompteRendu,
    Convention,
    ConventionMontant,
    CoPorteur,
    DecisionFinanceur,
    Dossier,
    Financement,
    FinanceurAppel,
    JournalConvention,
    JournalDossier,
    LigneBudget,
    NatureVersement,
    PieceJointe,
    SensAvisCompteRendu,
    SignatureConvention,
    StatutAvenant,
    StatutCompteRendu,
    StatutConvention,
    StatutDossier,
    StatutVersement,
    Versement,
    VisibiliteJournal,
)
from financements.models.dossier import SensBudget
from financements.models.instruction import AvisInstruction, Message, NoteInstruction
from financements.services.conventions import creer_convention, generer_conventions, repartir
from financements.services.dossiers import recalculer
from financements.services.versements import echeancier_type

TITRE = "Appel à projets 2027 — Rennes Métropole"
# L'appel de 2025 d'où vient la CPO 2025–2028 en exécution (versements, comptes-rendus, avenant).
TITRE_2025 = "Appel à projets 2025 — Rennes Métropole"
TITRE_CPO = "Animation de la vie associative du Blosne (2025–2028)"
# Un IBAN d'exemple (clé juste), celui que les versements de démonstration créditent.
IBAN_DEMO = "FR7630006000011234567890189"
# SIRET valides (clés justes) pour la publication SCDL ; seuls ceux de la métropole et de la ville sont réels.
SIRETS = {
    "Rennes Métropole": "24350013900189",
    "Ville de Rennes": "21350238800019",
    "Préfecture d'Ille-et-Vilaine": "17350001800010",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Ce que le CERFA 12156 demande de la structure (fiche 1) : son représentant légal, ses moyens humains et son
# budget ; la régie signe par délégation de son président.
STRUCTURES_CERFA = {
    "Les Ateliers du Blosne": {
        "representant_nom": "Jeanne Le Goff",
        "representant_qualite": "Présidente",
        "salaries_etp": Decimal("14.5"),
        "benevoles": 22,
        "budget_annuel_structure": Decimal("612000"),
    },
    "Régie de quartier de Maurepas": {
        "representant_nom": "Yves Morvan",
        "representant_qualite": "Président",
        "delegataire_nom": "Nadia Benali",
        "delegataire_qualite": "Directrice",
        "salaries_etp": Decimal("31"),
        "benevoles": 9,
        "budget_annuel_structure": Decimal("1240000"),
    },
    "Villejean Solidaire": {
        "representant_nom": "Fatou Diallo",
        "representant_qualite": "Co-présidente",
        "type_subvention": "fonctionnement",
        "salaries_etp": Decimal("2.6"),
        "benevoles": 48,
        "budget_annuel_structure": Decimal("158000"),
    },
}

# Le chemin de chaque état depuis le brouillon, pour écrire un journal vraisemblable.
CHEMINS = {
    StatutDossier.BROUILLON: [],
    StatutDossier.DEPOSE: ["depose"],
    StatutDossier.EN_INSTRUCTION: ["depose", "en_instruction"],
    StatutDossier.CORRECTION_DEMANDEE: ["depose", "en_instruction", "correction_demandee"],
    StatutDossier.DECIDE: ["depose", "en_instruction", "decide"],
    StatutDossier.CONVENTIONNE: ["depose", "en_instruction", "decide", "conventionne"],
    StatutDossier.EN_COURS: ["depose", "en_instruction", "decide", "conventionne", "en_cours"],
    StatutDossier.BILAN_DEPOSE: ["depose", "en_instruction", "decide", "conventionne", "en_cours", "bilan_depose"],
    StatutDossier.CLOS: ["depose", "en_instruction", "decide", "clos"],
    StatutDossier.RETIRE: ["depose", "retire"],
}

# (titre, structure, état, {financeur: (demandé, accordé ou None)}, co-porteur, description)
DOSSIERS = [
    (
        "Repair café itinérant",
        "Les Ateliers du Blosne",
        StatutDossier.BROUILLON,
        {"Rennes Métropole": ("8000", None)},
        None,
        "Un atelier de réparation qui tourne dans les halls du Blosne chaque samedi.",
    ),
    (
        "Chantier d'insertion espaces verts",
        "Régie de quartier de Maurepas",
        StatutDossier.DEPOSE,
        {"Rennes Métropole": ("15000", None), "Préfecture d'Ille-et-Vilaine": ("20000", None)},
        None,
        "Douze habitants salariés en insertion entretiennent les espaces verts de Maurepas.",
    ),
    (
        "Permanences d'accès aux droits",
        "Villejean Solidaire",
        StatutDossier.EN_INSTRUCTION,
        {"Rennes Métropole": ("6000", "6000"), "Ville de Rennes": ("4000", None)},
        None,
        "Permanences hebdomadaires avec des écrivains publics et des juristes bénévoles.",
    ),
    (
        "Atelier vélo des jeunes",
        "Les Ateliers du Blosne",
        StatutDossier.CORRECTION_DEMANDEE,
        {"Rennes Métropole": ("5000", None), "Préfecture d'Ille-et-Vilaine": ("5000", None)},
        None,
        "Des jeunes de 14 à 20 ans apprennent à réparer et à entretenir des vélos.",
    ),
    (
        "Recyclerie solidaire du Blosne et de Villejean",
        "Les Ateliers du Blosne",
        StatutDossier.CONVENTIONNE,
        {"Rennes Métropole": ("30000", "30000"), "Préfecture d'Ille-et-Vilaine": ("25000", "25000")},
        ("Villejean Solidaire", "Point de collecte et boutique au tiers-lieu de Villejean"),
        "Une recyclerie portée à deux : collecte, tri, réparation et revente solidaire dans deux quartiers.",
    ),
    (
        "Médiation dans les halls",
        "Régie de quartier de Maurepas",
        StatutDossier.DECIDE,
        {"Rennes Métropole": ("12000", "12000"), "Préfecture d'Ille-et-Vilaine": ("10000", "6000")},
        None,
        "Deux médiateurs salariés en insertion présents le soir dans les halls du Gros-Chêne.",
    ),
    (
        "Café des parents",
        "Villejean Solidaire",
        StatutDossier.EN_COURS,
        {"Ville de Rennes": ("5000", "5000")},
        None,
        "Un café hebdomadaire pour les parents, avec les écoles du quartier.",
    ),
    (
        "Jardins au pied des tours",
        "Régie de quartier de Maurepas",
        StatutDossier.BILAN_DEPOSE,
        {"Rennes Métropole": ("9000", "9000")},
        None,
        "Quatre jardins partagés cultivés par les locataires, avec Archipel Habitat.",
    ),
    (
        "Fête de quartier 2027",
        "Villejean Solidaire",
        StatutDossier.CLOS,
        {"Ville de Rennes": ("3000", "0")},
        None,
        "Une fête de quartier organisée par les habitants.",
    ),
    (
        "Atelier vélo du samedi",
        "Villejean Solidaire",
        StatutDossier.RETIRE,
        {"Rennes Métropole": ("4000", None)},
        None,
        "Un atelier d'autoréparation de vélos, retiré avant la décision faute de local.",
    ),
]


def _utilisateur(email: str):
    return Utilisateur.objects.filter(email=email).first()


def charger(sortie=print) -> None:
    contrat = ContratDeVille.objects.filter(code="CN03501I").first()
    agent, etat, ville = (
        _utilisateur(e) for e in ("agent@demo.coville.fr", "etat@demo.coville.fr", "agent.commune@demo.coville.fr")
    )
    membre = _utilisateur("structure@demo.coville.fr")
    financeurs = {o.nom: o for o in Organisation.objects.filter(nom__in=SIRETS)}
    structures = {s.raison_sociale: s for s in Structure.objects.filter(raison_sociale__in=[d[1] for d in DOSSIERS])}
    if contrat is None or agent is None or len(financeurs) < 3 or len(structures) < 3:
        sortie("Appels à projets : contrat, comptes ou structures de démonstration absents, rien n'est chargé.")
        return
    for nom, organisation in financeurs.items():
        if not organisation.siret:
            organisation.siret = SIRETS[nom]
            organisation.save(update_fields=["siret"])

    for ancien in AppelAProjets.objects.filter(contrat=contrat, titre__in=[TITRE, TITRE_2025]):
        chemins = list(
            PieceJointe.objects.filter(dossier__appel=ancien, document__isnull=True).values_list("chemin", flat=True)
        )
        # Les données de démonstration se rechargent : seules leurs décisions sont effacées, jamais d'autres.
        Convention.objects.filter(dossiers__appel=ancien).delete()
        DecisionFinanceur.objects.filter(financement__dossier__appel=ancien).delete()
        Dossier.objects.filter(appel=ancien).delete()
        ancien.delete()
        for chemin in chemins:
            default_storage.delete(chemin)

    aujourd_hui = timezone.localdate()
    appel = AppelAProjets.objects.create(
        contrat=contrat,
        titre=TITRE,
        annee=2027,
        description=(
            "Un seul dossier pour la métropole, l'État et la ville : les trois financeurs l'instruisent ensemble et "
            "chacun décide de sa part. Les projets portés à plusieurs structures sont encouragés."
        ),
        ouverture=aujourd_hui - timedelta(days=30),
        cloture=aujourd_hui + timedelta(days=60),
        pieces_demandees=["statuts", "rib"],
        reponses_collectives=True,
        modalites_collectives=(
            "Un projet porté par plusieurs structures d'un même quartier ou de quartiers voisins est examiné en "
            "priorité ; ses co-porteurs confirment leur participation en ligne."
        ),
        publie_le=timezone.now() - timedelta(days=30),
        cree_par=agent,
    )
    appel.priorites.set(contrat.orientations.all()[:4])
    appel.qpv.set(contrat.qpv.all())
    FinanceurAppel.objects.bulk_create(
        [
            FinanceurAppel(
                appel=appel,
                organisation=financeurs["Rennes Métropole"],
                enveloppe=Decimal("400000"),
                dispositif="Politique de la ville et ESS",
            ),
            FinanceurAppel(
                appel=appel,
                organisation=financeurs["Préfecture d'Ille-et-Vilaine"],
                enveloppe=Decimal("600000"),
                dispositif="Crédits politique de la ville (BOP 147)",
                programme_147=True,
            ),
            FinanceurAppel(
                appel=appel,
                organisation=financeurs["Ville de Rennes"],
                enveloppe=Decimal("150000"),
                dispositif="Vie associative des quartiers",
            ),
        ]
    )
    decideurs = {
        "Rennes Métropole": agent,
        "Préfecture d'Ille-et-Vilaine": etat or agent,
        "Ville de Rennes": ville or agent,
    }
    for numero, (titre, porteur, statut, demandes, co_porteur, description) in enumerate(DOSSIERS):
        _dossier(
            appel,
            numero,
            titre,
            structures[porteur],
            statut,
            demandes,
            co_porteur,
            description,
            structures,
            financeurs,
            decideurs,
            membre or agent,
        )
    _conventions(appel, financeurs, decideurs, membre or agent)
    _cpo_en_execution(contrat, structures, financeurs, decideurs, membre or agent)
    sortie(
        f"Appels à projets : « {TITRE} », {len(DOSSIERS)} dossiers (un par état, un collectif, un au-delà de 23 000 €)"
        ", deux conventions annuelles en vigueur (un avenant à celle de la métropole attend la signature de la "
        "structure) et une CPO 2027–2029 qui attend la signature de la métropole ; "
        f"« {TITRE_2025} » et sa CPO 2025–2028 à trois financeurs en exécution (versements payés, mandaté et "
        "prévus, compte-rendu 2025 accepté, compte-rendu 2026 dû, avenant signé)."
    )


def _signature(convention, financeur, nom, qualite, auteur, **acte) -> None:
    SignatureConvention.objects.create(
        convention=convention,
        financeur=financeur,
        signataire_nom=nom,
        signataire_qualite=qualite,
        enregistree_par=auteur,
        **acte,
    )
    partie = "la structure" if financeur is None else str(financeur)
    JournalConvention.objects.create(
        convention=convention, auteur=auteur, evenement=f"Signature de {partie} : {nom}, {qualite}"
    )


def _versements(convention, financeur, agent) -> None:
    """L'échéancier type d'une convention en vigueur : l'avance payée sur le RIB validé de la structure, le
    solde prévu (écrits directement, sans e-mails)."""
    convention.refresh_from_db()
    rib = Rib.objects.filter(structure=convention.structure, etat=EtatRib.VALIDE).first()
    paye_le = convention.en_vigueur_le or timezone.localdate()
    for annee in convention.annees:
        montant = convention.montants.get(financeur=financeur, annee=annee).montant
        for rang, (nature, part, prevue) in enumerate(echeancier_type(convention, annee, montant)):
            paye = rang == 0 and rib is not None
            Versement.objects.create(
                convention=convention,
                financeur=financeur,
                annee=annee,
                nature=nature,
                montant=part,
                date_prevue=prevue,
                statut=StatutVersement.PAYE if paye else StatutVersement.PREVU,
                mandate_le=paye_le if paye else None,
                reference_mandat=f"M-{annee}-{convention.pk:04d}" if paye else "",
                paye_le=paye_le if paye else None,
                reference_paiement=f"P-{annee}-{convention.pk:04d}" if paye else "",
                iban=rib.iban if paye and rib else "",
                cree_par=agent,
            )
    JournalConvention.objects.create(
        convention=convention,
        auteur=agent,
        financeur=financeur,
        evenement=f"Échéancier de {financeur} établi ; avance payée",
    )


def _avenant(convention, financeur, auteur) -> None:
    """Un avenant à la convention de la métropole, qui attend la signature de la structure : une année de plus."""
    avant = {f"{m.financeur_id}:{m.annee}": str(m.montant) for m in convention.montants.all()}
    montant = next(iter(avant.values()))
    Avenant.objects.create(
        convention=convention,
        numero=1,
        objet="La convention couvre une seconde année, au même montant.",
        motif="La recyclerie ouvre un second atelier à Villejean l'an prochain.",
        montants_avant=avant,
        montants_apres={**avant, f"{financeur.pk}:{convention.annee_debut + 1}": montant},
        nombre_annees_avant=1,
        nombre_annees_apres=2,
        cree_par=auteur,
    )
    JournalConvention.objects.create(
        convention=convention,
        auteur=auteur,
        evenement="Avenant n° 1 préparé : il attend la signature de chaque partie",
        motif="La recyclerie ouvre un second atelier à Villejean l'an prochain.",
    )


def _conventions(appel, financeurs, decideurs, membre) -> None:
    """Les conventions annuelles en vigueur du dossier conventionné, et une CPO de trois ans pour le dossier décidé,
    signée par la structure et l'État, qui attend la signature de la métropole. Écrites comme elles le seraient
    au bout de leur cycle de vie (sans e-mails)."""
    metropole, etat = financeurs["Rennes Métropole"], financeurs["Préfecture d'Ille-et-Vilaine"]
    deliberation = {"reference_acte": "Délibération C 26.041", "date_acte": date(2026, 3, 26)}
    recyclerie = appel.dossiers.get(statut=StatutDossier.CONVENTIONNE)
    for convention in generer_conventions(recyclerie, decideurs["Rennes Métropole"]):
        financeur = convention.parties.get().financeur
        _signature(convention, None, "Awa Diallo", "Présidente", membre)
        if financeur == metropole:
            _signature(convention, financeur, "Nathalie Appéré", "Présidente", decideurs[financeur.nom], **deliberation)
        else:
            _signature(
                convention,
                financeur,
                "Amélie Puccinelli",
                "Préfète déléguée pour l'égalité des chances",
                decideurs[financeur.nom],
                delegation=True,
            )
        Convention.objects.filter(pk=convention.pk).update(
            statut=StatutConvention.EN_VIGUEUR, en_vigueur_le=recyclerie.conventionne_le or timezone.localdate()
        )
        JournalConvention.objects.create(
            convention=convention,
            auteur=decideurs[financeur.nom],
            de_statut=StatutConvention.SIGNEE_FINANCEURS,
            a_statut=StatutConvention.EN_VIGUEUR,
            evenement="Convention en vigueur",
        )
        _versements(convention, financeur, decideurs[financeur.nom])
        if financeur == metropole:
            _avenant(convention, metropole, decideurs[financeur.nom])
    mediation = appel.dossiers.get(statut=StatutDossier.DECIDE)
    decides = {
        d.financement.financeur: d.montant
        for d in DecisionFinanceur.objects.filter(financement__dossier=mediation, montant__gt=0).select_related(
            "financement__financeur"
        )
    }
    cpo = creer_convention(
        mediation.structure,
        decideurs["Rennes Métropole"],
        financeurs={f: repartir(montant, 3) for f, montant in decides.items()},
        annee_debut=2027,
        nombre_annees=3,
        objet="la médiation sociale dans les halls du Gros-Chêne, de 2027 à 2029",
        dossiers=[mediation],
    )
    _signature(cpo, None, "Karim Benali", "Président", membre)
    _signature(
        cpo,
        etat,
        "Amélie Puccinelli",
        "Préfète déléguée pour l'égalité des chances",
        decideurs[etat.nom],
        delegation=True,
    )
    # La métropole n'a pas encore signé : la CPO reste « signée par la structure ».
    Convention.objects.filter(pk=cpo.pk).update(statut=StatutConvention.SIGNEE_STRUCTURE)


def _cpo_en_execution(contrat, structures, financeurs, decideurs, membre) -> None:
    """Une CPO 2025–2028 des Ateliers du Blosne avec la métropole, l'État (programme 147) et la ville, en
    vigueur depuis février 2025 : les versements de 2025 payés, ceux de 2026 payé, mandaté ou prévus, le
    compte-rendu 2025 accepté par les trois financeurs, celui de 2026 dû au 30 juin 2027, et un avenant signé
    qui porte la part de la ville de 12 000 € à 15 000 € en 2027 et 2028. Écrite comme au bout de son cycle de
    vie (sans e-mails)."""
    metropole = financeurs["Rennes Métropole"]
    etat = financeurs["Préfecture d'Ille-et-Vilaine"]
    ville = financeurs["Ville de Rennes"]
    agent = decideurs["Rennes Métropole"]
    aujourd_hui = timezone.localdate()
    appel = AppelAProjets.objects.create(
        contrat=contrat,
        titre=TITRE_2025,
        annee=2025,
        description="L'appel de 2025 : les actions retenues pour plusieurs années sont conventionnées en CPO.",
        ouverture=date(2024, 10, 1),
        cloture=date(2024, 12, 15),
        pieces_demandees=["statuts", "rib"],
        publie_le=timezone.now() - timedelta(days=800),
        cree_par=agent,
    )
    appel.qpv.set(contrat.qpv.all())
    FinanceurAppel.objects.bulk_create(
        [
            FinanceurAppel(appel=appel, organisation=metropole, enveloppe=Decimal("380000")),
            FinanceurAppel(
                appel=appel,
                organisation=etat,
                enveloppe=Decimal("550000"),
                dispositif="Crédits politique de la ville (BOP 147)",
                programme_147=True,
            ),
            FinanceurAppel(appel=appel, organisation=ville, enveloppe=Decimal("140000")),
        ]
    )
    annuels = {"Rennes Métropole": 40000, "Préfecture d'Ille-et-Vilaine": 30000, "Ville de Rennes": 12000}
    dossier = _dossier(
        appel,
        10,
        TITRE_CPO,
        structures["Les Ateliers du Blosne"],
        StatutDossier.EN_COURS,
        {nom: (str(4 * montant), str(4 * montant)) for nom, montant in annuels.items()},
        None,
        "Permanences, ateliers ouverts et accompagnement des petites associations du Blosne, quatre ans durant.",
        structures,
        financeurs,
        decideurs,
        membre,
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        date_debut=date(2025, 1, 1), date_fin=date(2028, 12, 31), nombre_annees=4, conventionne_le=date(2025, 2, 14)
    )
    cpo = creer_convention(
        dossier.structure,
        agent,
        financeurs={financeurs[nom]: [Decimal(montant)] * 4 for nom, montant in annuels.items()},
        annee_debut=2025,
        nombre_annees=4,
        objet="l'animation de la vie associative du Blosne, de 2025 à 2028",
        dossiers=[dossier],
    )
    _signature(cpo, None, "Jeanne Le Goff", "Présidente", membre)
    deliberation = {"reference_acte": "Délibération C 25.007", "date_acte": date(2025, 1, 30)}
    _signature(cpo, metropole, "Nathalie Appéré", "Présidente", agent, **deliberation)
    _signature(
        cpo,
        etat,
        "Amélie Puccinelli",
        "Préfète déléguée pour l'égalité des chances",
        decideurs[etat.nom],
        delegation=True,
    )
    _signature(
        cpo,
        ville,
        "Adjointe à la vie associative",
        "Adjointe au maire, par délégation",
        decideurs[ville.nom],
        delegation=True,
        reference_acte="Arrêté 2024-312",
        date_acte=date(2024, 12, 2),
    )
    Convention.objects.filter(pk=cpo.pk).update(statut=StatutConvention.EN_VIGUEUR, en_vigueur_le=date(2025, 2, 14))
    JournalConvention.objects.create(
        convention=cpo,
        auteur=agent,
        de_statut=StatutConvention.SIGNEE_FINANCEURS,
        a_statut=StatutConvention.EN_VIGUEUR,
        evenement="Convention en vigueur",
    )

    def versement(financeur, annee, nature, montant, prevue, statut, mandat=None, paiement=None):
        Versement.objects.create(
            convention=cpo,
            financeur=financeur,
            annee=annee,
            nature=nature,
            montant=Decimal(montant),
            date_prevue=prevue,
            statut=statut,
            mandate_le=mandat,
            reference_mandat=f"M-{annee}-{financeur.pk}-{nature}" if mandat else "",
            paye_le=paiement,
            reference_paiement=f"P-{annee}-{financeur.pk}-{nature}" if paiement else "",
            iban=IBAN_DEMO if mandat else "",
            cree_par=decideurs[financeur.nom],
        )

    paye, mandate, prevu = StatutVersement.PAYE, StatutVersement.MANDATE, StatutVersement.PREVU
    avance, solde, unique = NatureVersement.AVANCE, NatureVersement.SOLDE, NatureVersement.UNIQUE
    versement(metropole, 2025, avance, 20000, date(2025, 3, 1), paye, date(2025, 3, 3), date(2025, 3, 14))
    versement(metropole, 2025, solde, 20000, date(2025, 9, 1), paye, date(2025, 9, 2), date(2025, 9, 12))
    versement(etat, 2025, unique, 30000, date(2025, 5, 1), paye, date(2025, 5, 6), date(2025, 6, 20))
    versement(ville, 2025, unique, 12000, date(2025, 4, 1), paye, date(2025, 4, 2), date(2025, 4, 18))
    # 2026 : le compte-rendu 2025 accepté débloque les soldes ; l'État a mandaté son avance, la ville doit
    # mandater bientôt, la métropole verse son solde plus tard.
    versement(metropole, 2026, avance, 20000, date(2026, 3, 1), paye, date(2026, 3, 2), date(2026, 3, 12))
    versement(etat, 2026, avance, 15000, aujourd_hui - timedelta(days=20), mandate, aujourd_hui - timedelta(days=15))
    versement(ville, 2026, unique, 12000, aujourd_hui + timedelta(days=10), prevu)
    versement(metropole, 2026, solde, 20000, aujourd_hui + timedelta(days=45), prevu)
    versement(etat, 2026, solde, 15000, aujourd_hui + timedelta(days=75), prevu)

    compte_rendu = CompteRendu.objects.create(
        convention=cpo,
        annee=2025,
        statut=StatutCompteRendu.ACCEPTE,
        actions_realisees="42 permanences, 18 ateliers ouverts, 11 associations accompagnées dans leurs demandes.",
        ecarts="Les ateliers d'été ont coûté moins que prévu (animateur bénévole).",
        beneficiaires_nombre=312,
        beneficiaires_qpv=251,
        beneficiaires_femmes=171,
        beneficiaires_hommes=141,
        difficultes="Local indisponible six semaines au printemps.",
        depose_le=timezone.make_aware(datetime(2026, 5, 20, 10, 0)),
        depose_par=membre,
    )
    for jour, financeur in enumerate((metropole, etat, ville), start=2):
        AvisCompteRendu.objects.create(
            compte_rendu=compte_rendu,
            financeur=financeur,
            sens=SensAvisCompteRendu.ACCEPTE,
            auteur=decideurs[financeur.nom],
            date=timezone.make_aware(datetime(2026, 6, jour, 14, 0)),
        )

    avant = {f"{m.financeur_id}:{m.annee}": str(m.montant) for m in cpo.montants.all()}
    apres = dict(avant) | {f"{ville.pk}:2027": "15000.00", f"{ville.pk}:2028": "15000.00"}
    Avenant.objects.create(
        convention=cpo,
        numero=1,
        objet="La ville porte sa part de 12 000 € à 15 000 € en 2027 et 2028.",
        motif="Un second atelier ouvert le samedi, à la demande du conseil citoyen.",
        montants_avant=avant,
        montants_apres=apres,
        statut=StatutAvenant.SIGNE,
        cree_par=decideurs[ville.nom],
        signe_le=timezone.make_aware(datetime(2026, 10, 8, 11, 0)),
    )
    ConventionMontant.objects.filter(convention=cpo, financeur=ville, annee__in=[2027, 2028]).update(
        montant=Decimal("15000")
    )
    JournalConvention.objects.create(convention=cpo, auteur=decideurs[ville.nom], evenement="Avenant n° 1 signé")


def _dossier(
    appel,
    numero,
    titre,
    structure,
    statut,
    demandes,
    co_porteur,
    description,
    structures,
    financeurs,
    decideurs,
    membre,
):
    maintenant = timezone.now()
    debut = date(2027, 1, 1) + timedelta(days=30 * numero)
    qpv = list(structure.qpv.all()[:1]) or list(appel.qpv.all()[:1])
    dossier = Dossier.objects.create(
        appel=appel,
        structure=structure,
        titre=titre,
        description=description,
        objectifs="Créer de l'activité et du lien dans le quartier ; associer les habitants à chaque étape.",
        tranches_age=["jeunes", "adultes"],
        part_femmes=50,
        nombre_personnes=40 + 10 * numero,
        date_debut=debut,
        date_fin=debut + timedelta(days=300),
        renouvellement=numero % 2 == 1,
        **STRUCTURES_CERFA.get(structure.raison_sociale, {}),
        statut=statut,
        cree_par=membre,
        cree_le=maintenant - timedelta(days=40 - numero),
    )
    dossier.qpv.set(qpv)
    dossier.priorites.set(appel.priorites.all()[:1])
    total_demande = sum(Decimal(d) for d, _ in demandes.values())
    fonds_propres = (total_demande / 10).quantize(Decimal("1"))
    total = total_demande + fonds_propres
    lignes = [
        LigneBudget(
            dossier=dossier,
            sens=SensBudget.CHARGE,
            compte="60",
            libelle="Matériel et fournitures",
            montant=(total * Decimal("0.2")).quantize(Decimal("0.01")),
            ordre=1,
        ),
        LigneBudget(
            dossier=dossier,
            sens=SensBudget.CHARGE,
            compte="64",
            libelle="Salaires et charges",
            montant=total - (total * Decimal("0.2")).quantize(Decimal("0.01")),
            ordre=2,
        ),
        LigneBudget(
            dossier=dossier,
            sens=SensBudget.PRODUIT,
            compte="75",
            libelle="Cotisations et dons",
            montant=fonds_propres,
            ordre=10,
        ),
    ]
    for i, (nom, (demande, _)) in enumerate(demandes.items()):
        lignes.append(
            LigneBudget(
                dossier=dossier,
                sens=SensBudget.PRODUIT,
                compte="74",
                libelle=f"Subvention {nom}",
                montant=Decimal(demande),
                financeur=financeurs[nom],
                ordre=20 + i,
            )
        )
    LigneBudget.objects.bulk_create(lignes)
    dossier.fonds_propres = fonds_propres
    dossier.save(update_fields=["fonds_propres"])
    for nom, (demande, accorde) in demandes.items():
        financement = Financement.objects.create(
            dossier=dossier, financeur=financeurs[nom], montant_demande=Decimal(demande)
        )
        if accorde is not None and statut != StatutDossier.BROUILLON:
            DecisionFinanceur.objects.create(
                financement=financement,
                montant=Decimal(accorde),
                reference=f"2027-{numero + 1:03d}-{financeurs[nom].pk}",
                motif="" if Decimal(accorde) >= Decimal(demande) else "Enveloppe contrainte : part réduite.",
                decide_par=decideurs[nom],
                decide_le=maintenant - timedelta(days=5),
            )
    if co_porteur:
        nom, role = co_porteur
        CoPorteur.objects.create(
            dossier=dossier, structure=structures[nom], role=role, confirme_le=maintenant - timedelta(days=35)
        )
    if statut != StatutDossier.BROUILLON:
        for type_piece in ("statuts", "rib"):
            chemin = default_storage.save(f"{PREFIXE_PRIVE}/{dossier.pk}/{type_piece}.pdf", ContentFile(PDF))
            PieceJointe.objects.create(
                dossier=dossier,
                type=type_piece,
                chemin=chemin,
                nom=f"{type_piece}.pdf",
                taille=len(PDF),
                type_mime="application/pdf",
                deposee_par=membre,
            )
    JournalDossier.objects.create(
        dossier=dossier,
        auteur=membre,
        a_statut="brouillon",
        evenement="Dossier créé en brouillon",
        date=dossier.cree_le,
        visibilite=VisibiliteJournal.PORTEUR,
    )
    precedent = "brouillon"
    for jour, etape in enumerate(CHEMINS[statut], start=1):
        auteur = membre if etape in ("depose", "bilan_depose", "retire") else decideurs["Rennes Métropole"]
        motif = {
            "correction_demandee": "Précisez le nombre de jeunes accueillis et joignez un devis.",
            "retire": "Le local prévu n'est plus disponible : nous reviendrons l'an prochain.",
        }.get(etape, "")
        JournalDossier.objects.create(
            dossier=dossier,
            auteur=auteur,
            de_statut=precedent,
            a_statut=etape,
            evenement=StatutDossier(etape).label,
            motif=motif,
            date=dossier.cree_le + timedelta(days=jour),
            visibilite=VisibiliteJournal.PORTEUR,
        )
        precedent = etape
    champs = {}
    if statut != StatutDossier.BROUILLON:
        champs["depose_le"] = dossier.cree_le + timedelta(days=1)
    if "decide" in CHEMINS[statut]:
        champs["decide_le"] = maintenant - timedelta(days=5)
    if "conventionne" in CHEMINS[statut]:
        champs["conventionne_le"] = timezone.localdate() - timedelta(days=3)
    if champs:
        Dossier.objects.filter(pk=dossier.pk).update(**champs)
    if statut == StatutDossier.EN_INSTRUCTION:
        AvisInstruction.objects.create(
            dossier=dossier,
            organisation=financeurs["Ville de Rennes"],
            auteur=decideurs["Ville de Rennes"],
            sens="favorable",
            montant_propose=Decimal("4000"),
            commentaire="Action utile, bien ancrée.",
        )
        NoteInstruction.objects.create(
            dossier=dossier,
            organisation=financeurs["Rennes Métropole"],
            auteur=decideurs["Rennes Métropole"],
            texte="Structure solide, bilan 2026 conforme.",
        )
        Message.objects.create(
            dossier=dossier,
            auteur=decideurs["Rennes Métropole"],
            organisation=financeurs["Rennes Métropole"],
            texte="Combien de permanences par semaine prévoyez-vous ?",
        )
    recalculer(dossier)
    return dossier
