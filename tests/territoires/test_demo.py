"""La démonstration charge de vrais territoires, sans ../shared/data, et relie les organisations."""

import pytest

from comptes import demo as demo_comptes
from comptes.models import Organisation
from territoires import demo
from territoires.models import Commune, Epci, Qpv

pytestmark = pytest.mark.django_db


def test_it_loads_real_territories_and_is_idempotent():
    messages = []
    demo.charger(sortie=messages.append)
    demo.charger(sortie=messages.append)

    assert messages[-1] == "Territoires : Régions 2, Départements 2, EPCI et EPT 2, Communes 9, QPV 21."
    assert set(Epci.objects.values_list("nom", flat=True)) == {"Rennes Métropole", "Toulouse Métropole"}
    assert Commune.objects.count() == 9
    assert Qpv.objects.exclude(perimetre=None).count() == 21


def test_the_demo_organisations_are_linked_to_their_territory():
    demo.charger(sortie=lambda message: None)
    demo_comptes.charger(sortie=lambda message: None)

    organisations = {o.nom: o for o in Organisation.objects.all()}
    assert organisations["Rennes Métropole"].epci_id == "243500139"
    assert organisations["Ville de Rennes"].commune_id == "35238"
    assert organisations["Ville de Saint-Jacques-de-la-Lande"].commune_id == "35281"
    assert organisations["Préfecture d'Ille-et-Vilaine"].departement_id == "35"
    assert organisations["Les Ateliers du Blosne"].commune_id is None
