"""Données de démonstration des comptes : organisations du territoire de Rennes Métropole et un compte par
rôle. Idempotent : une nouvelle exécution remet les comptes dans leur état de démonstration."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from comptes.models import Adhesion, Organisation, Role, TypeOrganisation, Utilisateur

MOT_DE_PASSE = "Coville-Demo-2026"
DOMAINE = "@demo.coville.fr"

ORGANISATIONS = [
    ("Rennes Métropole", TypeOrganisation.EPCI, "243500139"),
    ("Ville de Rennes", TypeOrganisation.COMMUNE, "35238"),
    ("Ville de Saint-Jacques-de-la-Lande", TypeOrganisation.COMMUNE, "35281"),
    ("Préfecture d'Ille-et-Vilaine", TypeOrganisation.ETAT, "35"),
    ("Les Ateliers du Blosne", TypeOrganisation.STRUCTURE, ""),
    ("Régie de quartier de Maurepas", TypeOrganisation.STRUCTURE, ""),
    ("Villejean Solidaire", TypeOrganisation.STRUCTURE, ""),
    ("Archipel Habitat", TypeOrganisation.BAILLEUR, ""),
    ("Conseil citoyen de Maurepas", TypeOrganisation.CONSEIL_CITOYEN, ""),
    ("Équipe Coville", TypeOrganisation.PLATEFORME, ""),
]


@dataclass(frozen=True)
class CompteDemo:
    email: str
    prenom: str
    nom: str
    role: str
    organisation: str


COMPTES = [
    CompteDemo("agent@demo.coville.fr", "Amélie", "Agent", Role.AGENT, "Rennes Métropole"),
    CompteDemo("agent.commune@demo.coville.fr", "Karim", "Bensalem", Role.AGENT, "Ville de Rennes"),
    CompteDemo("etat@demo.coville.fr", "Étienne", "Préfet-Délégué", Role.ETAT, "Préfecture d'Ille-et-Vilaine"),
    CompteDemo("elu@demo.coville.fr", "Élise", "Conseillère", Role.ELU, "Ville de Rennes"),
    CompteDemo("structure@demo.coville.fr", "Sonia", "Trésorière", Role.STRUCTURE, "Les Ateliers du Blosne"),
    CompteDemo("habitant@demo.coville.fr", "Hugo", "Habitant", Role.HABITANT, "Conseil citoyen de Maurepas"),
    CompteDemo("partenaire@demo.coville.fr", "Paul", "Bailleur", Role.PARTENAIRE, "Archipel Habitat"),
    CompteDemo("admin@demo.coville.fr", "Alice", "Admin", Role.ADMIN, "Équipe Coville"),
]


def hors_demo() -> tuple[int, int]:
    """Les comptes et les organisations de la base que la démonstration n'a pas créés : leur présence
    signale une base réelle, où des comptes au mot de passe public (dont un administrateur) n'ont rien à faire."""
    comptes = Utilisateur.objects.exclude(email__iendswith=DOMAINE).count()
    organisations = Organisation.objects.exclude(nom__in=[nom for nom, _, _ in ORGANISATIONS]).count()
    return comptes, organisations


def charger(sortie=print) -> None:
    organisations = {}
    for nom, type_, code in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            nom=nom, defaults={"type": type_, "code_territoire": code}
        )
        # Le référentiel de démonstration (territoires/demo.py) est chargé avant : Rennes Métropole, Rennes,
        # Saint-Jacques-de-la-Lande, l'Ille-et-Vilaine.
        organisation.lier_au_territoire()
        organisation.save(update_fields=["commune", "epci", "departement", "region"])
        organisations[nom] = organisation
    for compte in COMPTES:
        utilisateur, _ = Utilisateur.objects.update_or_create(
            email=compte.email,
            defaults={
                "prenom": compte.prenom,
                "nom": compte.nom,
                "is_staff": compte.role == Role.ADMIN,
                "is_superuser": compte.role == Role.ADMIN,
                "is_active": True,
            },
        )
        utilisateur.set_password(MOT_DE_PASSE)
        utilisateur.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=utilisateur, email=compte.email, defaults={"verified": True, "primary": True}
        )
        Adhesion.objects.update_or_create(
            utilisateur=utilisateur,
            organisation=organisations[compte.organisation],
            defaults={"role": compte.role},
        )
    sortie(f"Comptes : {len(COMPTES)} comptes de démonstration, {len(organisations)} organisations.")
