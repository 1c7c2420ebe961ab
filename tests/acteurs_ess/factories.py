import factory

from acteurs_ess.choix import FormeJuridique
from acteurs_ess.models import Collectif, MembreCollectif, Structure
from comptes.models import TypeOrganisation
from tests.factories import OrganisationFactory


class StructureFactory(factory.django.DjangoModelFactory):
    """Une structure et son organisation (sans membre : c'est le cas d'une structure importée)."""

    class Meta:
        model = Structure
        skip_postgeneration_save = True

    raison_sociale = factory.Sequence(lambda n: f"Association numéro {n}")
    organisation = factory.SubFactory(
        OrganisationFactory, type=TypeOrganisation.STRUCTURE, nom=factory.SelfAttribute("..raison_sociale")
    )
    forme_juridique = FormeJuridique.ASSOCIATION


class CollectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collectif

    nom = factory.Sequence(lambda n: f"Collectif {n}")
    type = "ptce"


class MembreCollectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembreCollectif

    collectif = factory.SubFactory(CollectifFactory)
    organisation = factory.SubFactory(OrganisationFactory)
