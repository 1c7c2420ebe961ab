"""Le monde de la matrice d'accès : un territoire, des organisations, une personne par acteur de
`tests/matrice/roles.py`, et un objet réel derrière chaque adresse — un contrat en concertation et un contrat
signé, un appel à projets publié et un autre en préparation, des dossiers dans l'état où chaque action
s'applique, des pièces, des co-porteurs, une structure, un collectif, une invitation, une demande de
rattachement…

Il est construit une fois pour tout le module de test (`tests/test_matrice_acces.py`), dans une transaction
annulée à la fin. Pour chaque entrée de la matrice, `ADRESSES` donne l'adresse à visiter, `DONNEES` le contenu
d'un POST valide (les vrais champs du formulaire : un acteur autorisé réussit, un acteur refusé l'est pour la
bonne raison, pas pour un formulaire invalide) et `PREPARATIONS` ce qu'il faut mettre dans la session avant
la requête (elle est annulée avec la requête).
"""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acteurs_ess import coffre
from acteurs_ess import services as acteurs_services
from acteurs_ess.choix import EtatMembreCollectif, RoleCollectif
from acteurs_ess.models import DemandeRattachement, EtatImport, EtatRib, ImportStructures, MembreCollectif, Rib
from comptes import adhesions_collectivites, alertes, audit
from comptes import services as comptes_services
from comptes.models import ActionAudit, Adhesion, EntreeAudit, Organisation, Role, TypeOrganisation
from contrats.models import (
    Engagement,
    InstanceGouvernance,
    Orientation,
    Public,
    Reunion,
    Section,
    Signataire,
    StatutContrat,
    StatutContribution,
)
from contrats.models.projet_territoire import NiveauOrientation
from contrats.services import avenants as avenants_contrat
from contrats.services import concertation as concertations
from contrats.services import sections as sections_services
from evaluation.catalogue import NATIONAUX, champs_indicateur
from evaluation.models import Indicateur, NatureValeur, Origine, TypeBilan, Unite, Valeur
from evaluation.services import bilans as bilans_services
from evaluation.services import valeurs as valeurs_services
from financements.models import (
    CompteRendu,
    Convention,
    IndicateurCompteRendu,
    PieceJointe,
    StatutConvention,
    StatutDossier,
)
from financements.services import comptes_rendus, conventions, instruction, versements
from financements.services import dossiers as dossiers_services
from territoires.models import NatureEpci
from tests.acteurs_ess.factories import CollectifFactory, StructureFactory
from tests.contrats.factories import (
    CommuneFactory,
    ConcertationFactory,
    ContratFactory,
    DepartementFactory,
    EpciFactory,
    QpvFactory,
    RegionFactory,
    SectionFactory,
)
from tests.double_authentification import SECRET, activer, code, connecter
from tests.factories import MOT_DE_PASSE, AdhesionFactory, OrganisationFactory, UtilisateurFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOUVEAU_MOT_DE_PASSE = "Un-autre-mot-de-passe-2026"
# Un SIRET valide (clé de Luhn) qu'aucune structure du monde ne porte : celui d'une inscription ou d'un import.
SIRET_LIBRE = "50000000500016"
SIRET_IMPORT = "51234567900017"


