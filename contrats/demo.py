"""Données de démonstration des contrats : le contrat de ville de Rennes Métropole en concertation, avec ses
sections (plusieurs versions), ses orientations, ses signataires, une réunion du comité de pilotage et des
contributions des comptes de démonstration dans chaque état. Idempotent : le contrat de démonstration est
remis dans son état de démonstration à chaque exécution."""

from datetime import date, timedelta

from django.utils import timezone

from acteurs_ess.models import Collectif, Structure
from comptes.models import Organisation, Utilisateur
from contrats.models import (
    AxeTransversal,
    Concertation,
    ConsultationService,
    ContratDeVille,
    Contribution,
    DynamiqueCooperative,
    Engagement,
    Etape,
    InstanceGouvernance,
    JournalContrat,
    JournalContribution,
    NiveauOrientation,
    Orientation,
    Pilier,
    Public,
    Reunion,
    Section,
    ServiceConsulte,
    Signataire,
    StatutContrat,
    StatutContribution,
    StructureAssociee,
    TypeDynamique,
    TypeInstance,
    VersionSection,
)
from contrats.models.contrat import TypePorteur
from territoires.models import Commune, Departement, Epci, Qpv

CODE = "CN03501I"
QPV = ["QN03502M", "QN03503I", "QN03504M", "QN03505M", "QN03506I"]

SECTIONS = [
    (
        Etape.DIAGNOSTIC,
        "Portrait des quartiers",
        [
            "<p>Cinq quartiers prioritaires de Rennes accueillent près de 34 000 habitants.</p>",
            "<h2>Les quartiers</h2><p>Cinq quartiers prioritaires de Rennes accueillent près de 34 000 habitants : "
            "Maurepas, Le Blosne, Villejean, Bréquigny et Cleunay.</p><ul><li>Une population jeune</li>"
            "<li>Un taux de pauvreté trois fois supérieur à celui de la métropole</li></ul>",
            "<h2>Les quartiers</h2><p>Cinq quartiers prioritaires de Rennes accueillent près de 34 000 habitants : "
            "Maurepas, Le Blosne, Villejean, Bréquigny et Cleunay.</p><ul><li>Une population jeune : un habitant "
            "sur trois a moins de 25 ans</li><li>Un taux de pauvreté trois fois supérieur à celui de la "
            "métropole</li></ul><table><thead><tr><th>Quartier</th><th>Habitants</th></tr></thead><tbody>"
            "<tr><td>Le Blosne</td><td>11 809</td></tr><tr><td>Villejean</td><td>8 570</td></tr>"
            "<tr><td>Maurepas</td><td>6 778</td></tr></tbody></table>",
        ],
    ),
    (
        Etape.DIAGNOSTIC,
        "Emploi et activité économique",
        [
            "<p>Le chômage des jeunes reste élevé dans les quartiers.</p>",
            "<p>Le chômage des jeunes reste élevé dans les quartiers. L'économie sociale et solidaire y est "
            "présente : régies de quartier, ateliers et chantiers d'insertion, une coopérative d'activité et "
            "d'emploi.</p>",
        ],
    ),
    (
        Etape.ORIENTATIONS,
        "Nos priorités pour 2030",
        [
            "<p>Trois orientations guident le contrat : l'emploi, la réussite éducative, le cadre de vie.</p>",
            "<p>Trois orientations guident le contrat :</p><ol><li>l'accès à l'emploi et l'entrepreneuriat, "
            "notamment collectif ;</li><li>la réussite éducative ;</li><li>un cadre de vie apaisé et la "
            "transition écologique.</li></ol>",
        ],
    ),
    (
        Etape.PROGRAMME,
        "Emploi et insertion",
        [
            "<p>Soutenir les structures d'insertion par l'activité économique des quartiers.</p>",
            "<p>Soutenir les structures d'insertion par l'activité économique des quartiers et la régie de "
            "quartier de Maurepas.</p><p>Créer une Fabrique à initiatives au Blosne.</p>",
            "<p>Soutenir les structures d'insertion par l'activité économique des quartiers et la régie de "
            "quartier de Maurepas.</p><p>Créer une Fabrique à initiatives au Blosne, en lien avec la "
            "coopérative d'activité et d'emploi.</p><p>Conclure des conventions pluriannuelles d'objectifs avec "
            "les associations d'accompagnement vers l'emploi.</p>",
        ],
    ),
    (
        Etape.PROGRAMME,
        "Réussite éducative",
        [
            "<p>Le programme de réussite éducative accompagne 600 enfants par an.</p>",
            "<p>Le programme de réussite éducative accompagne 600 enfants par an ; il s'étend aux collégiens "
            "de Villejean.</p>",
        ],
    ),
    (
        Etape.PROGRAMME,
        "Cadre de vie et tranquillité",
        [
            "<p>Rénover les espaces publics du Blosne et de Maurepas avec les habitants.</p>",
            "<p>Rénover les espaces publics du Blosne et de Maurepas avec les habitants et Archipel Habitat.</p>",
        ],
    ),
    (
        Etape.GOUVERNANCE,
        "Pilotage du contrat",
        [
            "<p>Un comité de pilotage réunit chaque année les signataires et les conseils citoyens.</p>",
            "<p>Un comité de pilotage réunit deux fois par an les signataires et les conseils citoyens ; un "
            "comité technique le prépare.</p>",
        ],
    ),
    (
        Etape.EVALUATION,
        "Évaluation et revues",
        [
            "<p>Une revue annuelle, une revue à mi-parcours en 2027, une évaluation finale en 2030.</p>",
            "<p>Une revue annuelle, une revue à mi-parcours en 2027, une évaluation finale en 2030, avec les "
            "indicateurs suivis par quartier.</p>",
        ],
    ),
]

