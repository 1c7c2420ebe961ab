"""Le référentiel national réel (../shared/data) : comptes attendus et seconde exécution sans changement."""

import pytest
from django.conf import settings

from territoires.imports.service import importer_dossier
from territoires.models import Commune, Departement, Epci, NatureEpci, Qpv, Region


@pytest.mark.donnees_nationales
@pytest.mark.django_db
def test_it_imports_the_national_reference():
    dossier = settings.DONNEES_PARTAGEES
    # Échoue (et ne saute pas) : sans ces fichiers, la CI ne vérifie plus l'import réel.
    assert (dossier / "decoupage-administratif" / "communes.json").is_file(), (
        f"Fichiers nationaux introuvables dans {dossier} (réglage DONNEES_PARTAGEES, variable COVILLE_DONNEES)."
    )

    bilan = importer_dossier(dossier)

    assert Region.objects.count() == 26
    assert Departement.objects.count() == 109
    assert Epci.objects.exclude(nature=NatureEpci.EPT).count() == 1255
    assert Epci.objects.filter(nature=NatureEpci.EPT).count() == 11
    assert Commune.objects.actuelles().count() == 34969
    # Communes déléguées ou associées dont le code a disparu : gardées, obsolètes, avec leur successeur.
    assert Commune.objects.filter(obsolete=True).count() == 1992
    assert not Commune.objects.filter(obsolete=True, remplacee_par=None).exists()
    assert Commune.objects.actuelles().filter(epci=None).count() == 98
    assert Commune.objects.exclude(ept=None).count() == 129
    # 1 584 QPV dans la liste, 1 609 contours ; 42 contours de l'ancienne géographie de Mayotte en plus.
    assert Qpv.objects.count() == 1626
    assert Qpv.objects.exclude(perimetre=None).count() == 1609
    assert Qpv.objects.exclude(population=None).count() == 1476
    assert bilan.comptes["Communes"].crees == 34969 + 1992

    assert Commune.objects.get(code="93059").remplacee_par_id == "93066"
    assert Commune.objects.get(code="2A004").nom == "Ajaccio"
    assert Commune.objects.get(code="01053").nom == "Bourg-en-Bresse"
    assert list(Qpv.objects.get(code="QN00201M").communes.order_by("code").values_list("code", flat=True)) == [
        "02571",
        "02691",
    ]
    assert Qpv.objects.get(code="QN07501M").porteurs_contrat == ["217500016"]

    second = importer_dossier(dossier)

    assert not second.a_change, second.lignes()
