import factory
from allauth.account.models import EmailAddress

from comptes.models import Adhesion, Organisation, Role, TypeOrganisation, Utilisateur

MOT_DE_PASSE = "Motdepasse-solide-2026"


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(MOT_DE_PASSE)

    @factory.post_generation
    def email_verifie(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    nom = factory.Sequence(lambda n: f"Organisation {n}")
    type = TypeOrganisation.STRUCTURE

    class Params:
        epci = factory.Trait(type=TypeOrganisation.EPCI, nom=factory.Sequence(lambda n: f"Métropole {n}"))
        commune = factory.Trait(type=TypeOrganisation.COMMUNE, nom=factory.Sequence(lambda n: f"Ville {n}"))
        etat = factory.Trait(type=TypeOrganisation.ETAT, nom=factory.Sequence(lambda n: f"Préfecture {n}"))
        bailleur = factory.Trait(type=TypeOrganisation.BAILLEUR)
        conseil_citoyen = factory.Trait(type=TypeOrganisation.CONSEIL_CITOYEN)
        plateforme = factory.Trait(type=TypeOrganisation.PLATEFORME)


class AdhesionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adhesion

    utilisateur = factory.SubFactory(UtilisateurFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.STRUCTURE