ORIENTATIONS = [
    (
        "Accès à l'emploi et entrepreneuriat",
        [Pilier.DEVELOPPEMENT_ECONOMIQUE],
        [AxeTransversal.JEUNESSE, AxeTransversal.EGALITE],
        ["Lever les freins à l'emploi des jeunes", "Soutenir l'entrepreneuriat collectif et l'ESS"],
    ),
    (
        "Réussite éducative",
        [Pilier.COHESION_SOCIALE],
        [AxeTransversal.JEUNESSE],
        ["Accompagner les collégiens", "Ouvrir les écoles aux parents"],
    ),
    (
        "Cadre de vie et transition écologique",
        [Pilier.CADRE_DE_VIE],
        [AxeTransversal.TRANSITION],
        ["Rénover les espaces publics avec les habitants"],
    ),
]

SIGNATAIRES = [
    (
        "Préfecture d'Ille-et-Vilaine",
        [("Crédits politique de la ville (programme 147) pour les actions du contrat, chaque année", "1200000")],
    ),
    ("Rennes Métropole", [("Pilotage du contrat et cofinancement des actions", "900000")]),
    ("Ville de Rennes", [("Mobilisation des services municipaux et des équipements de quartier", None)]),
    ("Archipel Habitat", [("Abattement de TFPB réinvesti dans la gestion urbaine de proximité", "450000")]),
]


def _utilisateur(email: str) -> Utilisateur | None:
    return Utilisateur.objects.filter(email=email).first()


