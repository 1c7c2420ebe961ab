"""Données de démonstration de l'annuaire : les trois structures de `comptes/demo.py` deviennent des fiches
complètes à Rennes, chacune avec un RIB validé par l'agente de Rennes Métropole (IBAN fictifs, clés justes), et
un PTCE réunit l'une d'elles et la Ville de Rennes ; le coffre des Ateliers du Blosne a quelques documents.
Idempotent.

Les liens vers le référentiel (commune 35238, QPV du Blosne, de Maurepas et de Villejean) ne sont posés
que si `territoires/demo.py` les a chargés."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from stdnum import iban as stdnum_iban

from acteurs_ess.choix import RoleCollectif, TypeCollectif, TypePiece
from acteurs_ess.coffre import PREFIXE_COFFRE
from acteurs_ess.models import Collectif, DocumentStructure, EtatRib, MembreCollectif, Rib, Structure
from acteurs_ess.services import PREFIXE_RIB
from comptes.models import Organisation, TypeOrganisation, Utilisateur
from territoires.models import Commune, Qpv

RENNES = "35238"

# Identifiants fictifs, mais valides (clés de contrôle justes).
FICHES = [
    {
        "organisation": "Les Ateliers du Blosne",
        "qpv": "QN03505M",
        "champs": {
            "sigle": "ADB",
            "siret": "29141777200014",
            "rna": "W353000101",
            "forme_juridique": "association",
            "agrements": ["siae_aci", "esus"],
            "domaines": ["emploi_insertion", "transition_ecologique", "lien_social"],
            "adresse": "12 boulevard de Yougoslavie",
            "description": (
                "Atelier et chantier d'insertion : réparation de vélos et d'électroménager, recyclerie et "
                "ateliers d'autoréparation ouverts aux habitants du Blosne."
            ),
            "contact": "Sonia Trésorière",
            "email": "contact@ateliers-blosne.example.fr",
            "telephone": "02 99 00 00 01",
            "site_web": "https://ateliers-blosne.example.fr",
        },
    },
    {
        "organisation": "Régie de quartier de Maurepas",
        "qpv": "QN03504M",
        "champs": {
            "siret": "63170669400017",
            "rna": "W353000102",
            "forme_juridique": "association",
            "agrements": ["regie_quartier", "siae_aci"],
            "domaines": ["espaces_publics", "emploi_insertion", "habitat"],
            "adresse": "5 place du Gros-Chêne",
            "description": (
                "Entretien des halls, des espaces verts et des pieds d'immeubles par des habitants salariés en "
                "insertion ; médiation et petits travaux dans les logements."
            ),
            "email": "accueil@regie-maurepas.example.fr",
            "site_web": "https://regie-maurepas.example.fr",
        },
    },
    {
        "organisation": "Villejean Solidaire",
        "qpv": "QN03502M",
        "champs": {
            "rna": "W353000103",
            "forme_juridique": "association",
            "agrements": ["tiers_lieu"],
            "domaines": ["lien_social", "acces_aux_droits", "jeunesse", "egalite_femmes_hommes"],
            "adresse": "Dalle Kennedy",
            "description": (
                "Épicerie solidaire, café associatif et permanences d'accès aux droits dans un tiers-lieu "
                "animé par les habitants de Villejean."
            ),
            "email": "bonjour@villejean-solidaire.example.fr",
        },
    },
]

PTCE = {
    "nom": "Pôle ESS Rennes Sud",
    "description": (
        "Pôle territorial de coopération économique : structures de l'ESS et collectivités du sud de Rennes "
        "mutualisent ateliers, achats et emplois autour du réemploi."
    ),
}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VALIDEUR_RIB = "agent@demo.coville.fr"


def iban_demo(numero: int) -> str:
    """Un IBAN français fictif mais valide : banque 30006 (fictive ici), guichet 00001, compte `numero` ; clé RIB
    (banque, guichet, compte modulo 97) puis clé IBAN calculées."""
    banque, guichet, compte = "30006", "00001", f"{12340 + numero:011d}"
    cle_rib = 97 - (89 * int(banque) + 15 * int(guichet) + 3 * int(compte)) % 97
    bban = f"{banque}{guichet}{compte}{cle_rib:02d}"
    return f"FR{stdnum_iban.calc_check_digits('FR00' + bban)}{bban}"


def _rib_valide(structure: Structure, numero: int) -> None:
    """Un RIB validé pour la structure, s'il n'en a pas déjà un (sans e-mail : la démonstration n'en envoie pas)."""
    if Rib.objects.filter(structure=structure, etat=EtatRib.VALIDE).exists():
        return
    chemin = default_storage.save(f"{PREFIXE_RIB}/{structure.pk}/rib-demo.pdf", ContentFile(PDF))
    Rib.objects.create(
        structure=structure,
        iban=iban_demo(numero),
        titulaire=structure.raison_sociale,
        chemin=chemin,
        nom="rib.pdf",
        taille=len(PDF),
        type_mime="application/pdf",
        etat=EtatRib.VALIDE,
        valide_par=Utilisateur.objects.filter(email=VALIDEUR_RIB).first(),
        valide_le=timezone.now(),
    )


# Le coffre des Ateliers du Blosne : des statuts sans date de fin, des comptes approuvés valables un an, un
# rapport d'activité qui expire bientôt (la page « Documents » le signale).
COFFRE = [
    (TypePiece.STATUTS, "statuts-ateliers-du-blosne.pdf", -3650, None),
    (TypePiece.COMPTES, "comptes-approuves.pdf", -160, 200),
    (TypePiece.RAPPORT_ACTIVITE, "rapport-activite.pdf", -350, 15),
]


def _coffre(structure: Structure) -> int:
    """Les documents du coffre de la structure, s'il est vide ; rend leur nombre."""
    if structure.documents.exists():
        return structure.documents.count()
    aujourd_hui = timezone.localdate()
    deposant = Utilisateur.objects.filter(adhesions__organisation=structure.organisation).first()
    for type_piece, nom, date_document, validite in COFFRE:
        chemin = default_storage.save(f"{PREFIXE_COFFRE}/{structure.pk}/{nom}", ContentFile(PDF))
        DocumentStructure.objects.create(
            structure=structure,
            type=type_piece,
            chemin=chemin,
            nom=nom,
            taille=len(PDF),
            type_mime="application/pdf",
            date_document=aujourd_hui + timedelta(days=date_document),
            valable_jusqu_au=aujourd_hui + timedelta(days=validite) if validite is not None else None,
            depose_par=deposant,
        )
    return len(COFFRE)


def charger(sortie=print) -> None:
    rennes = Commune.objects.filter(code=RENNES).first()
    structures = {}
    for fiche in FICHES:
        organisation = Organisation.objects.filter(nom=fiche["organisation"], type=TypeOrganisation.STRUCTURE).first()
        if organisation is None:
            continue
        structure, _ = Structure.objects.update_or_create(
            organisation=organisation,
            defaults={"raison_sociale": organisation.nom, "commune": rennes, **fiche["champs"]},
        )
        structure.qpv.set(Qpv.objects.filter(code=fiche["qpv"]))
        structures[organisation.nom] = structure
        _rib_valide(structure, len(structures))
    documents = _coffre(structures["Les Ateliers du Blosne"]) if "Les Ateliers du Blosne" in structures else 0

    collectif, _ = Collectif.objects.update_or_create(
        nom=PTCE["nom"], defaults={"type": TypeCollectif.PTCE, "description": PTCE["description"], "commune": rennes}
    )
    membres = [("Les Ateliers du Blosne", RoleCollectif.ANIMATEUR), ("Ville de Rennes", RoleCollectif.MEMBRE)]
    for nom, role in membres:
        organisation = Organisation.objects.filter(nom=nom).first()
        if organisation is not None:
            MembreCollectif.objects.update_or_create(
                collectif=collectif, organisation=organisation, defaults={"role": role}
            )
    sortie(
        f"Annuaire de l'ESS : {len(structures)} fiches de structures, chacune avec un RIB validé, "
        f"1 collectif ({collectif.nom}), {documents} documents dans le coffre des Ateliers du Blosne."
    )
