import factory
from django.utils import timezone

from contrats.models import (
    Concertation,
    ContratDeVille,
    Contribution,
    Etape,
    Public,
    Section,
    StatutContrat,
    VersionSection,
)
from contrats.models.contrat import TypePorteur
from territoires.models import Commune, Departement, Epci, NatureEpci, Qpv, Region, Zone
from tests.factories import UtilisateurFactory


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "53"
    nom = "Bretagne"
    zone = Zone.METRO


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "35"
    nom = "Ille-et-Vilaine"
    region = factory.SubFactory(RegionFactory)
    zone = Zone.METRO


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ["siren"]

    siren = "243500139"
    nom = "Rennes Métropole"
    nature = NatureEpci.METRO


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    code = "35238"
    nom = "Rennes"
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(EpciFactory)


class QpvFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qpv
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"QN{n % 100000:05d}M")
    nom = factory.Sequence(lambda n: f"Quartier {n}")
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(EpciFactory)


class ContratFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContratDeVille
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"CN{n % 100000:05d}I")
    nom = "Rennes Métropole"
    type_porteur = TypePorteur.EPCI
    code_porteur = "243500139"
    epci = factory.SubFactory(EpciFactory)
    departement = factory.SubFactory(DepartementFactory)
    statut = StatutContrat.ELABORATION

    class Params:
        signe = factory.Trait(statut=StatutContrat.SIGNE)
        en_concertation = factory.Trait(statut=StatutContrat.CONCERTATION)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        skip_postgeneration_save = True

    contrat = factory.SubFactory(ContratFactory)
    etape = Etape.DIAGNOSTIC
    titre = factory.Sequence(lambda n: f"Section {n}")
    ordre = factory.Sequence(int)

    @factory.post_generation
    def texte_initial(obj, create, extracted, **kwargs):
        """`SectionFactory(texte_initial="<p>…</p>")` crée la version 1 avec ce texte."""
        if create and extracted:
            auteur = kwargs.get("auteur") or UtilisateurFactory()
            VersionSection.objects.create(section=obj, numero=1, texte=extracted, auteur=auteur, cree_le=timezone.now())
            obj.texte, obj.numero, obj.modifiee_le, obj.modifiee_par = extracted, 1, timezone.now(), auteur
            obj.save()


class ConcertationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concertation
        skip_postgeneration_save = True

    contrat = factory.SubFactory(ContratFactory, en_concertation=True)
    titre = "Concertation sur le projet de territoire"
    debut = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=1))
    fin = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=30))
    publics = factory.LazyFunction(lambda: [Public.SIGNATAIRES, Public.STRUCTURES, Public.HABITANTS])
    ouverte_par = factory.SubFactory(UtilisateurFactory)

    @factory.post_generation
    def sections(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.sections.set(extracted)


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    concertation = factory.SubFactory(ConcertationFactory)
    section = factory.SubFactory(SectionFactory, contrat=factory.SelfAttribute("..concertation.contrat"))
    auteur = factory.SubFactory(UtilisateurFactory)
    texte = factory.Sequence(lambda n: f"Contribution {n} : proposition pour le quartier.")