def charger(sortie=print) -> None:
    agent = _utilisateur("agent@demo.coville.fr")
    if agent is None:
        sortie("Contrats : comptes de démonstration absents, rien n'est chargé.")
        return
    epci = Epci.objects.filter(siren="243500139").first()
    contrat, _ = ContratDeVille.objects.update_or_create(
        code=CODE,
        defaults={
            "nom": "Rennes Métropole",
            "libelle_anct": "35 - Rennes Métropole",
            "type_porteur": TypePorteur.EPCI,
            "code_porteur": "243500139",
            "epci": epci,
            "departement": Departement.objects.filter(code="35").first(),
            "population_qpv": 33840,
            "statut": StatutContrat.CONCERTATION,
        },
    )
    qpv = [q for code in QPV if (q := Qpv.objects.filter(code=code).first())]
    contrat.qpv.set(qpv)
    contrat.communes.set([c for code in ("35238",) if (c := Commune.objects.filter(code=code).first())])

    # On repart d'un contrat vide : la démonstration est la même à chaque chargement.
    Contribution.objects.filter(concertation__contrat=contrat).delete()
    contrat.concertations.all().delete()
    contrat.sections.all().delete()
    contrat.orientations.all().delete()
    contrat.signataires.all().delete()
    contrat.instances.all().delete()
    contrat.journal.all().delete()
    contrat.consultations_ess.all().delete()
    contrat.dynamiques_cooperatives.all().delete()
    contrat.structures_ess.all().delete()

    maintenant = timezone.now()
    JournalContrat.objects.create(
        contrat=contrat,
        a_statut=StatutContrat.ELABORATION,
        motif="Import de la liste nationale des contrats de ville (ANCT).",
        date=maintenant - timedelta(days=120),
    )
    JournalContrat.objects.create(
        contrat=contrat,
        auteur=agent,
        de_statut=StatutContrat.ELABORATION,
        a_statut=StatutContrat.CONCERTATION,
        motif="Ouverture de la concertation sur le projet de territoire",
        date=maintenant - timedelta(days=10),
    )
    collegue = _utilisateur("agent.commune@demo.coville.fr") or agent
    sections = {}
    for ordre, (etape, titre, textes) in enumerate(SECTIONS, start=1):
        section = Section.objects.create(contrat=contrat, etape=etape, titre=titre, ordre=ordre)
        for numero, texte in enumerate(textes, start=1):
            date_version = maintenant - timedelta(days=60 - 15 * numero, hours=ordre)
            VersionSection.objects.create(
                section=section,
                numero=numero,
                texte=texte,
                auteur=agent if numero % 2 else collegue,
                cree_le=date_version,
                message="Première rédaction" if numero == 1 else "Compléments après le comité technique",
            )
            section.texte, section.numero, section.modifiee_le = texte, numero, date_version
            section.modifiee_par = agent if numero % 2 else collegue
        section.save()
        sections[titre] = section

    orientations = []
    for ordre, (titre, piliers, axes, objectifs) in enumerate(ORIENTATIONS, start=1):
        orientation = Orientation.objects.create(
            contrat=contrat, niveau=NiveauOrientation.ORIENTATION, titre=titre, ordre=ordre, piliers=piliers, axes=axes
        )
        orientation.qpv.set(qpv)
        orientations.append(orientation)
        for rang, objectif in enumerate(objectifs, start=1):
            enfant = Orientation.objects.create(
                contrat=contrat,
                parent=orientation,
                niveau=NiveauOrientation.OBJECTIF,
                titre=objectif,
                ordre=rang,
                piliers=piliers,
                axes=axes,
            )
            enfant.qpv.set(qpv[:2])

    for ordre, (nom, engagements) in enumerate(SIGNATAIRES, start=1):
        organisation = Organisation.objects.filter(nom=nom).first()
        if organisation is None:
            continue
        signataire = Signataire.objects.create(contrat=contrat, organisation=organisation, ordre=ordre)
        for rang, (texte, montant) in enumerate(engagements, start=1):
            Engagement.objects.create(signataire=signataire, texte=texte, montant=montant, ordre=rang)

    copil = InstanceGouvernance.objects.create(
        contrat=contrat,
        type=TypeInstance.COPIL,
        nom="Comité de pilotage du contrat de ville",
        composition="Préfet, présidente de Rennes Métropole, maire de Rennes, bailleurs, conseils citoyens",
    )
    Reunion.objects.create(
        instance=copil,
        date=date.today() - timedelta(days=30),
        participants="Préfecture d'Ille-et-Vilaine\nRennes Métropole\nVille de Rennes\nArchipel Habitat\n"
        "Conseil citoyen de Maurepas",
        decisions="Validation du diagnostic partagé.\nOuverture de la concertation sur le programme d'actions.",
        compte_rendu="Le comité valide le diagnostic et demande d'associer les structures de l'ESS.",
    )
    InstanceGouvernance.objects.create(
        contrat=contrat, type=TypeInstance.CONSEIL_CITOYEN, nom="Conseil citoyen de Maurepas"
    )

    concertation = Concertation.objects.create(
        contrat=contrat,
        titre="Concertation sur le programme d'actions",
        description="Dites-nous ce qui compte pour vos quartiers : emploi, éducation, cadre de vie.",
        debut=date.today() - timedelta(days=10),
        fin=date.today() + timedelta(days=30),
        publics=[Public.SIGNATAIRES, Public.STRUCTURES, Public.HABITANTS],
        ouverte_par=agent,
        ouverte_le=maintenant - timedelta(days=10),
    )
    soumises = [
        sections["Emploi et insertion"],
        sections["Réussite éducative"],
        sections["Cadre de vie et tranquillité"],
    ]
    concertation.sections.set(soumises)
    concertation.orientations.set(orientations)
    nb = _contributions(concertation, soumises, orientations, agent, maintenant)
    _ess(contrat, agent)
    sortie(f"Contrats : {contrat} en concertation, {len(sections)} sections, {nb} contributions.")