def fichier_pdf(nom: str = "annexe.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, PDF, content_type="application/pdf")


class Monde:
    """Les personnes (une par acteur), leurs sessions, et les objets derrière les adresses de la matrice."""

    personnes: dict[str, Any]
    sessions: dict[str, str]
    organisation_de: dict[str, Organisation | None]

    def client(self, acteur: str) -> Client:
        """Un client neuf dans la session de l'acteur (ouverte une fois, à la construction du monde) : une
        déconnexion, un changement de mot de passe ou une suppression de compte ne la touchent que le temps
        d'une requête, annulée ensuite."""
        client = Client()
        if acteur in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[acteur]
        return client


def _personne(acteur: str, organisation: Organisation | None, role: str | None, **champs) -> Any:
    email = f"{acteur.replace('_', '.')}@matrice.fr"
    if organisation is None:
        return UtilisateurFactory(email=email, **champs)
    return AdhesionFactory(
        organisation=organisation, role=role, **{f"utilisateur__{k}": v for k, v in {"email": email, **champs}.items()}
    ).utilisateur


def _territoire(m: Monde) -> None:
    bretagne = RegionFactory(code="53", nom="Bretagne")
    occitanie = RegionFactory(code="76", nom="Occitanie")
    m.ille_et_vilaine = DepartementFactory(code="35", nom="Ille-et-Vilaine", region=bretagne)
    finistere = DepartementFactory(code="29", nom="Finistère", region=bretagne)
    haute_garonne = DepartementFactory(code="31", nom="Haute-Garonne", region=occitanie)
    m.rennes_metropole = EpciFactory(siren="243500139", nom="Rennes Métropole", nature=NatureEpci.METRO)
    vitre = EpciFactory(siren="200039022", nom="Vitré Communauté", nature=NatureEpci.CA)
    toulouse = EpciFactory(siren="243100518", nom="Toulouse Métropole", nature=NatureEpci.METRO)
    m.rennes = CommuneFactory(code="35238", nom="Rennes", departement=m.ille_et_vilaine, epci=m.rennes_metropole)
    CommuneFactory(code="35360", nom="Vitré", departement=m.ille_et_vilaine, epci=vitre)
    CommuneFactory(code="31555", nom="Toulouse", departement=haute_garonne, epci=toulouse)
    m.blosne = QpvFactory(code="QN03505M", nom="Le Blosne", departement=m.ille_et_vilaine, epci=m.rennes_metropole)
    m.maurepas = QpvFactory(code="QN03504M", nom="Maurepas", departement=m.ille_et_vilaine, epci=m.rennes_metropole)
    m.blosne.communes.add(m.rennes)
    m.maurepas.communes.add(m.rennes)
    m.region, m.epci_vitre, m.epci_toulouse, m.finistere = bretagne, vitre, toulouse, finistere


def _organisations(m: Monde) -> None:
    def reliee(nom: str, type_: str, code: str, **lien) -> Organisation:
        """Une organisation reliée à son territoire du référentiel (collectivité, service de l'État)."""
        return OrganisationFactory(nom=nom, type=type_, code_territoire=code, **lien)

    m.org_epci = reliee("Rennes Métropole", TypeOrganisation.EPCI, "243500139", epci_id=m.rennes_metropole.pk)
    m.org_ville = reliee("Ville de Rennes", TypeOrganisation.COMMUNE, "35238", commune_id=m.rennes.pk)
    m.org_vitre = reliee("Vitré Communauté", TypeOrganisation.EPCI, "200039022", epci_id=m.epci_vitre.pk)
    m.org_toulouse = reliee("Toulouse Métropole", TypeOrganisation.EPCI, "243100518", epci_id=m.epci_toulouse.pk)
    m.prefecture = reliee(
        "Préfecture d'Ille-et-Vilaine", TypeOrganisation.ETAT, "35", departement_id=m.ille_et_vilaine.pk
    )
    m.prefecture_finistere = reliee(
        "Préfecture du Finistère", TypeOrganisation.ETAT, "29", departement_id=m.finistere.pk
    )
    m.bailleur = OrganisationFactory(nom="Archipel Habitat", type=TypeOrganisation.BAILLEUR)
    m.caf = OrganisationFactory(nom="CAF d'Ille-et-Vilaine", type=TypeOrganisation.CAF)
    m.conseil = OrganisationFactory(nom="Conseil citoyen de Maurepas", type=TypeOrganisation.CONSEIL_CITOYEN)
    m.plateforme = OrganisationFactory(nom="Équipe Coville", type=TypeOrganisation.PLATEFORME)
    m.ateliers = StructureFactory(
        raison_sociale="Les Ateliers du Blosne", siret="44306184100047", rna="W353012345", commune=m.rennes
    )
    m.villejean = StructureFactory(raison_sociale="Villejean Solidaire", siret="73282932000074", commune=m.rennes)
    m.mobilite = StructureFactory(raison_sociale="Maurepas Mobilité", siret="77567227200016", commune=m.rennes)


def _personnes(m: Monde) -> None:
    """Une personne par acteur de la matrice, avec son rôle dans son organisation ; agents, État et
    administrateur ont la double authentification (exigée pour instruire, décider, exporter et administrer) :
    l'application et ses codes de récupération."""
    adhesions = {
        "inscrit": (None, None),
        "agent": (m.org_epci, Role.AGENT),
        "elu": (m.org_epci, Role.ELU),
        "etat": (m.prefecture, Role.ETAT),
        "structure": (m.ateliers.organisation, Role.STRUCTURE),
        "co_porteur": (m.villejean.organisation, Role.STRUCTURE),
        "habitant": (m.conseil, Role.HABITANT),
        "partenaire": (m.bailleur, Role.PARTENAIRE),
        "admin": (m.plateforme, Role.ADMIN),
        "agent_autre_epci": (m.org_vitre, Role.AGENT),
        "elu_autre_epci": (m.org_vitre, Role.ELU),
        "structure_autre": (m.mobilite.organisation, Role.STRUCTURE),
        "partenaire_autre": (m.caf, Role.PARTENAIRE),
        "etat_autre_departement": (m.prefecture_finistere, Role.ETAT),
        "agent_autre_region": (m.org_toulouse, Role.AGENT),
    }
    m.organisation_de = {acteur: organisation for acteur, (organisation, _) in adhesions.items()}
    m.personnes = {}
    for acteur, (organisation, role) in adhesions.items():
        champs = {"is_staff": True, "is_superuser": True} if role == Role.ADMIN else {}
        personne = _personne(acteur, organisation, role, **champs)
        if role in (Role.AGENT, Role.ETAT, Role.ADMIN):
            activer(personne)
            RecoveryCodes.activate(personne)
        m.personnes[acteur] = personne


def _contrats(m: Monde) -> None:
    agent = m.personnes["agent"]
    m.contrat = ContratFactory(
        code="CN03501I",
        nom="Rennes Métropole",
        epci=m.rennes_metropole,
        departement=m.ille_et_vilaine,
        statut=StatutContrat.CONCERTATION,
    )
    m.contrat.qpv.set([m.blosne, m.maurepas])
    m.contrat.communes.set([m.rennes])
    m.signataire = Signataire.objects.create(contrat=m.contrat, organisation=m.prefecture, ordre=1)
    Signataire.objects.create(contrat=m.contrat, organisation=m.bailleur, ordre=2)
    m.section = SectionFactory(
        contrat=m.contrat,
        titre="Emploi et insertion",
        texte_initial="<p>Premier texte.</p>",
        texte_initial__auteur=agent,
    )
    sections_services.enregistrer(m.section, agent, "<p>Deuxième texte.</p>", 1, "Précisions")
    # Une section après elle dans son étape (pour la déplacer), et une section supprimée (pour la restaurer).
    Section.objects.filter(pk=m.section.pk).update(ordre=1)
    SectionFactory(contrat=m.contrat, etape=m.section.etape, titre="Santé", ordre=2)
    m.section_supprimee = SectionFactory(
        contrat=m.contrat, etape=m.section.etape, titre="Ancienne section", ordre=3, supprimee_le=timezone.now()
    )
    m.orientation = Orientation.objects.create(
        contrat=m.contrat, niveau=NiveauOrientation.ORIENTATION, titre="Emploi des jeunes"
    )
    # Ouverte aux trois publics : signataires, structures de l'ESS et habitants.
    m.concertation = ConcertationFactory(
        contrat=m.contrat,
        sections=[m.section],
        publics=[Public.SIGNATAIRES, Public.STRUCTURES, Public.HABITANTS],
        ouverte_par=agent,
    )
    m.concertation.orientations.set([m.orientation])

    def contribuer(acteur: str, texte: str):
        return concertations.contribuer(m.concertation, m.personnes[acteur], texte, section=m.section)

    m.contribution_deposee = contribuer("habitant", "Des ateliers de réparation au pied des immeubles.")
    m.contribution_en_analyse = contribuer("structure", "Un chantier d'insertion dans le quartier.")
    concertations.analyser(m.contribution_en_analyse, agent)
    repondue = contribuer("partenaire", "Associer les gardiens d'immeuble.")
    concertations.repondre(repondue, agent, StatutContribution.RETENUE, "Retenue : les gardiens seront associés.")
    m.instance = InstanceGouvernance.objects.create(contrat=m.contrat, type="copil", nom="Comité de pilotage")
    m.reunion = Reunion.objects.create(instance=m.instance, date=date(2026, 1, 15), participants="Métropole")
    m.engagement = Engagement.objects.create(signataire=m.signataire, texte="Mobiliser les délégués du préfet.")

    m.contrat_signe = ContratFactory(
        code="CN03502I",
        nom="Rennes Métropole (contrat signé)",
        epci=m.rennes_metropole,
        departement=m.ille_et_vilaine,
        statut=StatutContrat.SIGNE,
    )
    m.contrat_signe.qpv.set([m.blosne])
    Signataire.objects.create(contrat=m.contrat_signe, organisation=m.prefecture, ordre=1)
    m.section_signee = SectionFactory(
        contrat=m.contrat_signe, titre="Cadre de vie", texte_initial="<p>Texte signé.</p>", texte_initial__auteur=agent
    )
    # Un avenant adopté (n° 1), puis un avenant en préparation (n° 2), chacun sur la section signée.
    m.avenant_contrat_adopte = avenants_contrat.creer_avenant(
        m.contrat_signe, agent, "Cadre de vie", "Bilan à mi-parcours."
    )
    avenants_contrat.modifier_section(m.avenant_contrat_adopte, agent, m.section_signee, "<p>Texte de l'avenant 1.</p>")
    avenants_contrat.adopter(m.avenant_contrat_adopte, agent, date(2026, 6, 1), "Délibération n° 2026-42")
    m.section_signee.refresh_from_db()
    m.avenant_contrat = avenants_contrat.creer_avenant(m.contrat_signe, agent, "Nouveau périmètre", "Un QPV de plus.")
    m.modification_avenant = avenants_contrat.modifier_section(
        m.avenant_contrat, agent, m.section_signee, "<p>Texte de l'avenant 2.</p>"
    )


def _remplir(m: Monde, dossier) -> None:
    """Un brouillon prêt à déposer : contenu, budget équilibré, plan de financement (la métropole, l'État et
    le bailleur sollicités, pas la ville), pièces demandées, co-porteur confirmé."""
    porteur = m.personnes["structure"]
    dossier.description = "Ateliers de réparation de vélos au pied des immeubles."
    dossier.objectifs = "Créer du lien et des emplois."
    dossier.date_debut = timezone.localdate().replace(month=1, day=1) + timedelta(days=366)
    dossier.date_fin = dossier.date_debut + timedelta(days=300)
    dossier.save()
    dossier.qpv.set([m.blosne])
    dossier.priorites.set([m.orientation])
    fonds_propres = Decimal("2000")
    total = sum(m.demandes.values(), Decimal(0)) + fonds_propres
    lignes = [{"compte": "64", "libelle": "Animateur", "montant": total}]
    lignes += [{"compte": "74", "libelle": str(f), "montant": d, "financeur": f} for f, d in m.demandes.items()]
    lignes.append({"compte": "75", "libelle": "Cotisations", "montant": fonds_propres})
    dossiers_services.enregistrer_budget(dossier, porteur, lignes)
    dossiers_services.enregistrer_plan(dossier, porteur, m.demandes, fonds_propres=fonds_propres)
    for type_piece in ("statuts", "rib"):
        dossiers_services.ajouter_piece(dossier, porteur, fichier_pdf(f"{type_piece}.pdf"), type_piece)
    dossiers_services.inviter_co_porteur(dossier, porteur, m.villejean, "Accueil des ateliers")
    dossiers_services.confirmer_co_portage(dossier, m.personnes["co_porteur"])


def _financements(m: Monde) -> None:
    agent, porteur = m.personnes["agent"], m.personnes["structure"]
    aujourd_hui = timezone.localdate()

    def appel(titre: str, publier: bool):
        return dossiers_services.creer_appel(
            m.contrat,
            agent,
            titre=titre,
            annee=2027,
            ouverture=aujourd_hui - timedelta(days=10),
            cloture=aujourd_hui + timedelta(days=20),
            financeurs=[
                (m.org_epci, Decimal("200000"), "Politique de la ville"),
                (m.prefecture, Decimal("300000"), "BOP 147"),
                (m.org_ville, Decimal("100000"), ""),
                (m.bailleur, Decimal("50000"), ""),
            ],
            priorites=[m.orientation],
            qpv=[m.blosne, m.maurepas],
            pieces_demandees=["statuts", "rib"],
            publier=publier,
        )

    m.appel = appel("Appel à projets 2027", publier=True)
    m.appel_en_preparation = appel("Appel à projets 2028", publier=False)
    # Un second appel ouvert : celui pour lequel la structure renouvelle son dossier décidé.
    m.appel_suivant = appel("Appel à projets 2027 — second semestre", publier=True)
    m.demandes = {m.org_epci: Decimal("10000"), m.prefecture: Decimal("30000"), m.bailleur: Decimal("5000")}
    # Qui décide pour quel financeur sollicité.
    m.financeur_de = {"agent": m.org_epci, "etat": m.prefecture, "partenaire": m.bailleur}

    def dossier(titre: str, jusqu_a: str):
        d = dossiers_services.creer_dossier(m.appel, m.ateliers, porteur, titre)
        if jusqu_a == "a_confirmer":
            dossiers_services.inviter_co_porteur(d, porteur, m.villejean, "Accueil des ateliers")
            return d
        _remplir(m, d)
        etapes = ["brouillon", "depose", "en_instruction", "decide", "en_cours"]
        for etape in etapes[1 : etapes.index(jusqu_a) + 1]:
            if etape == "depose":
                dossiers_services.deposer(d, porteur)
            elif etape == "en_instruction":
                instruction.prendre_en_instruction(d, agent)
            elif etape == "decide":
                for acteur, financeur in m.financeur_de.items():
                    instruction.decider(d, m.personnes[acteur], financeur, m.demandes[financeur])
                # Plus de 23 000 € de l'État : sa convention est signée avant que l'action commence.
                _signer_convention_etat(m, d)
            elif etape == "en_cours":
                m.convention_en_vigueur = d.conventions.get(parties__financeur=m.prefecture)
                conventions.faire_avancer(m.convention_en_vigueur, m.personnes["etat"], StatutConvention.EN_VIGUEUR)
                dossiers_services.faire_avancer(d, agent, StatutDossier.EN_COURS)
            d.refresh_from_db()
        assert d.statut == {"decide": StatutDossier.DECIDE}.get(jusqu_a, jusqu_a), d.statut
        return d

    m.dossier_brouillon = dossier("Vélos solidaires", "brouillon")
    m.dossier_a_confirmer = dossier("Repair café", "a_confirmer")
    m.dossier_depose = dossier("Jardins partagés", "depose")
    m.dossier_instruction = dossier("Cuisine collective", "en_instruction")
    m.dossier_decide = dossier("Bibliothèque de rue", "decide")
    m.dossier_en_cours = dossier("Fête de quartier", "en_cours")
    # Le projet de convention du bailleur pour l'action en cours, résilié : « Préparer la convention » du dossier
    # en prépare un nouveau pour lui.
    Convention.objects.filter(dossiers=m.dossier_en_cours, parties__financeur=m.bailleur).update(
        statut=StatutConvention.RESILIEE
    )
    # Les autres conventions du dossier décidé : celle de la métropole en projet, celle du bailleur envoyée.
    m.convention_projet = Convention.objects.get(dossiers=m.dossier_decide, parties__financeur=m.org_epci)
    m.convention_envoyee = Convention.objects.get(dossiers=m.dossier_decide, parties__financeur=m.bailleur)
    conventions.faire_avancer(m.convention_envoyee, m.personnes["partenaire"], StatutConvention.ENVOYEE)
    m.convention_etat = m.dossier_decide.conventions.get(parties__financeur=m.prefecture)
    m.signature_pdf = m.convention_etat.signatures.get(financeur=m.prefecture)
    # La convention de l'État du dossier décidé entre en vigueur (les deux autres attendent encore : le dossier
    # reste « décidé ») ; deux avenants : le premier signé de chaque partie (la structure avec son PDF), le
    # second en signature (personne n'a encore signé). L'autre convention en vigueur reste sans avenant en
    # cours : l'État peut y en préparer un.
    conventions.faire_avancer(m.convention_etat, m.personnes["etat"], StatutConvention.EN_VIGUEUR)
    annee = m.convention_etat.annee_debut

    def avenant(montant: str):
        return conventions.preparer_avenant(
            m.convention_etat,
            m.personnes["etat"],
            objet="Montant révisé",
            motif="Action élargie à un second quartier.",
            montants={(m.prefecture.pk, annee): Decimal(montant)},
        )

    m.avenant_signe = avenant("32000")
    m.signature_avenant_pdf = conventions.signer_avenant(
        m.avenant_signe,
        m.personnes["structure"],
        None,
        signataire_nom="Awa Diallo",
        signataire_qualite="Présidente",
        representant_declare=True,
        fichier=fichier_pdf("avenant-1-signe.pdf"),
    )
    conventions.signer_avenant(
        m.avenant_signe,
        m.personnes["etat"],
        m.prefecture,
        signataire_nom="Amélie Puccinelli",
        signataire_qualite="Préfète déléguée pour l'égalité des chances",
        delegation=True,
    )
    m.avenant_projet = avenant("34000")
    m.piece_brouillon = m.dossier_brouillon.pieces.order_by("pk").first()
    m.piece_instruction = m.dossier_instruction.pieces.order_by("pk").first()
    m.co_porteur_brouillon = m.dossier_brouillon.co_porteurs.get()


def _evaluation(m: Monde) -> None:
    """Un indicateur national (taux d'emploi) et un local du contrat ; deux valeurs saisies par la métropole au
    Blosne (2025, et 2024 que le bilan publié expose) ; une ligne de base officielle de Maurepas ; une valeur
    d'un compte-rendu déposé de la convention en vigueur."""
    definition = next(d for d in NATIONAUX if d.code == "taux_emploi")
    m.indicateur_national = Indicateur.objects.create(code=definition.code, **champs_indicateur(definition))
    m.indicateur_local = Indicateur.objects.create(
        contrat=m.contrat, code="jeunes", nom="Jeunes accompagnés", unite=Unite.NOMBRE
    )
    m.valeur = valeurs_services.saisir_valeur(
        m.contrat,
        m.personnes["agent"],
        valeurs_services.Saisie(
            m.indicateur_national,
            valeurs_services.Territoire("qpv", qpv_id=m.blosne.code),
            2025,
            NatureValeur.REALISE,
            Decimal("45"),
            unite=Unite.POURCENTAGE,
        ),
    )
    m.valeur_publique = valeurs_services.saisir_valeur(
        m.contrat,
        m.personnes["agent"],
        valeurs_services.Saisie(
            m.indicateur_national,
            valeurs_services.Territoire("qpv", qpv_id=m.blosne.code),
            2024,
            NatureValeur.REALISE,
            Decimal("44"),
            unite=Unite.POURCENTAGE,
        ),
    )
    m.ligne_de_base = Valeur.objects.create(
        indicateur=m.indicateur_national,
        niveau="qpv",
        qpv=m.maurepas,
        cle_territoire=f"qpv:{m.maurepas.code}",
        nature=NatureValeur.LIGNE_DE_BASE,
        valeur=Decimal("40"),
        origine=Origine.IMPORT,
    )
    compte_rendu, _ = CompteRendu.objects.get_or_create(
        convention=m.convention_en_vigueur, annee=m.convention_en_vigueur.annee_debut, defaults={"statut": "depose"}
    )
    m.valeur_compte_rendu = IndicateurCompteRendu.objects.create(
        compte_rendu=compte_rendu, libelle="Vélos réparés", unite="vélos", valeur=Decimal("120")
    )
    _bilans(m)


def _bilans(m: Monde) -> None:
    """Quatre bilans du contrat en concertation, le conseil citoyen de Maurepas associé à chacun : le final en
    préparation, l'annuel 2025 soumis aux partenaires, l'annuel 2026 validé, l'annuel 2024 publié (avec le compte
    rendu de son comité de pilotage en fichier) : il rend publique la valeur 2024 du Blosne, pas celle de 2025."""
    agent, hier = m.personnes["agent"], timezone.localdate() - timedelta(days=1)

    def bilan(type_bilan: str, annee: int | None = None):
        return bilans_services.creer_bilan(m.contrat, agent, type_bilan, annee, [m.conseil])

    m.bilan_brouillon = bilan(TypeBilan.FINAL)
    m.bilan_soumis = bilan(TypeBilan.ANNUEL, 2025)
    bilans_services.soumettre(m.bilan_soumis, agent)
    m.bilan_valide = bilan(TypeBilan.ANNUEL, 2026)
    bilans_services.soumettre(m.bilan_valide, agent)
    bilans_services.valider(m.bilan_valide, agent, hier, "Validé en comité.")
    m.bilan_publie = bilan(TypeBilan.ANNUEL, 2024)
    bilans_services.soumettre(m.bilan_publie, agent)
    fichier = SimpleUploadedFile("copil.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    bilans_services.valider(m.bilan_publie, agent, hier, "", fichier)
    bilans_services.publier(m.bilan_publie, agent)


def _signer_convention_etat(m: Monde, d) -> None:
    """La convention de l'État (30 000 € sur un an) envoyée, signée par la structure puis par la préfecture,
    avec le PDF signé."""
    convention = d.conventions.get(parties__financeur=m.prefecture)
    conventions.faire_avancer(convention, m.personnes["etat"], StatutConvention.ENVOYEE)
    conventions.signer(
        convention,
        m.personnes["structure"],
        None,
        signataire_nom="Awa Diallo",
        signataire_qualite="Présidente",
        representant_declare=True,
    )
    conventions.signer(
        convention,
        m.personnes["etat"],
        m.prefecture,
        signataire_nom="Amélie Puccinelli",
        signataire_qualite="Préfète déléguée pour l'égalité des chances",
        delegation=True,
        fichier=fichier_pdf("convention-signee.pdf"),
    )


def _comptes_rendus(m: Monde) -> None:
    """Une CPO en vigueur entre les Ateliers, l'État et le bailleur (pas la métropole), qui couvre l'an dernier
    et cette année : le compte-rendu de l'an dernier est déposé ; celui de cette année reste à préparer."""
    m.annee_cr = timezone.localdate().year - 1
    m.convention_cr = conventions.creer_convention(
        m.ateliers,
        m.personnes["etat"],
        financeurs={m.prefecture: [Decimal("20000")] * 2, m.bailleur: [Decimal("5000")] * 2},
        annee_debut=m.annee_cr,
        nombre_annees=2,
        objet="le projet associatif des Ateliers",
    )
    Convention.objects.filter(pk=m.convention_cr.pk).update(statut=StatutConvention.EN_VIGUEUR)
    m.convention_cr.refresh_from_db()
    m.annee_cr_a_preparer = m.annee_cr + 1
    comptes_rendus.enregistrer(
        m.convention_cr,
        m.annee_cr,
        m.personnes["structure"],
        donnees={"actions_realisees": "Ateliers de réparation.", "beneficiaires_nombre": 80},
        lignes=[{"compte": "64", "libelle": "Animateur", "prevu": Decimal("25000"), "realise": Decimal("24000")}],
        indicateurs=[],
        deposer=True,
    )


def _annuaire(m: Monde) -> None:
    m.collectif = CollectifFactory(nom="PTCE du Blosne", type="ptce", commune=m.rennes)
    MembreCollectif.objects.create(
        collectif=m.collectif, organisation=m.ateliers.organisation, role=RoleCollectif.ANIMATEUR
    )
    m.membre_collectif = MembreCollectif.objects.create(
        collectif=m.collectif, organisation=m.org_epci, role=RoleCollectif.PARTENAIRE
    )
    m.invitation_collectif = MembreCollectif.objects.create(
        collectif=m.collectif,
        organisation=m.villejean.organisation,
        etat=EtatMembreCollectif.INVITEE,
        invitee_par=m.personnes["structure"],
        invitee_le=timezone.now(),
    )
    m.rib = acteurs_services.proposer_rib(
        m.personnes["structure"],
        m.ateliers,
        iban="FR7630006000011234567890189",
        titulaire="Les Ateliers du Blosne",
        document=fichier_pdf("rib.pdf"),
    )
    # Les statuts des Ateliers dans leur coffre, joints au dossier en instruction : ses lecteurs les lisent ; ils ne
    # se suppriment plus (400, le message propose de les remplacer ou de les archiver).
    m.document_coffre = coffre.ajouter_document(
        m.personnes["structure"], m.ateliers, type="statuts", fichier=fichier_pdf("statuts-coffre.pdf")
    )
    PieceJointe.objects.create(
        dossier=m.dossier_instruction,
        type="statuts",
        document=m.document_coffre,
        chemin=m.document_coffre.chemin,
        nom=m.document_coffre.nom,
        taille=m.document_coffre.taille,
        type_mime=m.document_coffre.type_mime,
        deposee_par=m.personnes["structure"],
    )
    m.demande = DemandeRattachement.objects.create(
        structure=m.ateliers, demandeur=m.personnes["inscrit"], message="Je suis bénévole aux ateliers."
    )
    # La demande de l'inscrite pour que la commune de Vitré (Ille-et-Vilaine) rejoigne la plateforme.
    m.demande_adhesion = adhesions_collectivites.demander(
        m.personnes["inscrit"],
        adhesions_collectivites.trouver_collectivite(TypeOrganisation.COMMUNE, "35360"),
        "Secrétaire générale de mairie",
        "Nommée en 2025.",
        fichier_pdf("arrete.pdf"),
    )


def _versements(m: Monde) -> None:
    """Les versements de la convention de l'État en vigueur (30 000 €, avance de 50 %), sur le RIB validé
    des Ateliers : l'avance payée, un solde prévu, un autre mandaté, 1 000 € encore à prévoir, un reversement
    demandé ; les parts des Ateliers et de Villejean Solidaire (co-porteur confirmé). La convention de l'État du
    dossier décidé, signée de toutes les parties, attend son échéancier."""
    etat, convention = m.personnes["etat"], m.convention_en_vigueur
    Rib.objects.create(
        structure=m.ateliers,
        iban="FR7630006000011234567890189",
        titulaire="Les Ateliers du Blosne",
        chemin="prive/ribs/matrice/rib.pdf",
        nom="rib.pdf",
        taille=len(PDF),
        type_mime="application/pdf",
        etat=EtatRib.VALIDE,
        valide_par=m.personnes["agent"],
        valide_le=timezone.now(),
    )
    annee, hier = convention.annee_debut, timezone.localdate() - timedelta(days=1)
    avance = versements.ajouter_versement(
        convention, etat, m.prefecture, annee=annee, nature="avance", montant=Decimal("15000"), date_prevue=hier
    )
    versements.mandater(avance, etat, mandate_le=hier, reference="M-1")
    versements.payer(avance, etat, paye_le=hier, reference="P-1")
    m.versement_prevu = versements.ajouter_versement(
        convention, etat, m.prefecture, annee=annee, nature="solde", montant=Decimal("6000"), date_prevue=hier
    )
    m.versement_mandate = versements.ajouter_versement(
        convention, etat, m.prefecture, annee=annee, nature="solde", montant=Decimal("8000"), date_prevue=hier
    )
    versements.mandater(m.versement_mandate, etat, mandate_le=hier, reference="M-2")
    m.reversement = versements.demander_reversement(
        convention, etat, m.prefecture, annee=annee, montant=Decimal("1000"), motif="Trop perçu."
    )


def _comptes(m: Monde) -> None:
    m.invitation, m.jeton_invitation = comptes_services.inviter(
        m.personnes["agent"], m.org_epci, "nouvelle.collegue@matrice.fr", Role.AGENT
    )
    # Le lien de désabonnement des alertes d'appels à projets reçu par la membre des Ateliers du Blosne.
    m.jeton_desabonnement = alertes.jeton(m.personnes["structure"], "appels_a_projets")
    # Une personne hors des acteurs, qui vient de s'inscrire (lien de confirmation de son adresse) et a oublié
    # son mot de passe (lien de réinitialisation) : les liens sont publics, leur clé est la preuve.
    nouvelle = UtilisateurFactory(email="nouvelle.inscrite@matrice.fr", email_verifie=False)
    adresse = EmailAddress.objects.create(user=nouvelle, email=nouvelle.email, verified=False, primary=True)
    m.cle_confirmation = EmailConfirmationHMAC(adresse).key
    m.uid_reinitialisation = user_pk_to_url_str(nouvelle)
    m.cle_reinitialisation = default_token_generator.make_token(nouvelle)
    m.adhesion_elu = Adhesion.objects.get(utilisateur=m.personnes["elu"], organisation=m.org_epci)
    audit.journaliser(ActionAudit.STRUCTURE_VERIFIEE, auteur=m.personnes["agent"], objet=m.ateliers)
    m.entree_audit = EntreeAudit.objects.order_by("pk").first()
    # Un import de structures lancé par l'agent de la métropole, terminé.
    m.import_structures = ImportStructures.objects.create(
        jeton="import-de-la-matrice",
        nom_fichier="structures.csv",
        chemin="imports/import-de-la-matrice.csv",
        lance_par=m.personnes["agent"],
        collectivite=m.org_epci,
        etat=EtatImport.TERMINE,
        lignes_total=1,
        lignes_faites=1,
        creees=1,
    )


def _sessions(m: Monde) -> None:
    """Une session par personne connectée, ouverte une fois (avec le mot de passe redonné, comme allauth le
    demande avant de toucher à la double authentification ou au mot de passe)."""
    m.sessions = {}
    for acteur, personne in m.personnes.items():
        client = Client()
        connecter(client, personne)
        m.sessions[acteur] = client.session.session_key


def construire() -> Monde:
    m = Monde()
    _territoire(m)
    _organisations(m)
    _personnes(m)
    _contrats(m)
    _financements(m)
    _comptes_rendus(m)
    _evaluation(m)
    _annuaire(m)
    _versements(m)
    _comptes(m)
    _sessions(m)
    return m


# --- Adresses ---------------------------------------------------------------------------------------------


def _url(nom: str, *args: Any) -> Callable[[Monde], str]:
    """L'adresse nommée, ses arguments lus dans le monde (`"contrat.code"` → `monde.contrat.code`)."""

    def adresse(m: Monde) -> str:
        valeurs = []
        for arg in args:
            if isinstance(arg, str) and arg.startswith("="):
                valeurs.append(arg[1:])
                continue
            valeur: Any = m
            for attribut in arg.split("."):
                valeur = getattr(valeur, attribut)
            valeurs.append(valeur)
        return reverse(nom, args=valeurs)

    return adresse


def _avec(adresse: Callable[[Monde], str], requete: str) -> Callable[[Monde], str]:
    return lambda m: f"{adresse(m)}?{requete}"


C, CS = "contrat.code", "contrat_signe.code"
ADRESSES: dict[str, Callable[[Monde], str]] = {
    "accueil": _url("accueil"),
    "sante": _url("sante"),
    "catalogue_javascript": _url("catalogue_javascript"),
    # allauth
    "account_login": _url("account_login"),
    "account_logout": _url("account_logout"),
    "account_inactive": _url("account_inactive"),
    "account_signup": _url("account_signup"),
    "account_reauthenticate": _url("account_reauthenticate"),
    "account_email": _url("account_email"),
    "account_email_verification_sent": _url("account_email_verification_sent"),
    "account_change_password": _url("account_change_password"),
    "account_set_password": _url("account_set_password"),
    "account_reset_password": _url("account_reset_password"),
    "account_confirm_login_code": _url("account_confirm_login_code"),
    "account_confirm_email": _url("account_confirm_email", "cle_confirmation"),
    "account_reset_password_from_key_done": _url("account_reset_password_from_key_done"),
    "account_reset_password_from_key": _url(
        "account_reset_password_from_key", "uid_reinitialisation", "cle_reinitialisation"
    ),
    "account_reset_password_done": _url("account_reset_password_done"),
    "mfa_index": _url("mfa_index"),
    "mfa_authenticate": _url("mfa_authenticate"),
    "mfa_reauthenticate": _url("mfa_reauthenticate"),
    "mfa_activate_totp": _url("mfa_activate_totp"),
    "mfa_deactivate_totp": _url("mfa_deactivate_totp"),
    "mfa_view_recovery_codes": _url("mfa_view_recovery_codes"),
    "mfa_generate_recovery_codes": _url("mfa_generate_recovery_codes"),
    "mfa_download_recovery_codes": _url("mfa_download_recovery_codes"),
    "socialaccount_login_cancelled": _url("socialaccount_login_cancelled"),
    "socialaccount_login_error": _url("socialaccount_login_error"),
    "socialaccount_signup": _url("socialaccount_signup"),
    "socialaccount_connections": _url("socialaccount_connections"),
    "comptes/social/login/cancelled/": lambda m: "/comptes/social/login/cancelled/",
    "comptes/social/login/error/": lambda m: "/comptes/social/login/error/",
    "comptes/social/signup/": lambda m: "/comptes/social/signup/",
    "comptes/social/connections/": lambda m: "/comptes/social/connections/",
    "openid_connect_login": _url("openid_connect_login", "=proconnect"),
    "openid_connect_callback": _url("openid_connect_callback", "=proconnect"),
    # comptes
    "comptes:mon_espace": _url("comptes:mon_espace"),
    "comptes:etat_detaille": _url("comptes:etat_detaille"),
    "comptes:organisation": _url("comptes:organisation", "org_epci.pk"),
    "comptes:autocompletion_organisations": _avec(_url("comptes:autocompletion_organisations"), "q=rennes"),
    "comptes:inviter": _url("comptes:inviter", "org_epci.pk"),
    "comptes:invitation": _url("comptes:invitation", "jeton_invitation"),
    "comptes:retirer_membre": _url("comptes:retirer_membre", "org_epci.pk", "adhesion_elu.pk"),
    "comptes:changer_role": _url("comptes:changer_role", "org_epci.pk", "adhesion_elu.pk"),
    "comptes:annuler_invitation": _url("comptes:annuler_invitation", "org_epci.pk", "invitation.pk"),
    "comptes:renvoyer_invitation": _url("comptes:renvoyer_invitation", "org_epci.pk", "invitation.pk"),
    "comptes:quitter": _url("comptes:quitter", "org_epci.pk"),
    "comptes:mon_compte": _url("comptes:mon_compte"),
    "comptes:alerte": _url("comptes:alerte", "=appels_a_projets"),
    "comptes:desabonnement": _url("comptes:desabonnement", "jeton_desabonnement"),
    "comptes:demander_adhesion": _url("comptes:demander_adhesion"),
    "comptes:demandes_adhesion": _url("comptes:demandes_adhesion"),
    "comptes:accepter_adhesion": _url("comptes:accepter_adhesion", "demande_adhesion.pk"),
    "comptes:refuser_adhesion": _url("comptes:refuser_adhesion", "demande_adhesion.pk"),
    "comptes:piece_adhesion": _url("comptes:piece_adhesion", "demande_adhesion.pk"),
    "comptes:telecharger_donnees": _url("comptes:telecharger_donnees"),
    "comptes:telecharger_donnees_csv": _url("comptes:telecharger_donnees_csv"),
    "comptes:supprimer_compte": _url("comptes:supprimer_compte"),
    "comptes:mentions_legales": _url("comptes:mentions_legales"),
    "comptes:donnees_personnelles": _url("comptes:donnees_personnelles"),
    # territoires
    "territoires:recherche": _avec(_url("territoires:recherche"), "q=rennes"),
    "territoires:autocompletion": _avec(_url("territoires:autocompletion"), "q=ren"),
    "territoires:regions": _url("territoires:regions"),
    "territoires:region": _url("territoires:region", "region.code"),
    "territoires:departement": _url("territoires:departement", "ille_et_vilaine.code"),
    "territoires:epcis": _url("territoires:epcis"),
    "territoires:epci": _url("territoires:epci", "rennes_metropole.siren"),
    "territoires:communes": _url("territoires:communes"),
    "territoires:commune": _url("territoires:commune", "rennes.code"),
    "territoires:qpvs": _url("territoires:qpvs"),
    "territoires:qpv": _url("territoires:qpv", "blosne.code"),
    # annuaire
    "acteurs_ess:annuaire": _url("acteurs_ess:annuaire"),
    "acteurs_ess:exporter_csv": _url("acteurs_ess:exporter_csv"),
    "acteurs_ess:exporter_xlsx": _url("acteurs_ess:exporter_xlsx"),
    "acteurs_ess:inscrire": _url("acteurs_ess:inscrire"),
    "acteurs_ess:structure": _url("acteurs_ess:structure", "ateliers.pk"),
    "acteurs_ess:modifier": _url("acteurs_ess:modifier", "ateliers.pk"),
    "acteurs_ess:rejoindre": _url("acteurs_ess:rejoindre", "ateliers.pk"),
    "acteurs_ess:verifier": _url("acteurs_ess:verifier", "ateliers.pk"),
    "acteurs_ess:rib": _url("acteurs_ess:rib", "ateliers.pk"),
    "acteurs_ess:document_rib": _url("acteurs_ess:document_rib", "ateliers.pk", "rib.pk"),
    "acteurs_ess:valider_rib": _url("acteurs_ess:valider_rib", "ateliers.pk", "rib.pk"),
    "acteurs_ess:documents": _url("acteurs_ess:documents", "ateliers.pk"),
    "acteurs_ess:ajouter_document": _url("acteurs_ess:ajouter_document", "ateliers.pk"),
    "acteurs_ess:document_structure": _url("acteurs_ess:document_structure", "ateliers.pk", "document_coffre.pk"),
    "acteurs_ess:remplacer_document": _url("acteurs_ess:remplacer_document", "ateliers.pk", "document_coffre.pk"),
    "acteurs_ess:archiver_document": _url("acteurs_ess:archiver_document", "ateliers.pk", "document_coffre.pk"),
    "acteurs_ess:supprimer_document": _url("acteurs_ess:supprimer_document", "ateliers.pk", "document_coffre.pk"),
    "acteurs_ess:rattachements": _url("acteurs_ess:rattachements"),
    "acteurs_ess:decider": _url("acteurs_ess:decider", "demande.pk"),
    "acteurs_ess:collectifs": _url("acteurs_ess:collectifs"),
    "acteurs_ess:autocompletion_structures": _avec(_url("acteurs_ess:autocompletion_structures"), "q=ateliers"),
    "acteurs_ess:autocompletion_collectifs": _avec(_url("acteurs_ess:autocompletion_collectifs"), "q=blosne"),
    "acteurs_ess:nouveau_collectif": _url("acteurs_ess:nouveau_collectif"),
    "acteurs_ess:collectif": _url("acteurs_ess:collectif", "collectif.pk"),
    "acteurs_ess:gerer_collectif": _url("acteurs_ess:gerer_collectif", "collectif.pk"),
    "acteurs_ess:repondre_invitation": _url("acteurs_ess:repondre_invitation", "invitation_collectif.pk"),
    "acteurs_ess:retirer_membre": _url("acteurs_ess:retirer_membre", "collectif.pk", "membre_collectif.pk"),
    "acteurs_ess:modifier_collectif": _url("acteurs_ess:modifier_collectif", "collectif.pk"),
    "acteurs_ess:dissoudre_collectif": _url("acteurs_ess:dissoudre_collectif", "collectif.pk"),
    "acteurs_ess:supprimer_collectif": _url("acteurs_ess:supprimer_collectif", "collectif.pk"),
    "acteurs_ess:cesser_activite": _url("acteurs_ess:cesser_activite", "ateliers.pk"),
    "acteurs_ess:reprendre_activite": _url("acteurs_ess:reprendre_activite", "ateliers.pk"),
    "acteurs_ess:importer": _url("acteurs_ess:importer"),
    "acteurs_ess:imports": _url("acteurs_ess:imports"),
    "acteurs_ess:suivi_import": _url("acteurs_ess:suivi_import", "import_structures.pk"),
    "acteurs_ess:confirmer_import": _url("acteurs_ess:confirmer_import"),
    # contrats
    "contrats:liste": _url("contrats:liste"),
    "contrats:contrat": _url("contrats:contrat", C),
    "contrats:contrat@signe": _url("contrats:contrat", CS),
    "contrats:export_csv": _url("contrats:export_csv"),
    "contrats:export_xlsx": _url("contrats:export_xlsx"),
    "contrats:contributions_csv": _url("contrats:contributions_csv", C),
    "contrats:contributions_xlsx": _url("contrats:contributions_xlsx", C),
    "contrats:signataires_csv": _url("contrats:signataires_csv", C),
    "contrats:signataires_xlsx": _url("contrats:signataires_xlsx", C),
    "contrats:signataires_csv@signe": _url("contrats:signataires_csv", CS),
    "contrats:signataires_xlsx@signe": _url("contrats:signataires_xlsx", CS),
    "contrats:transition": _url("contrats:transition", C),
    "contrats:contrat_pdf": _url("contrats:contrat_pdf", C),
    "contrats:contrat_pdf@signe": _url("contrats:contrat_pdf", CS),
    "contrats:synthese_pdf": _url("contrats:synthese_pdf", C),
    "contrats:synthese_pdf@signe": _url("contrats:synthese_pdf", CS),
    "contrats:nouvelle_section": _url("contrats:nouvelle_section", C),
    "contrats:section": _url("contrats:section", C, "section.pk"),
    "contrats:section@signe": _url("contrats:section", CS, "section_signee.pk"),
    "contrats:modifier_section": _url("contrats:modifier_section", C, "section.pk"),
    "contrats:modifier_section@signe": _url("contrats:modifier_section", CS, "section_signee.pk"),
    "contrats:historique": _url("contrats:historique", C, "section.pk"),
    "contrats:nouvel_avenant": _url("contrats:nouvel_avenant", CS),
    "contrats:avenant": _url("contrats:avenant", CS, "avenant_contrat.numero"),
    "contrats:avenant@adopte": _url("contrats:avenant", CS, "avenant_contrat_adopte.numero"),
    "contrats:adopter_avenant": _url("contrats:adopter_avenant", CS, "avenant_contrat.numero"),
    "contrats:retirer_modification_avenant": _url(
        "contrats:retirer_modification_avenant", CS, "avenant_contrat.numero", "modification_avenant.pk"
    ),
    "contrats:dispositifs": _url("contrats:dispositifs", C),
    "contrats:historique@signe": _url("contrats:historique", CS, "section_signee.pk"),
    "contrats:version": _url("contrats:version", C, "section.pk", "=1"),
    "contrats:version@signe": _url("contrats:version", CS, "section_signee.pk", "=1"),
    "contrats:comparer": _url("contrats:comparer", C, "section.pk"),
    "contrats:restaurer": _url("contrats:restaurer", C, "section.pk", "=1"),
    "contrats:nouvelle_orientation": _url("contrats:nouvelle_orientation", C),
    "contrats:renommer_section": _url("contrats:renommer_section", C, "section.pk"),
    "contrats:deplacer_section": _url("contrats:deplacer_section", C, "section.pk"),
    "contrats:supprimer_section": _url("contrats:supprimer_section", C, "section.pk"),
    "contrats:sections_supprimees": _url("contrats:sections_supprimees", C),
    "contrats:modifier_orientation": _url("contrats:modifier_orientation", C, "orientation.pk"),
    "contrats:supprimer_orientation": _url("contrats:supprimer_orientation", C, "orientation.pk"),
    "contrats:nouvelle_concertation": _url("contrats:nouvelle_concertation", C),
    "contrats:concertation": _url("contrats:concertation", C, "concertation.pk"),
    "contrats:clore_concertation": _url("contrats:clore_concertation", C, "concertation.pk"),
    "contrats:dates_concertation": _url("contrats:dates_concertation", C, "concertation.pk"),
    "contrats:contributions": _url("contrats:contributions", C),
    "contrats:analyser": _url("contrats:analyser", C, "contribution_deposee.pk"),
    "contrats:repondre": _url("contrats:repondre", C, "contribution_en_analyse.pk"),
    "contrats:masquer": _url("contrats:masquer", C, "contribution_deposee.pk"),
    "contrats:mes_contributions": _url("contrats:mes_contributions"),
    "contrats:modifier_contribution": _url("contrats:modifier_contribution", C, "contribution_deposee.pk"),
    "contrats:retirer_contribution": _url("contrats:retirer_contribution", C, "contribution_deposee.pk"),
    "contrats:contributions_publiques": _url("contrats:contributions_publiques", C),
    "contrats:nouveau_signataire": _url("contrats:nouveau_signataire", C),
    "contrats:rattacher_collectivite": _url("contrats:rattacher_collectivite", C, "org_epci.pk"),
    "contrats:detacher_collectivite": _url("contrats:detacher_collectivite", C, "signataire.pk"),
    "contrats:nouvel_engagement": _url("contrats:nouvel_engagement", C, "signataire.pk"),
    "contrats:nouvelle_instance": _url("contrats:nouvelle_instance", C),
    "contrats:nouvelle_reunion": _url("contrats:nouvelle_reunion", C, "instance.pk"),
    "contrats:modifier_signataire": _url("contrats:modifier_signataire", C, "signataire.pk"),
    "contrats:supprimer_signataire": _url("contrats:supprimer_signataire", C, "signataire.pk"),
    "contrats:modifier_engagement": _url("contrats:modifier_engagement", C, "engagement.pk"),
    "contrats:supprimer_engagement": _url("contrats:supprimer_engagement", C, "engagement.pk"),
    "contrats:modifier_instance": _url("contrats:modifier_instance", C, "instance.pk"),
    "contrats:supprimer_instance": _url("contrats:supprimer_instance", C, "instance.pk"),
    "contrats:modifier_reunion": _url("contrats:modifier_reunion", C, "reunion.pk"),
    "contrats:supprimer_reunion": _url("contrats:supprimer_reunion", C, "reunion.pk"),
    "contrats:renseigner_ess@consultation": _url("contrats:renseigner_ess", C, "=consultation"),
    "contrats:renseigner_ess@dynamique": _url("contrats:renseigner_ess", C, "=dynamique"),
    "contrats:renseigner_ess@structure": _url("contrats:renseigner_ess", C, "=structure"),
    # financements
    "financements:appels": _url("financements:appels", C),
    "financements:nouvel_appel": _url("financements:nouvel_appel", C),
    "financements:appel": _url("financements:appel", "appel.pk"),
    "financements:appel@en_preparation": _url("financements:appel", "appel_en_preparation.pk"),
    "financements:publier_appel": _url("financements:publier_appel", "appel_en_preparation.pk"),
    "financements:modifier_appel": _url("financements:modifier_appel", "appel.pk"),
    "financements:prolonger_appel": _url("financements:prolonger_appel", "appel.pk"),
    "financements:clore_appel": _url("financements:clore_appel", "appel.pk"),
    "financements:appels_ouverts": _url("financements:appels_ouverts"),
    "financements:nouveau_dossier": _url("financements:nouveau_dossier", "appel.pk"),
    "financements:dossier": _url("financements:dossier", "dossier_instruction.pk"),
    "financements:modifier_dossier": _url("financements:modifier_dossier", "dossier_brouillon.pk"),
    "financements:modifier_dossier@en_instruction": _url("financements:modifier_dossier", "dossier_instruction.pk"),
    "financements:budget_dossier": _url("financements:budget_dossier", "dossier_brouillon.pk"),
    "financements:pieces_dossier": _url("financements:pieces_dossier", "dossier_brouillon.pk"),
    "financements:joindre_document": _url("financements:joindre_document", "dossier_brouillon.pk", "=statuts"),
    "financements:piece": _url("financements:piece", "dossier_instruction.pk", "piece_instruction.pk"),
    "financements:retirer_piece": _url("financements:retirer_piece", "dossier_brouillon.pk", "piece_brouillon.pk"),
    "financements:co_porteurs_dossier": _url("financements:co_porteurs_dossier", "dossier_brouillon.pk"),
    "financements:retirer_co_porteur": _url(
        "financements:retirer_co_porteur", "dossier_brouillon.pk", "co_porteur_brouillon.pk"
    ),
    "financements:confirmer_co_portage": _url("financements:confirmer_co_portage", "dossier_a_confirmer.pk"),
    "financements:deposer_dossier": _url("financements:deposer_dossier", "dossier_brouillon.pk"),
    "financements:supprimer_brouillon": _url("financements:supprimer_brouillon", "dossier_brouillon.pk"),
    "financements:retirer_dossier": _url("financements:retirer_dossier", "dossier_depose.pk"),
    "financements:renouveler_dossier": _url("financements:renouveler_dossier", "dossier_decide.pk"),
    "financements:comite_programmation": _url("financements:comite_programmation", "appel.pk"),
    "financements:comite_csv": _url("financements:comite_csv", "appel.pk"),
    "financements:transition_dossier": _url("financements:transition_dossier", "dossier_decide.pk"),
    "financements:preparer_convention": _url("financements:preparer_convention", "dossier_en_cours.pk"),
    "financements:bilan_dossier": _url("financements:bilan_dossier", "dossier_en_cours.pk"),
    "financements:pdf_dossier": _url("financements:pdf_dossier", "dossier_instruction.pk"),
    "financements:prendre_dossier": _url("financements:prendre_dossier", "dossier_depose.pk"),
    "financements:correction_dossier": _url("financements:correction_dossier", "dossier_instruction.pk"),
    "financements:note_dossier": _url("financements:note_dossier", "dossier_instruction.pk"),
    "financements:avis_dossier": _url("financements:avis_dossier", "dossier_instruction.pk"),
    "financements:decision_dossier": _url("financements:decision_dossier", "dossier_instruction.pk"),
    "financements:message_dossier": _url("financements:message_dossier", "dossier_instruction.pk"),
    "financements:tableau_instruction": _url("financements:tableau_instruction"),
    "financements:export_csv": _url("financements:export_csv"),
    "financements:export_xlsx": _url("financements:export_xlsx"),
    "financements:scdl": _url("financements:scdl", "org_epci.pk"),
    "financements:conventions": _url("financements:conventions"),
    "financements:tableau_conventions": _url("financements:tableau_conventions"),
    "financements:tableau_etat": _url("financements:tableau_etat"),
    "financements:convention": _url("financements:convention", "convention_projet.pk"),
    "financements:modifier_convention": _url("financements:modifier_convention", "convention_projet.pk"),
    "financements:etat_convention": _url("financements:etat_convention", "convention_projet.pk"),
    "financements:signer_convention": _url("financements:signer_convention", "convention_envoyee.pk"),
    "financements:renouveler_convention": _url("financements:renouveler_convention", "convention_en_vigueur.pk"),
    "financements:nouvel_avenant": _url("financements:nouvel_avenant", "convention_en_vigueur.pk"),
    "financements:avenant": _url("financements:avenant", "convention_etat.pk", "avenant_signe.pk"),
    "financements:signer_avenant": _url("financements:signer_avenant", "convention_etat.pk", "avenant_projet.pk"),
    "financements:pdf_avenant": _url("financements:pdf_avenant", "convention_etat.pk", "avenant_signe.pk"),
    "financements:pdf_signe_avenant": _url(
        "financements:pdf_signe_avenant", "convention_etat.pk", "avenant_signe.pk", "signature_avenant_pdf.pk"
    ),
    "financements:pdf_convention": _url("financements:pdf_convention", "convention_projet.pk"),
    "financements:ajouter_financeur_convention": _url(
        "financements:ajouter_financeur_convention", "convention_projet.pk"
    ),
    "financements:revision_decision": _url("financements:revision_decision", "dossier_decide.pk"),
    "financements:pdf_signe_convention": _url(
        "financements:pdf_signe_convention", "convention_etat.pk", "signature_pdf.pk"
    ),
    "financements:compte_rendu": _url("financements:compte_rendu", "convention_cr.pk", "annee_cr"),
    "financements:preparer_compte_rendu": _url(
        "financements:preparer_compte_rendu", "convention_cr.pk", "annee_cr_a_preparer"
    ),
    "financements:avis_compte_rendu": _url("financements:avis_compte_rendu", "convention_cr.pk", "annee_cr"),
    "financements:pdf_compte_rendu": _url("financements:pdf_compte_rendu", "convention_cr.pk", "annee_cr"),
    "financements:generer_echeancier": _url("financements:generer_echeancier", "convention_etat.pk", "prefecture.pk"),
    "financements:nouveau_versement": _url(
        "financements:nouveau_versement", "convention_en_vigueur.pk", "prefecture.pk"
    ),
    "financements:modifier_versement": _url(
        "financements:modifier_versement", "convention_en_vigueur.pk", "versement_prevu.pk"
    ),
    "financements:supprimer_versement": _url(
        "financements:supprimer_versement", "convention_en_vigueur.pk", "versement_prevu.pk"
    ),
    "financements:mandater_versement": _url(
        "financements:mandater_versement", "convention_en_vigueur.pk", "versement_prevu.pk"
    ),
    "financements:payer_versement": _url(
        "financements:payer_versement", "convention_en_vigueur.pk", "versement_mandate.pk"
    ),
    "financements:annuler_versement": _url(
        "financements:annuler_versement", "convention_en_vigueur.pk", "versement_prevu.pk"
    ),
    "financements:nouveau_reversement": _url(
        "financements:nouveau_reversement", "convention_en_vigueur.pk", "prefecture.pk"
    ),
    "financements:suivre_reversement": _url(
        "financements:suivre_reversement", "convention_en_vigueur.pk", "reversement.pk"
    ),
    "financements:parts_beneficiaires": _url(
        "financements:parts_beneficiaires", "convention_en_vigueur.pk", "prefecture.pk"
    ),
    # évaluation
    "evaluation:catalogue": _url("evaluation:catalogue"),
    "evaluation:indicateur": _url("evaluation:indicateur", "indicateur_national.pk"),
    "evaluation:indicateur@local": _url("evaluation:indicateur", "indicateur_local.pk"),
    "evaluation:lignes_de_base_csv": _url("evaluation:lignes_de_base_csv"),
    "evaluation:synthese_qpv": _url("evaluation:synthese_qpv", "blosne.code"),
    "evaluation:valeur": _url("evaluation:valeur", "valeur.pk"),
    "evaluation:valeur@officielle": _url("evaluation:valeur", "ligne_de_base.pk"),
    "evaluation:valeur@publique": _url("evaluation:valeur", "valeur_publique.pk"),
    "evaluation:contrat": _url("evaluation:contrat", C),
    "evaluation:valeurs_csv": _url("evaluation:valeurs_csv", C),
    "evaluation:tableau": _url("evaluation:tableau", C),
    "evaluation:tableau@signe": _url("evaluation:tableau", CS),
    "evaluation:nouvel_indicateur": _url("evaluation:nouvel_indicateur", C),
    "evaluation:nouvelle_valeur": _url("evaluation:nouvelle_valeur", C),
    "evaluation:corriger": _url("evaluation:corriger", "valeur.pk"),
    "evaluation:corriger@officielle": _url("evaluation:corriger", "ligne_de_base.pk"),
    "evaluation:relier": _url("evaluation:relier", C, "valeur_compte_rendu.pk"),
    "evaluation:modifier_indicateur": _url("evaluation:modifier_indicateur", "indicateur_local.pk"),
    "evaluation:modifier_indicateur@national": _url("evaluation:modifier_indicateur", "indicateur_national.pk"),
    "evaluation:bilans": _url("evaluation:bilans", C),
    "evaluation:nouveau_bilan": _url("evaluation:nouveau_bilan", C),
    "evaluation:bilan": _url("evaluation:bilan", "bilan_brouillon.pk"),
    "evaluation:bilan@publie": _url("evaluation:bilan", "bilan_publie.pk"),
    "evaluation:textes_bilan": _url("evaluation:textes_bilan", "bilan_brouillon.pk"),
    "evaluation:avis_bilan": _url("evaluation:avis_bilan", "bilan_brouillon.pk"),
    "evaluation:commenter_bilan": _url("evaluation:commenter_bilan", "bilan_soumis.pk"),
    "evaluation:soumettre_bilan": _url("evaluation:soumettre_bilan", "bilan_brouillon.pk"),
    "evaluation:reprendre_bilan": _url("evaluation:reprendre_bilan", "bilan_soumis.pk"),
    "evaluation:valider_bilan": _url("evaluation:valider_bilan", "bilan_soumis.pk"),
    "evaluation:publier_bilan": _url("evaluation:publier_bilan", "bilan_valide.pk"),
    "evaluation:pdf_bilan": _url("evaluation:pdf_bilan", "bilan_brouillon.pk"),
    "evaluation:valeurs_bilan_csv": _url("evaluation:valeurs_bilan_csv", "bilan_publie.pk"),
    "evaluation:valeurs_bilan_csv@brouillon": _url("evaluation:valeurs_bilan_csv", "bilan_brouillon.pk"),
    "evaluation:compte_rendu_copil": _url("evaluation:compte_rendu_copil", "bilan_publie.pk"),
    # administration
    "admin:index": _url("admin:index"),
    "admin:login": _url("admin:login"),
    "admin:comptes_entreeaudit_changelist": _url("admin:comptes_entreeaudit_changelist"),
    "admin:comptes_entreeaudit_add": _url("admin:comptes_entreeaudit_add"),
    "admin:comptes_entreeaudit_change": _url("admin:comptes_entreeaudit_change", "entree_audit.pk"),
    "admin:comptes_entreeaudit_delete": _url("admin:comptes_entreeaudit_delete", "entree_audit.pk"),
    "admin:comptes_organisation_changelist": _url("admin:comptes_organisation_changelist"),
}


# --- Contenus des POST ------------------------------------------------------------------------------------

Donnees = Callable[[Monde, str], dict[str, Any]]


def _fixe(donnees: dict[str, Any]) -> Donnees:
    return lambda m, acteur: dict(donnees)


def _aujourd_hui(jours: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=jours)).isoformat()


def _modifier_appel_form(m: Monde) -> dict[str, Any]:
    """L'appel publié tel qu'il est, retitré."""
    appel = m.appel
    donnees: dict[str, Any] = {
        "titre": "Appel à projets 2027 (révisé)",
        "description": appel.description,
        "ouverture": appel.ouverture.isoformat(),
        "cloture": appel.cloture.isoformat(),
        "priorites": [p.pk for p in appel.priorites.all()],
        "qpv": [q.pk for q in appel.qpv.all()],
        "financeurs-TOTAL_FORMS": appel.financeurs.count(),
        "financeurs-INITIAL_FORMS": appel.financeurs.count(),
        "financeurs-MIN_NUM_FORMS": 0,
        "financeurs-MAX_NUM_FORMS": 20,
    }
    for i, f in enumerate(appel.financeurs.all()):
        donnees[f"financeurs-{i}-organisation"] = f.organisation_id
        donnees[f"financeurs-{i}-enveloppe"] = str(f.enveloppe)
        donnees[f"financeurs-{i}-dispositif"] = f.dispositif
        donnees[f"financeurs-{i}-programme_147"] = "on" if f.programme_147 else ""
    return donnees


def _structure_form(m: Monde, acteur: str) -> dict[str, Any]:
    s = m.ateliers
    return {
        "raison_sociale": s.raison_sociale,
        "forme_juridique": s.forme_juridique,
        "siret": s.siret,
        "rna": s.rna,
        "commune": s.commune_id,
        "description": "Ateliers de réparation et chantier d'insertion.",
    }


def _dossier_form(m: Monde, acteur: str) -> dict[str, Any]:
    d = m.dossier_brouillon
    return {
        "titre": d.titre,
        "description": "Ateliers de réparation de vélos, deux soirs par semaine.",
        "objectifs": d.objectifs,
        "priorites": [m.orientation.pk],
        "qpv": [m.blosne.pk],
        "date_debut": d.date_debut.isoformat(),
        "date_fin": d.date_fin.isoformat(),
        "nombre_annees": d.nombre_annees,
    }


def _budget_form(m: Monde, acteur: str) -> dict[str, Any]:
    d = m.dossier_brouillon
    lignes = list(d.lignes_budget.order_by("pk"))
    donnees: dict[str, Any] = {
        "lignes-TOTAL_FORMS": len(lignes),
        "lignes-INITIAL_FORMS": len(lignes),
        "lignes-MIN_NUM_FORMS": 0,
        "lignes-MAX_NUM_FORMS": 80,
        "plan-fonds_propres": int(d.fonds_propres),
        "plan-autres_financements": 0,
    }
    for i, ligne in enumerate(lignes):
        donnees |= {
            f"lignes-{i}-compte": ligne.compte,
            f"lignes-{i}-libelle": ligne.libelle,
            f"lignes-{i}-montant": int(ligne.montant),
            f"lignes-{i}-financeur": ligne.financeur_id or "",
        }
    for financement in d.financements.all():
        donnees[f"plan-financeur_{financement.financeur_id}"] = int(financement.montant_demande)
    return donnees


def _organisation_instructrice(m: Monde, acteur: str) -> int:
    """Au nom de qui l'acteur instruit : son organisation sollicitée, à défaut la première qui l'est."""
    return m.financeur_de.get(acteur, m.org_epci).pk


def _csv_import() -> bytes:
    return f"raison_sociale,siret,commune\nRessourcerie de Cleunay,{SIRET_IMPORT},35238\n".encode()


INDICATEUR_LOCAL = {
    "code": "jeunes",
    "nom": "Jeunes accompagnés vers l'emploi",
    "unite": "nombre",
    "sens": "hausse",
    "agregation": "somme",
    "frequence": "annuelle",
}

DONNEES: dict[str, Donnees] = {
    # allauth
    "account_login": lambda m, a: {"login": m.personnes["inscrit"].email, "password": MOT_DE_PASSE},
    "account_signup": _fixe(
        {
            "prenom": "Nour",
            "nom": "Haddad",
            "email": "nouvelle.habitante@matrice.fr",
            "password1": NOUVEAU_MOT_DE_PASSE,
            "password2": NOUVEAU_MOT_DE_PASSE,
        }
    ),
    "account_reauthenticate": _fixe({"password": MOT_DE_PASSE}),
    "account_email": _fixe({"action_add": "", "email": "autre.adresse@matrice.fr"}),
    "account_change_password": _fixe(
        {"oldpassword": MOT_DE_PASSE, "password1": NOUVEAU_MOT_DE_PASSE, "password2": NOUVEAU_MOT_DE_PASSE}
    ),
    "account_set_password": _fixe({"password1": NOUVEAU_MOT_DE_PASSE, "password2": NOUVEAU_MOT_DE_PASSE}),
    # Sa propre adresse (celle de l'inscrite pour le visiteur) : la limite de débit compte par adresse.
    "account_reset_password": lambda m, a: {"email": m.personnes.get(a, m.personnes["inscrit"]).email},
    "account_reset_password_from_key": _fixe({"password1": NOUVEAU_MOT_DE_PASSE, "password2": NOUVEAU_MOT_DE_PASSE}),
    "account_confirm_email": _fixe({}),
    "account_confirm_login_code": _fixe({"code": "ABCDEF"}),
    "account_logout": _fixe({}),
    "mfa_authenticate": lambda m, a: {"code": code()},
    "mfa_reauthenticate": lambda m, a: {"code": code()},
    "mfa_activate_totp": lambda m, a: {"code": code()},
    "mfa_deactivate_totp": _fixe({}),
    "mfa_generate_recovery_codes": _fixe({}),
    "socialaccount_signup": _fixe({"email": "sociale@matrice.fr"}),
    "socialaccount_connections": _fixe({"account": ""}),
    "openid_connect_login": _fixe({}),
    "openid_connect_callback": _fixe({}),
    # comptes
    "comptes:inviter": _fixe({"email": "nouvelle.personne@matrice.fr", "role": Role.AGENT}),
    "comptes:invitation": _fixe(
        {"prenom": "Camille", "nom": "Martin", "password1": NOUVEAU_MOT_DE_PASSE, "password2": NOUVEAU_MOT_DE_PASSE}
    ),
    "comptes:mon_compte": _fixe({"prenom": "Claude", "nom": "Dupont"}),
    "comptes:alerte": _fixe({"abonne": "non"}),
    "comptes:changer_role": _fixe({"role": Role.AGENT}),
    # Toulouse n'est pas encore sur la plateforme : toute personne connectée peut la demander.
    "comptes:demander_adhesion": _fixe(
        {"type": "commune", "collectivite": "31555", "fonction": "Chargée de mission", "justificatif": "Service."}
    ),
    "comptes:refuser_adhesion": _fixe({"motif": "Fonction non confirmée par la mairie."}),
    "comptes:supprimer_compte": _fixe({"confirmation": MOT_DE_PASSE}),
    # annuaire
    "acteurs_ess:inscrire": _fixe(
        {
            "raison_sociale": "Ressourcerie du Blosne",
            "forme_juridique": "association",
            "siret": SIRET_LIBRE,
            "commune": "35238",
            "description": "Réemploi et réparation.",
        }
    ),
    "acteurs_ess:modifier": _structure_form,
    "acteurs_ess:rejoindre": _fixe({"message": "Je souhaite rejoindre l'équipe."}),
    "acteurs_ess:verifier": _fixe({}),
    "acteurs_ess:rib": lambda m, a: {
        "iban": "FR14 2004 1010 0505 0001 3M02 606",
        "titulaire": "Les Ateliers du Blosne",
        "document": fichier_pdf("rib.pdf"),
    },
    "acteurs_ess:valider_rib": _fixe({}),
    "acteurs_ess:ajouter_document": lambda m, a: {"type": "comptes", "fichier": fichier_pdf("comptes.pdf")},
    "acteurs_ess:remplacer_document": lambda m, a: {"fichier": fichier_pdf("statuts-2026.pdf")},
    "acteurs_ess:archiver_document": _fixe({}),
    "acteurs_ess:supprimer_document": _fixe({}),
    "acteurs_ess:decider": _fixe({"decision": "accepter", "motif": ""}),
    "acteurs_ess:nouveau_collectif": lambda m, a: {
        "nom": "Réseau des ressourceries",
        "type": "reseau",
        "commune": "35238",
        "organisation": (m.organisation_de.get(a) or m.org_epci).pk,
    },
    "acteurs_ess:gerer_collectif": _fixe({"organisation": "Maurepas Mobilité", "role": RoleCollectif.MEMBRE}),
    "acteurs_ess:modifier_collectif": _fixe({"nom": "PTCE du Blosne et de Bréquigny", "type": "ptce"}),
    "acteurs_ess:dissoudre_collectif": lambda m, a: {"le": _aujourd_hui(), "motif": "Fusion."},
    "acteurs_ess:cesser_activite": lambda m, a: {"le": _aujourd_hui(), "motif": "Dissolution."},
    "acteurs_ess:repondre_invitation": _fixe({"decision": "accepter"}),
    "acteurs_ess:retirer_membre": _fixe({}),
    "acteurs_ess:importer": lambda m, a: {
        "fichier": SimpleUploadedFile("structures.csv", _csv_import(), content_type="text/csv")
    },
    "acteurs_ess:confirmer_import": _fixe({"jeton": "jeton-matrice"}),
    # contrats
    "contrats:transition": _fixe({"statut": StatutContrat.VALIDATION, "motif": "Concertation terminée."}),
    "contrats:nouvelle_section": _fixe({"etape": "diagnostic", "titre": "Mobilités"}),
    "contrats:modifier_section": lambda m, a: {
        "texte": "<p>Troisième texte.</p>",
        "version_base": m.section.numero,
        "message": "Mise à jour",
    },
    "contrats:modifier_section@signe": lambda m, a: {
        "texte": "<p>Texte changé après signature.</p>",
        "version_base": m.section_signee.numero,
        "message": "Mise à jour",
    },
    "contrats:restaurer": lambda m, a: {"version_base": m.section.numero},
    "contrats:nouvel_avenant": _fixe({"objet": "Nouvelle gouvernance", "motif": "Le comité de pilotage change."}),
    "contrats:avenant": lambda m, a: {"section": m.section_signee.pk, "texte": "<p>Autre texte d'avenant.</p>"},
    "contrats:adopter_avenant": lambda m, a: {"date_adoption": _aujourd_hui(), "reference": "Délibération n° 7"},
    "contrats:dispositifs": _fixe({"dispositifs": ["cite_emploi", "npnru"]}),
    "contrats:nouvelle_orientation": _fixe({"titre": "Mobilités douces", "description": ""}),
    "contrats:renommer_section": lambda m, a: {"titre": "Emploi, insertion et formation", "etape": m.section.etape},
    "contrats:deplacer_section": _fixe({"sens": "bas"}),
    "contrats:sections_supprimees": lambda m, a: {"section": m.section_supprimee.pk},
    "contrats:modifier_orientation": _fixe({"titre": "Emploi des jeunes et des femmes", "description": ""}),
    "contrats:nouvelle_concertation": lambda m, a: {
        "titre": "Deuxième concertation",
        "debut": _aujourd_hui(),
        "fin": _aujourd_hui(30),
        "publics": [Public.HABITANTS],
        "sections": [m.section.pk],
    },
    "contrats:concertation": lambda m, a: {
        "cible": f"section-{m.section.pk}",
        "texte": "Prévoir des horaires en soirée.",
        "proposition": "",
        "organisation": "",
    },
    "contrats:clore_concertation": _fixe({"motif": "Les ateliers de quartier ont remplacé la concertation."}),
    "contrats:dates_concertation": lambda m, a: {
        "debut": m.concertation.debut.isoformat(),
        "fin": (m.concertation.fin + timedelta(days=7)).isoformat(),
    },
    "contrats:analyser": _fixe({}),
    "contrats:repondre": _fixe({"statut": StatutContribution.NON_RETENUE, "reponse": "Hors du champ du contrat."}),
    "contrats:masquer": _fixe({"motif": "Propos injurieux."}),
    "contrats:modifier_contribution": _fixe({"texte": "Des ateliers de réparation et de couture.", "proposition": ""}),
    "contrats:nouveau_signataire": lambda m, a: {"organisation": m.org_ville.pk, "signe_par": "La maire"},
    "contrats:nouvel_engagement": _fixe({"texte": "Financer deux postes d'adultes-relais.", "montant": "40000"}),
    "contrats:nouvelle_instance": _fixe({"type": "cotech", "nom": "Comité technique"}),
    "contrats:nouvelle_reunion": lambda m, a: {"date": _aujourd_hui(), "participants": "Métropole, préfecture"},
    "contrats:modifier_signataire": _fixe({"signe_par": "Le préfet d'Ille-et-Vilaine", "date_signature": ""}),
    "contrats:modifier_engagement": _fixe({"texte": "Mobiliser trois délégués du préfet.", "montant": ""}),
    "contrats:modifier_instance": _fixe({"type": "copil", "nom": "Comité de pilotage élargi", "composition": ""}),
    "contrats:modifier_reunion": lambda m, a: {"date": _aujourd_hui(), "participants": "Métropole\nPréfecture"},
    "contrats:renseigner_ess@consultation": lambda m, a: {
        "service": "achats",
        "date": _aujourd_hui(),
        "apport": "Clauses sociales dans les marchés.",
    },
    "contrats:renseigner_ess@dynamique": lambda m, a: {
        "type": "ptce",
        "collectif": m.collectif.pk,
        "integration": "Le PTCE anime l'axe emploi.",
    },
    "contrats:renseigner_ess@structure": lambda m, a: {"structure": m.villejean.pk, "role": "Chantier d'insertion"},
    # financements
    "financements:nouvel_appel": lambda m, a: {
        "titre": "Appel à projets 2029",
        "annee": 2029,
        "ouverture": _aujourd_hui(),
        "cloture": _aujourd_hui(30),
        "priorites": [m.orientation.pk],
        "qpv": [m.blosne.pk],
        "pieces_demandees": ["statuts"],
        "reponses_collectives": "on",
        "financeurs-TOTAL_FORMS": 1,
        "financeurs-INITIAL_FORMS": 0,
        "financeurs-MIN_NUM_FORMS": 0,
        "financeurs-MAX_NUM_FORMS": 20,
        "financeurs-0-organisation": m.org_epci.pk,
        "financeurs-0-enveloppe": "100000",
    },
    "financements:publier_appel": _fixe({}),
    "financements:modifier_appel": lambda m, a: _modifier_appel_form(m),
    "financements:prolonger_appel": lambda m, a: {"cloture": _aujourd_hui(40), "motif": "Vacances scolaires"},
    "financements:clore_appel": _fixe({"motif": "Enveloppe épuisée."}),
    "financements:nouveau_dossier": lambda m, a: {
        "structure": {"co_porteur": m.villejean, "structure_autre": m.mobilite}.get(a, m.ateliers).pk,
        "titre": "Jardin partagé",
    },
    "financements:modifier_dossier": _dossier_form,
    "financements:modifier_dossier@en_instruction": _dossier_form,
    "financements:budget_dossier": _budget_form,
    "financements:pieces_dossier": lambda m, a: {"type": "autre", "fichier": fichier_pdf()},
    "financements:joindre_document": lambda m, a: {"statuts-document": m.document_coffre.pk},
    "financements:retirer_piece": _fixe({}),
    "financements:co_porteurs_dossier": lambda m, a: {"structure": m.mobilite.siret, "role": "Transport"},
    "financements:retirer_co_porteur": _fixe({}),
    "financements:confirmer_co_portage": _fixe({}),
    "financements:deposer_dossier": _fixe({}),
    "financements:retirer_dossier": _fixe({"motif": "L'action est financée autrement."}),
    "financements:preparer_convention": _fixe({}),
    "financements:renouveler_dossier": lambda m, a: {"appel": m.appel_suivant.pk},
    # La convention de l'État (plus de 23 000 €) est signée : l'action peut commencer.
    "financements:transition_dossier": _fixe({"statut": StatutDossier.EN_COURS, "motif": "Action lancée."}),
    "financements:modifier_convention": lambda m, a: {
        "objet": "la réalisation de l'action « Bibliothèque de rue »",
        "annee_debut": m.convention_projet.annee_debut,
        "nombre_annees": 1,
        "part_avance": "50",
        "solde_apres_compte_rendu": "on",
        "justificatifs": "Compte-rendu financier.",
        "objectifs": "Prêter 2 000 livres",
        f"montant_{m.org_epci.pk}_{m.convention_projet.annee_debut}": "10000",
    },
    "financements:etat_convention": _fixe({"statut": StatutConvention.ENVOYEE}),
    "financements:renouveler_convention": _fixe({}),
    "financements:nouvel_avenant": lambda m, a: {
        "objet": "Montant révisé",
        "motif": "Fréquentation plus forte que prévu.",
        "nombre_annees": "1",
        f"montant_{m.prefecture.pk}_{m.convention_en_vigueur.annee_debut}": "35000",
    },
    "financements:signer_avenant": _fixe(
        {
            "partie": "structure",
            "signataire_nom": "Awa Diallo",
            "signataire_qualite": "Présidente",
            "representant_declare": "on",
        }
    ),
    # Le bailleur a décidé sur l'action : il rejoint la convention de la métropole (son propre projet, envoyé
    # mais que personne n'a signé, est résilié).
    "financements:ajouter_financeur_convention": lambda m, a: {
        "financeur": m.bailleur.pk,
        f"montant_{m.convention_projet.annee_debut}": "5000",
    },
    # Chaque financeur revoit sa décision à la moitié de sa demande ; celle de l'État est refusée (sa
    # convention est signée : avenant).
    "financements:revision_decision": lambda m, a: {
        "revision-financeur": m.financeur_de.get(a, m.org_epci).pk,
        "revision-montant": int(m.demandes[m.financeur_de.get(a, m.org_epci)] / 2),
        "revision-motif": "Enveloppe réduite.",
    },
    "financements:signer_convention": _fixe(
        {
            "partie": "structure",
            "signataire_nom": "Awa Diallo",
            "signataire_qualite": "Présidente",
            "representant_declare": "on",
        }
    ),
    "financements:generer_echeancier": _fixe({}),
    "financements:nouveau_versement": lambda m, a: {
        "annee": m.convention_en_vigueur.annee_debut,
        "nature": "solde",
        "montant": "1000",
        "date_prevue": _aujourd_hui(30),
    },
    "financements:modifier_versement": lambda m, a: {
        "nature": "solde",
        "montant": "7000",
        "date_prevue": _aujourd_hui(20),
    },
    "financements:supprimer_versement": _fixe({}),
    "financements:mandater_versement": lambda m, a: {"mandate_le": _aujourd_hui(), "reference": "M-3"},
    "financements:payer_versement": lambda m, a: {"paye_le": _aujourd_hui(), "reference": "P-2"},
    "financements:annuler_versement": _fixe({"motif": "Action reportée."}),
    "financements:nouveau_reversement": lambda m, a: {
        "annee": m.convention_en_vigueur.annee_debut,
        "montant": "500",
        "motif": "Sous-exécution.",
    },
    "financements:suivre_reversement": lambda m, a: {
        "statut": "titre_emis",
        "le": _aujourd_hui(),
        "reference": "T-1",
    },
    "financements:parts_beneficiaires": lambda m, a: {
        f"part_{m.ateliers.pk}": "60",
        f"part_{m.villejean.pk}": "40",
    },
    "financements:bilan_dossier": lambda m, a: {"type": "bilan", "fichier": fichier_pdf("bilan.pdf")},
    "financements:preparer_compte_rendu": _fixe(
        {
            "action": "enregistrer",
            "actions_realisees": "Ateliers de réparation.",
            "beneficiaires_nombre": "90",
            "beneficiaires_qpv": "60",
            "lignes-TOTAL_FORMS": "1",
            "lignes-INITIAL_FORMS": "0",
            "lignes-0-compte": "64",
            "lignes-0-prevu": "25000",
            "lignes-0-realise": "25000",
            "indicateurs-TOTAL_FORMS": "0",
            "indicateurs-INITIAL_FORMS": "0",
        }
    ),
    # Chaque financeur partie répond pour lui-même : l'État pour la préfecture, le bailleur pour lui.
    "financements:avis_compte_rendu": lambda m, a: {
        "financeur": m.financeur_de.get(a, m.prefecture).pk,
        "sens": "accepte",
    },
    "financements:prendre_dossier": _fixe({}),
    "financements:correction_dossier": _fixe({"motif": "Le RIB est illisible."}),
    "financements:note_dossier": _fixe({"texte": "Structure solide, à suivre."}),
    "financements:avis_dossier": lambda m, a: {
        "organisation": _organisation_instructrice(m, a),
        "sens": "favorable",
        "commentaire": "Projet utile.",
    },
    "financements:decision_dossier": lambda m, a: {
        "financeur": _organisation_instructrice(m, a),
        "montant": int(m.demandes.get(m.financeur_de.get(a, m.org_epci), 0)),
        "nature": "aide en numéraire",
        "conditions_versement": "unique",
    },
    "financements:message_dossier": _fixe({"texte": "Le RIB est joint au dossier."}),
    # évaluation
    "evaluation:nouvel_indicateur": _fixe(INDICATEUR_LOCAL | {"code": "matrice"}),
    "evaluation:modifier_indicateur": _fixe(INDICATEUR_LOCAL),
    "evaluation:modifier_indicateur@national": _fixe(INDICATEUR_LOCAL | {"code": "taux_emploi"}),
    "evaluation:nouvelle_valeur": lambda m, a: {
        "indicateur": m.indicateur_national.pk,
        "territoire": f"qpv:{m.maurepas.code}",
        "annee": "2026",
        "nature": "realise",
        "valeur": "44",
        "unite": "pourcentage",
    },
    "evaluation:corriger": _fixe({"valeur": "46", "unite": "pourcentage", "commentaire": "Relevé corrigé"}),
    "evaluation:corriger@officielle": _fixe(
        {"valeur": "41", "unite": "pourcentage", "commentaire": "Recensement local"}
    ),
    "evaluation:relier": lambda m, a: {"indicateur": m.indicateur_national.pk},
    "evaluation:nouveau_bilan": _fixe({"type": "mi_parcours"}),
    "evaluation:textes_bilan": _fixe({"synthese": "Le contrat avance.", "analyse": "L'emploi progresse."}),
    "evaluation:avis_bilan": _fixe({"texte": "Les habitants ont été entendus."}),
    "evaluation:commenter_bilan": _fixe({"texte": "Ajouter le relogement."}),
    "evaluation:reprendre_bilan": _fixe({"motif": "Tenir compte des commentaires."}),
    "evaluation:valider_bilan": lambda m, a: {"date_copil": _aujourd_hui(-1), "compte_rendu_copil": "Validé."},
    # administration
    "admin:login": lambda m, a: {"username": m.personnes["admin"].email, "password": MOT_DE_PASSE},
    "admin:comptes_entreeaudit_add": _fixe({"action": ActionAudit.COMPTE_EFFACE, "objet_repr": "falsifiée"}),
    "admin:comptes_entreeaudit_change": _fixe({"action": ActionAudit.COMPTE_EFFACE, "objet_repr": "falsifiée"}),
    "admin:comptes_entreeaudit_delete": _fixe({"post": "yes"}),
}


# --- Préparations de session ------------------------------------------------------------------------------


def _modifier_session(m: Monde, acteur: str, valeurs: dict[str, Any]) -> None:
    if acteur not in m.sessions:
        return
    session = SessionStore(session_key=m.sessions[acteur])
    session.update(valeurs)
    session.save()


def _apercu_import(m: Monde, acteur: str) -> None:
    """L'aperçu d'un import, comme après le dépôt du fichier : son jeton en session, le fichier dans le
    stockage (un nom neuf à chaque fois, la confirmation l'efface)."""
    chemin = default_storage.save(f"imports/jeton-matrice-{acteur}.csv", ContentFile(_csv_import()))
    _modifier_session(
        m, acteur, {"acteurs_ess_import": {"jeton": "jeton-matrice", "chemin": chemin, "nom": "structures.csv"}}
    )


PREPARATIONS: dict[str, Callable[[Monde, str], None]] = {
    "acteurs_ess:confirmer_import": _apercu_import,
    # Le secret que le formulaire d'activation a montré (code QR) : le code envoyé en est tiré.
    "mfa_activate_totp": lambda m, acteur: _modifier_session(m, acteur, {SECRET_SESSION_KEY: SECRET}),
}
