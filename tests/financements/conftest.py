"""Un appel à projets du contrat de Rennes Métropole (tests/contrats/fixtures.py), financé par la métropole
(collectivité porteuse), la préfecture, la ville et le bailleur ; la structure « Les Ateliers du Blosne »
(organisation `association`) y répond, avec « Villejean Solidaire » pour co-porteur."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from acteurs_ess.models import EtatRib, Rib, Structure
from comptes.models import Role
from contrats.models import Orientation
from contrats.models.projet_territoire import NiveauOrientation
from financements.models import Convention, StatutConvention
from financements.services import conventions as services_conventions
from financements.services import dossiers as services
from tests.double_authentification import activer
from tests.factories import AdhesionFactory, OrganisationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fichier_pdf(nom: str = "statuts.pdf", contenu: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _stockage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def structure(association):
    association.siret = "77567227200016"
    association.save(update_fields=["siret"])
    return Structure.objects.create(
        organisation=association, raison_sociale="Les Ateliers du Blosne", siret="77567227200016", rna="W353001234"
    )


@pytest.fixture
def autre_structure(db):
    organisation = OrganisationFactory(nom="Villejean Solidaire")
    return Structure.objects.create(organisation=organisation, raison_sociale="Villejean Solidaire")


@pytest.fixture
def membre_co_porteur(autre_structure):
    return AdhesionFactory(
        organisation=autre_structure.organisation, role=Role.STRUCTURE, utilisateur__email="villejean@exemple.fr"
    ).utilisateur


@pytest.fixture
def agent_commune(commune):
    return activer(
        AdhesionFactory(organisation=commune, role=Role.AGENT, utilisateur__email="ville@exemple.fr").utilisateur
    )


@pytest.fixture
def priorite(contrat):
    return Orientation.objects.create(contrat=contrat, niveau=NiveauOrientation.ORIENTATION, titre="Emploi")


@pytest.fixture
def appel(contrat, agent, epci, prefecture, commune, bailleur, priorite, territoire):
    aujourd_hui = timezone.localdate()
    return services.creer_appel(
        contrat,
        agent,
        titre="Appel à projets 2027",
        annee=2027,
        ouverture=aujourd_hui - timedelta(days=10),
        cloture=aujourd_hui + timedelta(days=20),
        financeurs=[
            (epci, Decimal("200000"), "Politique de la ville"),
            (prefecture, Decimal("300000"), "BOP 147"),
            (commune, Decimal("100000"), ""),
            (bailleur, Decimal("50000"), ""),
        ],
        priorites=[priorite],
        qpv=territoire["qpv"],
        pieces_demandees=["statuts", "rib"],
        publier=True,
    )


def remplir(dossier, auteur, demandes: dict, fonds_propres=Decimal("2000"), pieces=("statuts", "rib")):
    """Complète un brouillon pour qu'il puisse être déposé : contenu, budget équilibré, plan, pièces."""
    dossier.description = "Ateliers de réparation de vélos au pied des immeubles."
    dossier.objectifs = "Créer du lien et des emplois."
    dossier.date_debut = timezone.localdate().replace(month=1, day=1) + timedelta(days=366)
    dossier.date_fin = dossier.date_debut + timedelta(days=300)
    dossier.save()
    dossier.qpv.set(dossier.appel.qpv.all()[:1])
    total = sum(demandes.values(), Decimal(0)) + fonds_propres
    lignes = [{"compte": "64", "libelle": "Animateur", "montant": total}]
    lignes += [{"compte": "74", "libelle": str(f), "montant": m, "financeur": f} for f, m in demandes.items()]
    if fonds_propres:
        lignes.append({"compte": "75", "libelle": "Cotisations", "montant": fonds_propres})
    services.enregistrer_budget(dossier, auteur, lignes)
    services.enregistrer_plan(dossier, auteur, demandes, fonds_propres=fonds_propres)
    for type_piece in pieces:
        services.ajouter_piece(dossier, auteur, fichier_pdf(f"{type_piece}.pdf"), type_piece)
    return dossier


@pytest.fixture
def brouillon(appel, structure, membre_structure):
    return services.creer_dossier(appel, structure, membre_structure, "Vélos solidaires")


@pytest.fixture
def depose(brouillon, membre_structure, epci, prefecture):
    remplir(brouillon, membre_structure, {epci: Decimal("10000"), prefecture: Decimal("30000")})
    services.deposer(brouillon, membre_structure)
    return brouillon


@pytest.fixture
def decide(depose, agent, agent_etat, epci, prefecture):
    """Un dossier décidé : 10 000 € de la métropole, 30 000 € de l'État (au-delà de 23 000 € : convention
    obligatoire) ; chaque financeur a reçu un projet de convention."""
    from financements.services import instruction

    instruction.prendre_en_instruction(depose, agent)
    instruction.decider(depose, agent, epci, "10000")
    instruction.decider(depose, agent_etat, prefecture, "30000")
    depose.refresh_from_db()
    return depose


@pytest.fixture
def convention_cr(decide, agent, epci, prefecture, structure):
    """Une CPO de deux ans (l'an dernier et cette année) en vigueur entre les Ateliers, la métropole et l'État,
    pour l'action décidée, qui commence l'an dernier (tests/financements/comptes_rendus.py)."""
    from tests.financements.comptes_rendus import creer_convention_cr

    return creer_convention_cr(decide, agent, epci, prefecture, structure)


@pytest.fixture
def cr_depose(convention_cr, membre_structure):
    """Le compte-rendu de l'an dernier, déposé."""
    from tests.financements.comptes_rendus import enregistrer

    return enregistrer(convention_cr, membre_structure, deposer=True)


# --- Versements ---------------------------------------------------------------------------------------------

IBAN = "FR7630006000011234567890189"
# La CPO des versements commence l'année d'avant : sa première année est passée, la deuxième en cours.
DEBUT = timezone.localdate().year - 1


@pytest.fixture
def cpo(structure, agent, epci, prefecture):
    """Une CPO de trois ans en vigueur : 10 000 € par an de la métropole, 30 000 € par an de l'État, avance de
    50 %, solde après le compte-rendu de l'année précédente."""
    convention = services_conventions.creer_convention(
        structure,
        agent,
        financeurs={epci: [Decimal("10000")] * 3, prefecture: [Decimal("30000")] * 3},
        annee_debut=DEBUT,
        nombre_annees=3,
        objet="la médiation sociale",
    )
    Convention.objects.filter(pk=convention.pk).update(
        statut=StatutConvention.EN_VIGUEUR, en_vigueur_le=date(DEBUT, 1, 15)
    )
    convention.refresh_from_db()
    return convention


@pytest.fixture
def rib(structure, agent):
    return Rib.objects.create(
        structure=structure,
        iban=IBAN,
        titulaire="Les Ateliers du Blosne",
        chemin="prive/ribs/1/rib.pdf",
        nom="rib.pdf",
        taille=100,
        type_mime="application/pdf",
        etat=EtatRib.VALIDE,
        valide_par=agent,
        valide_le=timezone.now(),
    )