def _contributions(concertation, sections, orientations, agent, maintenant) -> int:
    structure = _utilisateur("structure@demo.coville.fr")
    habitant = _utilisateur("habitant@demo.coville.fr")
    partenaire = _utilisateur("partenaire@demo.coville.fr")
    emploi, education, cadre = sections
    contributions = [
        # (auteur, organisation, cible, texte, proposition, statut, réponse, intégrée)
        (
            structure,
            "Les Ateliers du Blosne",
            emploi,
            "Associer les ateliers et chantiers d'insertion à la Fabrique à initiatives dès sa création.",
            "Créer une Fabrique à initiatives au Blosne, avec les ateliers et chantiers d'insertion du quartier.",
            StatutContribution.RETENUE,
            "Retenue : la Fabrique à initiatives sera co-construite avec les ateliers et chantiers d'insertion.",
            True,
        ),
        (
            habitant,
            None,
            cadre,
            "Éclairer le passage entre la station de métro et la place de Maurepas.",
            "",
            StatutContribution.PARTIELLEMENT_RETENUE,
            "Partiellement retenue : l'éclairage sera étudié dans la rénovation des espaces publics ; le calendrier "
            "dépend des travaux du métro.",
            False,
        ),
        (
            partenaire,
            "Archipel Habitat",
            education,
            "Ouvrir des salles en pied d'immeuble pour l'aide aux devoirs.",
            "",
            StatutContribution.NON_RETENUE,
            "Non retenue pour ce contrat : les équipements de quartier proches suffisent ; la proposition est "
            "transmise au comité technique pour la revue annuelle.",
            False,
        ),
        (
            habitant,
            None,
            education,
            "Proposer des ateliers parents-enfants le samedi matin.",
            "",
            StatutContribution.EN_ANALYSE,
            "",
            False,
        ),
        (
            structure,
            "Les Ateliers du Blosne",
            orientations[0],
            "Inclure les coopératives d'activité et d'emploi dans l'orientation sur l'entrepreneuriat.",
            "",
            StatutContribution.DEPOSEE,
            "",
            False,
        ),
    ]
    nombre = 0
    for rang, (auteur, nom_organisation, cible, texte, proposition, statut, reponse, integree) in enumerate(
        contributions
    ):
        if auteur is None:
            continue
        deposee = maintenant - timedelta(days=8 - rang)
        contribution = Contribution.objects.create(
            concertation=concertation,
            section=cible if isinstance(cible, Section) else None,
            orientation=cible if isinstance(cible, Orientation) else None,
            auteur=auteur,
            organisation=Organisation.objects.filter(nom=nom_organisation).first() if nom_organisation else None,
            texte=texte,
            proposition=proposition,
            deposee_le=deposee,
            statut=statut,
            reponse=reponse,
            repondue_le=maintenant - timedelta(days=2) if reponse else None,
            repondue_par=agent if reponse else None,
        )
        JournalContribution.objects.create(
            contribution=contribution,
            auteur=auteur,
            a_statut=StatutContribution.DEPOSEE,
            evenement="Déposée",
            date=deposee,
        )
        if statut != StatutContribution.DEPOSEE:
            JournalContribution.objects.create(
                contribution=contribution,
                auteur=agent,
                de_statut=StatutContribution.DEPOSEE,
                a_statut=statut,
                evenement=f"Réponse publiée : {statut.label.lower()}" if reponse else "En analyse",
            )
        if integree:
            version = VersionSection.objects.create(
                section=cible,
                numero=cible.numero + 1,
                texte=cible.texte.replace(
                    "Créer une Fabrique à initiatives au Blosne,",
                    "Créer une Fabrique à initiatives au Blosne, avec les ateliers et chantiers d'insertion,",
                ),
                auteur=agent,
                cree_le=maintenant - timedelta(days=1),
                message=f"Intégration de la contribution n° {contribution.pk}",
            )
            cible.texte, cible.numero, cible.modifiee_le, cible.modifiee_par = (
                version.texte,
                version.numero,
                version.cree_le,
                agent,
            )
            cible.save()
            contribution.version_integration = version
            contribution.save(update_fields=["version_integration"])
        nombre += 1
    if habitant is not None:
        masquee = Contribution.objects.create(
            concertation=concertation,
            section=cadre,
            auteur=habitant,
            texte="Message hors sujet et injurieux (exemple de modération).",
            masquee=True,
            motif_masquage="Propos injurieux, contraires à la charte de participation.",
            masquee_le=maintenant,
            masquee_par=agent,
        )
        JournalContribution.objects.create(contribution=masquee, auteur=agent, evenement="Masquée")
        nombre += 1
    return nombre


def _ess(contrat, agent) -> None:
    """Deux services consultés sur trois, le PTCE de l'annuaire, une structure associée : le panneau montre ce
    qui manque encore (achats, Fabrique à initiatives, SCIC)."""
    ConsultationService.objects.create(
        contrat=contrat,
        service=ServiceConsulte.COHESION_SOCIALE,
        date=date.today() - timedelta(days=90),
        apport="Diagnostic partagé des quartiers et bilan du précédent contrat.",
        saisie_par=agent,
    )
    ConsultationService.objects.create(
        contrat=contrat,
        service=ServiceConsulte.DEVELOPPEMENT_ECONOMIQUE,
        date=date.today() - timedelta(days=75),
        apport="Chapitre QPV du schéma métropolitain de l'ESS ; projet de Fabrique à initiatives au Blosne.",
        saisie_par=agent,
    )
    collectif = Collectif.objects.filter(nom="Pôle ESS Rennes Sud").first()
    DynamiqueCooperative.objects.create(
        contrat=contrat,
        type=TypeDynamique.PTCE,
        collectif=collectif,
        nom="" if collectif else "Pôle ESS Rennes Sud",
        integration="Le pôle anime l'objectif « Soutenir l'entrepreneuriat collectif et l'ESS ».",
    )
    structure = Structure.objects.filter(organisation__nom="Les Ateliers du Blosne").first()
    if structure is not None:
        StructureAssociee.objects.create(contrat=contrat, structure=structure, role="Membre du comité technique")
